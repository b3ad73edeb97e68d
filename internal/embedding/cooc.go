package embedding

import (
	"context"
	"math"
	"slices"
	"sync"
)

// ppmiParams shapes the word–context matrix.
type ppmiParams struct {
	window    int     // ±window tokens; 0 counts every pair in a document once
	contexts  int     // context columns: the most frequent terms
	smoothing float64 // context-distribution smoothing exponent (0.75)
	minPair   float32 // minimum co-occurrence count kept
	topK      int     // most PPMI entries kept per row (bounds memory)
	blockMem  int     // float32 counters per worker for a block of rows
}

// ppmiMatrix counts co-occurrences in c and returns the positive PMI matrix
// (vocab rows × contexts columns). Rows are counted a block at a time in a
// dense buffer, and only each row's top entries are kept, so memory stays
// bounded by the buffers plus rows·topK entries.
func ppmiMatrix(ctx context.Context, c *corpus, vocab int, p ppmiParams, workers int) (*csr, error) {
	cols := min(p.contexts, vocab)
	occ := newOccurrences(c, vocab, p.window == 0)
	colSum := make([]float64, cols)
	occ.columnSums(c, p.window, colSum)
	z := 0.0
	for _, s := range colSum {
		z += math.Pow(s, p.smoothing)
	}
	colW := make([]float64, cols) // log(Z / colSum^α)
	for j, s := range colSum {
		if s > 0 {
			colW[j] = math.Log(z) - p.smoothing*math.Log(s)
		}
	}

	blockRows := max(1, min(vocab, p.blockMem/cols))
	nBlocks := (vocab + blockRows - 1) / blockRows
	type rowsOut struct {
		ptr []int64
		col []uint32
		val []float32
	}
	outs := make([]rowsOut, nBlocks)
	next := make(chan int, nBlocks)
	for b := range nBlocks {
		next <- b
	}
	close(next)
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			counts := make([]float32, blockRows*cols)
			touched := make([][]uint32, blockRows)
			var cand []int
			for b := range next {
				if ctx.Err() != nil {
					return
				}
				lo, hi := b*blockRows, min((b+1)*blockRows, vocab)
				for i := range touched {
					touched[i] = touched[i][:0]
				}
				occ.count(c, lo, hi, cols, p.window, counts, touched)
				o := rowsOut{ptr: make([]int64, 0, hi-lo)}
				for r := range hi - lo {
					row := counts[r*cols : (r+1)*cols]
					rowSum := 0.0
					for _, j := range touched[r] {
						rowSum += float64(row[j])
					}
					cand = cand[:0]
					base := len(o.col)
					for _, j := range touched[r] {
						n := row[j]
						row[j] = 0
						if n < p.minPair || rowSum == 0 {
							continue
						}
						pmi := math.Log(float64(n)) - math.Log(rowSum) + colW[j]
						if pmi <= 0 {
							continue
						}
						o.col = append(o.col, j)
						o.val = append(o.val, float32(pmi))
						cand = append(cand, len(o.col)-1)
					}
					if len(cand) > p.topK {
						// Keep the topK largest, in column order.
						slices.SortFunc(cand, func(a, b int) int {
							if o.val[a] != o.val[b] {
								if o.val[a] > o.val[b] {
									return -1
								}
								return 1
							}
							return int(o.col[a]) - int(o.col[b])
						})
						keep := cand[:p.topK]
						slices.Sort(keep)
						for k, idx := range keep {
							o.col[base+k], o.val[base+k] = o.col[idx], o.val[idx]
						}
						o.col, o.val = o.col[:base+p.topK], o.val[:base+p.topK]
					}
					sortRow(o.col[base:], o.val[base:])
					o.ptr = append(o.ptr, int64(len(o.col)))
				}
				outs[b] = o
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m := &csr{rows: vocab, cols: cols, ptr: make([]int64, 1, vocab+1)}
	nnz := 0
	for _, o := range outs {
		nnz += len(o.col)
	}
	m.col = make([]uint32, 0, nnz)
	m.val = make([]float32, 0, nnz)
	for b := range outs {
		base := int64(len(m.col))
		for _, e := range outs[b].ptr {
			m.ptr = append(m.ptr, base+e)
		}
		m.col = append(m.col, outs[b].col...)
		m.val = append(m.val, outs[b].val...)
		outs[b] = rowsOut{}
	}
	return m, nil
}

// sortRow sorts a row's entries by column.
func sortRow(col []uint32, val []float32) {
	if slices.IsSorted(col) {
		return
	}
	idx := make([]int, len(col))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return int(col[a]) - int(col[b]) })
	c2 := make([]uint32, len(col))
	v2 := make([]float32, len(val))
	for k, i := range idx {
		c2[k], v2[k] = col[i], val[i]
	}
	copy(col, c2)
	copy(val, v2)
}

// occurrences is an inverted index of the corpus: for each term, the
// positions where it occurs (window counting) or the documents that contain
// it (document counting, with each document's distinct sorted terms).
type occurrences struct {
	ptr  []int64
	list []uint32 // positions or document numbers
	// document counting only:
	docOff  []int64
	docTerm []uint32
}

func newOccurrences(c *corpus, vocab int, byDoc bool) *occurrences {
	o := &occurrences{ptr: make([]int64, vocab+1)}
	if byDoc {
		o.docOff = make([]int64, 1, c.len()+1)
		var seen []uint32
		for d := range c.len() {
			seen = append(seen[:0], c.doc(d)...)
			slices.Sort(seen)
			seen = slices.Compact(seen)
			o.docTerm = append(o.docTerm, seen...)
			o.docOff = append(o.docOff, int64(len(o.docTerm)))
		}
		for _, t := range o.docTerm {
			o.ptr[t+1]++
		}
	} else {
		for _, t := range c.toks {
			o.ptr[t+1]++
		}
	}
	for i := range vocab {
		o.ptr[i+1] += o.ptr[i]
	}
	o.list = make([]uint32, o.ptr[vocab])
	fill := slices.Clone(o.ptr[:vocab])
	if byDoc {
		for d := range len(o.docOff) - 1 {
			for _, t := range o.docTerm[o.docOff[d]:o.docOff[d+1]] {
				o.list[fill[t]] = uint32(d)
				fill[t]++
			}
		}
	} else {
		for pos, t := range c.toks {
			o.list[fill[t]] = uint32(pos)
			fill[t]++
		}
	}
	return o
}

// windowWeight weighs a pair d tokens apart, as word2vec's shrinking window
// does on average.
func windowWeight(d, window int) float32 { return float32(window-d+1) / float32(window) }

// docBounds returns the document containing position pos.
func docBounds(c *corpus, pos int64) (lo, hi int64) {
	d, found := slices.BinarySearch(c.off, pos)
	if !found {
		d--
	}
	return c.off[d], c.off[d+1]
}

// columnSums adds to colSum each context column's total count.
func (o *occurrences) columnSums(c *corpus, window int, colSum []float64) {
	cols := len(colSum)
	if window == 0 {
		for t := range cols {
			for _, d := range o.list[o.ptr[t]:o.ptr[t+1]] {
				colSum[t] += float64(o.docOff[d+1] - o.docOff[d] - 1)
			}
		}
		return
	}
	for t := range cols {
		for _, pos := range o.list[o.ptr[t]:o.ptr[t+1]] {
			lo, hi := docBounds(c, int64(pos))
			for d := 1; d <= window; d++ {
				w := float64(windowWeight(d, window))
				if int64(pos)-int64(d) >= lo {
					colSum[t] += w
				}
				if int64(pos)+int64(d) < hi {
					colSum[t] += w
				}
			}
		}
	}
}

// count fills counts (rows lo..hi × cols) with co-occurrence counts and
// records each row's non-zero columns in touched.
func (o *occurrences) count(c *corpus, lo, hi, cols, window int, counts []float32, touched [][]uint32) {
	add := func(r int, j uint32, w float32) {
		i := r*cols + int(j)
		if counts[i] == 0 {
			touched[r] = append(touched[r], j)
		}
		counts[i] += w
	}
	for t := lo; t < hi; t++ {
		r := t - lo
		if window == 0 {
			for _, d := range o.list[o.ptr[t]:o.ptr[t+1]] {
				for _, j := range o.docTerm[o.docOff[d]:o.docOff[d+1]] {
					if int(j) >= cols {
						break // sorted: the rest are not contexts
					}
					if int(j) != t {
						add(r, j, 1)
					}
				}
			}
			continue
		}
		for _, pos := range o.list[o.ptr[t]:o.ptr[t+1]] {
			dlo, dhi := docBounds(c, int64(pos))
			for d := 1; d <= window; d++ {
				w := windowWeight(d, window)
				if p := int64(pos) - int64(d); p >= dlo {
					if j := c.toks[p]; int(j) < cols {
						add(r, j, w)
					}
				}
				if p := int64(pos) + int64(d); p < dhi {
					if j := c.toks[p]; int(j) < cols {
						add(r, j, w)
					}
				}
			}
		}
	}
}

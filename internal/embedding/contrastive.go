package embedding

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"slices"
)

// contrastiveParams tunes the word vectors so that two views of one paper
// (its title and its abstract, or a passage and the rest of the paper) embed
// close together and far from the other papers in the batch: the same job
// as answering a short description of a paper with that paper.
type contrastiveParams struct {
	epochs    float64 // passes over the sampled documents (0: no tuning)
	maxPairs  int     // caps epochs × documents, which bounds the time on large catalogues
	batch     int     // papers per step; the others are the negatives
	lr        float64 // Adagrad learning rate
	temp      float64 // softmax temperature on cosines
	titleProb float64 // chance that the query view is the title
	spanMin   int     // passage length range, in terms
	spanMax   int
	dropout   float64 // chance of dropping each query term
	noTitle   float64 // chance of dropping a passage term that is in the title
	hardBits  int     // batch papers that share this many random-hyperplane signs (0: random batches)
}

// view is a bag of terms of one paper.
type view []uint32

// tuneContrastive runs in-batch-negative contrastive training (InfoNCE,
// both directions) of w, the word vectors, with mean pooling by m's term
// weights, on pairs of views of the documents in c.
func tuneContrastive(ctx context.Context, m *Model, w *dense, c *corpus, p params) error {
	cp := p.contrastive
	dim := w.cols
	rng := rand.New(rand.NewPCG(p.Seed, 0xc0ffee))
	var docs []int // documents long enough for two views
	for d := range c.len() {
		if hasViews(len(c.doc(d)), int(c.title[d]), cp) {
			docs = append(docs, d)
		}
	}
	// In-batch negatives need a batch; tiny catalogues keep their
	// co-occurrence vectors.
	cp.batch = min(cp.batch, len(docs))
	if cp.batch < 16 {
		return nil
	}
	steps := int(min(cp.epochs*float64(len(docs)), float64(cp.maxPairs)) / float64(cp.batch))
	accum := make([]float32, len(w.d)) // Adagrad sums of squared gradients
	// A step touches a few thousand rows, so gradients live in per-worker
	// slabs of the touched rows only, not in a copy of the whole matrix
	// (300 MB at a million papers). slot[id] is id's row in its owner's
	// slab, -1 when untouched.
	slot := make([]int32, w.rows)
	for i := range slot {
		slot[i] = -1
	}
	var slabs [][]float32

	shuffle := func() []int {
		if cp.hardBits > 0 {
			return hardOrder(rng, m, w, c, docs, cp.hardBits, cp.batch, p.Workers)
		}
		order := slices.Clone(docs)
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		return order
	}
	order := shuffle()
	qs := make([]view, cp.batch)
	ds := make([]view, cp.batch)
	qe := newDense(cp.batch, dim) // normalised embeddings
	de := newDense(cp.batch, dim)
	qn := make([]float32, cp.batch) // norms before normalising
	dn := make([]float32, cp.batch)
	logits := make([]float64, cp.batch*cp.batch)
	gq := newDense(cp.batch, dim)
	gd := newDense(cp.batch, dim)
	next := 0
	for step := range steps {
		if step%16 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		for b := 0; b < cp.batch; {
			if next == len(order) {
				next = 0
				order = shuffle()
			}
			d := order[next]
			next++
			// Every document in docs has views, but dropout may empty one.
			q, doc := views(rng, c.doc(d), int(c.title[d]), cp, qs[b][:0], ds[b][:0])
			q, doc = appendPhrases(m.phrases, q), appendPhrases(m.phrases, doc)
			if len(q) > 0 && len(doc) > 0 {
				qs[b], ds[b] = q, doc
				b++
			}
		}
		// Forward.
		parallelRows(cp.batch, p.Workers, func(_, lo, hi int) {
			for i := lo; i < hi; i++ {
				qn[i] = pool(m, w, qs[i], qe.row(i))
				dn[i] = pool(m, w, ds[i], de.row(i))
			}
		})
		parallelRows(cp.batch, p.Workers, func(_, lo, hi int) {
			for i := lo; i < hi; i++ {
				for j := range cp.batch {
					logits[i*cp.batch+j] = float64(dot(qe.row(i), de.row(j))) / cp.temp
				}
			}
		})
		// dL/dlogits for the mean of both directions' cross-entropy.
		g := softmaxGrad(logits, cp.batch, cp.temp)
		parallelRows(cp.batch, p.Workers, func(_, lo, hi int) {
			for i := lo; i < hi; i++ {
				gqi, gdi := gq.row(i), gd.row(i)
				clear(gqi)
				clear(gdi)
				for j := range cp.batch {
					axpy(float32(g[i*cp.batch+j]), de.row(j), gqi)
					axpy(float32(g[j*cp.batch+i]), qe.row(j), gdi)
				}
				unnormGrad(gqi, qe.row(i), qn[i])
				unnormGrad(gdi, de.row(i), dn[i])
			}
		})
		// Scatter to the word vectors: each worker owns the rows ≡ its
		// number modulo the worker count, so no two write the same row.
		workers := max(1, p.Workers)
		rowLists := make([][]uint32, workers)
		if len(slabs) != workers {
			slabs = make([][]float32, workers)
		}
		parallelRows(workers, workers, func(wk, _, _ int) {
			own := func(id uint32) bool { return int(id)%workers == wk }
			for i := range cp.batch {
				for _, pair := range [2]struct {
					v view
					g []float32
				}{{qs[i], gq.row(i)}, {ds[i], gd.row(i)}} {
					for _, id := range pair.v {
						if !own(id) {
							continue
						}
						if slot[id] < 0 {
							slot[id] = int32(len(rowLists[wk]))
							rowLists[wk] = append(rowLists[wk], id)
							if need := len(rowLists[wk]) * dim; need > len(slabs[wk]) {
								slabs[wk] = append(slabs[wk], make([]float32, need-len(slabs[wk]))...)
							}
						}
						k := int(slot[id]) * dim
						axpy(m.weight[id], pair.g, slabs[wk][k:k+dim])
					}
				}
			}
			lr := float32(cp.lr)
			for j, id := range rowLists[wk] {
				off := int(id) * dim
				gr, ac, wr := slabs[wk][j*dim:(j+1)*dim], accum[off:off+dim], w.d[off:off+dim]
				for k, gv := range gr {
					ac[k] += gv * gv
					wr[k] -= lr * gv / float32(math.Sqrt(float64(ac[k]))+1e-8)
				}
				clear(gr)
				slot[id] = -1
			}
		})
	}
	return nil
}

// hardOrder orders the documents so that each batch holds papers on the
// same side of several random hyperplanes through their current embeddings:
// similar papers, which make harder negatives than random ones. Batches are
// then shuffled.
func hardOrder(rng *rand.Rand, m *Model, w *dense, c *corpus, docs []int, bits, batch, workers int) []int {
	dim := w.cols
	planes := newDense(bits, dim)
	for i := range planes.d {
		planes.d[i] = float32(rng.NormFloat64())
	}
	keys := make([]uint64, c.len())
	parallelRows(len(docs), workers, func(_, lo, hi int) {
		e := make([]float32, dim)
		var ids []uint32
		for _, d := range docs[lo:hi] {
			ids = appendPhrases(m.phrases, append(ids[:0], c.doc(d)...))
			pool(m, w, ids, e)
			var k uint64
			for b := range bits {
				if dot(planes.row(b), e) > 0 {
					k |= 1 << b
				}
			}
			keys[d] = k<<32 | uint64(rng32(uint64(d)^uint64(bits)))
		}
	})
	order := slices.Clone(docs)
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(keys[a], keys[b]) })
	nb := (len(order) + batch - 1) / batch
	perm := rng.Perm(nb)
	out := make([]int, 0, len(order))
	for _, b := range perm {
		out = append(out, order[b*batch:min((b+1)*batch, len(order))]...)
	}
	return out
}

// rng32 is a fixed hash used to break ties in random order.
func rng32(x uint64) uint32 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	return uint32(x)
}

// hasViews reports whether a document of n terms, the first nTitle from
// its title, is long enough for views to draw from.
func hasViews(n, nTitle int, cp contrastiveParams) bool {
	abstract := n - nTitle
	return (nTitle >= 3 && abstract >= 10 && cp.titleProb > 0) || abstract >= cp.spanMin+10
}

// views draws a query view and a document view of one paper: the title and
// the abstract, or a passage of the abstract and the rest of the paper. The
// passage loses the title's terms (with probability noTitle) so that it
// describes the paper without naming it, as a searcher who does not know
// the title would.
func views(rng *rand.Rand, doc []uint32, nTitle int, cp contrastiveParams, q, d view) (view, view) {
	abstract := doc[nTitle:]
	if nTitle >= 3 && len(abstract) >= 10 && (rng.Float64() < cp.titleProb || len(abstract) < cp.spanMin+10) {
		q = appendDropout(rng, q, doc[:nTitle], cp.dropout)
		d = append(d, abstract...)
		return q, d
	}
	n := cp.spanMin + rng.IntN(cp.spanMax-cp.spanMin+1)
	n = min(n, len(abstract)/2)
	start := rng.IntN(len(abstract) - n + 1)
	for _, id := range abstract[start : start+n] {
		if rng.Float64() < cp.dropout || (rng.Float64() < cp.noTitle && slices.Contains(doc[:nTitle], id)) {
			continue
		}
		q = append(q, id)
	}
	d = append(d, doc[:nTitle+start]...)
	d = append(d, abstract[start+n:]...)
	return q, d
}

func appendDropout(rng *rand.Rand, dst view, ids []uint32, p float64) view {
	for _, id := range ids {
		if rng.Float64() >= p {
			dst = append(dst, id)
		}
	}
	return dst
}

// pool writes the normalised weighted sum of v's word vectors into dst
// and returns the sum's norm.
func pool(m *Model, w *dense, v view, dst []float32) float32 {
	clear(dst)
	for _, id := range v {
		axpy(m.weight[id], w.row(int(id)), dst)
	}
	n := float32(math.Sqrt(float64(dot(dst, dst))))
	if n > 0 {
		for i := range dst {
			dst[i] /= n
		}
	}
	return n
}

// softmaxGrad returns dL/dlogits for L = the mean over the batch of the
// cross-entropy of each row's and each column's softmax with the diagonal
// as the target, already multiplied by 1/temp (the logits' scale).
func softmaxGrad(logits []float64, n int, temp float64) []float64 {
	g := make([]float64, n*n)
	scale := 1 / (2 * float64(n) * temp)
	for i := range n { // rows: query i → document i
		row := logits[i*n : (i+1)*n]
		mx := math.Inf(-1)
		for _, x := range row {
			mx = max(mx, x)
		}
		sum := 0.0
		for _, x := range row {
			sum += math.Exp(x - mx)
		}
		for j, x := range row {
			g[i*n+j] += math.Exp(x-mx) / sum * scale
		}
		g[i*n+i] -= scale
	}
	for j := range n { // columns: document j → query j
		mx := math.Inf(-1)
		for i := range n {
			mx = max(mx, logits[i*n+j])
		}
		sum := 0.0
		for i := range n {
			sum += math.Exp(logits[i*n+j] - mx)
		}
		for i := range n {
			g[i*n+j] += math.Exp(logits[i*n+j]-mx) / sum * scale
		}
		g[j*n+j] -= scale
	}
	return g
}

// unnormGrad turns the gradient with respect to a normalised vector u =
// s/|s| into the gradient with respect to s, in place.
func unnormGrad(g, u []float32, norm float32) {
	if norm == 0 {
		clear(g)
		return
	}
	d := dot(g, u)
	for i := range g {
		g[i] = (g[i] - d*u[i]) / norm
	}
}

package vector

import (
	"fmt"
	"math"
	"slices"
)

// scratch holds one query's buffers, pooled to keep searches from
// allocating in steady state.
type scratch struct {
	scores []float32     // centroid scores
	lists  topk[float32] // lists to probe, by centroid score
	order  []int32       // lists by decreasing centroid score
	qc     []int16       // widened query
	dots   []int32       // code scores of one list
	approx topk[int32]
	exact  topk[float32]
}

func (ix *Index) scratch() *scratch {
	if s, ok := ix.pool.Get().(*scratch); ok {
		return s
	}
	return new(scratch)
}

// Search returns up to k vectors most similar to q, best first, ties by
// lower id, with their cosine similarity. q need not be unit length; a zero
// q matches nothing. filter, if not nil, keeps only the ids it accepts: it
// is called with the index's read lock held, from the calling goroutine,
// and must not call back into the index. A filter that rejects many
// candidates makes Search scan more lists, and one that rejects most turns
// it into an exact scan of the ids it accepts.
func (ix *Index) Search(q []float32, k int, filter func(uint32) bool) ([]Hit, error) {
	return ix.SearchShare(q, k, 1, filter)
}

// SearchShare is Search scanning only share (in (0, 1]) of the lists that
// Search scans, at least one, for callers that need fewer than the
// calibrated recall: hybrid search scores its lexical candidates by their
// vectors anyway, and needs from this search only the papers that share
// no word with the query, which sit in the query's closest lists. A share
// outside (0, 1] counts as 1.
func (ix *Index) SearchShare(q []float32, k int, share float64, filter func(uint32) bool) ([]Hit, error) {
	u, ok, err := ix.unit(q)
	if err != nil {
		return nil, fmt.Errorf("vector: search: %w", err)
	}
	if !ok || k <= 0 {
		return nil, nil
	}
	probe := (*ivf).probe
	if share > 0 && share < 1 {
		probe = func(f *ivf, p Params) int {
			return max(1, int(math.Round(share*float64(f.probe(p)))))
		}
	}
	return ix.searchUnit(u, k, filter, probe), nil
}

// searchUnit searches from the unit vector u through the number of lists
// probe gives, or exactly while the lists are untrained or too small.
func (ix *Index) searchUnit(u []float32, k int, filter func(uint32) bool, probe func(*ivf, Params) int) []Hit {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	k = min(k, ix.st.n)
	if ix.ivf == nil || ix.st.n < ix.p.MinTrain {
		return ix.exact(u, k, filter)
	}
	s := ix.scratch()
	defer ix.pool.Put(s)
	return ix.searchIVF(ix.ivf, s, u, k, probe(ix.ivf, ix.p), filter)
}

// Exact returns the k vectors most similar to q by scanning them all; it is
// the reference that Search's recall is measured against.
func (ix *Index) Exact(q []float32, k int, filter func(uint32) bool) ([]Hit, error) {
	u, ok, err := ix.unit(q)
	if err != nil {
		return nil, fmt.Errorf("vector: exact search: %w", err)
	}
	if !ok || k <= 0 {
		return nil, nil
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.exact(u, min(k, ix.st.n), filter), nil
}

// exact scans every vector (or, with a filter, every accepted one).
func (ix *Index) exact(q []float32, k int, filter func(uint32) bool) []Hit {
	var t topk[float32]
	t.reset(k)
	if filter != nil {
		ix.st.each(func(id uint32, c *chunk, i int) {
			if filter(id) {
				t.push(dotHalf(q, c.row(i, ix.dim)), id)
			}
		})
		return hits(t.sorted())
	}
	scores := make([]float32, chunkSize)
	for ci, c := range ix.st.chunks {
		if c == nil {
			continue
		}
		dotRowsHalf(q, c.vecs, scores)
		base := uint32(ci) << chunkBits
		for i, s := range scores {
			if c.has(i) {
				t.push(s, base|uint32(i))
			}
		}
	}
	return hits(t.sorted())
}

func hits(cs []cand[float32]) []Hit {
	out := make([]Hit, len(cs))
	for i, c := range cs {
		out[i] = Hit{ID: c.id, Score: c.s}
	}
	return out
}

// rerankSize returns how many code-scored candidates are re-scored exactly.
func (ix *Index) rerankSize(k int) int {
	if ix.p.Rerank > 0 {
		return max(ix.p.Rerank, k)
	}
	return max(4*k, 64) // k is at most the number of vectors, so no overflow
}

// searchIVF scans the nprobe lists closest to q, keeps the best candidates
// by code score and re-scores them exactly.
//
// With a filter, the lists are scanned until as many accepted candidates
// have been seen as an unfiltered query would see, so a filter that passes
// one vector in five scans about five times the lists. When that would
// cost more than scanning the accepted ids exactly, it does that instead.
func (ix *Index) searchIVF(f *ivf, s *scratch, q []float32, k, nprobe int, filter func(uint32) bool) []Hit {
	s.scores = grow(s.scores, f.nlist)
	dotRows(q, f.centroids, s.scores)
	// Order only the lists needed; a filtered query that needs more sorts
	// them all, in the same order (score, then lower list number).
	s.lists.reset(nprobe)
	for j, sc := range s.scores {
		s.lists.push(sc, uint32(j))
	}
	s.order = s.order[:0]
	for _, c := range s.lists.sorted() {
		s.order = append(s.order, int32(c.id))
	}

	s.qc = grow(s.qc, f.stride)
	f.query(q, s.qc)
	s.approx.reset(ix.rerankSize(k))

	scanned, passed := 0, 0
	probed := 0
	if filter == nil && ix.scanSplit(f, s, nprobe) {
		probed = nprobe
	}
	for ; probed < nprobe; probed++ {
		sc, ps := ix.scanList(f, s, s.order[probed], filter)
		scanned += sc
		passed += ps
	}
	if filter != nil && passed < scanned {
		want := scanned // accepted candidates an unfiltered query would see
		s.order = s.order[:0]
		for j := range f.nlist {
			s.order = append(s.order, int32(j))
		}
		slices.SortFunc(s.order, byScore(s.scores))
		for probed < f.nlist && passed < want {
			rate := float64(passed) / float64(scanned)
			// Bytes still to read either way: codes of the lists still
			// needed, or one filter call (counted as a few bytes) per id
			// plus the accepted vectors.
			more := float64(f.stride) * float64(want-passed) / rate
			flat := 8*float64(ix.st.n) + rate*float64(ix.st.n)*float64(4*ix.dim)
			if passed == 0 || more > flat {
				return ix.exact(q, k, filter)
			}
			sc, ps := ix.scanList(f, s, s.order[probed], filter)
			scanned += sc
			passed += ps
			probed++
		}
	}

	s.exact.reset(k)
	for _, c := range s.approx.h {
		// While Build calibrates lists not yet installed, an id in them
		// may have been deleted since.
		if v, ok := ix.st.get(c.id); ok {
			s.exact.push(dotHalf(q, v), c.id)
		}
	}
	return hits(s.exact.sorted())
}

// splitScan is the number of codes from which an unfiltered query scans
// its lists on two goroutines: about 16 MB at 256 dimensions, a few
// milliseconds of one core, which only data with little cluster structure
// makes a query read. Filtered queries stay on one goroutine so that
// filters need not be safe for concurrent use.
const splitScan = 1 << 16

// scanSplit scans the first nprobe lists of s.order on two goroutines when
// they hold at least splitScan codes, and reports whether it did. The lists
// are dealt so that both sides get about as many codes; the second side's
// candidates then join s.approx, which keeps the same best candidates as a
// scan on one goroutine would, as candidates are ordered by score and id.
func (ix *Index) scanSplit(f *ivf, s *scratch, nprobe int) bool {
	total := 0
	for _, l := range s.order[:nprobe] {
		total += len(f.lists[l].ids)
	}
	if total < splitScan {
		return false
	}
	o := ix.scratch()
	defer ix.pool.Put(o)
	o.qc = append(o.qc[:0], s.qc...)
	o.approx.reset(s.approx.k)
	var mine, theirs []int32
	a, b := 0, 0
	for _, l := range s.order[:nprobe] {
		if a <= b {
			mine = append(mine, l)
			a += len(f.lists[l].ids)
		} else {
			theirs = append(theirs, l)
			b += len(f.lists[l].ids)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, l := range theirs {
			ix.scanList(f, o, l, nil)
		}
	}()
	for _, l := range mine {
		ix.scanList(f, s, l, nil)
	}
	<-done
	for _, c := range o.approx.h {
		s.approx.push(c.s, c.id)
	}
	return true
}

// byScore orders list numbers by decreasing score, then increasing number.
func byScore(scores []float32) func(a, b int32) int {
	return func(a, b int32) int {
		switch {
		case scores[a] > scores[b]:
			return -1
		case scores[a] < scores[b]:
			return 1
		}
		return int(a - b)
	}
}

// scanList scores list l's codes against the query and offers the accepted
// ids to s.approx; it returns how many ids it saw and how many the filter
// accepted.
func (ix *Index) scanList(f *ivf, s *scratch, l int32, filter func(uint32) bool) (scanned, passed int) {
	li := &f.lists[l]
	n := len(li.ids)
	if n == 0 {
		return 0, 0
	}
	s.dots = grow(s.dots, n)
	dots := s.dots[:n]
	dotCodes(s.qc, li.codes, dots)
	t := &s.approx
	for j, d := range dots {
		id := li.ids[j]
		if filter != nil {
			if !filter(id) {
				continue
			}
			passed++
		}
		if t.full() {
			m := t.min()
			if d < m.s || (d == m.s && id > m.id) {
				continue
			}
		}
		t.push(d, id)
	}
	if filter == nil {
		passed = n
	}
	return n, passed
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

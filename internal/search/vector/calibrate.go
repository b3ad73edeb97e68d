package vector

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
)

// calibrationQueries is how many of the index's own vectors calibrate the
// probe count: 200 queries give 2,000 neighbours, which puts a recall
// estimate near 0.97 within about ±0.01.
const calibrationQueries = 200

// calibrate sets f.nprobe to the fewest lists that reach the target
// recall@10 against exact search, using vectors of the index as queries
// (each excluding itself from its answers). A first guess comes from where
// the exact neighbours sit: a neighbour is found when its list is among the
// query's nprobe closest centroids. The guess is then checked through the
// real search path, codes and re-ranking included, and raised until met.
func (ix *Index) calibrate(ctx context.Context, f *ivf, assign []int32, rng *rand.Rand) error {
	const k = 10
	target := ix.p.TargetRecall
	self, qs := ix.pickQueries(rng, assign, calibrationQueries)
	if len(qs) == 0 || f.trainedN <= k+1 {
		f.nprobe, f.recall = f.nlist, 1
		return nil
	}
	truth, err := ix.truth(ctx, qs, self, assign, k)
	if err != nil {
		return err
	}

	var ranks []int
	scores := make([]float32, f.nlist)
	order := make([]int32, f.nlist)
	rankOf := make([]int, f.nlist)
	for qi, q := range qs {
		dotRows(q, f.centroids, scores)
		for j := range order {
			order[j] = int32(j)
		}
		slices.SortFunc(order, byScore(scores))
		for r, l := range order {
			rankOf[l] = r
		}
		for _, id := range truth[qi] {
			ranks = append(ranks, rankOf[assign[id]])
		}
	}
	slices.Sort(ranks)
	need := int(math.Ceil(target * float64(len(ranks))))
	nprobe := ranks[max(0, min(need, len(ranks))-1)] + 1

	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		f.nprobe = nprobe
		f.recall = ix.measure(f, qs, self, truth, k)
		if f.recall >= target || nprobe >= f.nlist {
			return nil
		}
		nprobe = min(f.nlist, max(nprobe+1, nprobe*5/4))
	}
}

// pickQueries returns up to m distinct ids that assign places in a list,
// chosen at random, with copies of their vectors.
func (ix *Index) pickQueries(rng *rand.Rand, assign []int32, m int) ([]uint32, [][]float32) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var ids []uint32
	var qs [][]float32
	seen := make(map[uint32]bool)
	for try := 0; try < 100*m && len(ids) < m && len(assign) > 0; try++ {
		id := uint32(rng.IntN(len(assign)))
		if seen[id] || assign[id] < 0 {
			continue
		}
		seen[id] = true
		if v, ok := ix.st.get(id); ok {
			ids = append(ids, id)
			qs = append(qs, appendHalf(nil, v))
		}
	}
	return ids, qs
}

// truth returns, for each query, its k exact nearest neighbours among the
// ids that assign places in a list, excluding the query's own id. All
// queries are scored against one chunk at a time, so the vectors are read
// from memory once.
func (ix *Index) truth(ctx context.Context, qs [][]float32, self []uint32, assign []int32, k int) ([][]uint32, error) {
	var parts [][]topk[float32]
	err := ix.eachChunkWith(ctx, len(assign), func() func(ci int, c *chunk) {
		tops := make([]topk[float32], len(qs))
		for i := range tops {
			tops[i].reset(k)
		}
		parts = append(parts, tops)
		scores := make([]float32, chunkSize)
		return func(ci int, c *chunk) {
			base := uint32(ci) << chunkBits
			for qi, q := range qs {
				dotRowsHalf(q, c.vecs, scores)
				for i, s := range scores {
					id := base | uint32(i)
					if c.has(i) && assign[id] >= 0 && id != self[qi] {
						tops[qi].push(s, id)
					}
				}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	out := make([][]uint32, len(qs))
	for qi := range qs {
		var t topk[float32]
		t.reset(k)
		for _, p := range parts {
			for _, c := range p[qi].h {
				t.push(c.s, c.id)
			}
		}
		for _, c := range t.sorted() {
			out[qi] = append(out[qi], c.id)
		}
	}
	return out, nil
}

// measure returns the recall@k of searches through f for the queries,
// against truth, leaving each query's own id out of its results.
func (ix *Index) measure(f *ivf, qs [][]float32, self []uint32, truth [][]uint32, k int) float64 {
	var found, total int
	s := new(scratch)
	for qi, q := range qs {
		ix.mu.RLock()
		hs := ix.searchIVF(f, s, q, k+1, f.nprobe, nil)
		ix.mu.RUnlock()
		got := make(map[uint32]bool, len(hs))
		n := 0
		for _, h := range hs {
			if h.ID != self[qi] && n < k {
				got[h.ID] = true
				n++
			}
		}
		for _, id := range truth[qi] {
			if got[id] {
				found++
			}
		}
		total += len(truth[qi])
	}
	if total == 0 {
		return 1
	}
	return float64(found) / float64(total)
}

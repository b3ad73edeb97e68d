package vector

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
)

// calibrationQueries is how many queries calibrate the probe count: 200
// queries give 2,000 neighbours, which puts a recall estimate near 0.97
// within about ±0.01.
const calibrationQueries = 200

// calibrate sets f.nprobe to the fewest lists that reach the target
// recall@10 against exact search. The queries are made from the index's
// own vectors (see calibrationSet). A first guess comes from where the
// exact neighbours sit: a neighbour is found when its list is among the
// query's nprobe closest centroids. The guess is then checked through the
// real search path, codes and re-ranking included, and raised until met.
func (ix *Index) calibrate(ctx context.Context, f *ivf, assign []int32, rng *rand.Rand) error {
	const k = 10
	target := ix.p.TargetRecall
	qs := ix.calibrationSet(rng, assign, calibrationQueries)
	if len(qs) == 0 || f.trainedN <= k+1 {
		f.nprobe, f.recall = f.nlist, 1
		return nil
	}
	truth, err := ix.truth(ctx, qs, assign, k)
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
		for _, id := range truth[qi].ids {
			ranks = append(ranks, rankOf[assign[id]])
		}
	}
	slices.Sort(ranks)
	need := int(math.Ceil(target * float64(len(ranks))))
	nprobe := ranks[max(0, min(need, len(ranks))-1)] + 1

	type step struct {
		nprobe int
		recall float64
	}
	var steps []step
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		f.nprobe = nprobe
		f.recall = ix.measure(f, qs, truth, k, nprobe, false)
		steps = append(steps, step{nprobe, f.recall})
		if f.recall >= target {
			return ix.calibrateOwn(ctx, f, assign, rng)
		}
		if nprobe >= f.nlist {
			break
		}
		nprobe = min(f.nlist, max(nprobe+1, nprobe*5/4))
	}
	// Even every list falls short: the codes, not the probing, limit
	// recall. Probing past where recall stops rising would only slow
	// every query, so keep the fewest lists that come within plateauSlack
	// of what all of them reach.
	for _, st := range steps {
		if st.recall >= f.recall-plateauSlack {
			f.nprobe, f.recall = st.nprobe, st.recall
			break
		}
	}
	return ix.calibrateOwn(ctx, f, assign, rng)
}

// calibrateOwn sets f.ownProbe, the fewest lists (at most nprobe) with
// which searches from the index's own vectors reach the recall that
// queries reach with nprobe. Those searches find similar papers, on every
// paper page: on a synthetic million-paper catalogue they need about half
// the lists (recall@7 0.977 at 341 of the 682 that queries need).
func (ix *Index) calibrateOwn(ctx context.Context, f *ivf, assign []int32, rng *rand.Rand) error {
	const k = 10
	_, qs := ix.pickQueries(rng, assign, calibrationQueries)
	if len(qs) == 0 {
		f.ownProbe = f.nprobe
		return nil
	}
	truth, err := ix.truth(ctx, qs, assign, k)
	if err != nil {
		return err
	}
	target := min(ix.p.TargetRecall, f.recall)
	for p := max(1, f.nprobe/8); ; p = min(f.nprobe, max(p+1, p*5/4)) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if p >= f.nprobe || ix.measure(f, qs, truth, k, p, true) >= target {
			f.ownProbe = p
			return nil
		}
	}
}

// plateauSlack is how far below the recall of probing every list a probe
// count may stay when the target cannot be reached.
const plateauSlack = 0.01

// calibrationSet returns up to m queries, each the normalised mean of two
// of the index's vectors chosen at random. A paper's own vector is a poor
// stand-in for a query: it sits in the thick of the catalogue, next to
// papers on its topic in its own list, so it needs fewer lists than a
// user's query or a title does (measured 0.02 less recall for those at
// the same probe count), and in a catalogue with many near-copies of a
// paper it has hundreds of neighbours within rounding of each other. A
// mix of two papers lies between topics, as queries do: on real abstracts
// its recall matches that of titles used as queries.
func (ix *Index) calibrationSet(rng *rand.Rand, assign []int32, m int) [][]float32 {
	_, vs := ix.pickQueries(rng, assign, 2*m)
	var qs [][]float32
	for i := 0; i+1 < len(vs); i += 2 {
		q := make([]float32, len(vs[i]))
		var norm float64
		for j := range q {
			q[j] = vs[i][j] + vs[i+1][j]
			norm += float64(q[j]) * float64(q[j])
		}
		if norm == 0 {
			continue // two opposite vectors
		}
		inv := float32(1 / math.Sqrt(norm))
		for j := range q {
			q[j] *= inv
		}
		qs = append(qs, q)
	}
	return qs
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

// neighbours are a query's exact nearest neighbours and the score of the
// last of them.
type neighbours struct {
	ids []uint32
	kth float32
}

// truth returns, for each query, its k exact nearest neighbours among the
// ids that assign places in a list. All queries are scored against one
// chunk at a time, so the vectors are read from memory once.
func (ix *Index) truth(ctx context.Context, qs [][]float32, assign []int32, k int) ([]neighbours, error) {
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
					if c.has(i) && assign[id] >= 0 {
						tops[qi].push(s, id)
					}
				}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	out := make([]neighbours, len(qs))
	for qi := range qs {
		var t topk[float32]
		t.reset(k)
		for _, p := range parts {
			for _, c := range p[qi].h {
				t.push(c.s, c.id)
			}
		}
		for _, c := range t.sorted() {
			out[qi].ids = append(out[qi].ids, c.id)
			out[qi].kth = c.s
		}
	}
	return out, nil
}

// measure returns the recall@k of searches through nprobe lists of f for
// the queries, against truth. A result counts as found when it scores within
// scoreTolerance of the k-th true neighbour or above: of papers whose
// scores differ by less than the int8 codes can tell apart (near-copies of
// one paper, common in a large catalogue), which ones exact search listed
// is a matter of rounding, and counting by id would call a search that
// returns their twins a miss.
//
// With byID, only the true neighbours themselves count. A paper's own
// vector sits where its neighbours' scores crowd within the codes'
// resolution of each other: on real abstracts, a search from one through
// 3 lists of 545 met the tolerance while finding only 0.74 of the true
// neighbours, so calibrateOwn counts by id.
func (ix *Index) measure(f *ivf, qs [][]float32, truth []neighbours, k, nprobe int, byID bool) float64 {
	var found, total int
	s := new(scratch)
	for qi, q := range qs {
		ix.mu.RLock()
		hs := ix.searchIVF(f, s, q, k, nprobe, nil)
		ix.mu.RUnlock()
		want := truth[qi]
		for _, h := range hs[:min(len(hs), len(want.ids))] {
			if byID && slices.Contains(want.ids, h.ID) || !byID && h.Score >= want.kth-scoreTolerance {
				found++
			}
		}
		total += len(want.ids)
	}
	if total == 0 {
		return 1
	}
	return float64(found) / float64(total)
}

// scoreTolerance is the resolution of scores from int8 codes: with 256
// dimensions, rounding each to one of 255 steps moves a cosine by about
// 1e-3.
const scoreTolerance = 1e-3

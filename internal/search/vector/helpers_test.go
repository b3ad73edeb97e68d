package vector

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

const qMax = queryMax

// randVec returns a random unit vector of length d.
func randVec(rng *rand.Rand, d int) []float32 {
	v := make([]float32, d)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	normalizeTest(v)
	return v
}

func normalizeTest(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	inv := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= inv
	}
}

// dataset is a set of vectors to index and queries kept out of the index.
type dataset struct {
	name    string
	dim     int
	vecs    [][]float32
	queries [][]float32
}

// topics generates vectors with the structure of text embeddings: topics of
// uneven popularity split into subtopics, a fifth of the documents mixing
// two subtopics, and a variance that decays over the dimensions (as in
// SVD-reduced embeddings) so random pairs are not orthogonal. A document
// shares about half its energy with its subtopic and a quarter with its
// topic, giving cosines near 0.5 within a subtopic and 0.25 within a topic.
func topics(seed uint64, n, nq, dim int) dataset {
	rng := rand.New(rand.NewPCG(seed, 7))
	sigma := make([]float64, dim)
	for i := range sigma {
		sigma[i] = math.Pow(float64(i+1), -0.25)
	}
	draw := func(scale float64) []float64 {
		v := make([]float64, dim)
		for i := range v {
			v[i] = rng.NormFloat64() * sigma[i] * scale
		}
		return v
	}
	norm := 0.0
	for _, s := range sigma {
		norm += s * s
	}
	unit := 1 / math.Sqrt(norm) // scale giving vectors of expected unit length
	nTopics := max(8, int(math.Sqrt(float64(n+nq))/5))
	const perTopic = 25
	type sub struct{ topic, own []float64 }
	subs := make([]sub, 0, nTopics*perTopic)
	cum := make([]float64, 0, nTopics*perTopic)
	total := 0.0
	for t := range nTopics {
		tc := draw(unit * 0.5)
		w := 1 / math.Sqrt(float64(t+1)) // uneven popularity
		for range perTopic {
			subs = append(subs, sub{tc, draw(unit * 0.5)})
			total += w
			cum = append(cum, total)
		}
	}
	pick := func() sub {
		x := rng.Float64() * total
		lo, hi := 0, len(cum)-1
		for lo < hi {
			m := (lo + hi) / 2
			if cum[m] < x {
				lo = m + 1
			} else {
				hi = m
			}
		}
		return subs[lo]
	}
	gen := func() []float32 {
		a := pick()
		noise := draw(unit * math.Sqrt(0.5))
		v := make([]float32, dim)
		if rng.IntN(5) == 0 {
			b := pick()
			for i := range v {
				v[i] = float32(0.5*(a.topic[i]+a.own[i]+b.topic[i]+b.own[i]) + noise[i])
			}
		} else {
			for i := range v {
				v[i] = float32(a.topic[i] + a.own[i] + noise[i])
			}
		}
		normalizeTest(v)
		return v
	}
	d := dataset{name: "topics", dim: dim}
	for range n {
		d.vecs = append(d.vecs, gen())
	}
	for range nq {
		d.queries = append(d.queries, gen())
	}
	return d
}

// blobs generates tight, well separated isotropic clusters: the easy case.
func blobs(seed uint64, n, nq, dim int) dataset {
	rng := rand.New(rand.NewPCG(seed, 8))
	centres := make([][]float32, max(8, n/1000))
	for i := range centres {
		centres[i] = randVec(rng, dim)
	}
	gen := func() []float32 {
		c := centres[rng.IntN(len(centres))]
		v := make([]float32, dim)
		s := 0.5 / math.Sqrt(float64(dim))
		for i := range v {
			v[i] = c[i] + float32(rng.NormFloat64()*s)
		}
		normalizeTest(v)
		return v
	}
	d := dataset{name: "blobs", dim: dim}
	for range n {
		d.vecs = append(d.vecs, gen())
	}
	for range nq {
		d.queries = append(d.queries, gen())
	}
	return d
}

// uniform generates random unit vectors: no structure at all, the worst
// case for any partitioning index.
func uniform(seed uint64, n, nq, dim int) dataset {
	rng := rand.New(rand.NewPCG(seed, 9))
	d := dataset{name: "uniform", dim: dim}
	for range n {
		d.vecs = append(d.vecs, randVec(rng, dim))
	}
	for range nq {
		d.queries = append(d.queries, randVec(rng, dim))
	}
	return d
}

// MustBuild returns a built index over d's vectors, with ids 0..n-1.
func MustBuild(tb testing.TB, d dataset, p Params) *Index {
	tb.Helper()
	ix, err := New(d.dim, p)
	if err != nil {
		tb.Fatal(err)
	}
	for i, v := range d.vecs {
		if err := ix.Add(uint32(i), v); err != nil {
			tb.Fatal(err)
		}
	}
	if err := ix.Build(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return ix
}

// recallAt returns the mean recall@k of Search against Exact over queries.
func recallAt(tb testing.TB, ix *Index, queries [][]float32, k int, filter func(uint32) bool) float64 {
	tb.Helper()
	return meanRecall(tb, len(queries), func(i int) (want, got []Hit, err error) {
		if want, err = ix.Exact(queries[i], k, filter); err != nil {
			return nil, nil, err
		}
		got, err = ix.Search(queries[i], k, filter)
		return want, got, err
	})
}

// meanRecall returns the share of the true hits found over n searches, each
// giving the exact answer (want) and the one under test (got).
func meanRecall(tb testing.TB, n int, search func(i int) (want, got []Hit, err error)) float64 {
	tb.Helper()
	found, total := 0, 0
	for i := range n {
		want, got, err := search(i)
		if err != nil {
			tb.Fatal(err)
		}
		in := make(map[uint32]bool)
		for _, h := range got {
			in[h.ID] = true
		}
		for _, h := range want {
			if in[h.ID] {
				found++
			}
		}
		total += len(want)
	}
	if total == 0 {
		return 1
	}
	return float64(found) / float64(total)
}

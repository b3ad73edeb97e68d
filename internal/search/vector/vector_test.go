package vector

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire"
)

func TestNewRejectsBadDimensions(t *testing.T) {
	for _, dim := range []int{-1, 0, MaxDim + 1} {
		if _, err := New(dim, Params{}); !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("New(%d) error = %v, want ErrInvalid", dim, err)
		}
	}
}

func TestAddRejectsBadVectors(t *testing.T) {
	ix := MustNew(t, 4, Params{})
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	for _, tc := range []struct {
		name string
		v    []float32
	}{
		{"short", []float32{1, 0, 0}},
		{"long", []float32{1, 0, 0, 0, 0}},
		{"nil", nil},
		{"NaN", []float32{nan, 0, 0, 0}},
		{"Inf", []float32{inf, 0, 0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := ix.Add(1, tc.v); !errors.Is(err, quire.ErrInvalid) {
				t.Errorf("Add(%v) error = %v, want ErrInvalid", tc.v, err)
			}
			if _, err := ix.Search(tc.v, 3, nil); !errors.Is(err, quire.ErrInvalid) {
				t.Errorf("Search(%v) error = %v, want ErrInvalid", tc.v, err)
			}
		})
	}
	if n := ix.Len(); n != 0 {
		t.Errorf("Len() = %d after rejected adds, want 0", n)
	}
}

// Small, hand-checkable cases of exact search, which is also what Search
// does before the lists are trained.
func TestSearchSmall(t *testing.T) {
	ix := MustNew(t, 3, Params{})
	for id, v := range map[uint32][]float32{
		1: {1, 0, 0},
		2: {0, 1, 0},
		3: {0, 0, 1},
		4: {2, 2, 0}, // stored at unit length
		5: {1, 0, 0}, // ties with 1
		6: {0, 0, 0}, // zero: not stored
	} {
		if err := ix.Add(id, v); err != nil {
			t.Fatal(err)
		}
	}
	s := float32(1 / math.Sqrt(2))
	even := func(id uint32) bool { return id%2 == 0 }
	for _, tc := range []struct {
		name   string
		q      []float32
		k      int
		filter func(uint32) bool
		want   []Hit
	}{
		{"ties by lower id", []float32{1, 0, 0}, 3, nil, []Hit{{1, 1}, {5, 1}, {4, s}}},
		{"query scaled to unit", []float32{0, 5, 0}, 2, nil, []Hit{{2, 1}, {4, s}}},
		{"k beyond size", []float32{0, 0, 1}, 10, nil, []Hit{{3, 1}, {1, 0}, {2, 0}, {4, 0}, {5, 0}}},
		{"filter", []float32{1, 0, 0}, 2, even, []Hit{{4, s}, {2, 0}}},
		{"filter rejects all", []float32{1, 0, 0}, 2, func(uint32) bool { return false }, []Hit{}},
		{"huge k", []float32{0, 0, 1}, math.MaxInt, nil, []Hit{{3, 1}, {1, 0}, {2, 0}, {4, 0}, {5, 0}}},
		{"k zero", []float32{1, 0, 0}, 0, nil, nil},
		{"negative k", []float32{1, 0, 0}, -1, nil, nil},
		{"zero query", []float32{0, 0, 0}, 3, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, search := range []struct {
				name string
				fn   func([]float32, int, func(uint32) bool) ([]Hit, error)
			}{{"Search", ix.Search}, {"Exact", ix.Exact}} {
				got, err := search.fn(tc.q, tc.k, tc.filter)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.want, got, cmp.Comparer(closeScore)); diff != "" {
					t.Errorf("%s(%v, %d) mismatch (-want +got):\n%s", search.name, tc.q, tc.k, diff)
				}
			}
		})
	}
	if n := ix.Len(); n != 5 {
		t.Errorf("Len() = %d, want 5", n)
	}
	if v, ok := ix.Vector(4, nil); !ok || !closeScore(v[0], s) || !closeScore(v[1], s) || v[2] != 0 {
		t.Errorf("Vector(4) = %v, %v; want unit length [%v %v 0]", v, ok, s, s)
	}
	if _, ok := ix.Vector(6, nil); ok {
		t.Errorf("Vector(6) found a zero vector, want it not stored")
	}
}

// closeScore compares scores to the precision of the stored vectors: half
// precision moves a unit vector's components by up to one part in 2,048.
func closeScore(a, b float32) bool { return math.Abs(float64(a-b)) < 1e-3 }

// Recall against exact search on synthetic data shaped like text
// embeddings, with queries that are not in the index.
func TestRecallTopics(t *testing.T) {
	skipUnderRace(t)
	d := topics(1, 60000, 200, 256)
	ix := MustBuild(t, d, Params{})
	st := ix.Stats()
	if !st.Trained || st.Lists < 100 {
		t.Fatalf("Stats() = %+v, want trained lists", st)
	}
	if r := recallAt(t, ix, d.queries, 10, nil); r < 0.95 {
		t.Errorf("recall@10 = %.3f, want >= 0.95 (stats %+v)", r, st)
	} else {
		t.Logf("recall@10 %.3f, recall@100 %.3f, probe %d of %d lists", r, recallAt(t, ix, d.queries, 100, nil), st.Probe, st.Lists)
	}
}

// Recall on vectors made from real abstracts, for both text models (see
// textModel), with held-out abstracts and titles alone as queries.
func TestRecallArxiv(t *testing.T) {
	skipUnderRace(t)
	for _, kind := range []string{"lsa", "rp"} {
		t.Run(kind, func(t *testing.T) {
			d, titles, _ := arxivData(t, kind, 80000, 300, 256)
			ix := MustBuild(t, d, Params{})
			st := ix.Stats()
			if !st.Trained {
				t.Fatalf("Stats() = %+v, want trained", st)
			}
			for _, qs := range []struct {
				name string
				q    [][]float32
			}{{"abstracts", d.queries}, {"titles", titles}} {
				r := recallAt(t, ix, qs.q, 10, nil)
				if r < 0.95 {
					t.Errorf("%s: recall@10 = %.3f, want >= 0.95 (stats %+v)", qs.name, r, st)
				}
				t.Logf("%s: recall@10 %.3f, probe %d of %d lists", qs.name, r, st.Probe, st.Lists)
			}
			// Similar papers: searches from the index's own vectors,
			// through fewer lists.
			var ids []uint32
			for id := uint32(0); id < uint32(len(d.vecs)); id += 263 {
				ids = append(ids, id)
			}
			r := ownRecallAt(t, ix, ids, 10)
			if r < 0.95 || st.OwnProbe < 1 || st.OwnProbe > st.Probe {
				t.Errorf("own vectors: recall@10 = %.3f with %d lists (queries: %d), want >= 0.95 with at most as many", r, st.OwnProbe, st.Probe)
			}
			t.Logf("own vectors: recall@10 %.3f, probe %d of %d lists", r, st.OwnProbe, st.Lists)
		})
	}
}

// ownRecallAt is the recall@k of Neighbours for ids against exact search.
func ownRecallAt(tb testing.TB, ix *Index, ids []uint32, k int) float64 {
	tb.Helper()
	return meanRecall(tb, len(ids), func(i int) (want, got []Hit, err error) {
		v, ok := ix.Vector(ids[i], nil)
		if !ok {
			return nil, nil, fmt.Errorf("no vector for %d", ids[i])
		}
		if want, err = ix.Exact(v, k, nil); err != nil {
			return nil, nil, err
		}
		got, err = ix.Neighbours(ids[i], k)
		return want, got, err
	})
}

// Filters of every selectivity keep recall against a filtered exact search,
// whether the filter is unrelated to the content (ids) or follows it
// (arXiv categories), and results only hold accepted ids.
func TestFilters(t *testing.T) {
	skipUnderRace(t)
	d, _, cats := arxivData(t, "lsa", 80000, 300, 256)
	ix := MustBuild(t, d, Params{})
	hash := func(id uint32) uint32 { return id * 2654435761 }
	hasCat := func(cat string) func(uint32) bool {
		return func(id uint32) bool {
			for _, c := range cats[id] {
				if c == cat {
					return true
				}
			}
			return false
		}
	}
	for _, tc := range []struct {
		name   string
		filter func(uint32) bool
	}{
		{"half", func(id uint32) bool { return hash(id)%2 == 0 }},
		{"one in 10", func(id uint32) bool { return hash(id)%10 == 0 }},
		{"one in 100", func(id uint32) bool { return hash(id)%100 == 0 }},
		{"one in 5000", func(id uint32) bool { return hash(id)%5000 == 0 }},
		{"cat:cs.CL", hasCat("cs.CL")},
		{"cat:cs.CR", hasCat("cs.CR")},
		{"cat:cs.DL", hasCat("cs.DL")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := recallAt(t, ix, d.queries, 10, tc.filter)
			if r < 0.95 {
				t.Errorf("recall@10 = %.3f, want >= 0.95", r)
			}
			accepted := 0
			for id := range uint32(len(d.vecs)) {
				if tc.filter(id) {
					accepted++
				}
			}
			t.Logf("filter accepts %d of %d: recall@10 %.3f", accepted, len(d.vecs), r)
			for _, q := range d.queries[:20] {
				hs, err := ix.Search(q, 10, tc.filter)
				if err != nil {
					t.Fatal(err)
				}
				for _, h := range hs {
					if !tc.filter(h.ID) {
						t.Fatalf("Search returned %d, which the filter rejects", h.ID)
					}
				}
			}
		})
	}
}

// Deleted and replaced vectors leave the lists at once; recall holds.
func TestDeleteAndReplace(t *testing.T) {
	d := topics(2, 15000, 100, 64)
	ix := MustBuild(t, d, Params{MinTrain: 5000})
	deleted := func(id uint32) bool { return id%3 == 0 }
	for id := range uint32(len(d.vecs)) {
		if deleted(id) {
			ix.Delete(id)
		}
	}
	ix.Delete(1 << 30) // never added: no effect
	MustCheck(t, ix)
	if got, want := ix.Len(), len(d.vecs)-(len(d.vecs)+2)/3; got != want {
		t.Errorf("Len() = %d after deletes, want %d", got, want)
	}
	for _, q := range d.queries {
		hs, err := ix.Search(q, 20, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hs {
			if deleted(h.ID) {
				t.Fatalf("Search returned deleted id %d", h.ID)
			}
		}
	}
	if r := recallAt(t, ix, d.queries, 10, nil); r < 0.95 {
		t.Errorf("recall@10 after deletes = %.3f, want >= 0.95", r)
	}

	// Replace id 1's vector with a query's: the query must find it first.
	q := d.queries[0]
	if err := ix.Add(1, q); err != nil {
		t.Fatal(err)
	}
	MustCheck(t, ix)
	hs, err := ix.Search(q, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 1 || hs[0].ID != 1 || !closeScore(hs[0].Score, 1) {
		t.Errorf("Search(new vector of 1) = %v, want [{1 1}]", hs)
	}
}

// Vectors added after training join the lists and are found; Build
// retrains once the index has doubled, and not before.
func TestAddAfterBuildAndRetrain(t *testing.T) {
	d := topics(3, 24000, 100, 64)
	ix := MustNew(t, 64, Params{MinTrain: 5000})
	for i, v := range d.vecs[:10000] {
		MustAdd(t, ix, uint32(i), v)
	}
	MustBuildIndex(t, ix)
	first := ix.Stats()
	if !first.Trained || first.TrainedOn != 10000 {
		t.Fatalf("Stats() = %+v, want trained on 10000", first)
	}
	for i := 10000; i < 18000; i++ {
		MustAdd(t, ix, uint32(i), d.vecs[i])
	}
	MustCheck(t, ix)
	if r := recallAt(t, ix, d.queries, 10, nil); r < 0.95 {
		t.Errorf("recall@10 with 8000 vectors added after training = %.3f, want >= 0.95", r)
	}
	MustBuildIndex(t, ix)
	if st := ix.Stats(); st.TrainedOn != first.TrainedOn {
		t.Errorf("Build at 18000 retrained (%+v), want no retraining below twice 10000", st)
	}
	for i := 18000; i < len(d.vecs); i++ {
		MustAdd(t, ix, uint32(i), d.vecs[i])
	}
	MustBuildIndex(t, ix)
	st := ix.Stats()
	if st.TrainedOn != len(d.vecs) || st.Lists <= first.Lists {
		t.Errorf("Stats() = %+v after doubling, want retrained on %d with more lists than %d", st, len(d.vecs), first.Lists)
	}
	MustCheck(t, ix)
	if r := recallAt(t, ix, d.queries, 10, nil); r < 0.95 {
		t.Errorf("recall@10 after retraining = %.3f, want >= 0.95", r)
	}
}

// Updates made while Build assigns vectors to the new lists are carried
// over into them.
func TestBuildKeepsConcurrentUpdates(t *testing.T) {
	d := topics(4, 12000, 50, 64)
	ix := MustNew(t, 64, Params{MinTrain: 5000})
	for i, v := range d.vecs[:10000] {
		MustAdd(t, ix, uint32(i), v)
	}
	ix.afterAssign = func() {
		for i := 10000; i < 12000; i++ { // new ids
			MustAdd(t, ix, uint32(i), d.vecs[i])
		}
		for i := uint32(0); i < 1000; i++ { // deleted ids
			ix.Delete(i)
		}
		for i := 1000; i < 2000; i++ { // replaced vectors
			MustAdd(t, ix, uint32(i), d.vecs[i+5000])
		}
		MustAdd(t, ix, 500, d.vecs[7]) // deleted, then added again
	}
	MustBuildIndex(t, ix)
	MustCheck(t, ix)
	if got := ix.Len(); got != 11001 {
		t.Errorf("Len() = %d, want 11001", got)
	}
	for _, id := range []uint32{10000, 11999, 1500, 500} {
		v, _ := ix.Vector(id, nil)
		hs, err := ix.Search(v, 1, func(got uint32) bool { return got == id })
		if err != nil {
			t.Fatal(err)
		}
		if len(hs) != 1 || !closeScore(hs[0].Score, 1) {
			t.Errorf("Search(vector of %d) = %v, want it found with score 1", id, hs)
		}
	}
	if r := recallAt(t, ix, d.queries, 10, nil); r < 0.95 {
		t.Errorf("recall@10 = %.3f, want >= 0.95", r)
	}
}

func TestBuildCancelled(t *testing.T) {
	d := topics(5, 6000, 0, 64)
	ix := MustNew(t, 64, Params{MinTrain: 5000})
	for i, v := range d.vecs {
		MustAdd(t, ix, uint32(i), v)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ix.Build(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Build(cancelled) = %v, want context.Canceled", err)
	}
	if st := ix.Stats(); st.Trained || st.Lists != 0 {
		t.Errorf("Stats() = %+v after a cancelled Build, want untrained", st)
	}
	MustAdd(t, ix, 99999, d.vecs[0]) // updates are not left waiting on a dirty log
	MustCheck(t, ix)
}

// A fixed seed gives the same lists, so the same results, every time.
func TestBuildDeterministic(t *testing.T) {
	d := topics(6, 12000, 20, 64)
	a := MustBuild(t, d, Params{Workers: 1, MinTrain: 5000})
	b := MustBuild(t, d, Params{Workers: 2, MinTrain: 5000})
	if diff := cmp.Diff(a.Stats(), b.Stats()); diff != "" {
		t.Errorf("Stats() differ between builds (-1 worker +2 workers):\n%s", diff)
	}
	for _, q := range d.queries {
		if diff := cmp.Diff(MustSearch(t, a, q, 10), MustSearch(t, b, q, 10)); diff != "" {
			t.Errorf("Search differs between builds (-1 worker +2 workers):\n%s", diff)
		}
	}
}

func MustNew(tb testing.TB, dim int, p Params) *Index {
	tb.Helper()
	ix, err := New(dim, p)
	if err != nil {
		tb.Fatal(err)
	}
	return ix
}

func MustAdd(tb testing.TB, ix *Index, id uint32, v []float32) {
	tb.Helper()
	if err := ix.Add(id, v); err != nil {
		tb.Fatal(err)
	}
}

func MustBuildIndex(tb testing.TB, ix *Index) {
	tb.Helper()
	if err := ix.Build(context.Background()); err != nil {
		tb.Fatal(err)
	}
}

func MustSearch(tb testing.TB, ix *Index, q []float32, k int) []Hit {
	tb.Helper()
	hs, err := ix.Search(q, k, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return hs
}

// MustCheck verifies the index's internal bookkeeping: every stored id sits
// in exactly the list and position its chunk records, with the codes of its
// vector, and the lists hold nothing else.
func MustCheck(tb testing.TB, ix *Index) {
	tb.Helper()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	f := ix.ivf
	n := 0
	ix.st.each(func(id uint32, c *chunk, i int) {
		n++
		if f == nil {
			if c.list[i] != -1 {
				tb.Fatalf("id %d is in list %d of an untrained index", id, c.list[i])
			}
			return
		}
		l, p := c.list[i], c.pos[i]
		if l < 0 || int(l) >= f.nlist || p < 0 || int(p) >= len(f.lists[l].ids) || f.lists[l].ids[p] != id {
			tb.Fatalf("id %d: chunk says list %d position %d, which does not hold it", id, l, p)
		}
		want := make([]int8, f.stride)
		f.encode(appendHalf(nil, c.row(i, ix.dim)), want)
		got := f.lists[l].codes[int(p)*f.stride : int(p+1)*f.stride]
		if diff := cmp.Diff(want, got); diff != "" {
			tb.Fatalf("id %d: codes are not those of its vector (-want +got):\n%s", id, diff)
		}
	})
	if n != ix.st.n {
		tb.Fatalf("store counts %d ids, holds %d", ix.st.n, n)
	}
	if f != nil {
		total := 0
		for _, l := range f.lists {
			total += len(l.ids)
			if len(l.codes) != len(l.ids)*f.stride {
				tb.Fatalf("list has %d ids and %d codes", len(l.ids), len(l.codes))
			}
		}
		if total != n {
			tb.Fatalf("lists hold %d ids, store %d", total, n)
		}
	}
}

func TestEmptyIndex(t *testing.T) {
	ix := MustNew(t, 8, Params{})
	q := []float32{1, 0, 0, 0, 0, 0, 0, 0}
	if hs := MustSearch(t, ix, q, 10); len(hs) != 0 {
		t.Errorf("Search on an empty index = %v, want none", hs)
	}
	MustBuildIndex(t, ix)
	if st := ix.Stats(); st.Trained || st.Vectors != 0 {
		t.Errorf("Stats() = %+v, want empty and untrained", st)
	}
}

// Queries that scan many codes split the scan over two goroutines; the
// results must be those of a scan on one (a filter keeps it on one).
func TestSplitScanMatchesSingle(t *testing.T) {
	d := uniform(10, 90000, 30, 16)
	ix := MustBuild(t, d, Params{MinTrain: 5000, Probe: 1 << 20})
	all := func(uint32) bool { return true }
	for _, q := range d.queries {
		split := MustSearch(t, ix, q, 50)
		single, err := ix.Search(q, 50, all)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(single, split); diff != "" {
			t.Fatalf("split scan mismatch (-single +split):\n%s", diff)
		}
	}
}

func skipUnderRace(t *testing.T) {
	if raceEnabled {
		t.Skip("large recall test: run without -race")
	}
}

// A catalogue full of near-copies (each paper a hundred times over, its
// copies differing far below the codes' resolution, as in a snapshot
// generated from a small sample) must not make Build probe every list:
// recall by id is out of reach there whatever is probed, and queries
// between topics are still answered as well as exact search, by score.
func TestCalibrateNearCopies(t *testing.T) {
	skipUnderRace(t)
	base := topics(3, 400, 200, 128)
	rng := rand.New(rand.NewPCG(3, 9))
	d := dataset{name: "near copies", dim: base.dim, queries: base.queries}
	for range 100 {
		for _, v := range base.vecs {
			c := slices.Clone(v)
			for i := range c {
				c[i] += float32(rng.NormFloat64() * 1e-5)
			}
			normalizeTest(c)
			d.vecs = append(d.vecs, c)
		}
	}
	ix := MustBuild(t, d, Params{})
	st := ix.Stats()
	if !st.Trained || st.Probe > st.Lists/4 {
		t.Fatalf("Stats() = %+v: probes more than a quarter of the lists", st)
	}
	// Recall by score: a result as good as the 10th exact neighbour, up
	// to the codes' resolution, counts.
	found, total := 0, 0
	for _, q := range d.queries {
		want, err := ix.Exact(q, 10, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ix.Search(q, 10, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range got {
			if h.Score >= want[len(want)-1].Score-scoreTolerance {
				found++
			}
		}
		total += len(want)
	}
	if r := float64(found) / float64(total); r < 0.95 {
		t.Errorf("recall@10 by score = %.3f, want >= 0.95 (stats %+v)", r, st)
	} else {
		t.Logf("recall@10 by score %.3f, probe %d of %d lists", r, st.Probe, st.Lists)
	}
}

// SearchShare scans the given share of the calibrated lists: all of them
// answer as Search does, and the smallest share scans only the query's
// closest list, finding fewer of the exact neighbours.
func TestSearchShare(t *testing.T) {
	skipUnderRace(t)
	d := topics(3, 30000, 50, 64)
	ix := MustBuild(t, d, Params{MinTrain: 5000})
	st := ix.Stats()
	if !st.Trained || st.Probe < 2 {
		t.Fatalf("Stats() = %+v, want trained lists probed two or more at a time", st)
	}
	for qi, q := range d.queries {
		want, err := ix.Search(q, 10, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, share := range []float64{1, 0, 1.5} {
			got, err := ix.SearchShare(q, 10, share, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("query %d: SearchShare(share %v) differs from Search (-want +got):\n%s", qi, share, diff)
			}
		}
		one, err := ix.SearchShare(q, 10, 1e-9, nil)
		if err != nil {
			t.Fatal(err)
		}
		u, _, _ := ix.unit(q)
		closest := ix.ivf.nearest(u)
		for _, h := range one {
			c, i := ix.st.locate(h.ID)
			if c.list[i] != closest {
				t.Fatalf("query %d: SearchShare(1e-9) found %d in list %d, want only the closest list %d", qi, h.ID, c.list[i], closest)
			}
		}
	}
	full := recallAt(t, ix, d.queries, 10, nil)
	narrow := meanRecall(t, len(d.queries), func(i int) (want, got []Hit, err error) {
		if want, err = ix.Exact(d.queries[i], 10, nil); err != nil {
			return nil, nil, err
		}
		got, err = ix.SearchShare(d.queries[i], 10, 1e-9, nil)
		return want, got, err
	})
	if narrow >= full {
		t.Errorf("recall@10 through one list %.3f, through %d lists %.3f: want fewer lists to find less", narrow, st.Probe, full)
	}
	t.Logf("recall@10 %.3f through %d lists, %.3f through one", full, st.Probe, narrow)
}

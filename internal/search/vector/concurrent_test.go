package vector

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
)

// Searches, updates and builds run together; run with -race. The index's
// bookkeeping must be intact afterwards and searches must have seen only
// valid results.
func TestConcurrentUpdatesAndSearches(t *testing.T) {
	d := topics(9, 8000, 50, 32)
	ix := MustNew(t, 32, Params{MinTrain: 1000})
	for i, v := range d.vecs[:1500] {
		MustAdd(t, ix, uint32(i), v)
	}
	MustBuildIndex(t, ix)

	var wg, writers sync.WaitGroup
	for w := range 2 {
		writers.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for range 3000 {
				id := uint32(rng.IntN(len(d.vecs)))
				if rng.IntN(4) == 0 {
					ix.Delete(id)
				} else if err := ix.Add(id, d.vecs[id]); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for w := range 2 {
		wg.Go(func() {
			odd := func(id uint32) bool { return id%2 == 1 }
			for i := range 300 {
				q := d.queries[i%len(d.queries)]
				var filter func(uint32) bool
				if w == 1 {
					filter = odd
				}
				hs, err := ix.Search(q, 10, filter)
				if err != nil {
					t.Error(err)
					return
				}
				for j, h := range hs {
					if filter != nil && !filter(h.ID) || j > 0 && better(cand[float32]{h.Score, h.ID}, cand[float32]{hs[j-1].Score, hs[j-1].ID}) {
						t.Errorf("Search returned %v: not filtered or not in order", hs)
						return
					}
				}
			}
		})
	}
	done := make(chan struct{})
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			if err := ix.Build(context.Background()); err != nil {
				t.Error(err)
			}
		}
	})
	writers.Wait()
	close(done)
	wg.Wait()
	MustCheck(t, ix)
	// How many builds overlapped the updates depends on the scheduler, so
	// the check that a build sees the vectors added meanwhile runs once
	// more after them.
	MustBuildIndex(t, ix)
	MustCheck(t, ix)
	if st := ix.Stats(); st.TrainedOn <= 1500 {
		t.Errorf("Stats() = %+v, want the index retrained on the vectors added by the updates", st)
	}
}

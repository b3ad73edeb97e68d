package foryou

import (
	"runtime"
	"sync"
)

// minChunk is the fewest candidates one goroutine scores: below it, the
// goroutine costs more than it saves.
const minChunk = 8192

// scoreAll returns the model's score of every candidate (0 for one without
// a vector of the model's dimension). A large catalogue is split among
// GOMAXPROCS goroutines: scoring reads every vector once, and at 100,000
// papers of 256 dimensions that is 100 MB, more than one core streams
// within a request's budget.
func (m *Model) scoreAll(cands []Candidate) []float32 {
	out := make([]float32, len(cands))
	score := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if v := cands[i].Vec; len(v) == len(m.W) {
				out[i] = m.Score(v)
			}
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(cands)/minChunk)
	if workers <= 1 {
		score(0, len(cands))
		return out
	}
	var wg sync.WaitGroup
	step := (len(cands) + workers - 1) / workers
	for lo := 0; lo < len(cands); lo += step {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			score(lo, hi)
		}(lo, min(lo+step, len(cands)))
	}
	wg.Wait()
	return out
}

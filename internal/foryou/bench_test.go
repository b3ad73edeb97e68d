package foryou

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"quire"
)

// BenchmarkRank ranks a catalogue of n papers for a member with 200
// signals (150 upvotes, 30 opened pages, 20 refusals), training the model
// on the way and keeping the best 50, as a request does. Vectors are 256-dimensional like the
// built-in embedding model's. Beside the wall time, cpu-ms/op is the
// process's CPU time per ranking (both cores' when the scoring splits),
// which a busy machine does not inflate.
func BenchmarkRank(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("catalogue=%d", n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			vecs := randomUnit(rng, n, 256)
			cands := make([]Candidate, n)
			for i := range cands {
				cands[i] = Candidate{PaperID: fmt.Sprintf("p%06d", i), Vec: vecs[i], Upvotes: rng.IntN(100)}
			}
			prof := Profile{Vectors: map[string][]float32{}}
			for i := range 200 {
				kind := quire.SignalUpvote
				switch {
				case i >= 180:
					kind = quire.SignalNotInterested
				case i >= 150:
					kind = quire.SignalOpened
				}
				id := cands[i*(n/200)].PaperID
				prof.Signals = append(prof.Signals, quire.Signal{PaperID: id, Kind: kind, At: day0.Add(-time.Duration(i) * time.Hour)})
				prof.Vectors[id] = cands[i*(n/200)].Vec
			}
			b.ResetTimer()
			cpu := processCPU()
			for b.Loop() {
				if _, _, err := Rank(prof, cands, Params{Now: day0, Limit: 50}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(processCPU()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}

package embedding

import (
	"context"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestTrainScale trains on a catalogue of QUIRE_EMBED_SCALE papers made
// from the real records (each copy drops a different tenth of the words),
// and reports time, memory and embedding speed. It is a measurement, run
// by hand: QUIRE_EMBED_SCALE=1000000 go test -run TestTrainScale -v
func TestTrainScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("QUIRE_EMBED_SCALE"))
	if n <= 0 {
		t.Skip("set QUIRE_EMBED_SCALE to the number of papers to run")
	}
	if _, err := os.Stat(hfPapers); err != nil {
		t.Skipf("real data not available: %v", err)
	}
	base := loadCatalogue(t, hfPapers, arxivListings).texts
	docs := func(yield func(string) bool) {
		var b strings.Builder
		for i := range n {
			text := base[i%len(base)]
			if copyNo := i / len(base); copyNo > 0 {
				b.Reset()
				for j, w := range strings.Fields(text) {
					if rng32(uint64(i)<<20|uint64(j))%10 != 0 {
						b.WriteString(w)
						b.WriteByte(' ')
					}
				}
				text = b.String()
			}
			if !yield(text) {
				return
			}
		}
	}
	opts := TrainOptions{Seed: 1, Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))}
	runtime.GC()
	peak := watchHeap()
	start, cpu := time.Now(), cpuTime()
	m, err := Train(context.Background(), docs, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d papers: trained in %v (CPU %v), peak heap growth %d MB, %d terms",
		n, time.Since(start).Round(time.Second), (cpuTime() - cpu).Round(time.Second), peak()>>20, m.Terms())
	sample := base[:min(len(base), 20000)]
	cpu = cpuTime()
	embedAll(t, m, sample)
	t.Logf("embedding: %.1f µs CPU per paper", float64((cpuTime()-cpu).Microseconds())/float64(len(sample)))
}

package lexical

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"quire/internal/search/analyze"
)

// The benchmarks run on the real arXiv listings (74,728 papers) and, with
// QUIRE_BENCH_1M=1, on a synthetic million-paper corpus remixed from them.
//
//	go test ./internal/search/lexical -run '^$' -bench . -benchtime 1x
//	QUIRE_BENCH_1M=1 go test ./internal/search/lexical -run '^$' -bench 1M -benchtime 1x -timeout 30m

var listings struct {
	once sync.Once
	docs []Doc
	ix   *Index
	an   *analyze.Analyzer
}

// benchIndex returns the listings and an index of them, built once.
func benchIndex(b *testing.B) ([]Doc, *Index, *analyze.Analyzer) {
	b.Helper()
	listings.once.Do(func() {
		listings.docs = MustListings(b, 0)
		listings.an = analyze.New()
		listings.ix = build(listings.an, listings.docs, 2)
		listings.ix.Compact()
	})
	if listings.ix == nil {
		b.Skip("no listings")
	}
	return listings.docs, listings.ix, listings.an
}

// build indexes docs under ids 0..n-1 from workers goroutines.
func build(an *analyze.Analyzer, docs []Doc, workers int) *Index {
	ix := New(an, Params{})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(docs); i += workers {
				ix.Add(uint32(i), docs[i])
			}
		}()
	}
	wg.Wait()
	return ix
}

// BenchmarkBuild measures indexing the listings (analysis included), on
// one goroutine and on two, then a compaction.
func BenchmarkBuild(b *testing.B) {
	docs := MustListings(b, 0)
	an := analyze.New()
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			for b.Loop() {
				start := time.Now()
				ix := build(an, docs, workers)
				ix.Flush()
				added := time.Since(start)
				ix.Compact()
				b.ReportMetric(float64(len(docs))/added.Seconds(), "docs/s")
				b.ReportMetric(time.Since(start).Seconds(), "s-with-compact")
				b.ReportMetric(float64(ix.MemoryBytes())/1e6, "MB")
			}
		})
	}
}

// BenchmarkAddOne measures adding one paper to the built listings index,
// the background compaction and merging included (amortised).
func BenchmarkAddOne(b *testing.B) {
	docs, _, an := benchIndex(b)
	ix := build(an, docs, 2)
	ix.Compact()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		ix.Add(uint32(len(docs)+i), docs[i%len(docs)])
		i++
	}
	ix.Flush()
}

// querySets are the request mixes latency is reported for.
func querySets(an *analyze.Analyzer, docs []Doc) map[string][]Request {
	g := newQueryGen(an, docs, 42)
	sets := map[string][]Request{}
	for _, q := range []string{
		"model learning data", "large language models", "deep neural network training",
		"learning based method", "data model performance results", "image generation diffusion model",
		"reinforcement learning agents", "efficient inference", "vision language model benchmark",
		"graph neural networks",
	} {
		sets["common"] = append(sets["common"], Request{Should: analysed(an, q), K: 20})
	}
	for i := range 300 {
		sets["random"] = append(sets["random"], Request{Should: g.terms(1 + i%4), K: 20})
	}
	// Summary-like queries: the first sentence of an abstract, at most 30
	// words, as the development sets query with one-sentence summaries.
	rng := rand.New(rand.NewPCG(5, 5))
	for len(sets["sentence"]) < 200 {
		d := docs[rng.IntN(len(docs))]
		s, _, _ := strings.Cut(d.Abstract, ". ")
		words := strings.Fields(s)
		if q := analysed(an, strings.Join(words[:min(len(words), 30)], " ")); len(q) >= 6 {
			sets["sentence"] = append(sets["sentence"], Request{Should: q, K: 20})
		}
	}
	for range 100 {
		ph := g.phrase(2 + rng.IntN(2))
		sets["phrase"] = append(sets["phrase"], Request{Should: nonEmpty(ph), Must: [][]string{ph}, K: 20})
	}
	for len(sets["author"]) < 100 {
		d := docs[rng.IntN(len(docs))]
		if len(d.Authors) == 0 {
			continue
		}
		w := NameWords(d.Authors[0])
		if len(w) == 0 {
			continue
		}
		sets["author"] = append(sets["author"], Request{Should: g.terms(2), Authors: [][]string{w[len(w)-1:]}, K: 20})
	}
	for range 100 {
		sets["exclude"] = append(sets["exclude"], Request{Should: g.terms(3), MustNot: [][]string{g.terms(1)}, K: 20})
	}
	return sets
}

// latency runs every request of reqs, round after round until at least
// min samples, and returns the 50th and 99th percentiles of wall time and
// of the thread's CPU time.
func latency(ix *Index, reqs []Request, min int) (p50, p99, c50, c99 time.Duration) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for _, r := range reqs { // warm up
		ix.Search(r)
	}
	var ds, cs []time.Duration
	for len(ds) < min {
		for _, r := range reqs {
			start, cpu := time.Now(), threadCPU()
			ix.Search(r)
			cs = append(cs, threadCPU()-cpu)
			ds = append(ds, time.Since(start))
		}
	}
	slices.Sort(ds)
	slices.Sort(cs)
	return ds[len(ds)/2], ds[len(ds)*99/100], cs[len(cs)/2], cs[len(cs)*99/100]
}

func reportLatency(b *testing.B, ix *Index, sets map[string][]Request) {
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range sets {
			if !yield(k) {
				return
			}
		}
	})
	fmt.Fprintf(os.Stderr, "\n%-10s %9s %9s %9s %9s  (%d documents, %d segments)\n",
		"queries", "p50", "p99", "cpu p50", "cpu p99", ix.Len(), len(ix.segs)+1)
	for _, name := range names {
		p50, p99, c50, c99 := latency(ix, sets[name], 1000)
		r := func(d time.Duration) time.Duration { return d.Round(time.Microsecond) }
		fmt.Fprintf(os.Stderr, "%-10s %9s %9s %9s %9s\n", name, r(p50), r(p99), r(c50), r(c99))
		b.ReportMetric(float64(p50.Microseconds()), name+"-p50-µs")
		b.ReportMetric(float64(p99.Microseconds()), name+"-p99-µs")
	}
}

// BenchmarkSearch reports query latency on the listings index.
func BenchmarkSearch(b *testing.B) {
	docs, ix, an := benchIndex(b)
	sets := querySets(an, docs)
	for b.Loop() {
		reportLatency(b, ix, sets)
	}
}

// BenchmarkSearchQuery measures single requests with the usual b.N loop.
func BenchmarkSearchQuery(b *testing.B) {
	_, ix, an := benchIndex(b)
	for _, q := range []string{"model learning data", "large language models", "zebrafish", "quantum error correction codes"} {
		r := Request{Should: analysed(an, q), K: 20}
		b.Run(strings.ReplaceAll(q, " ", "_"), func(b *testing.B) {
			for b.Loop() {
				ix.Search(r)
			}
		})
	}
}

// BenchmarkSnapshot measures writing and loading the listings index.
func BenchmarkSnapshot(b *testing.B) {
	_, ix, an := benchIndex(b)
	for b.Loop() {
		var buf bytes.Buffer
		start := time.Now()
		if _, err := ix.WriteTo(&buf); err != nil {
			b.Fatal(err)
		}
		wrote := time.Since(start)
		start = time.Now()
		if _, err := New(an, Params{}).ReadFrom(bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(wrote.Seconds(), "write-s")
		b.ReportMetric(time.Since(start).Seconds(), "read-s")
		b.ReportMetric(float64(buf.Len())/1e6, "MB")
	}
}

// synthesize returns n documents remixed from real ones: each abstract is
// sentences of several papers, each title joins halves of two titles, and
// authors are drawn from the real names, so that term statistics stay
// those of real abstracts at any size.
func synthesize(docs []Doc, n int, seed uint64) []Doc {
	rng := rand.New(rand.NewPCG(seed, 7))
	var sentences []string
	var names []string
	for _, d := range docs {
		for _, s := range strings.SplitAfter(d.Abstract, ". ") {
			if len(s) > 20 {
				sentences = append(sentences, s)
			}
		}
		names = append(names, d.Authors...)
	}
	out := make([]Doc, n)
	for i := range out {
		a := strings.Fields(docs[rng.IntN(len(docs))].Title)
		t := strings.Fields(docs[rng.IntN(len(docs))].Title)
		title := strings.Join(append(a[:len(a)/2:len(a)/2], t[len(t)/2:]...), " ")
		var abs strings.Builder
		for abs.Len() < 1200 {
			abs.WriteString(sentences[rng.IntN(len(sentences))])
			abs.WriteByte(' ')
		}
		authors := make([]string, 6)
		for j := range authors {
			authors[j] = names[rng.IntN(len(names))]
		}
		out[i] = Doc{Title: title, Abstract: abs.String(), Authors: authors}
	}
	return out
}

// Benchmark1M builds a million-paper index and reports build rate, memory,
// snapshot times and latency. Set QUIRE_BENCH_1M=1 to run it.
func Benchmark1M(b *testing.B) {
	if os.Getenv("QUIRE_BENCH_1M") == "" {
		b.Skip("set QUIRE_BENCH_1M=1 to build the million-paper index")
	}
	real := MustListings(b, 0)
	an := analyze.New()
	for b.Loop() {
		start := time.Now()
		docs := synthesize(real, 1_000_000, 1)
		fmt.Fprintf(os.Stderr, "synthesised %d documents in %s\n", len(docs), time.Since(start).Round(time.Millisecond))

		start = time.Now()
		ix := build(an, docs, 2)
		ix.Flush()
		added := time.Since(start)
		fmt.Fprintf(os.Stderr, "added in %s (%.0f docs/s), %d segments, %.0f MB\n",
			added.Round(time.Millisecond), float64(len(docs))/added.Seconds(), len(ix.segs), float64(ix.MemoryBytes())/1e6)
		sets := querySets(an, docs)
		reportLatency(b, ix, sets)

		start = time.Now()
		ix.Compact()
		fmt.Fprintf(os.Stderr, "compacted in %s\n", time.Since(start).Round(time.Millisecond))
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Fprintf(os.Stderr, "MemoryBytes %.0f MB; Go heap in use %.0f MB (documents included)\n",
			float64(ix.MemoryBytes())/1e6, float64(ms.HeapInuse)/1e6)
		b.ReportMetric(float64(len(docs))/added.Seconds(), "docs/s")
		b.ReportMetric(float64(ix.MemoryBytes())/1e6, "MB")
		reportLatency(b, ix, sets)

		var buf bytes.Buffer
		start = time.Now()
		if _, err := ix.WriteTo(&buf); err != nil {
			b.Fatal(err)
		}
		wrote := time.Since(start)
		start = time.Now()
		loaded := New(an, Params{})
		if _, err := loaded.ReadFrom(bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "snapshot %.0f MB: write %s, load %s\n", float64(buf.Len())/1e6,
			wrote.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))

		// Adding to the million-paper index, amortised over merges.
		start = time.Now()
		const extra = 20000
		for i := range extra {
			loaded.Add(uint32(len(docs)+i), real[i])
		}
		loaded.Flush()
		fmt.Fprintf(os.Stderr, "added %d papers to the loaded index: %s per paper amortised\n",
			extra, (time.Since(start) / extra).Round(time.Microsecond))
	}
}

// BenchmarkSearchDuringAdds reports latency while another goroutine keeps
// adding papers (each Add holds the write lock only for its final append),
// beside the latency of the same queries on an idle index.
func BenchmarkSearchDuringAdds(b *testing.B) {
	docs, _, an := benchIndex(b)
	ix := build(an, docs, 2)
	ix.Compact()
	sets := querySets(an, docs)
	sets = map[string][]Request{"random": sets["random"], "common": sets["common"]}
	for b.Loop() {
		fmt.Fprintf(os.Stderr, "\nidle index:")
		reportLatency(b, ix, sets)
		stop := make(chan struct{})
		done := make(chan int)
		go func() {
			n := 0
			for ; ; n++ {
				select {
				case <-stop:
					done <- n
					return
				default:
				}
				ix.Add(uint32(len(docs)+n%50000), docs[n%len(docs)])
			}
		}()
		fmt.Fprintf(os.Stderr, "while adding:")
		start := time.Now()
		reportLatency(b, ix, sets)
		close(stop)
		n := <-done
		fmt.Fprintf(os.Stderr, "%d papers added meanwhile (%.0f/s)\n", n, float64(n)/time.Since(start).Seconds())
	}
}

// BenchmarkScoreCandidates measures scoring 200 candidates from elsewhere
// (as hybrid search does with vector hits) for sentence-like queries.
func BenchmarkScoreCandidates(b *testing.B) {
	docs, ix, an := benchIndex(b)
	reqs := querySets(an, docs)["sentence"]
	rng := rand.New(rand.NewPCG(11, 11))
	ids := make([]uint32, 200)
	i := 0
	for b.Loop() {
		for j := range ids {
			ids[j] = uint32(rng.IntN(len(docs)))
		}
		ix.Score(reqs[i%len(reqs)], ids)
		i++
	}
}

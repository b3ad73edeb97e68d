package vector

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"
)

// BenchmarkIndex reports, for synthetic data of three shapes at 100k and 1M
// vectors of 256 dimensions and for vectors of real abstracts: build time
// (training and assignment), memory against the raw vectors and codes,
// recall@10 against exact search, and query latency percentiles for k=10
// and k=100. Run with
//
//	go test ./internal/search/vector -run '^$' -bench Index -benchtime 2000x -timeout 60m
//
// Data shapes: "topics" is shaped like text embeddings (see topics),
// "blobs" are tight clusters (easy), "uniform" is noise (hardest); the
// arXiv sets are explained at textModel.
func BenchmarkIndex(b *testing.B) {
	type source struct {
		name string
		make func(tb testing.TB) dataset
	}
	var sources []source
	for _, n := range []int{100_000, 1_000_000} {
		for _, gen := range []func(uint64, int, int, int) dataset{topics, blobs, uniform} {
			sources = append(sources, source{
				name: fmt.Sprintf("%s/n=%dk", gen(1, 0, 0, 8).name, n/1000),
				make: func(testing.TB) dataset { return gen(42, n, 200, 256) },
			})
		}
	}
	for _, kind := range []string{"lsa", "rp"} {
		sources = append(sources, source{
			name: "arxiv-" + kind,
			make: func(tb testing.TB) dataset {
				d, titles, _ := arxivData(tb, kind, 80000, 200, 256)
				d.queries = append(d.queries, titles...)
				return d
			},
		})
	}
	for _, src := range sources {
		var ix *Index
		var d dataset
		for _, k := range []int{10, 100} {
			b.Run(fmt.Sprintf("%s/k=%d", src.name, k), func(b *testing.B) {
				if ix == nil {
					d = src.make(b)
					ix = benchBuild(b, d)
				}
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				lat := make([]time.Duration, 0, b.N)
				cpu := make([]time.Duration, 0, b.N)
				i := 0
				for b.Loop() {
					q := d.queries[i%len(d.queries)]
					i++
					start, startCPU := time.Now(), threadCPU()
					if _, err := ix.Search(q, k, nil); err != nil {
						b.Fatal(err)
					}
					cpu = append(cpu, threadCPU()-startCPU)
					lat = append(lat, time.Since(start))
				}
				p50, p99 := percentiles(lat)
				c50, c99 := percentiles(cpu)
				b.ReportMetric(ms(p50), "p50-ms")
				b.ReportMetric(ms(p99), "p99-ms")
				b.ReportMetric(ms(c50), "cpu-p50-ms")
				b.ReportMetric(ms(c99), "cpu-p99-ms")
				b.Logf("k=%d: %d queries, latency p50 %v p99 %v, CPU time p50 %v p99 %v",
					k, len(lat), p50, p99, c50, c99)
			})
		}
		ix, d = nil, dataset{}
		runtime.GC()
	}
}

// benchBuild adds d's vectors to a new index, builds it and logs the cost.
func benchBuild(b *testing.B, d dataset) *Index {
	b.Helper()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	ix := MustNew(b, d.dim, Params{})
	start := time.Now()
	for i, v := range d.vecs {
		MustAdd(b, ix, uint32(i), v)
	}
	added := time.Since(start)
	start, startCPU := time.Now(), processCPU()
	MustBuildIndex(b, ix)
	built, builtCPU := time.Since(start), processCPU()-startCPU
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	st := ix.Stats()
	n := int64(st.Vectors)
	raw := n*int64(4*d.dim) + n*int64((d.dim+15)&^15)
	recall := recallAt(b, ix, d.queries, 10, nil)
	b.Logf("%s: %d×%d, add %v, build %v (CPU %v; %d lists, probe %d, calibrated recall %.3f, longest list %d); "+
		"recall@10 %.3f on %d held-out queries; memory %d MB (heap grew %d MB), %.2f× the raw floats+codes",
		d.name, n, d.dim, added.Round(time.Millisecond), built.Round(time.Millisecond), builtCPU.Round(time.Millisecond), st.Lists, st.Probe, st.Recall, st.MaxList,
		recall, len(d.queries), st.Bytes>>20, int64(after.HeapAlloc-before.HeapAlloc)>>20, float64(st.Bytes)/float64(raw))
	return ix
}

// percentiles returns the median and 99th percentile of ds.
func percentiles(ds []time.Duration) (p50, p99 time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2], s[min(len(s)-1, len(s)*99/100)]
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// BenchmarkSearchWhileAdding measures query latency on 100k vectors while
// another goroutine adds vectors as fast as it can, showing what searches
// pay for sharing the index's lock with updates.
func BenchmarkSearchWhileAdding(b *testing.B) {
	d := topics(43, 150_000, 200, 256)
	base := dataset{name: d.name, dim: d.dim, vecs: d.vecs[:100_000], queries: d.queries}
	ix := benchBuild(b, base)
	for _, adding := range []bool{false, true} {
		b.Run(fmt.Sprintf("adding=%v", adding), func(b *testing.B) {
			stop := make(chan struct{})
			added := make(chan int)
			go func() {
				n := 0
				for adding {
					select {
					case <-stop:
						added <- n
						return
					default:
					}
					i := 100_000 + n%50_000
					MustAdd(b, ix, uint32(i), d.vecs[i])
					n++
				}
				<-stop
				added <- n
			}()
			lat := make([]time.Duration, 0, b.N)
			i := 0
			for b.Loop() {
				start := time.Now()
				if _, err := ix.Search(d.queries[i%len(d.queries)], 10, nil); err != nil {
					b.Fatal(err)
				}
				i++
				lat = append(lat, time.Since(start))
			}
			elapsed := b.Elapsed()
			close(stop)
			n := <-added
			p50, p99 := percentiles(lat)
			b.ReportMetric(ms(p50), "p50-ms")
			b.ReportMetric(ms(p99), "p99-ms")
			b.Logf("%d queries, p50 %v, p99 %v, while adding %.0f vectors/s", len(lat), p50, p99, float64(n)/elapsed.Seconds())
		})
	}
}

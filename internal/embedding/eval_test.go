package embedding

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	hfPapers      = "/work/shared/data/hf-daily/papers.jsonl.zst"
	arxivListings = "/work/shared/data/arxiv/cs_listings_2025-03_2026-07.jsonl.zst"
)

// evalVariants are the training choices compared by TestEvalKnownItem.
// QUIRE_EMBED_EVAL selects them: "default" (the shipped choice) or a
// comma-separated list of names, or "all".
var evalVariants = []struct {
	name  string
	tweak func(p *params)
}{
	{"default", func(p *params) {}},
	// The co-occurrence vectors alone, and their own choices.
	{"ppmi", ppmi(func(p *params) {})},
	{"ppmi-window5", ppmi(func(p *params) { p.ppmi.window = 5 })},
	{"ppmi-p0", ppmi(func(p *params) { p.power = 0 })},
	{"ppmi-p1", ppmi(func(p *params) { p.power = 1 })},
	{"ppmi-normrows", ppmi(func(p *params) { p.normRows = true })},
	{"ppmi-idf", ppmi(func(p *params) { p.idf = true })},
	{"ppmi-sif1e-4", ppmi(func(p *params) { p.sifA = 1e-4 })},
	{"ppmi-nocommon", ppmi(func(p *params) { p.components = 0 })},
	{"ppmi-dim384", ppmi(func(p *params) { p.Dim = 384 })},
	{"ppmi-topk1000", ppmi(func(p *params) { p.ppmi.topK = 1000 })},
	// The contrastive tuning's choices, one at a time from the default.
	{"e2", func(p *params) { p.contrastive.epochs = 2 }},
	{"e4", func(p *params) { p.contrastive.epochs = 4 }},
	{"random-batches", func(p *params) { p.contrastive.hardBits = 0 }},
	{"title-in-passages", func(p *params) { p.contrastive.noTitle = 0 }},
	{"titles-only", func(p *params) { p.contrastive.titleProb = 1 }},
	{"passages-only", func(p *params) { p.contrastive.titleProb = 0 }},
	{"temp0.1", func(p *params) { p.contrastive.temp = 0.1 }},
	{"batch512", func(p *params) { p.contrastive.batch = 512 }},
	{"lr0.1", func(p *params) { p.contrastive.lr = 0.1 }},
	{"idf", func(p *params) { p.idf = true }},
	{"no-normrows", func(p *params) { p.normRows = false }},
	{"nocommon", func(p *params) { p.components = 0 }},
	{"dim384", func(p *params) { p.Dim = 384 }},
}

// ppmi turns the contrastive tuning off, keeping the co-occurrence vectors
// as they come out of the SVD, then applies tweak.
func ppmi(tweak func(p *params)) func(p *params) {
	return func(p *params) {
		p.contrastive.epochs = 0
		p.normRows = false
		tweak(p)
	}
}

// TestEvalKnownItem trains the built-in model on the real catalogue (all
// daily papers plus the arXiv listings, title and abstract only) and
// measures known-item retrieval by exact cosine search: each query is a
// paper's ai_summary (exact) or the same summary stripped of the title's
// words and of names (descriptive), and its answer is that paper.
func TestEvalKnownItem(t *testing.T) {
	sel := os.Getenv("QUIRE_EMBED_EVAL")
	if sel == "" {
		t.Skip("set QUIRE_EMBED_EVAL=default (or a list of variants, or all) to run")
	}
	if _, err := os.Stat(hfPapers); err != nil {
		t.Skipf("real data not available: %v", err)
	}
	cat := loadCatalogue(t, hfPapers, arxivListings)
	t.Logf("catalogue: %d papers, %d exact and %d descriptive queries", len(cat.texts), len(cat.exact), len(cat.descriptive))
	sets := []*evalSet{{name: "exact", qs: cat.exact}, {name: "descriptive", qs: cat.descriptive}}
	bm := newBM25(cat.texts)
	for _, set := range sets {
		set.lexical = make([][]hit, len(set.qs))
		parallelRows(len(set.qs), runtime.GOMAXPROCS(0), func(_, lo, hi int) {
			for i := lo; i < hi; i++ {
				set.lexical[i] = bm.search(set.qs[i].text, 1000)
			}
		})
		t.Logf("%-12s %-10s %s", set.name, "bm25", evaluate(set.qs, set.lexical))
	}
	for _, v := range evalVariants {
		if sel != "all" && !slices.Contains(strings.Split(sel, ","), v.name) {
			continue
		}
		t.Run(v.name, func(t *testing.T) {
			p := defaults(TrainOptions{Seed: 1})
			v.tweak(&p)
			runtime.GC()
			peak := watchHeap()
			start, cpu := time.Now(), cpuTime()
			m, err := train(context.Background(), slices.Values(cat.texts), p)
			if err != nil {
				t.Fatal(err)
			}
			elapsed, cpuUsed := time.Since(start), cpuTime()-cpu
			heap := peak()
			data, _ := m.MarshalBinary()
			cpu = cpuTime()
			vecs := embedAll(t, m, cat.texts)
			perDoc := float64((cpuTime() - cpu).Microseconds()) / float64(len(cat.texts))
			t.Logf("%s: trained in %v (CPU %v), peak heap growth %d MB, %d terms, model %d KB, embedding %.1f µs CPU/paper",
				v.name, elapsed.Round(time.Millisecond), cpuUsed.Round(time.Millisecond), heap>>20, m.Terms(), len(data)>>10, perDoc)
			for _, set := range sets {
				qv := embedAll(t, m, queryTexts(set.qs))
				sem := make([][]hit, len(set.qs))
				parallelRows(len(set.qs), runtime.GOMAXPROCS(0), func(_, lo, hi int) {
					for i := lo; i < hi; i++ {
						sem[i] = exactSearch(vecs, qv[i], 100)
					}
				})
				line := fmt.Sprintf("%-12s %-10s %s  fused:", set.name, v.name, evaluate(set.qs, sem))
				for _, lambda := range []float32{0.1, 0.2, 0.3, 0.5, 1} {
					fused := make([][]hit, len(set.qs))
					for i := range set.qs {
						fused[i] = fuse(set.lexical[i], sem[i], vecs, qv[i], lambda, false)
					}
					line += fmt.Sprintf(" %.1f→%.3f", lambda, evaluate(set.qs, fused).mrr10)
				}
				line += "; normalised:"
				for _, lambda := range []float32{0.1, 0.2, 0.3, 0.5} {
					fused := make([][]hit, len(set.qs))
					for i := range set.qs {
						fused[i] = fuse(set.lexical[i], sem[i], vecs, qv[i], lambda, true)
					}
					line += fmt.Sprintf(" %.1f→%.3f", lambda, evaluate(set.qs, fused).mrr10)
				}
				// How often does each list find (top 10) what the other misses?
				var semOnly, lexOnly int
				for i, q := range set.qs {
					inSem := slices.IndexFunc(sem[i][:min(10, len(sem[i]))], func(h hit) bool { return h.i == q.answer }) >= 0
					inLex := slices.IndexFunc(set.lexical[i][:min(10, len(set.lexical[i]))], func(h hit) bool { return h.i == q.answer }) >= 0
					if inSem && !inLex {
						semOnly++
					}
					if inLex && !inSem {
						lexOnly++
					}
				}
				oracle := 0.0
				for i, q := range set.qs {
					best := 0.0
					for _, res := range [][]hit{set.lexical[i], sem[i]} {
						if r := slices.IndexFunc(res[:min(10, len(res))], func(h hit) bool { return h.i == q.answer }); r >= 0 {
							best = max(best, 1/float64(r+1))
						}
					}
					oracle += best / float64(len(set.qs))
				}
				line += fmt.Sprintf("  top10 only semantic %d, only lexical %d; oracle %.3f; rrf:", semOnly, lexOnly, oracle)
				for _, w := range []float64{0.3, 0.5, 1} {
					fused := make([][]hit, len(set.qs))
					for i := range set.qs {
						fused[i] = rrf(set.lexical[i][:min(100, len(set.lexical[i]))], sem[i], w)
					}
					line += fmt.Sprintf(" %.1f→%.3f", w, evaluate(set.qs, fused).mrr10)
				}
				t.Log(line)
			}
		})
	}
}

// evalSet is a query set with its lexical results.
type evalSet struct {
	name    string
	qs      []query
	lexical [][]hit
}

type hit struct {
	i int
	s float32
}

// fuse ranks the union of the top 100 lexical and semantic candidates by
// BM25/top BM25 + λ·cosine (the weighted fusion); lex holds the
// top 1000 BM25 scores, and candidates beyond them count as 0.
func fuse(lex, sem []hit, vecs [][]float32, q []float32, lambda float32, normCos bool) []hit {
	if len(lex) == 0 {
		return sem
	}
	bm := make(map[int]float32, len(lex))
	for _, h := range lex {
		bm[h.i] = h.s / lex[0].s
	}
	scores := map[int]float32{}
	for _, h := range lex[:min(100, len(lex))] {
		scores[h.i] = bm[h.i] + lambda*dot(q, vecs[h.i])
	}
	for _, h := range sem {
		scores[h.i] = bm[h.i] + lambda*h.s
	}
	if normCos && len(sem) > 0 {
		for i := range scores {
			scores[i] = bm[i] + lambda*dot(q, vecs[i])/sem[0].s
		}
	}
	return topK(maps(scores), 100)
}

// rrf is weighted reciprocal rank fusion (k = 60).
func rrf(lex, sem []hit, w float64) []hit {
	scores := map[int]float32{}
	for r, h := range lex {
		scores[h.i] += float32(1 / (60 + float64(r+1)))
	}
	for r, h := range sem {
		scores[h.i] += float32(w / (60 + float64(r+1)))
	}
	return topK(maps(scores), 100)
}

// cpuTime returns the CPU time this process has used: the machine may be
// shared, so wall time alone says little.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func queryTexts(qs []query) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.text
	}
	return out
}

// watchHeap samples the heap until the returned function is called, which
// reports the peak growth over the heap in use at the start.
func watchHeap() func() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, ms.HeapInuse
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak - base
	}
}

// embedAll embeds texts on all cores.
func embedAll(tb testing.TB, e Embedder, texts []string) [][]float32 {
	tb.Helper()
	out := make([][]float32, len(texts))
	var failed error
	var mu sync.Mutex
	parallelRows(len(texts), runtime.GOMAXPROCS(0), func(_, lo, hi int) {
		v, err := e.Embed(context.Background(), texts[lo:hi])
		if err != nil {
			mu.Lock()
			failed = err
			mu.Unlock()
			return
		}
		copy(out[lo:hi], v)
	})
	if failed != nil {
		tb.Fatal(failed)
	}
	return out
}

// exactSearch returns the k vectors closest to q, best first.
func exactSearch(vecs [][]float32, q []float32, k int) []hit {
	var top []hit
	minScore := float32(math.Inf(-1))
	for i, v := range vecs {
		s := dot(q, v)
		if len(top) >= k && s <= minScore {
			continue
		}
		top = append(top, hit{i, s})
		if len(top) >= 2*k {
			sortHits(top)
			top = top[:k]
			minScore = top[k-1].s
		}
	}
	sortHits(top)
	return slices.Clone(top[:min(k, len(top))])
}

func sortHits(hs []hit) {
	slices.SortFunc(hs, func(a, b hit) int { return cmp.Or(cmp.Compare(b.s, a.s), cmp.Compare(a.i, b.i)) })
}

// metrics are known-item retrieval scores.
type metrics struct {
	n                int
	mrr10, r10, r100 float64
}

func (m metrics) String() string {
	return fmt.Sprintf("queries %4d  MRR@10 %.3f  R@10 %.3f  R@100 %.3f", m.n, m.mrr10, m.r10, m.r100)
}

// evaluate scores ranked results against the queries' answers.
func evaluate(qs []query, results [][]hit) metrics {
	var m metrics
	m.n = len(qs)
	for i, q := range qs {
		r := slices.IndexFunc(results[i], func(h hit) bool { return h.i == q.answer }) + 1
		if r >= 1 && r <= 10 {
			m.mrr10 += 1 / float64(r)
			m.r10++
		}
		if r >= 1 && r <= 100 {
			m.r100++
		}
	}
	n := float64(max(len(qs), 1))
	m.mrr10, m.r10, m.r100 = m.mrr10/n, m.r10/n, m.r100/n
	return m
}

// bm25 is a plain one-field BM25 over the same terms, to compare with.
type bm25 struct {
	tok      tokenizer
	postings map[string][]posting
	lens     []float32
	avg      float32
}

type posting struct {
	doc int32
	tf  float32
}

func newBM25(texts []string) *bm25 {
	b := &bm25{tok: newTokenizer(), postings: map[string][]posting{}}
	var terms []string
	total := 0
	for d, text := range texts {
		terms = b.tok.appendTerms(terms[:0], text)
		tf := map[string]float32{}
		for _, t := range terms {
			tf[t]++
		}
		for t, n := range tf {
			b.postings[t] = append(b.postings[t], posting{int32(d), n})
		}
		b.lens = append(b.lens, float32(len(terms)))
		total += len(terms)
	}
	b.avg = float32(total) / float32(max(len(texts), 1))
	return b
}

// search returns the top k documents for q.
func (b *bm25) search(q string, k int) []hit {
	const k1, bb = 1.2, 0.75
	n := float64(len(b.lens))
	acc := make([]float32, len(b.lens))
	var touched []int32
	for _, t := range b.tok.appendTerms(nil, q) {
		ps := b.postings[t]
		idf := float32(math.Log(1 + (n-float64(len(ps))+0.5)/(float64(len(ps))+0.5)))
		for _, p := range ps {
			if acc[p.doc] == 0 {
				touched = append(touched, p.doc)
			}
			norm := k1 * (1 - bb + bb*b.lens[p.doc]/b.avg)
			acc[p.doc] += idf * p.tf * (k1 + 1) / (p.tf + norm)
		}
	}
	return topK(func(yield func(int, float32) bool) {
		for _, d := range touched {
			if !yield(int(d), acc[d]) {
				return
			}
		}
	}, k)
}

func maps(m map[int]float32) iter.Seq2[int, float32] {
	return func(yield func(int, float32) bool) {
		for k, v := range m {
			if !yield(k, v) {
				return
			}
		}
	}
}

func topK(scores iter.Seq2[int, float32], k int) []hit {
	var top []hit
	minScore := float32(math.Inf(-1))
	for i, s := range scores {
		if len(top) >= k && s <= minScore {
			continue
		}
		top = append(top, hit{i, s})
		if len(top) >= 4*k {
			sortHits(top)
			top = top[:k]
			minScore = top[k-1].s
		}
	}
	sortHits(top)
	return slices.Clone(top[:min(k, len(top))])
}

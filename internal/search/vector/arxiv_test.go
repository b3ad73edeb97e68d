package vector

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/klauspost/compress/zstd"
)

// The arXiv cs listings (title, abstract, categories of about 75,000 real
// papers). Tests that need them skip when the file is absent.
const listingsPath = "../../../../shared/data/arxiv/cs_listings_2025-03_2026-07.jsonl.zst"

type paper struct {
	Title      string   `json:"title"`
	Summary    string   `json:"summary"`
	Categories []string `json:"categories"`
}

type arxivCached struct {
	d      dataset
	titles [][]float32
	cats   [][]string
}

var (
	arxivMu    sync.Mutex
	arxivCache = make(map[string]arxivCached)
	papersOnce sync.Once
	papersAll  []paper
	papersErr  error
)

// MustPapers returns the papers of the arXiv listings, or skips the test.
func MustPapers(tb testing.TB) []paper {
	tb.Helper()
	papersOnce.Do(func() { papersAll, papersErr = readListings(listingsPath) })
	if os.IsNotExist(papersErr) {
		tb.Skipf("arXiv listings not present: %v", papersErr)
	}
	if papersErr != nil {
		tb.Fatal(papersErr)
	}
	return papersAll
}

func readListings(path string) ([]paper, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := zstd.NewReader(f)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	var out []paper
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var p paper
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, sc.Err()
}

// textModel embeds texts from their TF-IDF vectors x (unit length, over
// terms seen in at least two indexed documents), in one of two ways:
//
//   - "arxiv-rp": x times a random Gaussian matrix R (one fixed direction per
//     term). Cosines of TF-IDF vectors are small and a 256-dimension
//     projection blurs them, so neighbourhoods are weak: close to noise, the
//     hard case.
//   - "arxiv-lsa": x times XᵀXR, where X holds the indexed documents' TF-IDF
//     rows: one power iteration of randomised SVD, which leans the
//     embedding towards the corpus's main topics as SVD-reduced (LSA)
//     embeddings do, with the mean removed as SIF-style models remove
//     their common component.
type textModel struct {
	dim   int
	vocab map[string]int32
	idf   []float64
	dirs  []float32 // term directions, rows of dim: R, or XᵀXR
	mean  []float32 // subtracted before normalising (lsa only)
}

type sparse struct {
	t []int32
	w []float32
}

var stopWords = strings.Fields(`the and for with that this from are was were been has have had not but
which their its our can these those using use based than into such also both each more most other
some only over under then there they them when where while will would could should may might via
between through about after before during without within among however paper propose proposed show
shows results method methods approach new we in of to is on by as an be at or it a`)

func terms(text string) []string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	out := words[:0]
	for _, w := range words {
		if len(w) >= 2 {
			out = append(out, w)
		}
	}
	return out
}

// newTextModel fits the vocabulary and IDF to docs and returns the model
// and the docs' TF-IDF rows.
func newTextModel(docs []string, dim int) (*textModel, []sparse) {
	stop := make(map[string]bool)
	for _, w := range stopWords {
		stop[w] = true
	}
	ids := make(map[string]int32)
	var df []int
	toks := make([][]int32, len(docs))
	for d, text := range docs {
		seen := make(map[int32]bool)
		for _, w := range terms(text) {
			if stop[w] {
				continue
			}
			id, ok := ids[w]
			if !ok {
				id = int32(len(df))
				ids[w] = id
				df = append(df, 0)
			}
			toks[d] = append(toks[d], id)
			if !seen[id] {
				seen[id] = true
				df[id]++
			}
		}
	}
	m := &textModel{dim: dim, vocab: make(map[string]int32)}
	remap := make([]int32, len(df))
	for w, id := range ids {
		remap[id] = -1
		if df[id] >= 2 && df[id] <= len(docs)/2 {
			remap[id] = int32(len(m.idf))
			m.vocab[w] = remap[id]
			m.idf = append(m.idf, math.Log(float64(len(docs))/float64(df[id])))
		}
	}
	// Directions seeded by the term itself, so they do not depend on the
	// order of the vocabulary.
	m.dirs = make([]float32, len(m.idf)*dim)
	for w, id := range m.vocab {
		h := fnv.New64a()
		h.Write([]byte(w))
		rng := rand.New(rand.NewPCG(h.Sum64(), 11))
		for i := range dim {
			m.dirs[int(id)*dim+i] = float32(rng.NormFloat64())
		}
	}
	rows := make([]sparse, len(docs))
	for d, ts := range toks {
		mapped := make([]int32, 0, len(ts))
		for _, t := range ts {
			if r := remap[t]; r >= 0 {
				mapped = append(mapped, r)
			}
		}
		rows[d] = m.weigh(mapped)
	}
	return m, rows
}

// weigh turns term ids into a unit TF-IDF row with sublinear term counts.
func (m *textModel) weigh(ts []int32) sparse {
	tf := make(map[int32]int)
	for _, t := range ts {
		tf[t]++
	}
	var r sparse
	var s float64
	for t, n := range tf {
		w := (1 + math.Log(float64(n))) * m.idf[t]
		r.t = append(r.t, t)
		r.w = append(r.w, float32(w))
		s += w * w
	}
	for i := range r.w {
		r.w[i] /= float32(math.Sqrt(s))
	}
	return r
}

func (m *textModel) row(text string) sparse {
	var ts []int32
	for _, w := range terms(text) {
		if id, ok := m.vocab[w]; ok {
			ts = append(ts, id)
		}
	}
	return m.weigh(ts)
}

// project returns r times the direction matrix, less the mean, as a unit
// vector, or nil for an empty row.
func (m *textModel) project(r sparse) []float32 {
	if len(r.t) == 0 {
		return nil
	}
	v := make([]float32, m.dim)
	for j, t := range r.t {
		axpy(r.w[j], m.dirs[int(t)*m.dim:int(t+1)*m.dim], v)
	}
	for i := range m.mean {
		v[i] -= m.mean[i]
	}
	normalizeTest(v)
	return v
}

// lsa replaces the directions R by XᵀXR (rows of X given) and sets the mean.
func (m *textModel) lsa(rows []sparse) {
	dim := m.dim
	xr := make([]float32, len(rows)*dim) // XR
	parallel(len(rows), func(lo, hi int) {
		for d := lo; d < hi; d++ {
			dst := xr[d*dim : (d+1)*dim]
			r := rows[d]
			for j, t := range r.t {
				axpy(r.w[j], m.dirs[int(t)*dim:int(t+1)*dim], dst)
			}
		}
	})
	// Each worker adds into the rows of its own range of terms.
	next := make([]float32, len(m.dirs))
	nterms := len(m.dirs) / dim
	parallel(nterms, func(lo, hi int) {
		for d, r := range rows {
			for j, t := range r.t {
				if int(t) >= lo && int(t) < hi {
					axpy(r.w[j], xr[d*dim:(d+1)*dim], next[int(t)*dim:int(t+1)*dim])
				}
			}
		}
	})
	m.dirs = next
	vs := make([][]float32, len(rows))
	parallel(len(rows), func(lo, hi int) {
		for d := lo; d < hi; d++ {
			vs[d] = m.project(rows[d])
		}
	})
	mean := make([]float64, dim)
	for _, v := range vs {
		for i, x := range v {
			mean[i] += float64(x)
		}
	}
	m.mean = make([]float32, dim)
	for i, x := range mean {
		m.mean[i] = float32(x / float64(len(rows)))
	}
}

// axpy adds a·x to y.
func axpy(a float32, x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += a * v
	}
}

// parallel splits [0, n) in two halves run at once.
func parallel(n int, fn func(lo, hi int)) {
	var wg sync.WaitGroup
	wg.Go(func() { fn(0, n/2) })
	fn(n/2, n)
	wg.Wait()
}

// arxivData embeds the listings: the first n papers (title and abstract)
// are indexed; nq of the last papers give two query sets, their abstracts
// and their titles alone (short queries, farther from any document).
// kind is "rp" or "lsa" (see textModel).
func arxivData(tb testing.TB, kind string, n, nq, dim int) (d dataset, titles [][]float32, cats [][]string) {
	tb.Helper()
	ps := MustPapers(tb)
	key := fmt.Sprint(kind, n, nq, dim)
	arxivMu.Lock()
	defer arxivMu.Unlock()
	if c, ok := arxivCache[key]; ok {
		return c.d, c.titles, c.cats
	}
	defer func() { arxivCache[key] = arxivCached{d, titles, cats} }()
	n = min(n, len(ps)-nq)
	docs := make([]string, n)
	for i, p := range ps[:n] {
		docs[i] = p.Title + "\n" + p.Summary
	}
	m, rows := newTextModel(docs, dim)
	if kind == "lsa" {
		m.lsa(rows)
	}
	d = dataset{name: "arxiv-" + kind, dim: dim}
	vs := make([][]float32, len(rows))
	parallel(len(rows), func(lo, hi int) {
		for d := lo; d < hi; d++ {
			vs[d] = m.project(rows[d])
		}
	})
	for i, v := range vs {
		if v == nil {
			v = make([]float32, dim) // a zero vector: Add removes it
		}
		d.vecs = append(d.vecs, v)
		cats = append(cats, ps[i].Categories)
	}
	for _, p := range ps[len(ps)-nq:] {
		if v := m.project(m.row(p.Title + "\n" + p.Summary)); v != nil {
			d.queries = append(d.queries, v)
		}
		if v := m.project(m.row(p.Title)); v != nil {
			titles = append(titles, v)
		}
	}
	return d, titles, cats
}

package lexical

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire/internal/search/analyze"
)

// queryGen draws queries from real documents, so that they hit terms in
// the frequencies real text has.
type queryGen struct {
	rng  *rand.Rand
	an   *analyze.Analyzer
	docs []Doc
}

func newQueryGen(an *analyze.Analyzer, docs []Doc, seed uint64) *queryGen {
	return &queryGen{rng: rand.New(rand.NewPCG(seed, 1)), an: an, docs: docs}
}

func (g *queryGen) tokens() []analyze.Token {
	for {
		d := g.docs[g.rng.IntN(len(g.docs))]
		text := d.Abstract
		if g.rng.IntN(3) == 0 {
			text = d.Title
		}
		if toks := g.an.Tokens(text, nil); len(toks) > 0 {
			return toks
		}
	}
}

// terms returns n terms drawn from one document.
func (g *queryGen) terms(n int) []string {
	toks := g.tokens()
	out := make([]string, n)
	for i := range out {
		out[i] = toks[g.rng.IntN(len(toks))].Term
	}
	return out
}

// phrase returns the words at n consecutive positions of a document, ""
// for stop words, starting and ending on a real term.
func (g *queryGen) phrase(n int) []string {
	for {
		toks := g.tokens()
		i := g.rng.IntN(len(toks))
		start := toks[i].Pos
		words := make([]string, n)
		last := -1
		for _, t := range toks[i:] {
			if t.Pos-start >= n {
				break
			}
			words[t.Pos-start] = t.Term
			last = t.Pos - start
		}
		if last >= 1 {
			return words[:last+1]
		}
	}
}

// analysed returns the terms of text.
func analysed(an *analyze.Analyzer, text string) []string {
	var out []string
	for _, t := range an.Tokens(text, nil) {
		out = append(out, t.Term)
	}
	return out
}

// MustIndex indexes docs under ids 0..n-1 in both an index (with a small
// mutable segment, so that searches cross several segments) and the naive
// reference.
func MustIndex(tb testing.TB, docs []Doc, memMax int) (*Index, *naive, *analyze.Analyzer) {
	tb.Helper()
	an := analyze.New()
	ix := New(an, Params{})
	ix.memMax = memMax
	nv := newNaive(an, Params{})
	for i, d := range docs {
		ix.Add(uint32(i), d)
		nv.add(uint32(i), d)
	}
	if ix.Len() != len(docs) {
		tb.Fatalf("Len() = %d, want %d", ix.Len(), len(docs))
	}
	return ix, nv, an
}

func compare(tb testing.TB, ix *Index, nv *naive, name string, r Request) {
	tb.Helper()
	want, scores := nv.search(r)
	checkHits(tb, name, ix.Search(r), want, scores, r.K)
}

func TestSearchMatchesNaive(t *testing.T) {
	docs := MustDocs(t, 3000)
	ix, nv, an := MustIndex(t, docs, 200)
	g := newQueryGen(an, docs, 1)
	var queries [][]string
	for _, q := range []string{
		"model learning data", "large language models", "the a of", "diffusion",
		"graph neural network robustness", "zebra", "", "model model model data",
	} {
		queries = append(queries, analysed(an, q))
	}
	for i := range 150 {
		queries = append(queries, g.terms(1+i%6))
	}
	run := func(stage string) {
		for i, q := range queries {
			want, scores := nv.search(Request{Should: q})
			for _, k := range []int{1, 10, 100} {
				got := ix.Search(Request{Should: q, K: k})
				checkHits(t, fmt.Sprintf("%s query %d %q k=%d", stage, i, q, k), got, want, scores, k)
			}
		}
	}
	run("segments")
	if n := len(ix.segs); n < 2 {
		t.Errorf("expected several segments, got %d", n)
	}
	ix.Flush()
	run("flushed")
	ix.Compact()
	if n := len(ix.segs); n != 1 {
		t.Errorf("after Compact: %d segments, want 1", n)
	}
	run("compacted")
}

// TestWeights checks weighted terms against the reference: weights scale
// each term's score (pruning included), a repeated term adds its weights,
// bad weights count 1, and a whole number weight is the same as repeating
// the term.
func TestWeights(t *testing.T) {
	docs := MustDocs(t, 3000)
	ix, nv, an := MustIndex(t, docs, 400)
	ix.Flush()
	g := newQueryGen(an, docs, 11)
	rng := rand.New(rand.NewPCG(11, 11))
	bad := []float64{0, -1, math.NaN(), math.Inf(1)}
	for i := range 120 {
		terms := g.terms(1 + i%6)
		if i%5 == 0 {
			terms = append(terms, terms[0]) // a repeat
		}
		weights := make([]float64, len(terms)-i%3%2) // sometimes one short
		for j := range weights {
			switch rng.IntN(8) {
			case 0:
				weights[j] = bad[rng.IntN(len(bad))]
			default:
				weights[j] = 0.05 + 3*rng.Float64()
			}
		}
		r := Request{Should: terms, Weights: weights}
		want, scores := nv.search(r)
		for _, k := range []int{1, 10, 100} {
			r.K = k
			checkHits(t, fmt.Sprintf("query %d %q weights %v k=%d", i, terms, weights, k), ix.Search(r), want, scores, k)
		}
		ids := make([]uint32, 0, 10)
		for _, h := range ix.Search(Request{Should: terms, Weights: weights, K: 10}) {
			ids = append(ids, h.ID)
		}
		got, _ := ix.Score(Request{Should: terms, Weights: weights}, ids)
		for j, h := range ix.Search(Request{Should: terms, Weights: weights, K: 10}) {
			if got[j] != h.Score {
				t.Errorf("query %d: Score of %d = %v, Search gave %v", i, h.ID, got[j], h.Score)
			}
		}
	}
	q := analysed(an, "graph neural network")
	twice := ix.Search(Request{Should: append(q, q[0]), K: 20})
	weighted := ix.Search(Request{Should: q, Weights: []float64{2, 1, 1}, K: 20})
	if len(twice) == 0 || !slices.Equal(twice, weighted) {
		t.Errorf("weight 2 gave %v, repeating the term %v", weighted, twice)
	}
}

func TestPhrases(t *testing.T) {
	docs := MustDocs(t, 2000)
	ix, nv, an := MustIndex(t, docs, 300)
	g := newQueryGen(an, docs, 2)
	for i := range 120 {
		ph := g.phrase(2 + i%4)
		r := Request{Should: nonEmpty(ph), Must: [][]string{ph}, K: 20}
		compare(t, ix, nv, fmt.Sprintf("phrase %q", ph), r)
		// The phrase alone, unscored: matches in id order.
		compare(t, ix, nv, fmt.Sprintf("unscored phrase %q", ph), Request{Must: [][]string{ph}, K: 20})
		// With other scored terms.
		r.Should = append(g.terms(2), r.Should...)
		compare(t, ix, nv, fmt.Sprintf("phrase %q with %q", ph, r.Should), r)
	}
	// Known phrases with stop words inside.
	for _, p := range []string{"state of the art", "large language models", "in this paper we", "to the best of our knowledge"} {
		words := Phrase(an.Tokens(p, nil))
		r := Request{Should: nonEmpty(words), Must: [][]string{words}, K: 50}
		want, _ := nv.search(r)
		if len(want) == 0 {
			t.Logf("phrase %q matches nothing in this corpus", p)
		}
		compare(t, ix, nv, fmt.Sprintf("phrase %q", p), r)
	}
}

func nonEmpty(words []string) []string {
	var out []string
	for _, w := range words {
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

func TestExclusions(t *testing.T) {
	docs := MustDocs(t, 2000)
	ix, nv, an := MustIndex(t, docs, 300)
	g := newQueryGen(an, docs, 3)
	for i := range 100 {
		r := Request{Should: g.terms(2 + i%3), K: 30}
		// Exclude a term of the query's own document, a common term and a phrase.
		r.MustNot = [][]string{g.terms(1), analysed(an, "model")[:1]}
		if i%2 == 0 {
			r.MustNot = append(r.MustNot, g.phrase(2))
		}
		compare(t, ix, nv, fmt.Sprintf("%q -%q", r.Should, r.MustNot), r)
	}
	// Excluding a word that is not indexed excludes nothing.
	r := Request{Should: analysed(an, "neural network"), MustNot: [][]string{{"qqqzzzxxx"}}, K: 10}
	compare(t, ix, nv, "unknown exclusion", r)
	if len(ix.Search(r)) == 0 {
		t.Error("unknown exclusion removed every result")
	}
}

func TestAuthors(t *testing.T) {
	docs := MustDocs(t, 2000)
	ix, nv, an := MustIndex(t, docs, 300)
	g := newQueryGen(an, docs, 4)
	rng := rand.New(rand.NewPCG(4, 4))
	tested := 0
	for _, d := range docs {
		if len(d.Authors) == 0 || rng.IntN(20) != 0 {
			continue
		}
		name := d.Authors[rng.IntN(len(d.Authors))]
		words := NameWords(name)
		if len(words) == 0 {
			continue
		}
		last := words[len(words)-1:]
		for _, r := range []Request{
			{Authors: [][]string{words}, K: 10},
			{Authors: [][]string{last}, K: 10},
			{Authors: [][]string{{strings.ToUpper(name)}}, K: 10}, // split and folded like the index
			{Should: g.terms(2), Authors: [][]string{last}, K: 10},
		} {
			name := fmt.Sprintf("authors %q should %q", r.Authors, r.Should)
			want, _ := nv.search(r)
			if len(want) == 0 {
				t.Errorf("%s: the reference finds nothing for an author of a document", name)
			}
			compare(t, ix, nv, name, r)
		}
		tested++
	}
	if tested < 10 {
		t.Fatalf("only %d authors tested", tested)
	}
	// Two words of one name must be adjacent in one author's name.
	compare(t, ix, nv, "no such author", Request{Authors: [][]string{{"zzqx", "yyqx"}}, K: 10})
}

func TestFilter(t *testing.T) {
	docs := MustDocs(t, 2000)
	ix, nv, an := MustIndex(t, docs, 300)
	g := newQueryGen(an, docs, 5)
	calls := 0
	for i := range 60 {
		mod := uint32(2 + i%5)
		filter := func(id uint32) bool { calls++; return id%mod == 0 }
		r := Request{Should: g.terms(1 + i%4), Filter: filter, K: 15}
		compare(t, ix, nv, fmt.Sprintf("%q id%%%d", r.Should, mod), r)
	}
	// The filter sees only candidates: fewer calls than documents for a
	// common query.
	calls = 0
	ix.Search(Request{Should: analysed(an, "model"), Filter: func(uint32) bool { calls++; return true }, K: 10})
	if calls >= len(docs)/4 {
		t.Errorf("filter called %d times for %d documents", calls, len(docs))
	}
}

func TestDeleteAndReplace(t *testing.T) {
	docs := MustDocs(t, 2500)
	ix, nv, an := MustIndex(t, docs, 250)
	g := newQueryGen(an, docs, 6)
	rng := rand.New(rand.NewPCG(6, 6))
	check := func(stage string) {
		t.Helper()
		if ix.Len() != len(nv.docs) {
			t.Fatalf("%s: Len() = %d, want %d", stage, ix.Len(), len(nv.docs))
		}
		assertConsistent(t, ix)
		for i := range 60 {
			r := Request{Should: g.terms(1 + i%4), K: 20}
			compare(t, ix, nv, fmt.Sprintf("%s %q", stage, r.Should), r)
		}
		compare(t, ix, nv, stage+" phrase", Request{Should: analysed(an, "language models"), Must: [][]string{analysed(an, "language models")}, K: 20})
	}
	// Delete a third of the documents, some of them twice.
	for i := range docs {
		if rng.IntN(3) == 0 {
			ix.Delete(uint32(i))
			ix.Delete(uint32(i))
			nv.delete(uint32(i))
		}
	}
	ix.Delete(1 << 31) // unknown
	check("deleted")
	// Replace documents, alive or deleted, with the text of others.
	for range 800 {
		id := uint32(rng.IntN(len(docs)))
		d := docs[rng.IntN(len(docs))]
		ix.Add(id, d)
		nv.add(id, d)
	}
	check("replaced")
	ix.Flush()
	check("flushed")
	ix.Compact()
	check("compacted")
	// Deleting everything empties the index.
	for i := range docs {
		ix.Delete(uint32(i))
		nv.delete(uint32(i))
	}
	if ix.Len() != 0 {
		t.Fatalf("Len() = %d after deleting all", ix.Len())
	}
	if got := ix.Search(Request{Should: analysed(an, "model"), K: 10}); len(got) != 0 {
		t.Errorf("search on an emptied index: %v", got)
	}
}

func TestEdgeRequests(t *testing.T) {
	docs := MustSampleDocs(t)
	ix, nv, an := MustIndex(t, docs, 64)
	model := analysed(an, "model")
	for _, tc := range []struct {
		name string
		r    Request
		none bool
	}{
		{name: "empty", r: Request{}, none: true},
		{name: "unknown terms", r: Request{Should: []string{"qqqzzz", "xxyyzz"}}, none: true},
		{name: "empty strings", r: Request{Should: []string{"", ""}, Must: [][]string{{"", ""}}}, none: true},
		{name: "unknown required", r: Request{Should: model, Must: [][]string{{"qqqzzz"}}}, none: true},
		{name: "unknown author", r: Request{Should: model, Authors: [][]string{{"qqqzzz"}}}, none: true},
		{name: "only exclusions", r: Request{MustNot: [][]string{model}}, none: true},
		{name: "negative k", r: Request{Should: model, K: -5}},
		{name: "huge k", r: Request{Should: model, K: 1 << 30}},
		{name: "repeated terms", r: Request{Should: append(append(model, model...), "qqqzzz")}},
		{name: "must equals should", r: Request{Should: model, Must: [][]string{model}}},
	} {
		got := ix.Search(tc.r)
		if tc.none && len(got) != 0 {
			t.Errorf("%s: got %v, want none", tc.name, got)
		}
		k := tc.r.K
		if k <= 0 {
			k = DefaultK
		}
		want, scores := nv.search(tc.r)
		checkHits(t, tc.name, got, want, scores, min(k, MaxK))
	}
}

func TestPhrase(t *testing.T) {
	an := analyze.New()
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"state of the art", []string{"state", "", "", "art"}},
		{"the scaling laws", []string{"scale", "law"}},
		{"Large Language Models", []string{"larg", "languag", "model"}},
		{"of the", nil},
		{"", nil},
	} {
		if diff := cmp.Diff(tc.want, Phrase(an.Tokens(tc.text, nil))); diff != "" {
			t.Errorf("Phrase(%q) mismatch (-want +got):\n%s", tc.text, diff)
		}
	}
}

func TestScore(t *testing.T) {
	docs := MustDocs(t, 2000)
	ix, nv, an := MustIndex(t, docs, 300)
	for i := 0; i < len(docs); i += 9 {
		ix.Delete(uint32(i))
		nv.delete(uint32(i))
	}
	g := newQueryGen(an, docs, 10)
	rng := rand.New(rand.NewPCG(10, 10))
	for i := range 80 {
		r := Request{Should: g.terms(1 + i%5)}
		switch i % 4 {
		case 1:
			r.Must = [][]string{g.phrase(2)}
		case 2:
			r.MustNot = [][]string{g.terms(1), g.phrase(2)}
		case 3:
			d := docs[rng.IntN(len(docs))]
			if len(d.Authors) > 0 {
				r.Authors = [][]string{NameWords(d.Authors[0])[len(NameWords(d.Authors[0]))-1:]}
			}
		}
		// Candidates: the query's own matches, random documents (deleted
		// ones among them), an unknown id and a repeat.
		var ids []uint32
		for _, h := range ix.Search(Request{Should: r.Should, K: 30}) {
			ids = append(ids, h.ID)
		}
		for range 30 {
			ids = append(ids, uint32(rng.IntN(len(docs))))
		}
		ids = append(ids, 1<<30, ids[0])
		scores, match := ix.Score(r, ids)
		q := nv.resolve(r)
		for j, id := range ids {
			d, ok := nv.docs[id]
			var want float32
			wantMatch := false
			if ok {
				s, _ := nv.score(q, d)
				want = float32(s)
				wantMatch = nv.satisfies(q, r, d)
			}
			if !near(scores[j], want) || match[j] != wantMatch {
				t.Errorf("Score(%q must %q not %q authors %q) id %d = %v, %v; want %v, %v",
					r.Should, r.Must, r.MustNot, r.Authors, id, scores[j], match[j], want, wantMatch)
			}
		}
		// Scores agree with Search exactly.
		for _, h := range ix.Search(Request{Should: r.Should, K: 10}) {
			s, _ := ix.Score(Request{Should: r.Should}, []uint32{h.ID})
			if s[0] != h.Score {
				t.Errorf("Score of %d = %v, Search gave %v", h.ID, s[0], h.Score)
			}
		}
	}
	if s, m := ix.Score(Request{Should: analysed(an, "model")}, nil); len(s) != 0 || len(m) != 0 {
		t.Errorf("Score with no ids = %v, %v", s, m)
	}
}

package lexical

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"testing"

	"quire/internal/search/analyze"
)

// naive is the reference the index is checked against: BM25F computed
// from scratch over every document for every query, with phrases matched
// field by field on the analyser's tokens. It shares nothing with the index
// but the analyser, NameWords and the definition of the score.
type naive struct {
	an   *analyze.Analyzer
	p    Params
	docs map[uint32]*naiveDoc

	// statistics, recomputed after a change
	stale bool
	df    map[string]int
	total float64
}

type naiveDoc struct {
	fields [][]string        // by position: title, abstract, then one per author name; "" for stop words
	tf     map[string][3]int // per field kind: title, abstract, authors
	wlen   float64
	names  [][]string
}

func newNaive(an *analyze.Analyzer, p Params) *naive {
	return &naive{an: an, p: p.WithDefaults(), docs: map[uint32]*naiveDoc{}}
}

func (n *naive) add(id uint32, d Doc) {
	nd := &naiveDoc{tf: map[string][3]int{}}
	var lens [3]int
	addField := func(text string, kind int) {
		toks := n.an.Tokens(text, nil)
		var byPos []string
		for _, t := range toks {
			for len(byPos) <= t.Pos {
				byPos = append(byPos, "")
			}
			byPos[t.Pos] = t.Term
		}
		nd.fields = append(nd.fields, byPos)
		for _, t := range toks {
			c := nd.tf[t.Term]
			c[kind]++
			nd.tf[t.Term] = c
		}
		lens[kind] += len(toks)
	}
	addField(d.Title, 0)
	addField(d.Abstract, 1)
	for _, a := range d.Authors {
		addField(a, 2)
		nd.names = append(nd.names, NameWords(a))
	}
	nd.wlen = n.p.TitleWeight*float64(lens[0]) + n.p.AbstractWeight*float64(lens[1]) + n.p.AuthorsWeight*float64(lens[2])
	n.docs[id] = nd
	n.stale = true
}

func (n *naive) delete(id uint32) {
	delete(n.docs, id)
	n.stale = true
}

func (n *naive) stats() {
	if !n.stale && n.df != nil {
		return
	}
	n.df, n.total, n.stale = map[string]int{}, 0, false
	for _, d := range n.docs {
		n.total += d.wlen
		for t := range d.tf {
			n.df[t]++
		}
	}
}

// query is a request resolved for the reference.
type naiveQuery struct {
	terms   []string
	qtf     map[string]float64
	must    [][]string
	authors [][]string
	avg     float64
}

func (n *naive) resolve(r Request) naiveQuery {
	n.stats()
	q := naiveQuery{qtf: map[string]float64{}, avg: 1}
	if len(n.docs) > 0 && n.total > 0 {
		q.avg = n.total / float64(len(n.docs))
	}
	for i, t := range r.Should {
		if n.df[t] == 0 {
			continue
		}
		if q.qtf[t] == 0 {
			q.terms = append(q.terms, t)
		}
		w := 1.0
		if i < len(r.Weights) && r.Weights[i] > 0 && !math.IsInf(r.Weights[i], 1) {
			w = r.Weights[i]
		}
		q.qtf[t] = min(q.qtf[t]+w, maxQtf)
	}
	for _, m := range r.Must {
		if slices.ContainsFunc(m, func(w string) bool { return w != "" }) {
			q.must = append(q.must, m)
		}
	}
	for _, a := range r.Authors {
		if w := NameWords(strings.Join(a, " ")); len(w) > 0 {
			q.authors = append(q.authors, w)
		}
	}
	return q
}

// score returns d's score for q's terms and whether it holds one of them.
func (n *naive) score(q naiveQuery, d *naiveDoc) (float64, bool) {
	N := len(n.docs)
	k1, b := n.p.K1, n.p.B
	score, matched := 0.0, false
	for _, t := range q.terms {
		c, ok := d.tf[t]
		if !ok {
			continue
		}
		matched = true
		wtf := n.p.TitleWeight*float64(c[0]) + n.p.AbstractWeight*float64(c[1]) + n.p.AuthorsWeight*float64(c[2])
		idf := math.Log(1 + (float64(N)-float64(n.df[t])+0.5)/(float64(n.df[t])+0.5))
		score += q.qtf[t] * idf * (wtf * (k1 + 1)) / (wtf + k1*(1-b+b*d.wlen/q.avg))
	}
	return score, matched
}

// satisfies reports whether d meets r's Must, Authors and MustNot clauses.
func (n *naive) satisfies(q naiveQuery, r Request, d *naiveDoc) bool {
	for _, m := range q.must {
		if !d.hasPhrase(m) {
			return false
		}
	}
	for _, a := range q.authors {
		if !d.hasAuthor(a) {
			return false
		}
	}
	for _, m := range r.MustNot {
		if slices.ContainsFunc(m, func(w string) bool { return w != "" }) && d.hasPhrase(m) {
			return false
		}
	}
	return true
}

// scores returns the score of every document matching r.
func (n *naive) scores(r Request) map[uint32]float32 {
	if len(n.docs) == 0 {
		return nil
	}
	q := n.resolve(r)
	if len(q.terms) == 0 && len(q.must) == 0 && len(q.authors) == 0 {
		return nil
	}
	required := len(q.must) > 0 || len(q.authors) > 0
	out := map[uint32]float32{}
	for id, d := range n.docs {
		score, matched := n.score(q, d)
		if (matched || required) && n.satisfies(q, r, d) && (r.Filter == nil || r.Filter(id)) {
			out[id] = float32(score)
		}
	}
	return out
}

// search returns every match, best first, ties by lower id.
func (n *naive) search(r Request) ([]Hit, map[uint32]float32) {
	sc := n.scores(r)
	hits := make([]Hit, 0, len(sc))
	for id, s := range sc {
		hits = append(hits, Hit{ID: id, Score: s})
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return hits, sc
}

// hasPhrase matches words (with "" for dropped words) inside one field.
func (d *naiveDoc) hasPhrase(words []string) bool {
	first := slices.IndexFunc(words, func(w string) bool { return w != "" })
	for _, byPos := range d.fields {
	starts:
		for start := -first; start < len(byPos); start++ {
			for i, w := range words {
				p := start + i
				if w != "" && (p < 0 || p >= len(byPos) || byPos[p] != w) {
					continue starts
				}
			}
			return true
		}
	}
	return false
}

func (d *naiveDoc) hasAuthor(words []string) bool {
	for _, name := range d.names {
		for i := 0; i+len(words) <= len(name); i++ {
			if slices.Equal(name[i:i+len(words)], words) {
				return true
			}
		}
	}
	return false
}

// checkHits compares the index's answer for k results with the naive
// ranking: same length, the same score at every rank, and every returned
// document a true match whose true score is the one returned. Documents
// whose scores tie within float tolerance may come in either order.
func checkHits(tb testing.TB, name string, got, want []Hit, scores map[uint32]float32, k int) {
	tb.Helper()
	if len(want) > k {
		want = want[:k]
	}
	if len(got) != len(want) {
		tb.Errorf("%s: got %d hits, want %d\n got %v\nwant %v", name, len(got), len(want), head(got), head(want))
		return
	}
	seen := map[uint32]bool{}
	for i, h := range got {
		if !near(h.Score, want[i].Score) {
			tb.Errorf("%s: rank %d: score %v, want %v (id %d, want id %d)", name, i, h.Score, want[i].Score, h.ID, want[i].ID)
			return
		}
		s, ok := scores[h.ID]
		if !ok {
			tb.Errorf("%s: rank %d: id %d does not match the query", name, i, h.ID)
			return
		}
		if !near(s, h.Score) {
			tb.Errorf("%s: rank %d: id %d scored %v, true score %v", name, i, h.ID, h.Score, s)
			return
		}
		if seen[h.ID] {
			tb.Errorf("%s: id %d returned twice", name, h.ID)
			return
		}
		seen[h.ID] = true
		if i > 0 && worse(got[i-1], h) {
			tb.Errorf("%s: rank %d out of order: %v before %v", name, i, got[i-1], h)
			return
		}
	}
}

func near(a, b float32) bool {
	return math.Abs(float64(a)-float64(b)) <= 1e-5*math.Max(1, math.Abs(float64(b)))
}

func head(h []Hit) []Hit { return h[:min(len(h), 5)] }

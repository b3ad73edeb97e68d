package search

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"quire"
	"quire/internal/search/analyze"
	"quire/internal/search/lexical"
	"quire/internal/search/query"
)

// Mode selects the retrievers a search uses.
type Mode string

// Search modes.
const (
	Lexical  Mode = "lexical"
	Semantic Mode = "semantic"
	Hybrid   Mode = "hybrid"
)

// Order sorts results.
type Order string

// Result orders.
const (
	ByRelevance Order = "relevance"
	ByDate      Order = "date"
	ByUpvotes   Order = "upvotes"
)

// Request is one search.
type Request struct {
	// Query is the text typed, in the syntax of package query.
	Query string
	// Mode "" means hybrid when semantic search is available, else lexical.
	Mode  Mode
	Order Order
	// Offset and Limit page through results; Limit 0 means 20.
	Offset, Limit int
	// Filters from outside the query text (URL parameters), combined with
	// the query's own.
	Authors    []string
	Categories []string
	From, To   time.Time
	HasCode    bool
}

// Limits on paging.
const (
	MaxLimit  = 100
	MaxOffset = 1000
	// reorderPool is how many of the most relevant matches a date or
	// upvote order sorts: such orders rank relevant papers, not every
	// paper that mentions a word.
	reorderPool = 500
)

// Result is one paper found.
type Result struct {
	PaperID string
	// Score is the fused score; Lexical and Semantic are the retrievers'
	// raw scores (BM25, weighted as hybrid search weighs the terms, and
	// cosine), zero when one did not score it; Passage is the cosine of
	// the best sentence of the abstract, for the papers hybrid search
	// re-ranked by it.
	Score, Lexical, Semantic, Passage float64
	Upvotes                           int
}

// Response is a page of results.
type Response struct {
	// Query is the parsed query with the request's filters merged in.
	Query   query.Query
	Mode    Mode
	Results []Result
	// More says that another page follows.
	More bool
	// Terms are the analysed query terms, for highlighting snippets.
	Terms map[string]bool
}

// Search runs r. Invalid paging is an error of kind quire.ErrInvalid; any
// query text is accepted (the parser ignores what it cannot use).
func (e *Engine) Search(ctx context.Context, r Request) (*Response, error) {
	if r.Limit == 0 {
		r.Limit = 20
	}
	if r.Limit < 1 || r.Limit > MaxLimit {
		return nil, quire.Invalidf("limit must be between 1 and %d", MaxLimit)
	}
	if r.Offset < 0 || r.Offset > MaxOffset {
		return nil, quire.Invalidf("offset must be between 0 and %d", MaxOffset)
	}
	switch r.Order {
	case "", ByRelevance, ByDate, ByUpvotes:
	default:
		return nil, quire.Invalidf("unknown order %q: use relevance, date or upvotes", r.Order)
	}
	mode := r.Mode
	switch mode {
	case "":
		mode = Lexical
		if e.Semantic() {
			mode = Hybrid
		}
	case Lexical:
	case Semantic, Hybrid:
		if !e.Semantic() {
			return nil, quire.Invalidf("semantic search is not available: no embedding model yet (run quire index)")
		}
	default:
		return nil, quire.Invalidf("unknown mode %q: use lexical, semantic or hybrid", r.Mode)
	}

	q := query.Parse(r.Query)
	q.Authors = append(q.Authors, r.Authors...)
	q.Categories = append(q.Categories, r.Categories...)
	if !r.From.IsZero() && (q.From.IsZero() || r.From.After(q.From)) {
		q.From = r.From
	}
	if !r.To.IsZero() && (q.To.IsZero() || r.To.Before(q.To)) {
		q.To = r.To
	}
	q.HasCode = q.HasCode || r.HasCode
	resp := &Response{Query: q, Mode: mode, Terms: map[string]bool{}}

	c := e.compile(q)
	for _, t := range c.lex.Should {
		resp.Terms[t] = true
	}
	need := r.Offset + r.Limit + 1
	var qv []float32
	var err error
	if mode != Lexical && c.semanticText != "" {
		if qv, err = e.embedQuery(ctx, c.semanticText); err != nil {
			return nil, err
		}
	}
	cands, err := e.retrieve(&c, q, mode, qv, e.poolSize(r, mode, need), need)
	if err != nil {
		return nil, err
	}
	if mode == Hybrid && r.Order != ByDate && r.Order != ByUpvotes {
		if cands, err = e.rankPassages(ctx, qv, cands); err != nil {
			return nil, err
		}
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	e.reorder(cands, r.Order)
	if r.Offset >= len(cands) {
		return resp, nil
	}
	page := cands[r.Offset:]
	if len(page) > r.Limit {
		page, resp.More = page[:r.Limit], true
	}
	for _, cd := range page {
		m := &e.docs.meta[cd.doc]
		resp.Results = append(resp.Results, Result{PaperID: m.paperID, Score: cd.score,
			Lexical: cd.lexical, Semantic: cd.semantic, Passage: cd.passage, Upvotes: int(m.upvotes)})
	}
	return resp, nil
}

// retrieve returns c's candidates in mode, k of them, ranked by relevance
// (nil when the query leaves nothing to search for).
func (e *Engine) retrieve(c *compiled, q query.Query, mode Mode, qv []float32, k, need int) ([]candidate, error) {
	// Retrieval reads the document table without locking per candidate:
	// the read lock is held for the whole of it (Sync waits a few
	// milliseconds at most), so nothing below may take e.mu again.
	e.mu.RLock()
	defer e.mu.RUnlock()
	switch {
	case len(c.lex.Should) == 0 && len(c.lex.Must) == 0 && c.semanticText == "":
		// Nothing left to search for: a query of filters alone lists
		// what passes them, newest first; one whose words were all stop
		// words (or unknown prefixes) finds nothing.
		if q.Empty() || hasPositiveWords(q) {
			return nil, nil
		}
		return e.browse(c, max(need, reorderPool)), nil
	case mode == Lexical:
		return e.lexical(c, k), nil
	case mode == Semantic:
		return e.semantic(c, qv, k, 1)
	default:
		return e.hybrid(c, qv, k)
	}
}

// poolSize is how many candidates a search in mode fetches when its page
// needs need: a pool to sort for an order other than relevance, the
// fusion's candidates for hybrid search, and otherwise just the page, as a
// single retriever's best need are its first need (a larger top-k would
// only make the lexical index prune less).
func (e *Engine) poolSize(r Request, mode Mode, need int) int {
	switch {
	case r.Order == ByDate || r.Order == ByUpvotes:
		return max(need, reorderPool)
	case mode == Hybrid:
		return max(need, e.scoring.Candidates)
	}
	return need
}

// compiled is a parsed query turned into index requests.
type compiled struct {
	lex          lexical.Request
	filter       filter
	semanticText string
}

// compile analyses q's words into index terms and its filters into a
// metadata test.
func (e *Engine) compile(q query.Query) compiled {
	var c compiled
	var words []string
	var toks []analyze.Token
	for _, cl := range q.Clauses {
		text := strings.Join(cl.Words, " ")
		if cl.Prefix && len(cl.Words) == 1 && !cl.Exclude {
			exp := e.expand(cl.Words[0])
			c.lex.Should = append(c.lex.Should, exp...)
			words = append(words, exp...)
			continue
		}
		toks = e.analyzer.Tokens(text, toks[:0])
		if len(toks) == 0 {
			continue
		}
		// A phrase keeps its words' positions: a dropped stop word leaves
		// an empty term, so "state of the art" needs "art" three after
		// "state". A hyphenated word ("test-time") is a phrase too.
		seq := make([]string, toks[len(toks)-1].Pos-toks[0].Pos+1)
		terms := make([]string, 0, len(toks))
		for _, t := range toks {
			seq[t.Pos-toks[0].Pos] = t.Term
			terms = append(terms, t.Term)
		}
		switch {
		case cl.Exclude:
			c.lex.MustNot = append(c.lex.MustNot, seq)
		case cl.Phrase && len(seq) > 1:
			c.lex.Must = append(c.lex.Must, seq)
			c.lex.Should = append(c.lex.Should, terms...)
			words = append(words, text)
		default:
			c.lex.Should = append(c.lex.Should, terms...)
			words = append(words, text)
		}
	}
	c.semanticText = strings.Join(words, " ")
	for _, a := range q.Authors {
		if name := lexical.NameWords(a); len(name) > 0 {
			c.lex.Authors = append(c.lex.Authors, name)
		}
	}
	e.mu.RLock()
	if len(q.Categories) > 0 {
		c.filter.cats = e.docs.categories(q.Categories)
	}
	e.mu.RUnlock()
	if !q.From.IsZero() {
		c.filter.from = max(dayNumber(q.From), 1)
	}
	if !q.To.IsZero() {
		c.filter.to = dayNumber(q.To)
	}
	c.filter.hasCode = q.HasCode
	if !c.filter.empty() {
		f := &c.filter
		c.lex.Filter = func(id uint32) bool { return e.matchDoc(f, id) }
	}
	return c
}

// maxExpansions bounds the terms a prefix stands for.
const maxExpansions = 16

// expand returns the indexed terms that start with prefix, as typed
// (lowercased) and as analysed (folded and stemmed: "scaling*" also finds
// "scale"), most frequent first.
func (e *Engine) expand(prefix string) []string {
	terms := e.lex.Expand(strings.ToLower(prefix), maxExpansions)
	if t, ok := e.analyzer.Term(prefix); ok {
		for _, x := range e.lex.Expand(t, maxExpansions) {
			if !slices.Contains(terms, x) && len(terms) < 2*maxExpansions {
				terms = append(terms, x)
			}
		}
	}
	return terms
}

// matchDoc applies f to document id; the caller holds e.mu.
func (e *Engine) matchDoc(f *filter, id uint32) bool {
	return int(id) < len(e.docs.meta) && f.match(&e.docs.meta[id])
}

func hasPositiveWords(q query.Query) bool {
	for _, cl := range q.Clauses {
		if !cl.Exclude {
			return true
		}
	}
	return false
}

// tieSlack is how many results past k each retriever fetches, so that
// documents tied at the k-th score are all seen and sorted by paper id.
const tieSlack = 8

func (e *Engine) lexical(c *compiled, k int) []candidate {
	c.lex.K = k + tieSlack
	hits := e.lex.Search(c.lex)
	cands := make([]candidate, len(hits))
	for i, h := range hits {
		cands[i] = candidate{doc: h.ID, paper: e.docs.meta[h.ID].paperID, lexical: float64(h.Score), hasLex: true, score: float64(h.Score)}
	}
	sortCandidates(cands)
	return cands[:min(k, len(cands))]
}

func (e *Engine) embedQuery(ctx context.Context, text string) ([]float32, error) {
	if text == "" {
		return nil, nil
	}
	vs, err := e.embedder.Embed(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	return vs[0], nil
}

// vectorFilter is the semantic side's filter: the metadata test plus the
// lexical requirements that a vector search cannot check (phrases,
// exclusions, authors), which it leaves to the lexical index.
func (e *Engine) vectorFilter(c *compiled) func(uint32) bool {
	if c.filter.empty() {
		return nil
	}
	f := &c.filter
	return func(id uint32) bool { return e.matchDoc(f, id) }
}

// semantic returns the k best candidates of a vector search through share
// of the calibrated lists (see vector.Index.SearchShare).
func (e *Engine) semantic(c *compiled, qv []float32, k int, share float64) ([]candidate, error) {
	if qv == nil {
		return nil, nil
	}
	hits, err := e.vec.SearchShare(qv, k+tieSlack, share, e.vectorFilter(c))
	if err != nil {
		return nil, err
	}
	cands := make([]candidate, len(hits))
	for i, h := range hits {
		cands[i] = candidate{doc: h.ID, paper: e.docs.meta[h.ID].paperID, semantic: float64(h.Score), hasSem: true, score: float64(h.Score)}
	}
	sortCandidates(cands)
	cands = e.keepLexicalRequirements(c, cands)
	return cands[:min(k, len(cands))], nil
}

// keepLexicalRequirements drops semantic candidates that break the query's
// phrases, exclusions or author filters.
func (e *Engine) keepLexicalRequirements(c *compiled, cands []candidate) []candidate {
	if len(c.lex.Must) == 0 && len(c.lex.MustNot) == 0 && len(c.lex.Authors) == 0 {
		return cands
	}
	ids := make([]uint32, len(cands))
	for i, cd := range cands {
		ids[i] = cd.doc
	}
	ok := e.lexMatch(c.lex, ids)
	return slices.DeleteFunc(cands, func(cd candidate) bool { return !ok[cd.doc] })
}

// hybrid fetches both candidate lists, scores every candidate by both
// retrievers, and fuses.
func (e *Engine) hybrid(c *compiled, qv []float32, k int) ([]candidate, error) {
	if qv == nil {
		return e.lexical(c, k), nil
	}
	c.lex.Weights = e.termWeights(c.lex.Should, qv)
	lex := e.lexical(c, k)
	sem, err := e.semantic(c, qv, k, e.scoring.HybridProbe)
	if err != nil {
		return nil, err
	}
	byDoc := make(map[uint32]int, len(lex)+len(sem))
	cands := make([]candidate, 0, len(lex)+len(sem))
	for _, cd := range lex {
		byDoc[cd.doc] = len(cands)
		cands = append(cands, cd)
	}
	for _, cd := range sem {
		if i, ok := byDoc[cd.doc]; ok {
			cands[i].semantic, cands[i].hasSem = cd.semantic, true
			continue
		}
		byDoc[cd.doc] = len(cands)
		cands = append(cands, cd)
	}
	// Score each candidate by the retriever that missed it, so fusion
	// compares like with like.
	var noLex []uint32
	var buf []float32
	for i := range cands {
		cd := &cands[i]
		if !cd.hasSem {
			var ok bool
			if buf, ok = e.vec.Vector(cd.doc, buf[:0]); ok {
				cd.semantic, cd.hasSem = dot(qv, buf), true
			}
		}
		if !cd.hasLex {
			noLex = append(noLex, cd.doc)
		}
	}
	if len(noLex) > 0 && len(c.lex.Should) > 0 {
		scores := e.lexScore(c.lex, noLex)
		for i, id := range noLex {
			cd := &cands[byDoc[id]]
			cd.lexical, cd.hasLex = float64(scores[i]), true
		}
	}
	return fuse(cands, e.scoring), nil
}

// dot is the cosine of two unit vectors.
func dot(a, b []float32) float64 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return float64(s)
}

// browse lists the papers that pass c's filters, newest first: a query of
// filters alone (cat:cs.CL year:2025).
func (e *Engine) browse(c *compiled, k int) []candidate {
	var cands []candidate
	for id := range e.docs.meta {
		if m := &e.docs.meta[id]; c.filter.match(m) {
			cands = append(cands, candidate{doc: uint32(id), paper: m.paperID})
		}
	}
	if len(c.lex.Authors) > 0 || len(c.lex.MustNot) > 0 {
		ids := make([]uint32, len(cands))
		for i, cd := range cands {
			ids[i] = cd.doc
		}
		ok := e.lexMatch(c.lex, ids)
		cands = slices.DeleteFunc(cands, func(cd candidate) bool { return !ok[cd.doc] })
	}
	e.reorder(cands, ByDate)
	if len(cands) > k {
		cands = cands[:k]
	}
	return cands
}

// reorder sorts candidates by date or upvotes; relevance keeps their order.
// Ties keep relevance order. The caller holds e.mu.
func (e *Engine) reorder(cands []candidate, o Order) {
	if o != ByDate && o != ByUpvotes {
		return
	}
	key := func(cd candidate) int32 {
		m := &e.docs.meta[cd.doc]
		if o == ByDate {
			return m.day
		}
		return m.upvotes
	}
	slices.SortStableFunc(cands, func(a, b candidate) int { return cmp.Compare(key(b), key(a)) })
}

// Candidates returns the union of the lexical and semantic candidates for
// text (k from each), each scored by both retrievers (the lexical one with
// hybrid search's term weights), unfused and without passage scores: the
// raw material for tuning ScoringParams with the relevance harness.
func (e *Engine) Candidates(ctx context.Context, text string, k int) ([]Result, error) {
	if !e.Semantic() {
		return nil, quire.Invalidf("semantic search is not available")
	}
	c := e.compile(query.Parse(text))
	qv, err := e.embedQuery(ctx, c.semanticText)
	if err != nil {
		return nil, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	cands, err := e.hybrid(&c, qv, k)
	if err != nil {
		return nil, err
	}
	out := make([]Result, len(cands))
	for i, cd := range cands {
		out[i] = Result{PaperID: cd.paper, Lexical: cd.lexical, Semantic: cd.semantic}
	}
	return out, nil
}

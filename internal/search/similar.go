package search

import (
	"context"

	"quire"
	"quire/internal/search/lexical"
)

// Similar returns up to k papers nearest to paperID by meaning (its vector's
// neighbours), or, without semantic search or a vector for it, the papers
// that best match its title. An unknown paper is an error of kind
// quire.ErrNotFound.
func (e *Engine) Similar(ctx context.Context, paperID string, k int) ([]Result, error) {
	if k < 1 || k > MaxLimit {
		return nil, quire.Invalidf("limit must be between 1 and %d", MaxLimit)
	}
	e.mu.RLock()
	id, ok := e.docs.byPaper[paperID]
	e.mu.RUnlock()
	if !ok {
		return nil, quire.NotFoundf("paper %s is not in the search index", paperID)
	}
	var cands []candidate
	if e.vec != nil {
		if v, ok := e.vec.Vector(id, nil); ok {
			hits, err := e.vec.Search(v, k+1, nil)
			if err != nil {
				return nil, err
			}
			for _, h := range hits {
				if h.ID != id {
					cands = append(cands, candidate{doc: h.ID, semantic: float64(h.Score), score: float64(h.Score)})
				}
			}
		}
	}
	if cands == nil {
		papers, err := e.store.FindPapersByIDs(ctx, []string{paperID})
		if err != nil || len(papers) == 0 {
			return nil, err
		}
		var terms []string
		for _, t := range e.analyzer.Tokens(papers[0].Title, nil) {
			terms = append(terms, t.Term)
		}
		for _, h := range e.lex.Search(lexical.Request{Should: terms, K: k + 1}) {
			if h.ID != id {
				cands = append(cands, candidate{doc: h.ID, lexical: float64(h.Score), score: float64(h.Score)})
			}
		}
	}
	if len(cands) > k {
		cands = cands[:k]
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]Result, 0, len(cands))
	for _, cd := range cands {
		m := &e.docs.meta[cd.doc]
		if m.deleted {
			continue
		}
		out = append(out, Result{PaperID: m.paperID, Score: cd.score, Lexical: cd.lexical,
			Semantic: cd.semantic, Upvotes: int(m.upvotes)})
	}
	return out, nil
}

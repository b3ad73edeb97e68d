package search

import (
	"context"

	"quire/internal/embedding"
)

// Two refinements of hybrid search that an in-process embedder
// (embedding.Scorer) makes cheap enough for every query. Measured on the
// descriptive development set (BENCHMARKS.md), plain fusion ranks 0.8306
// MRR@10, with the term discount 0.8377, with the best passage 0.8365,
// with both 0.8453.

// minTermWeight keeps a discounted term in the query: it still counts,
// just for little.
const minTermWeight = 0.05

// termWeights returns the BM25 weight of each analysed query term: lower
// for the terms closest to the query's vector (see
// ScoringParams.TermDiscount), nil when there is nothing to discount.
func (e *Engine) termWeights(terms []string, qv []float32) []float64 {
	sc, ok := e.embedder.(embedding.Scorer)
	if !ok || qv == nil || len(terms) == 0 || e.scoring.TermDiscount <= 0 {
		return nil
	}
	ws := sc.TermCosines(terms, qv)
	for i, c := range ws {
		ws[i] = max(minTermWeight, 1-e.scoring.TermDiscount*c)
	}
	return ws
}

// rankPassages re-ranks the first PassageDepth candidates of a fused
// ranking by adding their best passage's score (ScoringParams.PassageWeight):
// a summary or a paraphrase usually restates one or two sentences of an
// abstract, which a vector of the whole paper blurs. The abstracts come
// from the store, so the caller must not hold e.mu. When the store cannot
// be read, the ranking stays as it was: search keeps working, a little less
// well, while the database is away.
func (e *Engine) rankPassages(ctx context.Context, qv []float32, cands []candidate) ([]candidate, error) {
	sc, ok := e.embedder.(embedding.Scorer)
	if !ok || qv == nil || e.scoring.PassageWeight <= 0 || len(cands) == 0 {
		return cands, nil
	}
	top := cands[:min(len(cands), e.scoring.PassageDepth)]
	ids := make([]string, len(top))
	for i, cd := range top {
		ids[i] = cd.paper
	}
	papers, err := e.store.FindPapersByIDs(ctx, ids)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		e.logger.Warn("search: ranking without passages: reading abstracts failed", "error", err)
		return cands, nil
	}
	abstracts := make(map[string]string, len(papers))
	for _, p := range papers {
		abstracts[p.ID] = p.Abstract
	}
	texts := make([]string, len(top))
	for i, cd := range top {
		texts[i] = abstracts[cd.paper]
	}
	best, err := sc.BestPassages(ctx, qv, texts)
	if err != nil {
		return nil, err
	}
	for i := range top {
		top[i].passage = best[i]
		top[i].score += e.scoring.PassageWeight * floored(best[i], e.scoring.SemanticFloor)
	}
	// Only scores rise, so the rest of the ranking stays below the top.
	sortCandidates(top)
	return cands, nil
}

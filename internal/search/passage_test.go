package search_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"quire"
	"quire/internal/embedding"
	"quire/internal/search"
	"quire/internal/store"
)

// engineWith builds an engine over s with the given scoring.
func engineWith(tb testing.TB, s search.Store, m embedding.Embedder, p search.ScoringParams) *search.Engine {
	tb.Helper()
	return mustEngineWith(tb, s, search.Options{Embedder: m, Scoring: p, Logger: quiet})
}

// unreadable is a real store whose paper reads fail, as they do while the
// database is away.
type unreadable struct{ store.DB }

func (unreadable) FindPapersByIDs(context.Context, []string) ([]*quire.Paper, error) {
	return nil, errors.New("connection refused")
}

// TestHybridRefinements checks the two refinements of hybrid ranking that
// the built-in model allows: the first PassageDepth results are re-ranked
// by their best passage, the query's terms are weighted by how far they are
// from its meaning, and a store that cannot be read leaves the ranking
// without passages instead of failing the search.
func TestHybridRefinements(t *testing.T) {
	db := MustCatalogue(t, sqlitePath(t))
	m := MustModel(t, db)
	full := engineWith(t, db, m, search.ScoringParams{})
	noPassages := engineWith(t, db, m, search.ScoringParams{PassageWeight: -1})
	plain := engineWith(t, db, m, search.ScoringParams{PassageWeight: -1, TermDiscount: -1})
	away := engineWith(t, unreadable{db}, m, search.ScoringParams{})
	depth := search.ScoringParams{}.WithDefaults().PassageDepth

	reranked, discounted := 0, 0
	for _, q := range []string{
		"large language model reasoning with reinforcement learning",
		"measuring the production cross section of photon pairs at hadron colliders",
		"agents that use tools to browse the web", "diffusion models for video generation",
		"quark gluon plasma", "neural rendering of scenes",
	} {
		r := search.Request{Query: q, Mode: search.Hybrid, Limit: depth + 10}
		got := mustSearch(t, full, r).Results
		if len(got) <= depth {
			t.Fatalf("%q: %d results, want more than %d", q, len(got), depth)
		}
		for i, res := range got {
			if (i < depth) != (res.Passage != 0) {
				t.Errorf("%q: result %d has passage score %g; want one for the first %d only", q, i, res.Passage, depth)
			}
			if i > 0 && res.Score > got[i-1].Score {
				t.Errorf("%q: result %d scores %g, above the one before it (%g)", q, i, res.Score, got[i-1].Score)
			}
		}
		without := mustSearch(t, noPassages, r).Results
		if !slices.Equal(ids(got), ids(without)) {
			reranked++
		}
		if !slices.Equal(ids(got)[depth:], ids(without)[depth:]) {
			t.Errorf("%q: passages moved results below the first %d:\n%v\n%v", q, depth, ids(got), ids(without))
		}
		if diff := ids(mustSearch(t, away, r).Results); !slices.Equal(diff, ids(without)) {
			t.Errorf("%q: with the store away, ranking %v; want the ranking without passages %v", q, diff, ids(without))
		}

		// Without the discount, hybrid search's lexical scores are BM25's;
		// with it, they differ.
		lexical := map[string]float64{}
		for _, res := range mustSearch(t, plain, search.Request{Query: q, Mode: search.Lexical, Limit: 100}).Results {
			lexical[res.PaperID] = res.Score
		}
		for _, res := range mustSearch(t, plain, r).Results {
			if s, ok := lexical[res.PaperID]; ok && !near(s, res.Lexical) {
				t.Errorf("%q: %s scores %g in hybrid search without the discount, %g in lexical search", q, res.PaperID, res.Lexical, s)
			}
		}
		for _, res := range without {
			if s, ok := lexical[res.PaperID]; ok && !near(s, res.Lexical) {
				discounted++
				break
			}
		}
	}
	if reranked == 0 {
		t.Error("passages changed no ranking")
	}
	if discounted == 0 {
		t.Error("the term discount changed no lexical score")
	}
}

func near(a, b float64) bool { return a-b < 1e-4*max(1, b) && b-a < 1e-4*max(1, b) }

package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"

	"quire/internal/config"
	"quire/internal/search"
	"quire/internal/store"
)

func bindEval(fs *flag.FlagSet) runFunc {
	queries := fs.String("queries", "", "JSON lines of {\"query\": \"...\", \"relevant\": [\"arXiv id\", ...]}")
	var o evalOptions
	fs.StringVar((*string)(&o.mode), "mode", string(search.Hybrid), "lexical, semantic or hybrid")
	fs.StringVar(&o.dump, "dump-candidates", "", "also write each query's candidates with both scores to this file (JSON lines), for tuning fusion")
	fs.IntVar(&o.limit, "limit", search.MaxLimit, "results asked for per query, as a page of that many asks (recall@100 then counts only those)")
	fs.Float64Var(&o.scoring.HybridProbe, "hybrid-probe", 0, "share of the vector index's lists that hybrid search scans, in (0, 1] (default: the engine's)")
	fs.IntVar(&o.scoring.Candidates, "candidates", 0, "results each retriever contributes to hybrid fusion (default: the engine's)")
	fs.Float64Var(&o.scoring.SemanticWeight, "semantic-weight", 0, "weight of the cosine against the lexical score divided by the query's best, in hybrid fusion (default: the engine's)")
	fs.Float64Var(&o.scoring.PassageWeight, "passage-weight", 0, "weight of a paper's best passage in hybrid ranking; negative turns passages off (default: the engine's)")
	fs.Float64Var(&o.scoring.TermDiscount, "term-discount", 0, "how much hybrid search lowers the weight of the query terms closest to the query's meaning; negative turns it off (default: the engine's)")
	return func(ctx context.Context, env Env, cfg *config.Config, _ []string) error {
		switch {
		case *queries == "":
			fmt.Fprintln(env.Stderr, "quire eval: --queries FILE is required")
			return ErrUsage
		case o.limit < 10 || o.limit > search.MaxLimit:
			fmt.Fprintf(env.Stderr, "quire eval: --limit must be between 10 and %d\n", search.MaxLimit)
			return ErrUsage
		case o.scoring.HybridProbe < 0 || o.scoring.HybridProbe > 1 || o.scoring.Candidates < 0:
			fmt.Fprintln(env.Stderr, "quire eval: --hybrid-probe must be in (0, 1] and --candidates positive")
			return ErrUsage
		case o.scoring.SemanticWeight < 0 || !finite(o.scoring.SemanticWeight, o.scoring.PassageWeight, o.scoring.TermDiscount):
			fmt.Fprintln(env.Stderr, "quire eval: --semantic-weight must be a positive number, --passage-weight and --term-discount numbers")
			return ErrUsage
		}
		return runEval(ctx, env, cfg, *queries, o)
	}
}

// evalOptions are quire eval's settings besides the query file.
type evalOptions struct {
	mode    search.Mode
	dump    string // file for each query's candidates, or ""
	limit   int    // results asked for per query
	scoring search.ScoringParams
}

// evalQuery is one line of a relevance file.
type evalQuery struct {
	Query    string   `json:"query"`
	Relevant []string `json:"relevant"`
}

// evalResult is what quire eval prints: one JSON object.
type evalResult struct {
	Mode      search.Mode `json:"mode"`
	Queries   int         `json:"queries"`
	MRR10     float64     `json:"mrr@10"`
	Recall10  float64     `json:"recall@10"`
	Recall100 float64     `json:"recall@100"`
	NDCG10    float64     `json:"ndcg@10"`
}

// runEval measures the ranking on a set of queries with known answers and
// prints exactly one JSON object on standard output (logs go to standard
// error).
func runEval(ctx context.Context, env Env, cfg *config.Config, path string, o evalOptions) error {
	qs, err := readEvalQueries(path)
	if err != nil {
		return err
	}
	logger := newLogger(env.Stderr, cfg)
	db, _, err := store.OpenMigrated(ctx, cfg.DB, migrationPolicy(cfg))
	if err != nil {
		return err
	}
	defer db.Close()
	emb, err := newEmbedder(ctx, cfg, db)
	if err != nil {
		return err
	}
	e, err := openEngineScoring(ctx, cfg, db, emb, logger, o.scoring)
	if err != nil {
		return err
	}
	res := evalResult{Mode: o.mode, Queries: len(qs)}
	var dump *json.Encoder
	if o.dump != "" {
		f, err := os.Create(o.dump)
		if err != nil {
			return err
		}
		defer f.Close()
		w := bufio.NewWriter(f)
		defer w.Flush()
		dump = json.NewEncoder(w)
	}
	for _, q := range qs {
		if dump != nil {
			cands, err := e.Candidates(ctx, q.Query, search.MaxLimit)
			if err != nil {
				return err
			}
			if err := dump.Encode(map[string]any{"relevant": q.Relevant, "candidates": cands}); err != nil {
				return err
			}
		}
		resp, err := e.Search(ctx, search.Request{Query: q.Query, Mode: o.mode, Limit: o.limit})
		if err != nil {
			return fmt.Errorf("query %q: %w", q.Query, err)
		}
		var ranked []string
		for _, r := range resp.Results {
			ranked = append(ranked, r.PaperID)
		}
		m := scoreRanking(ranked, q.Relevant)
		res.MRR10 += m.mrr10
		res.Recall10 += m.recall10
		res.Recall100 += m.recall100
		res.NDCG10 += m.ndcg10
	}
	if n := float64(len(qs)); n > 0 {
		res.MRR10 = round4(res.MRR10 / n)
		res.Recall10 = round4(res.Recall10 / n)
		res.Recall100 = round4(res.Recall100 / n)
		res.NDCG10 = round4(res.NDCG10 / n)
	}
	return json.NewEncoder(env.Stdout).Encode(res)
}

func readEvalQueries(path string) ([]evalQuery, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var qs []evalQuery
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var q evalQuery
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, line, err)
		}
		if q.Query == "" || len(q.Relevant) == 0 {
			return nil, fmt.Errorf("%s:%d: a query needs \"query\" and at least one \"relevant\" id", path, line)
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("%s: no queries", path)
	}
	return qs, nil
}

// queryScores are one query's scores.
type queryScores struct{ mrr10, recall10, recall100, ndcg10 float64 }

// scoreRanking scores a ranked list against the relevant ids (binary
// relevance): reciprocal rank of the first relevant result within 10,
// recall within 10 and 100, and nDCG@10.
func scoreRanking(ranked, relevant []string) queryScores {
	rel := map[string]bool{}
	for _, id := range relevant {
		rel[id] = true
	}
	var m queryScores
	found10, found100 := 0, 0
	dcg := 0.0
	for i, id := range ranked {
		if !rel[id] {
			continue
		}
		if i < 10 {
			if m.mrr10 == 0 {
				m.mrr10 = 1 / float64(i+1)
			}
			found10++
			dcg += 1 / math.Log2(float64(i+2))
		}
		if i < 100 {
			found100++
		}
	}
	ideal := 0.0
	for i := range min(len(rel), 10) {
		ideal += 1 / math.Log2(float64(i+2))
	}
	m.recall10 = float64(found10) / float64(len(rel))
	m.recall100 = float64(found100) / float64(len(rel))
	if ideal > 0 {
		m.ndcg10 = dcg / ideal
	}
	return m
}

func round4(x float64) float64 { return math.Round(x*10000) / 10000 }

// finite reports whether every x is a finite number.
func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

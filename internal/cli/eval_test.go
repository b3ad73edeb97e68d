package cli

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScoreRanking(t *testing.T) {
	for _, tc := range []struct {
		name     string
		ranked   []string
		relevant []string
		want     queryScores
	}{
		{"first", []string{"a", "b"}, []string{"a"}, queryScores{1, 1, 1, 1}},
		{"third", []string{"x", "y", "a"}, []string{"a"}, queryScores{1.0 / 3, 1, 1, 0.5}},
		{"missing", []string{"x", "y"}, []string{"a"}, queryScores{}},
		{"eleventh", append(make([]string, 10), "a"), []string{"a"}, queryScores{0, 0, 1, 0}},
		{"two of two", []string{"a", "x", "b"}, []string{"a", "b"}, queryScores{1, 1, 1, (1 + 0.5) / (1 + 1/math.Log2(3))}},
	} {
		got := scoreRanking(tc.ranked, tc.relevant)
		if math.Abs(got.mrr10-tc.want.mrr10) > 1e-9 || math.Abs(got.recall10-tc.want.recall10) > 1e-9 ||
			math.Abs(got.recall100-tc.want.recall100) > 1e-9 || math.Abs(got.ndcg10-tc.want.ndcg10) > 1e-9 {
			t.Errorf("%s: scoreRanking = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// TestIndexAndEval runs `quire index` and `quire eval` as an operator
// would, on a small real catalogue: eval prints exactly one JSON object
// with the documented keys, in every mode.
func TestIndexAndEval(t *testing.T) {
	db := filepath.Join(t.TempDir(), "quire.db")
	mustRun(t, "import", "--db", db, "../../testdata/arxiv/kaggle_sample_200.jsonl", "../../testdata/arxiv/listings_sample.jsonl")
	out := mustRun(t, "index", "--db", db)
	if !strings.Contains(out, "indexed 250 papers (250 vectors") {
		t.Errorf("quire index printed %q", out)
	}
	queries := filepath.Join(t.TempDir(), "q.jsonl")
	os.WriteFile(queries, []byte(`{"query": "prompt diphoton production cross sections at the Tevatron and LHC", "relevant": ["0704.0001"]}
{"query": "sensor simulation with Gaussian splatting for autonomous driving", "relevant": ["2503.11731"]}
`), 0o644)
	for _, mode := range []string{"lexical", "semantic", "hybrid"} {
		out := mustRun(t, "eval", "--db", db, "--queries", queries, "--mode", mode)
		var res map[string]any
		dec := json.NewDecoder(strings.NewReader(out))
		if err := dec.Decode(&res); err != nil || dec.More() {
			t.Fatalf("eval --mode %s printed %q, want one JSON object", mode, out)
		}
		for _, key := range []string{"mode", "queries", "mrr@10", "recall@10", "recall@100", "ndcg@10"} {
			if _, ok := res[key]; !ok {
				t.Errorf("eval output lacks %q: %s", key, out)
			}
		}
		if res["queries"] != 2.0 || res["mode"] != mode {
			t.Errorf("eval output = %s", out)
		}
		if mode == "lexical" && res["mrr@10"] != 1.0 {
			t.Errorf("lexical eval of exact titles = %s, want MRR 1", out)
		}
	}
	// The fusion's knobs: refinements off, other weights; bad values are
	// usage errors.
	out = mustRun(t, "eval", "--db", db, "--queries", queries, "--passage-weight", "-1", "--term-discount", "-1", "--semantic-weight", "0.7")
	if !strings.Contains(out, `"queries":2`) {
		t.Errorf("eval with its knobs set printed %q", out)
	}
	for _, bad := range [][]string{{"--semantic-weight", "-0.1"}, {"--passage-weight", "NaN"}, {"--term-discount", "+Inf"}} {
		_, _, err := runQuire(t, append([]string{"eval", "--db", db, "--queries", queries}, bad...)...)
		if !errors.Is(err, ErrUsage) {
			t.Errorf("quire eval %s = %v, want a usage error", strings.Join(bad, " "), err)
		}
	}
}

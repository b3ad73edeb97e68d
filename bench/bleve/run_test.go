package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// papersFile holds 600 real arXiv listings.
const papersFile = "../gen1m/testdata/arxiv/cs_listings_2025-03_2026-07.jsonl.zst"

// MustRun measures engine over the first n papers of papersFile.
func MustRun(tb testing.TB, engine string, n int) *Result {
	tb.Helper()
	r, err := Run(Config{Engine: engine, File: papersFile, N: n, Queries: "testdata/queries.jsonl", K: 20, Warmup: 1, Dir: tb.TempDir()})
	if err != nil {
		tb.Fatalf("%s: %v", engine, err)
	}
	return r
}

func TestRun(t *testing.T) {
	results := filepath.Join(t.TempDir(), "results.jsonl")
	var lines []string
	for _, engine := range []string{"bleve", "quire"} {
		r := MustRun(t, engine, 600)
		// Two queries fill the top 20; the made-up word matches nothing.
		if r.Docs != 600 || r.Queries != 3 || r.Common != 1 || r.MeanHits != 40.0/3 {
			t.Errorf("%s: %+v", engine, r)
		}
		if r.BuildS <= 0 || r.P50Ms <= 0 || r.P99Ms < r.P50Ms || r.RSSMB <= 0 || r.PeakMB < r.RSSMB {
			t.Errorf("%s: measurements out of order: %+v", engine, r)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	if err := os.WriteFile(results, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	if err := printTable(&sb, results); err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(sb.String()), "\n")
	if len(rows) != 5 || !strings.HasPrefix(rows[2], "| bleve | 600 |") || !strings.HasPrefix(rows[3], "| quire | 600 |") ||
		!strings.HasPrefix(rows[4], "| **Quire / Bleve** | – |") {
		t.Errorf("table:\n%s", sb.String())
	}
}

func TestRunErrors(t *testing.T) {
	for _, cfg := range []Config{
		{Engine: "lucene", File: papersFile, N: 10, Queries: "testdata/queries.jsonl", K: 20},
		{Engine: "quire", File: papersFile, N: 601, Queries: "testdata/queries.jsonl", K: 20},
		{Engine: "quire", File: "testdata/missing.jsonl", N: 10, Queries: "testdata/queries.jsonl", K: 20},
		{Engine: "quire", File: papersFile, N: 10, Queries: "testdata/missing.jsonl", K: 20},
		{Engine: "bleve", File: "testdata/queries.jsonl", N: 1, Queries: "testdata/queries.jsonl", K: 20, Dir: t.TempDir()},
	} {
		if _, err := Run(cfg); err == nil {
			t.Errorf("no error for %+v", cfg)
		}
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 200; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		p    int
		want time.Duration
	}{{50, 100 * time.Millisecond}, {99, 198 * time.Millisecond}, {100, 200 * time.Millisecond}, {1, 2 * time.Millisecond}} {
		if got := percentile(ds, tc.p); got != tc.want {
			t.Errorf("percentile %d = %v, want %v", tc.p, got, tc.want)
		}
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("percentile of nothing = %v", got)
	}
}

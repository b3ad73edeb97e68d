package cli

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// replayOAI serves the recorded three-page arXiv-format harvest of
// internal/arxiv/testdata/oai; failAt, when positive, makes the request
// for that page (1-based) fail with a 400 the harvester does not retry,
// as an interrupted harvest.
func replayOAI(t *testing.T, failAt *atomic.Int32) *httptest.Server {
	routes := map[string]string{
		"metadataPrefix=arXiv":           "arxiv_page1.xml",
		"resumptionToken=6960524%7C1001": "arxiv_page2.xml",
		"resumptionToken=6960524%7C2001": "arxiv_page3.xml",
	}
	pages := map[string]int32{"arxiv_page1.xml": 1, "arxiv_page2.xml": 2, "arxiv_page3.xml": 3}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		q.Del("verb")
		name, ok := routes[q.Encode()]
		if !ok {
			name = "error_badArgument.xml"
		}
		if failAt != nil && pages[name] == failAt.Load() {
			http.Error(w, "interrupted", http.StatusBadRequest)
			return
		}
		b, err := os.ReadFile(filepath.Join("../arxiv/testdata/oai", name))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestSync harvests the replayed pages into a database; interrupted at
// the third page, the same command resumes there and ends with the same
// catalogue as an uninterrupted harvest.
func TestSync(t *testing.T) {
	whole := filepath.Join(t.TempDir(), "whole.db")
	srv := replayOAI(t, nil)
	out := mustRun(t, "sync", "--db", whole, "--oai-url", srv.URL, "--format", "arXiv", "--sets", "all", "--interval", "10ms")
	if !strings.Contains(out, "all sets:") {
		t.Fatalf("quire sync:\n%s", out)
	}
	want := countPapers(t, whole)
	if want == 0 {
		t.Fatal("the harvest stored no papers")
	}

	part := filepath.Join(t.TempDir(), "part.db")
	var failAt atomic.Int32
	failAt.Store(3)
	broken := replayOAI(t, &failAt)
	var stdout, stderr bytes.Buffer
	env := Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
	if err := Run(t.Context(), env, []string{"sync", "--db", part, "--oai-url", broken.URL, "--format", "arXiv", "--sets", "all", "--interval", "10ms"}); err == nil {
		t.Fatal("the interrupted harvest reported success")
	}
	if n := countPapers(t, part); n == 0 || n >= want {
		t.Fatalf("after the interruption: %d papers, want some of %d", n, want)
	}
	failAt.Store(0)
	mustRun(t, "sync", "--db", part, "--oai-url", broken.URL, "--format", "arXiv", "--sets", "all", "--interval", "10ms")
	if got := countPapers(t, part); got != want {
		t.Errorf("resumed harvest: %d papers, want %d", got, want)
	}
}

func countPapers(t *testing.T, dsn string) int {
	t.Helper()
	db := MustOpenUserDB(t, dsn)
	n, err := db.CountPapers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

package cli

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
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
		serveOAIFixture(w, name)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// serveOAIFixture answers with the recorded OAI-PMH response name, from
// internal/arxiv/testdata/oai.
func serveOAIFixture(w http.ResponseWriter, name string) {
	b, err := os.ReadFile(filepath.Join("../arxiv/testdata/oai", name))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Write(b)
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
	// Page 3's 0704.0156 says it was withdrawn: it is marked, as of its
	// latest version.
	if !strings.Contains(out, "1 marked withdrawn") {
		t.Errorf("quire sync does not report the withdrawn paper:\n%s", out)
	}
	checkWithdrawn(t, whole, map[string]string{"0704.0156": "2008-03-05", "0704.0004": ""})

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
	checkWithdrawn(t, part, map[string]string{"0704.0156": "2008-03-05", "0704.0004": ""})
}

// TestSyncDeleted harvests a page with deleted records into a catalogue
// that holds their papers (from the arXiv snapshot sample): they are
// marked withdrawn, as of the page's datestamp, and a second harvest of
// the same page marks nothing more.
func TestSyncDeleted(t *testing.T) {
	db := filepath.Join(t.TempDir(), "quire.db")
	mustRun(t, "import", "--db", db, "../../testdata/arxiv/kaggle_sample_200.jsonl")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("metadataPrefix") != "arXiv" {
			http.Error(w, "unexpected request "+r.URL.RawQuery, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		http.ServeFile(w, r, "../arxiv/testdata/oai/arxiv_deleted.xml")
	}))
	t.Cleanup(srv.Close)
	args := []string{"sync", "--db", db, "--oai-url", srv.URL, "--format", "arXiv", "--sets", "all", "--interval", "10ms", "--restart", "--from", "2007-05-23"}
	if out := mustRun(t, args...); !strings.Contains(out, "2 marked withdrawn") {
		t.Errorf("quire sync does not report the two deleted papers:\n%s", out)
	}
	checkWithdrawn(t, db, map[string]string{"0704.0012": "2007-05-21", "0704.0034": "2007-05-23", "0704.0010": "", "0704.0018": ""})
	if out := mustRun(t, args...); !strings.Contains(out, "0 marked withdrawn") {
		t.Errorf("quire sync again marks papers:\n%s", out)
	}
}

// TestSyncWaitsForTheLease refuses a harvest or an upstream merge by hand
// while a server holds the lease of its scheduled run, and runs once the
// lease is free.
func TestSyncWaitsForTheLease(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "quire.db")
	srv := replayOAI(t, nil)
	hf := httptest.NewServer(&replayHF{t: t})
	t.Cleanup(hf.Close)
	db := openTestStore(t, dsn)
	now := time.Now()
	for _, tc := range []struct {
		lease string
		args  []string
	}{
		{syncLease, []string{"--oai-url", srv.URL, "--format", "arXiv", "--sets", "all", "--interval", "10ms"}},
		{upstreamLease, []string{"--sets", "none", "--upstream", hf.URL + "/api/daily_papers", "--from", hfDay, "--until", hfDay}},
	} {
		if ok, err := db.AcquireLease(t.Context(), tc.lease, "a server", time.Minute, now); err != nil || !ok {
			t.Fatalf("AcquireLease = %v, %v", ok, err)
		}
		env := Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
		args := append([]string{"sync", "--db", dsn}, tc.args...)
		err := Run(t.Context(), env, args)
		if err == nil || !strings.Contains(err.Error(), "right now") {
			t.Errorf("%s held: quire sync = %v, want a refusal", tc.lease, err)
		}
		if err := db.ReleaseLease(t.Context(), tc.lease, "a server"); err != nil {
			t.Fatal(err)
		}
		mustRun(t, args...)
	}
}

// checkWithdrawn checks the withdrawal day of each paper in want ("" for
// a paper that stands).
func checkWithdrawn(t *testing.T, dsn string, want map[string]string) {
	t.Helper()
	db := MustOpenUserDB(t, dsn)
	for id, day := range want {
		p, err := db.FindPaperByID(t.Context(), id)
		if err != nil {
			t.Fatalf("FindPaperByID(%s): %v", id, err)
		}
		got := ""
		if p.Withdrawn() {
			got = p.WithdrawnAt.Format(time.DateOnly)
		}
		if got != day {
			t.Errorf("%s withdrawn on %q, want %q", id, got, day)
		}
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

package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// newServer answers searches with as many results as the query has words,
// a 500 for "fail" and an object for "object", and counts the queries it
// saw with their limit.
func newServer(t *testing.T) (*httptest.Server, map[string]int) {
	t.Helper()
	var mu sync.Mutex
	seen := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		mu.Lock()
		seen[q.Get("q")+"|"+q.Get("limit")+"|"+q.Get("mode")]++
		mu.Unlock()
		switch {
		case r.URL.Path != "/api/papers/search":
			http.NotFound(w, r)
		case q.Get("q") == "fail":
			http.Error(w, "boom", http.StatusInternalServerError)
		case q.Get("q") == "object":
			w.Write([]byte(`{"paper": {}}`))
		default:
			items := make([]string, len(strings.Fields(q.Get("q"))))
			for i := range items {
				items[i] = `{"paper": {"id": "2501.00001"}}`
			}
			w.Write([]byte("[" + strings.Join(items, ",") + "]"))
		}
	}))
	t.Cleanup(srv.Close)
	return srv, seen
}

func TestLoad(t *testing.T) {
	srv, seen := newServer(t)
	qs := []Query{{Q: "large language models", Common: true}, {Q: "scaling laws"}, {Q: "fail"}, {Q: "object"}, {Q: "a&b=c"}}
	l := &Load{Base: srv.URL, Path: "/api/papers/search", Params: "limit=20&mode=hybrid", Clients: 2, Warmup: 1, Timeout: 5 * time.Second}
	r, err := l.Run(qs)
	if err != nil {
		t.Fatal(err)
	}
	wantSeen := map[string]int{}
	for _, q := range qs {
		wantSeen[q.Q+"|20|hybrid"] = 2 // warm-up and timed
	}
	if diff := cmp.Diff(wantSeen, seen); diff != "" {
		t.Errorf("queries seen by the server (-want +got):\n%s", diff)
	}
	if r.Queries != 5 || r.Errors != 2 || r.Clients != 2 || r.Params != "limit=20&mode=hybrid" {
		t.Errorf("result %+v", r)
	}
	if want := (3.0 + 2 + 1) / 3; r.MeanResults != want {
		t.Errorf("mean results %v, want %v", r.MeanResults, want)
	}
	if r.P50Ms <= 0 || r.P99Ms < r.P50Ms || r.MaxMs < r.P99Ms || r.CommonP50Ms <= 0 {
		t.Errorf("latencies out of order: %+v", r)
	}

	out := filepath.Join(t.TempDir(), "results.jsonl")
	r.Name = "hybrid"
	b, err := jsonLine(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	if err := printTable(&sb, out); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(sb.String()), "\n"); len(lines) != 3 || !strings.HasPrefix(lines[2], "| hybrid | `limit=20&mode=hybrid` | 2 | 5 | 2 |") {
		t.Errorf("table:\n%s", sb.String())
	}
}

func TestLoadAllFail(t *testing.T) {
	srv, _ := newServer(t)
	l := &Load{Base: srv.URL, Path: "/nowhere", Clients: 1, Timeout: 5 * time.Second}
	if _, err := l.Run([]Query{{Q: "x"}}); err == nil {
		t.Error("no error when every request fails")
	}
}

func TestReadQueries(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "q.jsonl")
	os.WriteFile(good, []byte("{\"q\":\"diffusion\"}\n\n{\"q\":\"model\",\"common\":true}\n"), 0o644)
	qs, err := ReadQueries(good)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Query{{Q: "diffusion"}, {Q: "model", Common: true}}, qs); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{\"q\":\"x\"}\nnot json\n"), 0o644)
	if _, err := ReadQueries(bad); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad file: %v", err)
	}
	empty := filepath.Join(dir, "empty.jsonl")
	os.WriteFile(empty, nil, 0o644)
	if _, err := ReadQueries(empty); err == nil {
		t.Error("no error for an empty file")
	}
}

package cli

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestSearchWhileLoading serves the demo catalogue before its search index
// exists, as `quire serve` does in its first moments, and then builds the
// index: search answers 503 until it is ready, paper pages leave out their
// similar papers meanwhile and do not keep that version in the page cache.
func TestSearchWhileLoading(t *testing.T) {
	cfg := testConfig(t)
	cfg.NoDemo = false
	cfg.Embedder = "none" // similar papers then come from the lexical index
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := NewServer(t.Context(), cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	ts := httptest.NewServer(srv.http.Handler)
	t.Cleanup(ts.Close)
	get := func(path string) (status int, header http.Header, body string) {
		t.Helper()
		resp, err := ts.Client().Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, resp.Header, string(b)
	}
	changes, err := srv.DB.FindPaperChanges(t.Context(), 0, 1)
	if err != nil || len(changes) == 0 {
		t.Fatalf("the demo catalogue is empty (%v)", err)
	}
	paper := "/papers/" + changes[0].Paper.ID

	const loading = "The search index is still loading"
	status, header, body := get("/papers?q=diffusion")
	if status != 503 || !strings.Contains(body, loading) || header.Get("Retry-After") == "" {
		t.Errorf("search page while loading: status %d, Retry-After %q; want 503 saying %q", status, header.Get("Retry-After"), loading)
	}
	for _, path := range []string{"/api/papers/search?q=diffusion", "/api" + paper + "/similar"} {
		status, _, body := get(path)
		var e struct{ Error string }
		if err := json.Unmarshal([]byte(body), &e); err != nil || status != 503 || !strings.Contains(e.Error, loading) {
			t.Errorf("GET %s while loading: status %d, body %s; want a 503 JSON error", path, status, body)
		}
	}
	status, _, body = get(paper)
	if status != 200 || strings.Contains(body, "Similar papers") {
		t.Errorf("paper page while loading: status %d, similar papers shown %v; want 200 without them",
			status, strings.Contains(body, "Similar papers"))
	}

	ctx, cancel := context.WithCancel(context.Background())
	srv.search.start(ctx, cfg, srv.DB, logger)
	t.Cleanup(func() {
		cancel()
		<-srv.search.done
	})
	for deadline := time.Now().Add(time.Minute); !srv.search.Ready(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the search index did not load")
		}
	}

	status, _, body = get("/papers?q=diffusion")
	if status != 200 || !strings.Contains(body, `<article class="card">`) || !strings.Contains(body, "<mark>") {
		t.Errorf("search page once loaded: status %d, want results with highlights", status)
	}
	status, _, body = get("/api/papers/search?q=diffusion&limit=3")
	var items []map[string]any
	if err := json.Unmarshal([]byte(body), &items); err != nil || status != 200 || len(items) != 3 {
		t.Errorf("search API once loaded: status %d, body %.200s", status, body)
	}
	status, _, body = get(paper)
	if status != 200 || !strings.Contains(body, "Similar papers") {
		t.Errorf("paper page once loaded: status %d, want its similar papers", status)
	}
}

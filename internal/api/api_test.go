package api_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"quire"
	"quire/internal/api"
	"quire/internal/hfdaily"
	"quire/internal/store/sqlite"
)

// fixtures are real responses of Hugging Face's GET /api/daily_papers, one
// day each, named daily_papers_YYYY-MM-DD.json.
var fixtures = []string{
	"../../testdata/hf/daily_papers_2024-06-03.json",
	"../../testdata/hf/daily_papers_2025-06-16.json",
	"../../testdata/hf/daily_papers_2026-08-21.json",
}

// MustOpenStore opens a migrated SQLite store on a file in a temporary folder.
func MustOpenStore(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "quire.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(tb.Context()); err != nil {
		tb.Fatal(err)
	}
	return db
}

// fixtureDay is the day in a fixture's file name.
func fixtureDay(tb testing.TB, path string) time.Time {
	tb.Helper()
	name := strings.TrimSuffix(filepath.Base(path), ".json")
	day, err := quire.ParseDay(strings.TrimPrefix(name, "daily_papers_"))
	if err != nil {
		tb.Fatal(err)
	}
	return day
}

// MustImport stores every item of the fixture at path, as `quire import`
// does, and returns the fixture's items decoded for comparison.
func MustImport(tb testing.TB, db *sqlite.DB, path string) []fixtureItem {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		tb.Fatal(err)
	}
	day := fixtureDay(tb, path)
	var papers []*quire.Paper
	var entries []*quire.DailyEntry
	for _, raw := range raws {
		p, e, err := hfdaily.ParseItem(raw, day)
		if err != nil {
			tb.Fatalf("hfdaily.ParseItem: %v", err)
		}
		papers = append(papers, p)
		entries = append(entries, e)
	}
	ctx := tb.Context()
	if _, err := db.UpsertPapers(ctx, papers); err != nil {
		tb.Fatal(err)
	}
	stats, err := db.UpsertDailyEntries(ctx, entries)
	if err != nil {
		tb.Fatal(err)
	}
	if stats.Skipped > 0 {
		tb.Fatalf("%s: %d entries skipped", path, stats.Skipped)
	}
	var items []fixtureItem
	if err := json.Unmarshal(data, &items); err != nil {
		tb.Fatal(err)
	}
	return items
}

// fixtureItem is the part of a Hugging Face item the tests compare.
type fixtureItem struct {
	Paper struct {
		ID      string `json:"id"`
		Authors []struct {
			Name string `json:"name"`
		} `json:"authors"`
		Upvotes   int    `json:"upvotes"`
		AISummary string `json:"ai_summary"`
	} `json:"paper"`
	Title       string `json:"title"`
	NumComments int    `json:"numComments"`
	SubmittedBy *struct {
		Name string `json:"name"`
	} `json:"submittedBy"`
	Organization *struct {
		Name     string `json:"name"`
		Fullname string `json:"fullname"`
		Avatar   string `json:"avatar"`
	} `json:"organization"`
}

// newServer serves the API from db.
func newServer(tb testing.TB, db *sqlite.DB) *httptest.Server {
	tb.Helper()
	h := api.New(db, api.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv
}

// response is a finished request.
type response struct {
	status int
	header http.Header
	body   []byte
}

// MustGet requests path (with its query) from srv.
func MustGet(tb testing.TB, srv *httptest.Server, path string) response {
	tb.Helper()
	return MustDo(tb, srv, http.MethodGet, path)
}

// MustDo sends a request without a body.
func MustDo(tb testing.TB, srv *httptest.Server, method, path string) response {
	tb.Helper()
	req, err := http.NewRequestWithContext(tb.Context(), method, srv.URL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

// MustDecode decodes a JSON body into v, failing on unknown shapes.
func MustDecode(tb testing.TB, r response, v any) {
	tb.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		tb.Fatalf("Content-Type = %q, want application/json", ct)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		tb.Fatalf("decoding %s: %v", r.body, err)
	}
}

package web_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"quire"
	"quire/internal/arxiv"
	"quire/internal/hfdaily"
	"quire/internal/store/sqlite"
	"quire/internal/web"
)

// today is the clock of every test server: a Wednesday after the last
// fixture day, so the home page falls back to an earlier day.
var today = time.Date(2025, 6, 18, 15, 0, 0, 0, time.UTC)

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

// MustImportDaily stores every item of a saved Hugging Face daily list
// (testdata/daily_papers_YYYY-MM-DD.json).
func MustImportDaily(tb testing.TB, db *sqlite.DB, path string) {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	day, err := quire.ParseDay(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(path), "daily_papers_"), ".json"))
	if err != nil {
		tb.Fatal(err)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		tb.Fatal(err)
	}
	mustImportItems(tb, db, day, raws)
}

// MustImportDays stores the days of a gzipped JSON Lines file with one
// {"date": "YYYY-MM-DD", "papers": [item, …]} object per line.
func MustImportDays(tb testing.TB, db *sqlite.DB, path string) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	dec := json.NewDecoder(zr)
	for dec.More() {
		var line struct {
			Date   string
			Papers []json.RawMessage
		}
		if err := dec.Decode(&line); err != nil {
			tb.Fatal(err)
		}
		day, err := quire.ParseDay(line.Date)
		if err != nil {
			tb.Fatal(err)
		}
		mustImportItems(tb, db, day, line.Papers)
	}
}

func mustImportItems(tb testing.TB, db *sqlite.DB, day time.Time, raws []json.RawMessage) {
	tb.Helper()
	var papers []*quire.Paper
	var entries []*quire.DailyEntry
	for _, raw := range raws {
		p, e, err := hfdaily.ParseItem(raw, day)
		if err != nil {
			tb.Fatal(err)
		}
		papers, entries = append(papers, p), append(entries, e)
	}
	if _, err := db.UpsertPapers(tb.Context(), papers); err != nil {
		tb.Fatal(err)
	}
	stats, err := db.UpsertDailyEntries(tb.Context(), entries)
	if err != nil {
		tb.Fatal(err)
	}
	if stats.Skipped > 0 {
		tb.Fatalf("%s: %d entries skipped", day.Format(quire.DayLayout), stats.Skipped)
	}
}

// MustImportPaper stores one paper.
func MustImportPaper(tb testing.TB, db *sqlite.DB, p *quire.Paper) {
	tb.Helper()
	p.Normalize()
	stats, err := db.UpsertPapers(tb.Context(), []*quire.Paper{p})
	if err != nil {
		tb.Fatal(err)
	}
	if stats.Skipped > 0 {
		tb.Fatalf("paper %s skipped", p.ID)
	}
}

// kagglePaper reads a record of arXiv's metadata snapshot (Kaggle format).
func kagglePaper(tb testing.TB, path string) *quire.Paper {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := arxiv.ParseKaggle(data)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// absPaper reads the fields of an arXiv .abs record that the pages show.
func absPaper(tb testing.TB, path string) *quire.Paper {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	parts := strings.Split(string(data), "\\\\\n")
	if len(parts) < 3 {
		tb.Fatalf("%s: not an .abs record", path)
	}
	p := &quire.Paper{Abstract: parts[2]}
	sc := bufio.NewScanner(bytes.NewReader([]byte(parts[1])))
	for sc.Scan() {
		key, value, _ := strings.Cut(sc.Text(), ": ")
		switch key {
		case "Title":
			p.Title = value
		case "Authors":
			p.Authors = strings.Split(value, ", ")
		case "Categories":
			p.Categories = strings.Fields(value)
		case "Comments":
			p.Comments = value
		case "Journal-ref":
			p.JournalRef = value
		case "DOI":
			p.DOI = value
		default:
			if id, ok := strings.CutPrefix(key, "arXiv:"); ok {
				p.ID = id
			}
		}
	}
	return p
}

// newServer serves the pages from db with the test clock.
func newServer(tb testing.TB, db web.Store) *httptest.Server {
	tb.Helper()
	return newServerAt(tb, db, today)
}

// newServerAt serves the pages from db with a clock stopped at now.
func newServerAt(tb testing.TB, db web.Store, now time.Time) *httptest.Server {
	tb.Helper()
	h, err := web.New(db, web.Options{
		Now:    func() time.Time { return now },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv
}

// MustFixtureServer serves a store holding two real daily lists
// (2024-06-03 and 2025-06-16) and two arXiv-only papers.
func MustFixtureServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	db := MustOpenStore(tb)
	MustImportDaily(tb, db, "../../testdata/hf/daily_papers_2024-06-03.json")
	MustImportDaily(tb, db, "../../testdata/hf/daily_papers_2025-06-16.json")
	MustImportPaper(tb, db, kagglePaper(tb, "testdata/kaggle_0704.0001.json"))
	MustImportPaper(tb, db, absPaper(tb, "testdata/hep-th_9901001.abs"))
	return newServer(tb, db)
}

// response is a finished request; redirects are not followed.
type response struct {
	status int
	header http.Header
	body   string
}

// MustGet requests path from srv without following redirects.
func MustGet(tb testing.TB, srv *httptest.Server, path string) response {
	tb.Helper()
	return MustDo(tb, srv, http.MethodGet, path)
}

// MustDo sends a request without a body, without following redirects.
func MustDo(tb testing.TB, srv *httptest.Server, method, path string) response {
	tb.Helper()
	req, err := http.NewRequestWithContext(tb.Context(), method, srv.URL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	client := *srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

// checkPage fails unless r is an HTML page with the given status that
// contains every one of wants.
func checkPage(tb testing.TB, r response, status int, wants ...string) {
	tb.Helper()
	if r.status != status {
		tb.Fatalf("status = %d, want %d; body:\n%s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		tb.Errorf("Content-Type = %q", ct)
	}
	for _, want := range wants {
		if !strings.Contains(r.body, want) {
			tb.Errorf("page does not contain %q", want)
		}
	}
}

// titleOf returns the text of the page's <title>.
func titleOf(body string) string {
	m := regexp.MustCompile(`<title>([^<]*)</title>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

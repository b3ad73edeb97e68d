package api_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/api"
	"quire/internal/embedding"
	"quire/internal/ingest"
	"quire/internal/search"
	"quire/internal/store/sqlite"
)

// searchFiles are real records to search: arXiv listings (categories and
// code links), the arXiv snapshot sample (2007 physics and maths) and the
// daily lists (upvotes).
var searchFiles = append([]string{
	"../../testdata/arxiv/listings_sample.jsonl",
	"../../testdata/arxiv/kaggle_sample_200.jsonl",
}, fixtures...)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// MustSearchCatalogue opens a store holding searchFiles, imported as
// `quire import` does.
func MustSearchCatalogue(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db := MustOpenStore(tb)
	im := &ingest.Importer{Store: db, Logger: quiet}
	for _, f := range searchFiles {
		if _, err := im.ImportFile(tb.Context(), f); err != nil {
			tb.Fatal(err)
		}
	}
	return db
}

// MustEngine builds a search engine over db as `quire serve` does at start;
// semantic trains a small built-in model on the catalogue first.
func MustEngine(tb testing.TB, db *sqlite.DB, semantic bool) *search.Engine {
	tb.Helper()
	var emb embedding.Embedder
	if semantic {
		m, err := search.TrainBuiltin(tb.Context(), db, embedding.TrainOptions{Dim: 64, MinCount: 2, Workers: 1, Seed: 1}, quiet)
		if err != nil {
			tb.Fatal(err)
		}
		emb = m
	}
	e, err := search.New(db, search.Options{Embedder: emb, Logger: quiet})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := e.LoadVectors(tb.Context()); err != nil {
		tb.Fatal(err)
	}
	if _, err := e.Sync(tb.Context()); err != nil {
		tb.Fatal(err)
	}
	if err := e.BuildVectors(tb.Context()); err != nil {
		tb.Fatal(err)
	}
	return e
}

// newSearchServer serves the API from db with search by srch (nil: off).
func newSearchServer(tb testing.TB, db *sqlite.DB, srch api.Searcher) *httptest.Server {
	tb.Helper()
	opts := api.Options{Logger: quiet}
	if srch != nil {
		opts.Search = srch
	}
	srv := httptest.NewServer(api.New(db, opts))
	tb.Cleanup(srv.Close)
	return srv
}

// MustSearch decodes the items of a successful search or similar request.
func MustSearch(tb testing.TB, srv *httptest.Server, path string) ([]api.SearchResult, response) {
	tb.Helper()
	r := MustGet(tb, srv, path)
	if r.status != 200 {
		tb.Fatalf("GET %s: status %d, body %s", path, r.status, r.body)
	}
	var items []api.SearchResult
	MustDecode(tb, r, &items)
	return items, r
}

func itemIDs(items []api.SearchResult) []string {
	ids := []string{}
	for _, it := range items {
		ids = append(ids, it.Paper.ID)
	}
	return ids
}

func TestSearchShape(t *testing.T) {
	db := MustSearchCatalogue(t)
	srv := newSearchServer(t, db, MustEngine(t, db, true))

	r := MustGet(t, srv, "/api/papers/search?q=diffusion+duality&limit=3")
	if r.status != 200 {
		t.Fatalf("status %d, body %s", r.status, r.body)
	}
	var got []map[string]any
	MustDecode(t, r, &got)
	if len(got) != 3 {
		t.Fatalf("%d items, want 3", len(got))
	}
	p, err := db.FindPaperByID(t.Context(), "2506.10892")
	if err != nil {
		t.Fatal(err)
	}
	var authors []any
	for _, a := range p.Authors {
		authors = append(authors, map[string]any{"name": a, "hidden": false})
	}
	want := map[string]any{
		"paper": map[string]any{
			"id":          "2506.10892",
			"authors":     authors,
			"publishedAt": "2025-06-12T16:55:35.000Z",
			"title":       "The Diffusion Duality",
			"summary":     p.Abstract,
			"upvotes":     float64(5),
			"githubRepo":  "https://github.com/s-sahoo/duo",
			"projectPage": "https://s-sahoo.com/duo/",
			"arxivUrl":    "https://arxiv.org/abs/2506.10892",
			"pdfUrl":      "https://arxiv.org/pdf/2506.10892",
		},
		"publishedAt": "2025-06-12T16:55:35.000Z",
		"title":       "The Diffusion Duality",
		"summary":     p.Abstract,
	}
	if diff := cmp.Diff(want, got[0]); diff != "" {
		t.Errorf("first item of q=diffusion duality mismatch (-want +got):\n%s", diff)
	}

	// Nothing asked, nothing found: an empty array, never null.
	for _, path := range []string{"/api/papers/search", "/api/papers/search?q=", "/api/papers/search?q=zqxjvw"} {
		if r := MustGet(t, srv, path); r.status != 200 || string(r.body) != "[]\n" {
			t.Errorf("GET %s: status %d, body %q; want []", path, r.status, r.body)
		}
	}
	// Each mode answers.
	for _, mode := range []string{"lexical", "semantic", "hybrid"} {
		if items, _ := MustSearch(t, srv, "/api/papers/search?q=image+generation&mode="+mode); len(items) == 0 {
			t.Errorf("mode=%s: no results", mode)
		}
	}
}

func TestSearchFilters(t *testing.T) {
	db := MustSearchCatalogue(t)
	srv := newSearchServer(t, db, MustEngine(t, db, false))
	for _, tc := range []struct {
		query string
		check func(p *quire.Paper) bool
	}{
		{"q=quark&cat=hep-ph", func(p *quire.Paper) bool { return slices.Contains(p.Categories, "hep-ph") }},
		{"q=model&cat=cs.CV,cs.CL", func(p *quire.Paper) bool {
			return slices.Contains(p.Categories, "cs.CV") || slices.Contains(p.Categories, "cs.CL")
		}},
		{"q=model&cat=math&cat=hep-ph", func(p *quire.Paper) bool {
			return slices.ContainsFunc(p.Categories, func(c string) bool { return c == "hep-ph" || strings.HasPrefix(c, "math.") })
		}},
		{"q=quark&author=Nadolsky", func(p *quire.Paper) bool { return slices.Contains(p.Authors, "P. M. Nadolsky") }},
		{"q=model&from=2025&to=2025", func(p *quire.Paper) bool { return p.PublishedAt.Year() == 2025 }},
		{"from=2007-04-02&to=2007-04-02", func(p *quire.Paper) bool { return p.PublishedAt.Format(quire.DayLayout) == "2007-04-02" }},
		{"q=learning&has_code=true", func(p *quire.Paper) bool { return p.CodeURL != "" }},
	} {
		t.Run(tc.query, func(t *testing.T) {
			items, _ := MustSearch(t, srv, "/api/papers/search?limit=100&"+tc.query)
			if len(items) == 0 {
				t.Fatal("no results")
			}
			ps, err := db.FindPapersByIDs(t.Context(), itemIDs(items))
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				if !tc.check(p) {
					t.Errorf("result %s (%q, %v, %v) does not pass the filter", p.ID, p.Title, p.Categories, p.PublishedAt)
				}
			}
		})
	}

	t.Run("sort", func(t *testing.T) {
		items, _ := MustSearch(t, srv, "/api/papers/search?q=model&sort=date&limit=50")
		// The engine orders by day; within a day, by relevance.
		day := func(it api.SearchResult) string { return it.PublishedAt[:min(len(it.PublishedAt), 10)] }
		if len(items) < 2 || !slices.IsSortedFunc(items, func(a, b api.SearchResult) int { return strings.Compare(day(b), day(a)) }) {
			t.Errorf("sort=date: not newest first")
		}
		items, _ = MustSearch(t, srv, "/api/papers/search?q=model&sort=upvotes&limit=50")
		if len(items) == 0 || items[0].Paper.Upvotes == 0 ||
			!slices.IsSortedFunc(items, func(a, b api.SearchResult) int { return b.Paper.Upvotes - a.Paper.Upvotes }) {
			t.Errorf("sort=upvotes: not most upvoted first")
		}
	})
}

var nextRE = regexp.MustCompile(`^<(/api/papers/search\?[^>]+)>; rel="next"$`)

func TestSearchPaging(t *testing.T) {
	db := MustSearchCatalogue(t)
	srv := newSearchServer(t, db, MustEngine(t, db, false))

	all, _ := MustSearch(t, srv, "/api/papers/search?q=model&cat=cs&limit=28")
	var paged []string
	path := "/api/papers/search?q=model&cat=cs&limit=7"
	for range 4 {
		items, r := MustSearch(t, srv, path)
		paged = append(paged, itemIDs(items)...)
		m := nextRE.FindStringSubmatch(r.header.Get("Link"))
		if m == nil {
			t.Fatalf("GET %s: Link = %q, want the next page", path, r.header.Get("Link"))
		}
		path = m[1]
	}
	if diff := cmp.Diff(itemIDs(all), paged); diff != "" {
		t.Errorf("pages differ from one long page (-long +paged):\n%s", diff)
	}
	if next, err := url.Parse(path); err != nil || next.Query().Get("p") != "4" || next.Query().Get("cat") != "cs" {
		t.Errorf("next link %q does not keep the parameters", path)
	}

	r := MustGet(t, srv, "/api/papers/search?q=zeta+function&limit=100")
	if r.header.Get("Link") != "" {
		t.Errorf("a complete page has Link %q", r.header.Get("Link"))
	}
	if r := MustGet(t, srv, "/api/papers/search?q=model&p=50"); r.status != 200 || string(r.body) != "[]\n" {
		t.Errorf("page past the end: status %d, body %.80s", r.status, r.body)
	}
}

func TestSearchBadInput(t *testing.T) {
	db := MustSearchCatalogue(t)
	srv := newSearchServer(t, db, MustEngine(t, db, false))
	for _, tc := range []struct{ query, want string }{
		{"limit=0", "limit must be between 1 and 100"},
		{"limit=101", "limit must be between 1 and 100"},
		{"limit=ten", "limit must be a whole number"},
		{"p=-1", "p must not be negative"},
		{"p=x", "p must be a whole number"},
		{"p=51", "p can be at most 50"},
		{"p=11&limit=100", "p can be at most 10"},
		{"mode=fuzzy", "mode must be hybrid, lexical or semantic"},
		{"mode=semantic", "semantic search is not available"},
		{"sort=trending", "sort must be relevance, date or upvotes"},
		{"cat=%3Cscript%3E", "not an arXiv category"},
		{"cat=" + strings.Repeat("cs,", 17), "at most 16 categories"},
		{"author=%22", "not a name"},
		{"author=" + strings.Repeat("a", 101), "not a name"},
		{"from=2024-13-01", "from must be a year"},
		{"from=%2B202", "from must be a year"},
		{"to=soon", "to must be a year"},
		{"from=2025&to=2024", "from (2025) is after to (2024)"},
		{"has_code=maybe", "has_code must be true or false"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			r := MustGet(t, srv, "/api/papers/search?q=x&"+tc.query)
			if r.status != 400 {
				t.Fatalf("status %d, want 400 (body %s)", r.status, r.body)
			}
			var body map[string]string
			MustDecode(t, r, &body)
			if !strings.Contains(body["error"], tc.want) {
				t.Errorf("error %q, want one mentioning %q", body["error"], tc.want)
			}
		})
	}
}

// TestSearchHostile: no query text fails the endpoint.
func TestSearchHostile(t *testing.T) {
	db := MustSearchCatalogue(t)
	srv := newSearchServer(t, db, MustEngine(t, db, true))
	for _, q := range []string{
		`"`, `"unbalanced quote`, `-`, `*`, `:`, `author:`, `cat:`, `year:99999`, `date:2025-02-30`,
		`the of and a`, strings.Repeat("transformer ", 1000), strings.Repeat("x", 10000),
		"\x00\x01\x02 control \x1b[31m", `'; DROP TABLE papers; --`, `" OR 1=1 --`, `-"" -* **** ::::`,
		`author:"` + strings.Repeat("a", 5000), "\xff\xfe invalid utf8", `<script>alert(1)</script>`,
	} {
		MustSearch(t, srv, "/api/papers/search?"+url.Values{"q": {q}}.Encode())
	}
}

func TestSimilar(t *testing.T) {
	db := MustSearchCatalogue(t)
	srv := newSearchServer(t, db, MustEngine(t, db, true))

	items, _ := MustSearch(t, srv, "/api/papers/2506.10892/similar?limit=5")
	if len(items) != 5 {
		t.Fatalf("%d similar papers, want 5", len(items))
	}
	if slices.Contains(itemIDs(items), "2506.10892") {
		t.Error("a paper is similar to itself")
	}
	for _, it := range items {
		if it.Title == "" || it.Paper.ArxivURL == "" || len(it.Paper.Authors) == 0 {
			t.Errorf("item %s lacks its paper's fields: %+v", it.Paper.ID, it)
		}
	}
	// Any id form that names the paper gives the same answer; the default
	// is ten papers.
	if versioned, _ := MustSearch(t, srv, "/api/papers/arXiv:2506.10892v2/similar"); len(versioned) != 10 ||
		!slices.Equal(itemIDs(versioned)[:5], itemIDs(items)) {
		t.Errorf("arXiv:2506.10892v2/similar gives %v, want 10 starting with %v", itemIDs(versioned), itemIDs(items))
	}

	for _, tc := range []struct {
		path   string
		status int
		want   string
	}{
		{"/api/papers/2401.99999/similar", 404, "not in the search index"},
		{"/api/papers/hep-th/9901001/similar", 404, "not in the search index"},
		{"/api/papers/not-an-id/similar", 400, "arXiv identifier"},
		{"/api/papers/2506.10892/similar?limit=0", 400, "limit must be between 1 and 100"},
		{"/api/papers/2506.10892/similar?limit=many", 400, "limit must be a whole number"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			r := MustGet(t, srv, tc.path)
			var body map[string]string
			MustDecode(t, r, &body)
			if r.status != tc.status || !strings.Contains(body["error"], tc.want) {
				t.Errorf("status %d, error %q; want %d mentioning %q", r.status, body["error"], tc.status, tc.want)
			}
		})
	}
}

func TestSearchOff(t *testing.T) {
	srv := newSearchServer(t, MustOpenStore(t), nil)
	for _, path := range []string{"/api/papers/search?q=x", "/api/papers/2506.10892/similar"} {
		r := MustGet(t, srv, path)
		var body map[string]string
		MustDecode(t, r, &body)
		if r.status != 503 || body["error"] != "Search is not available on this server." || r.header.Get("Retry-After") == "" {
			t.Errorf("GET %s: status %d, Retry-After %q, body %s; want 503", path, r.status, r.header.Get("Retry-After"), r.body)
		}
	}
}

// TestSearchHidesModerated: a paper that moderators hid leaves the search
// results, and comes back when shown again.
func TestSearchHidesModerated(t *testing.T) {
	db := MustSearchCatalogue(t)
	srv := newSearchServer(t, db, MustEngine(t, db, false))
	items, _ := MustSearch(t, srv, "/api/papers/search?q=diffusion&mode=lexical")
	if len(items) == 0 {
		t.Fatal("no results to begin with")
	}
	target := items[0].Paper.ID
	m := quire.Moderation{Reason: "spam"}
	if err := db.SetPaperHidden(t.Context(), target, true, m); err != nil {
		t.Fatal(err)
	}
	items, _ = MustSearch(t, srv, "/api/papers/search?q=diffusion&mode=lexical")
	if slices.Contains(itemIDs(items), target) {
		t.Errorf("the hidden paper %s is still found", target)
	}
	if err := db.SetPaperHidden(t.Context(), target, false, m); err != nil {
		t.Fatal(err)
	}
	items, _ = MustSearch(t, srv, "/api/papers/search?q=diffusion&mode=lexical")
	if !slices.Contains(itemIDs(items), target) {
		t.Errorf("the paper %s shown again is not found", target)
	}
}

package web_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"quire"
	"quire/internal/embedding"
	"quire/internal/ingest"
	"quire/internal/search"
	"quire/internal/store/sqlite"
	"quire/internal/web"
)

// searchFiles are real records to search: arXiv listings (categories and
// code links), the arXiv snapshot sample (2007 physics and maths) and three
// daily lists (upvotes).
var searchFiles = []string{
	"../../testdata/arxiv/listings_sample.jsonl",
	"../../testdata/arxiv/kaggle_sample_200.jsonl",
	"../../testdata/hf/daily_papers_2024-06-03.json",
	"../../testdata/hf/daily_papers_2025-06-16.json",
	"../../testdata/hf/daily_papers_2026-08-21.json",
}

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

// newSearchServer serves the pages from db with search by srch (nil: off).
func newSearchServer(tb testing.TB, db web.Store, srch web.Searcher, cacheTTL time.Duration) *httptest.Server {
	tb.Helper()
	opts := web.Options{Now: func() time.Time { return today }, Logger: quiet, CacheTTL: cacheTTL}
	if srch != nil {
		opts.Search = srch
	}
	h, err := web.New(db, opts)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv
}

var (
	resultRE = regexp.MustCompile(`<h3 class="card-title"><a href="/papers/([^"]+)">`)
	markRE   = regexp.MustCompile(`<mark>([^<]*)</mark>`)
	votesRE  = regexp.MustCompile(`<span class="count">(\d+)</span>`)
	dateRE   = regexp.MustCompile(`<time datetime="(\d{4}-\d\d-\d\d)">`)
)

// resultIDs returns the paper ids of the cards on a page, in order.
func resultIDs(body string) []string {
	var ids []string
	for _, m := range resultRE.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// MustPapers reads the papers of ids from db, in order.
func MustPapers(tb testing.TB, db *sqlite.DB, ids []string) []*quire.Paper {
	tb.Helper()
	ps, err := db.FindPapersByIDs(tb.Context(), ids)
	if err != nil {
		tb.Fatal(err)
	}
	if len(ps) != len(ids) {
		tb.Fatalf("%d of %d result papers are in the store", len(ps), len(ids))
	}
	return ps
}

func TestSearchPage(t *testing.T) {
	db := MustSearchCatalogue(t)
	srv := newSearchServer(t, db, MustEngine(t, db, true), -1)

	r := MustGet(t, srv, "/papers?q=diffusion")
	checkPage(t, r, 200,
		"<h1>Search results</h1>",
		// The query is shown back: in the header, in the form, parsed.
		`<input id="q" name="q" type="search" value="diffusion"`,
		`<input id="search-q" name="q" type="search" value="diffusion"`,
		"Results for <code>diffusion</code> · Words and meaning",
		// A semantic engine offers the modes, hybrid by default.
		`<option value="hybrid" selected>Words and meaning</option>`,
		`<option value="relevance" selected>Relevance</option>`,
		// A listed paper whose title has the word, highlighted.
		`<a href="/papers/2506.10892">The <mark>Diffusion</mark> Duality</a>`,
	)
	if got := titleOf(r.body); got != "Search results for “diffusion” · Quire" {
		t.Errorf("title = %q", got)
	}
	ids := resultIDs(r.body)
	if len(ids) < 5 {
		t.Fatalf("%d results for diffusion, want several", len(ids))
	}
	marks := markRE.FindAllStringSubmatch(r.body, -1)
	if len(marks) < len(ids) {
		t.Errorf("%d highlighted words in %d results", len(marks), len(ids))
	}
	for _, m := range marks {
		if w := strings.ToLower(m[1]); !strings.HasPrefix(w, "diffus") {
			t.Errorf("highlighted %q, which does not match diffusion", m[1])
		}
	}
	// Cards carry what the daily lists show.
	for _, want := range []string{"6 authors", `<time datetime="2025-06-12">Jun 12, 2025</time>`, `href="https://github.com/s-sahoo/duo"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("result cards lack %q", want)
		}
	}
	// Mode semantic finds papers by meaning too; each mode answers.
	for _, mode := range []string{"lexical", "semantic", "hybrid"} {
		r := MustGet(t, srv, "/papers?q=diffusion+models&mode="+mode)
		checkPage(t, r, 200, `<option value="`+mode+`" selected>`)
		if len(resultIDs(r.body)) == 0 {
			t.Errorf("mode %s: no results", mode)
		}
	}
}

func TestSearchFilters(t *testing.T) {
	db := MustSearchCatalogue(t)
	srv := newSearchServer(t, db, MustEngine(t, db, false), -1)
	for _, tc := range []struct {
		query string
		shows []string // the form shows the filter back
		check func(p *quire.Paper) bool
	}{
		{"q=quark&cat=hep-ph", []string{`name="cat" type="text" value="hep-ph"`}, func(p *quire.Paper) bool {
			return slices.Contains(p.Categories, "hep-ph")
		}},
		{"q=model&cat=cs", nil, func(p *quire.Paper) bool {
			return slices.ContainsFunc(p.Categories, func(c string) bool { return strings.HasPrefix(c, "cs.") })
		}},
		{"q=model&cat=math,+hep-ph", nil, func(p *quire.Paper) bool {
			return slices.ContainsFunc(p.Categories, func(c string) bool { return c == "hep-ph" || strings.HasPrefix(c, "math.") })
		}},
		{"q=model&from=2025&to=2025", []string{`name="from" type="text" inputmode="numeric" value="2025"`}, func(p *quire.Paper) bool {
			return p.PublishedAt.Year() == 2025
		}},
		{"from=2007-04-02&to=2007-04-03", nil, func(p *quire.Paper) bool {
			d := p.PublishedAt.Format(quire.DayLayout)
			return d == "2007-04-02" || d == "2007-04-03"
		}},
		{"q=learning&has_code=1", []string{`name="has_code" type="checkbox" value="1" checked`, ">Code</a>"}, func(p *quire.Paper) bool {
			return p.CodeURL != ""
		}},
		{"q=author%3Anadolsky", nil, func(p *quire.Paper) bool { return slices.Contains(p.Authors, "P. M. Nadolsky") }},
	} {
		t.Run(tc.query, func(t *testing.T) {
			r := MustGet(t, srv, "/papers?"+tc.query)
			checkPage(t, r, 200, tc.shows...)
			ids := resultIDs(r.body)
			if len(ids) == 0 {
				t.Fatal("no results")
			}
			for _, p := range MustPapers(t, db, ids) {
				if !tc.check(p) {
					t.Errorf("result %s (%q, %v, %v) does not pass the filter", p.ID, p.Title, p.Categories, p.PublishedAt)
				}
			}
		})
	}

	t.Run("sort=date", func(t *testing.T) {
		r := MustGet(t, srv, "/papers?q=model&sort=date")
		checkPage(t, r, 200, `<option value="date" selected>Newest</option>`)
		var dates []string
		for _, m := range dateRE.FindAllStringSubmatch(r.body, -1) {
			dates = append(dates, m[1])
		}
		if len(dates) < 2 || !slices.IsSortedFunc(dates, func(a, b string) int { return strings.Compare(b, a) }) {
			t.Errorf("dates not newest first: %v", dates)
		}
	})
	t.Run("sort=upvotes", func(t *testing.T) {
		r := MustGet(t, srv, "/papers?q=model&sort=upvotes")
		checkPage(t, r, 200, `<option value="upvotes" selected>Most upvoted</option>`)
		var votes []int
		for _, m := range votesRE.FindAllStringSubmatch(r.body, -1) {
			n, _ := strconv.Atoi(m[1])
			votes = append(votes, n)
		}
		if len(votes) < 2 || votes[0] == 0 || !slices.IsSortedFunc(votes, func(a, b int) int { return b - a }) {
			t.Errorf("upvotes not most first: %v", votes)
		}
	})
}

func TestSearchPaging(t *testing.T) {
	db := MustSearchCatalogue(t)
	srv := newSearchServer(t, db, MustEngine(t, db, false), -1)

	first := MustGet(t, srv, "/papers?q=model&cat=cs")
	checkPage(t, first, 200, `<a href="/papers?cat=cs&amp;p=2&amp;q=model" rel="next">Next page →</a>`)
	ids1 := resultIDs(first.body)
	if len(ids1) != 20 {
		t.Fatalf("page 1 has %d results, want 20", len(ids1))
	}
	second := MustGet(t, srv, "/papers?q=model&cat=cs&p=2")
	checkPage(t, second, 200, `<a href="/papers?cat=cs&amp;q=model" rel="prev">← Previous page</a>`, "Page 2", " · page 2")
	ids2 := resultIDs(second.body)
	if len(ids2) == 0 {
		t.Fatal("page 2 is empty")
	}
	for _, id := range ids2 {
		if slices.Contains(ids1, id) {
			t.Errorf("%s is on both pages", id)
		}
	}
	far := MustGet(t, srv, "/papers?q=model&cat=cs&p=40")
	checkPage(t, far, 200, "There are no more results.")
}

func TestSearchEmpty(t *testing.T) {
	db := MustSearchCatalogue(t)
	srv := newSearchServer(t, db, MustEngine(t, db, false), -1)

	r := MustGet(t, srv, "/papers")
	checkPage(t, r, 200, "<h1>Search papers</h1>", "Search titles, abstracts and authors", "Words find the papers that use them.",
		`<a href="/papers?q=author%3Ahinton"><code>author:hinton</code></a>`)
	if len(resultIDs(r.body)) != 0 || strings.Contains(r.body, "No papers match") {
		t.Error("the search page without a query shows results or says none match")
	}
	if strings.Contains(r.body, `name="mode"`) {
		t.Error("a lexical engine offers search modes")
	}
	r = MustGet(t, srv, "/papers?q=zqxjvw")
	checkPage(t, r, 200, "No papers match this search", "Results for <code>zqxjvw</code> · Words only")
	if len(resultIDs(r.body)) != 0 {
		t.Error("a word in no paper has results")
	}
}

func TestSearchBadInput(t *testing.T) {
	db := MustSearchCatalogue(t)
	srv := newSearchServer(t, db, MustEngine(t, db, false), -1)
	for _, tc := range []struct{ query, want string }{
		{"q=x&sort=best", "sorted by relevance"},
		{"q=x&mode=fuzzy", "hybrid, lexical or semantic"},
		{"q=x&mode=semantic", "semantic search is not available"},
		{"q=x&p=0", "page number"},
		{"q=x&p=two", "page number"},
		{"q=x&p=999", "up to page 51"},
		{"q=x&from=20x4", "not a year"},
		{"q=x&from=%2B202", "not a year"},
		{"q=x&to=2024-02-30", "not a year (2024) or a day"},
		{"q=x&from=2025&to=2024", "is empty"},
		{"q=x&cat=%3Cscript%3Ealert(1)%3C/script%3E", "not an arXiv category"},
		{"q=x&cat=" + strings.Repeat("cs+", 20), "at most 16"},
		{"q=x&has_code=maybe", "checkbox"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			r := MustGet(t, srv, "/papers?"+tc.query)
			checkPage(t, r, 400, "That address is not valid", tc.want,
				// The header keeps the search, to fix it.
				`<input id="q" name="q" type="search" value="x"`)
			if strings.Contains(r.body, "<script>") {
				t.Error("the page echoes markup unescaped")
			}
		})
	}
}

// TestSearchHostile: nothing typed into the search box fails the page.
func TestSearchHostile(t *testing.T) {
	db := MustSearchCatalogue(t)
	srv := newSearchServer(t, db, MustEngine(t, db, true), -1)
	for _, q := range []string{
		`"`, `"unbalanced quote`, `-`, `*`, `:`, `author:`, `cat:`, `year:99999`, `date:2025-02-30`,
		`the of and a`, strings.Repeat("transformer ", 1000), strings.Repeat("x", 10000),
		"\x00\x01\x02 control \x1b[31m", `'; DROP TABLE papers; --`, `" OR 1=1 --`, `-"" -* **** ::::`,
		`author:"` + strings.Repeat("a", 5000), "\xff\xfe invalid utf8", `<script>alert(1)</script>`,
		`cat:"><script>`, `{{.Query}}`, "%00", `\u0000`,
	} {
		r := MustGet(t, srv, "/papers?"+url.Values{"q": {q}}.Encode())
		checkPage(t, r, 200)
		if strings.Contains(r.body, "<script>") {
			t.Errorf("q=%.40q: the page echoes markup unescaped", q)
		}
	}
}

// TestSearchNotCached checks that a search shows a paper as soon as the
// index holds it, though pages are cached.
func TestSearchNotCached(t *testing.T) {
	db := MustSearchCatalogue(t)
	e := MustEngine(t, db, false)
	srv := newSearchServer(t, db, e, time.Hour)
	const path = "/papers?q=quirkonium"
	if r := MustGet(t, srv, path); len(resultIDs(r.body)) != 0 {
		t.Fatal("an unknown word has results")
	}
	MustImportPaper(t, db, &quire.Paper{ID: "2601.00001", Title: "Quirkonium spectroscopy", Abstract: "We measure quirkonium.", Authors: []string{"A. Author"}})
	if _, err := e.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	r := MustGet(t, srv, path)
	if got := resultIDs(r.body); !slices.Equal(got, []string{"2601.00001"}) {
		t.Errorf("after the import: results %v, want the new paper", got)
	}
	checkPage(t, r, 200, `<mark>Quirkonium</mark> spectroscopy`, "We measure <mark>quirkonium</mark>.")
}

func TestSearchOff(t *testing.T) {
	srv := newSearchServer(t, MustOpenStore(t), nil, -1)
	r := MustGet(t, srv, "/papers?q=x")
	checkPage(t, r, 503, "Search is not available on this server.")
	if r.header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
}

func TestSimilarPapers(t *testing.T) {
	db := MustSearchCatalogue(t)
	for _, semantic := range []bool{false, true} {
		t.Run("semantic="+strconv.FormatBool(semantic), func(t *testing.T) {
			srv := newSearchServer(t, db, MustEngine(t, db, semantic), time.Hour)
			r := MustGet(t, srv, "/papers/2506.10892")
			checkPage(t, r, 200, `<h2 id="similar-title">Similar papers</h2>`)
			_, section, _ := strings.Cut(r.body, `id="similar-title"`)
			ids := resultIDs(section)
			if len(ids) != 6 {
				t.Errorf("%d similar papers, want 6", len(ids))
			}
			if slices.Contains(ids, "2506.10892") {
				t.Error("a paper is similar to itself")
			}
			if strings.Contains(section, "<mark>") {
				t.Error("similar papers carry highlights")
			}
		})
	}
	// Without search the section is left out.
	r := MustGet(t, MustFixtureServer(t), "/papers/2506.10892")
	checkPage(t, r, 200, "The Diffusion Duality")
	if strings.Contains(r.body, "Similar papers") {
		t.Error("a server without search shows similar papers")
	}
}

// TestSearchVoteButtons: search results and a paper's similar papers
// carry the upvote button, as lists do.
func TestSearchVoteButtons(t *testing.T) {
	db := MustSearchCatalogue(t)
	engine := MustEngine(t, db, false)
	srv := mustCommunityServerWith(t, db, &web.CommunityOptions{}, func(o *web.Options) { o.Search = engine })
	ada := srv.NewBrowser(t)
	ada.MustSignUp("ada")
	anon := srv.NewBrowser(t)

	results := ada.Get("/papers?q=diffusion").body
	forms := strings.Count(results, `<form class="vote votes" method="post" action="/papers/`)
	if forms == 0 || forms != len(resultIDs(results)) {
		t.Errorf("%d vote forms for %d results", forms, len(resultIDs(results)))
	}
	if ids := resultIDs(results); len(ids) > 0 && !strings.Contains(results, `action="/papers/`+ids[0]+`/vote"`) {
		t.Errorf("no vote form for the first result, %s", ids[0])
	}
	if body := anon.Get("/papers?q=diffusion").body; !strings.Contains(body, `class="vote-button" href="/login?return=`) {
		t.Error("visitors get no log-in link on the results' vote buttons")
	}
	paper := ada.Get("/papers/" + resultIDs(results)[0]).body
	similar := paper[strings.Index(paper, "Similar papers"):]
	if !strings.Contains(similar, `<form class="vote votes"`) {
		t.Error("similar papers carry no vote form")
	}
}

// TestSearchHidesModerated: a paper that moderators hid leaves the search
// results and the similar papers of other pages.
func TestSearchHidesModerated(t *testing.T) {
	db := MustSearchCatalogue(t)
	engine := MustEngine(t, db, true)
	srv := mustCommunityServerWith(t, db, &web.CommunityOptions{}, func(o *web.Options) { o.Search = engine; o.CacheTTL = -1 })
	anon := srv.NewBrowser(t)
	ids := resultIDs(anon.Get("/papers?q=diffusion").body)
	if len(ids) < 2 {
		t.Fatalf("results %v", ids)
	}
	target := ids[0]
	similarOf := func(id string) []string {
		body := anon.Get("/papers/" + id).body
		i := strings.Index(body, "Similar papers")
		if i < 0 {
			return nil
		}
		return resultIDs(body[i:])
	}
	// A paper whose similar papers list the target.
	var host string
	for _, id := range ids[1:] {
		if slices.Contains(similarOf(id), target) {
			host = id
			break
		}
	}
	if host == "" {
		t.Fatalf("no result lists %s among its similar papers", target)
	}
	if err := db.SetPaperHidden(t.Context(), target, true, quire.Moderation{Reason: "spam"}); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(resultIDs(anon.Get("/papers?q=diffusion").body), target) {
		t.Errorf("the hidden paper %s is still in the results", target)
	}
	if slices.Contains(similarOf(host), target) {
		t.Errorf("the hidden paper %s is still among the similar papers of %s", target, host)
	}
}

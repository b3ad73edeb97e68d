package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"quire"
	"quire/internal/web"
)

// before fails unless a occurs in body, and before b.
func before(tb testing.TB, body, a, b string) {
	tb.Helper()
	i, j := strings.Index(body, a), strings.Index(body, b)
	if i < 0 || j < 0 || i > j {
		tb.Errorf("want %q (at %d) before %q (at %d)", a, i, b, j)
	}
}

var cardRE = regexp.MustCompile(`<article class="card">`)

func TestHome(t *testing.T) {
	srv := MustFixtureServer(t)
	r := MustGet(t, srv, "/")
	checkPage(t, r, 200,
		// The clock says Jun 18; the newest list is Jun 16.
		"No papers yet today — showing Jun 16, 2025.",
		`<meta name="viewport" content="width=device-width, initial-scale=1">`,
		`<meta name="description"`,
		// Card of 2506.10892: title, link, authors, upvotes, comments, code.
		`<a href="/papers/2506.10892">The Diffusion Duality</a>`,
		"6 authors",
		`<span class="count">5</span>`,
		"1 comment<",
		`href="https://github.com/s-sahoo/duo"`,
		// Dates of arXiv publication, formatted for people.
		`<time datetime="2025-06-12">Jun 12, 2025</time>`,
		// AI summaries stand in for the abstract when there is one.
		"Duo improves uniform-state discrete diffusion models",
		// Neighbours and tabs.
		`href="/papers/date/2024-06-03" rel="prev"`,
		`href="/papers/week/2025-W25"`,
		`href="/papers/month/2025-06"`,
		// The header's search box is a form that works without JavaScript;
		// digests do not exist yet and say so.
		`<form class="search" role="search" action="/papers" method="get">`,
		`<input id="q" name="q" type="search" value="" placeholder="Search any paper…">`,
		"Get trending papers in your email inbox!",
		"Email digests are not available yet.",
	)
	if got := titleOf(r.body); got != "Daily Papers · Quire" {
		t.Errorf("title = %q", got)
	}
	if n := len(cardRE.FindAllString(r.body, -1)); n != 9 {
		t.Errorf("home shows %d cards, want the 9 of Jun 16", n)
	}
	// Most upvoted first: 2506.11924 has 20 upvotes, 2506.08592 none.
	before(t, r.body, "/papers/2506.11924", "/papers/2506.08592")
	if strings.Contains(r.body, `rel="next"`) {
		t.Error("the newest day links to a next day")
	}
	if n := strings.Count(r.body, "<form"); n != 1 {
		t.Errorf("%d forms, want only the search box (digests do not work yet)", n)
	}
	if strings.Contains(r.body, "coming soon") {
		t.Error("the page still says search is coming soon")
	}
}

func TestHomeToday(t *testing.T) {
	db := MustOpenStore(t)
	MustImportDaily(t, db, "../../testdata/hf/daily_papers_2025-06-16.json")
	srv := newServerAt(t, db, time.Date(2025, 6, 16, 8, 0, 0, 0, time.UTC))
	r := MustGet(t, srv, "/")
	checkPage(t, r, 200, "Jun 16, 2025", "The Diffusion Duality")
	if strings.Contains(r.body, "No papers yet today") {
		t.Error("the home page shows today's list but says there is none")
	}
}

func TestHomeEmpty(t *testing.T) {
	srv := newServer(t, MustOpenStore(t))
	r := MustGet(t, srv, "/")
	checkPage(t, r, 200, "No papers yet", "quire import FILE")
	if cardRE.MatchString(r.body) {
		t.Error("an empty store shows cards")
	}
}

// TestHomeOnlyLaterDays covers an archive whose days all lie after the
// clock: the home page shows the earliest of them rather than nothing.
func TestHomeOnlyLaterDays(t *testing.T) {
	db := MustOpenStore(t)
	MustImportDaily(t, db, "../../testdata/hf/daily_papers_2025-06-16.json")
	srv := newServerAt(t, db, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	r := MustGet(t, srv, "/")
	checkPage(t, r, 200, "showing Jun 16, 2025", "The Diffusion Duality")
}

func TestDayPage(t *testing.T) {
	srv := MustFixtureServer(t)

	t.Run("by upvotes", func(t *testing.T) {
		r := MustGet(t, srv, "/papers/date/2024-06-03")
		checkPage(t, r, 200,
			"<h2>Jun 3, 2024</h2>",
			`href="/papers/2405.21060">Transformers are SSMs: Generalized Models and Efficient Algorithms Through Structured State Space Duality</a>`,
			`href="/papers/date/2025-06-16" rel="next"`,
			`href="/papers/week/2024-W23"`,
			`href="/papers/month/2024-06"`,
			`href="/papers/date/2024-06-03?sort=new"`,
			// Without an AI summary the card starts the abstract.
			"While Transformers have been the main architecture behind deep learning",
		)
		if got := titleOf(r.body); got != "Papers of Jun 3, 2024 · Quire" {
			t.Errorf("title = %q", got)
		}
		if strings.Contains(r.body, "No papers yet today") {
			t.Error("a dated page carries the home page's notice")
		}
		if strings.Contains(r.body, `rel="prev"`) {
			t.Error("the oldest day links to a previous day")
		}
		// 27 upvotes before 4.
		before(t, r.body, "/papers/2405.21060", "/papers/2405.18144")
	})

	t.Run("newest first", func(t *testing.T) {
		r := MustGet(t, srv, "/papers/date/2024-06-03?sort=new")
		checkPage(t, r, 200, `<a href="/papers/date/2024-06-03?sort=new" aria-current="page">Newest</a>`)
		// Posted at 03:49 and 03:11 that morning.
		before(t, r.body, "/papers/2405.20541", "/papers/2405.20674")
		// Neighbouring days keep the order.
		if !strings.Contains(r.body, `href="/papers/date/2025-06-16?sort=new" rel="next"`) {
			t.Error("next-day link drops sort=new")
		}
	})

	t.Run("empty day", func(t *testing.T) {
		r := MustGet(t, srv, "/papers/date/2025-06-17")
		checkPage(t, r, 200, "No papers were listed on Jun 17, 2025.",
			`href="/papers/date/2025-06-16" rel="prev"`)
		if cardRE.MatchString(r.body) {
			t.Error("an empty day shows cards")
		}
	})
}

func TestPeriodPages(t *testing.T) {
	srv := MustFixtureServer(t)
	for _, tc := range []struct {
		path  string
		cards int
		wants []string
	}{
		{"/papers/week/2025-W25", 9, []string{
			"<h2>Week 25, 2025</h2>", "Jun 16, 2025 – Jun 22, 2025",
			`href="/papers/week/2025-W24" rel="prev"`, `href="/papers/week/2025-W26" rel="next"`,
			`<a href="/papers/week/2025-W25" aria-current="page">Weekly</a>`,
			`href="/papers/date/2025-06-16"`, "The Diffusion Duality",
		}},
		{"/papers/month/2024-06", 6, []string{
			"<h2>June 2024</h2>",
			`href="/papers/month/2024-05" rel="prev"`, `href="/papers/month/2024-07" rel="next"`,
			`<a href="/papers/month/2024-06" aria-current="page">Monthly</a>`,
			"4-bit Shampoo for Memory-Efficient Network Training",
		}},
		{"/papers/month/2023-01", 0, []string{"No papers were listed in January 2023."}},
		{"/papers/week/2020-W53", 0, []string{"No papers were listed in week 53 of 2020."}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			r := MustGet(t, srv, tc.path)
			checkPage(t, r, 200, tc.wants...)
			if n := len(cardRE.FindAllString(r.body, -1)); n != tc.cards {
				t.Errorf("%d cards, want %d", n, tc.cards)
			}
		})
	}
}

// TestPagination pages through a real week of 88 papers, 50 at a time.
func TestPagination(t *testing.T) {
	db := MustOpenStore(t)
	MustImportDays(t, db, "testdata/daily_papers_2024-W24.jsonl.gz")
	srv := newServer(t, db)

	first := MustGet(t, srv, "/papers/week/2024-W24")
	checkPage(t, first, 200, `<a href="/papers/week/2024-W24?p=2" rel="next">Next page →</a>`, "Page 1")
	second := MustGet(t, srv, "/papers/week/2024-W24?p=2")
	checkPage(t, second, 200, `<a href="/papers/week/2024-W24" rel="prev">← Previous page</a>`, "Page 2")
	if strings.Contains(second.body, "Next page") {
		t.Error("the last page links to a next page")
	}

	hrefs := regexp.MustCompile(`<h3 class="card-title"><a href="(/papers/[^"]+)"`)
	seen := make(map[string]bool)
	for _, body := range []string{first.body, second.body} {
		for _, m := range hrefs.FindAllStringSubmatch(body, -1) {
			if seen[m[1]] {
				t.Errorf("%s is on both pages", m[1])
			}
			seen[m[1]] = true
		}
	}
	if n := len(hrefs.FindAllString(first.body, -1)); n != 50 {
		t.Errorf("first page has %d cards, want 50", n)
	}
	if len(seen) != 88 {
		t.Errorf("the pages show %d papers, want the week's 88", len(seen))
	}

	sorted := MustGet(t, srv, "/papers/week/2024-W24?sort=new")
	checkPage(t, sorted, 200, `href="/papers/week/2024-W24?p=2&amp;sort=new" rel="next"`)

	past := MustGet(t, srv, "/papers/week/2024-W24?p=9")
	checkPage(t, past, 200, "This list has fewer pages.")
}

func TestListBadRequests(t *testing.T) {
	srv := MustFixtureServer(t)
	for _, path := range []string{
		"/papers/date/2025-02-30",
		"/papers/date/2025-13-01",
		"/papers/date/yesterday",
		"/papers/week/2025-W54",
		"/papers/week/2025-54",
		"/papers/month/2025-13",
		"/papers/month/June",
		"/papers/date/2025-06-16?sort=bogus",
		"/papers/date/2025-06-16?p=0",
		"/papers/date/2025-06-16?p=x",
		"/?sort=old",
	} {
		t.Run(path, func(t *testing.T) {
			r := MustGet(t, srv, path)
			checkPage(t, r, 400, "That address is not valid", `<link rel="stylesheet"`)
		})
	}
	// The message says what was wrong, in the user's terms.
	r := MustGet(t, srv, "/papers/date/2025-02-30")
	checkPage(t, r, 400, "&#34;2025-02-30&#34; is not a date of the form YYYY-MM-DD")
}

// TestCachedPages shows a list page kept for a while after an import, and
// the import visible after Purge.
func TestCachedPages(t *testing.T) {
	db := MustOpenStore(t)
	h, err := web.New(db, web.Options{
		Now:      func() time.Time { return today },
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		CacheTTL: time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	checkPage(t, MustGet(t, srv, "/papers/date/2025-06-16"), 200, "No papers were listed on Jun 16, 2025.")
	MustImportDaily(t, db, "../../testdata/hf/daily_papers_2025-06-16.json")
	checkPage(t, MustGet(t, srv, "/papers/date/2025-06-16"), 200, "No papers were listed on Jun 16, 2025.")
	// Other pages were not cached and show the import at once.
	checkPage(t, MustGet(t, srv, "/papers/date/2025-06-16?sort=new"), 200, "The Diffusion Duality")

	h.Purge()
	checkPage(t, MustGet(t, srv, "/papers/date/2025-06-16"), 200, "The Diffusion Duality")
	// Error pages are never cached.
	checkPage(t, MustGet(t, srv, "/papers/2401.99999"), 404)
	MustImportPaper(t, db, &quire.Paper{ID: "2401.99999", Title: "Now it exists"})
	checkPage(t, MustGet(t, srv, "/papers/2401.99999"), 200, "Now it exists")
}

// TestLatestPeriodLinks checks the header's Weekly and Monthly links: they
// lead to the week and month of the newest list, not to the calendar's
// current (empty) ones.
func TestLatestPeriodLinks(t *testing.T) {
	srv := MustFixtureServer(t)
	for path, want := range map[string]string{
		"/papers/week":  "/papers/week/2025-W25",
		"/papers/month": "/papers/month/2025-06",
	} {
		r := MustGet(t, srv, path)
		if r.status != http.StatusFound || r.header.Get("Location") != want {
			t.Errorf("GET %s = %d to %q, want 302 to %q", path, r.status, r.header.Get("Location"), want)
		}
	}
	empty := newServer(t, MustOpenStore(t))
	if r := MustGet(t, empty, "/papers/week"); r.status != http.StatusFound {
		t.Errorf("GET /papers/week on an empty hub = %d, want a redirect to this week", r.status)
	}
}

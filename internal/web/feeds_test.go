package web_test

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mmcdole/gofeed"

	"quire"
	"quire/internal/feed"
	"quire/internal/ingest"
	"quire/internal/search"
	"quire/internal/store/sqlite"
)

// feedCase is one feed of the site and the papers it must hold, in order.
type feedCase struct {
	name string
	path string // without the extension: path+".atom", path+".rss"
	want []*quire.Paper
	// ordered is set when the feed's order is the list's own.
	ordered bool
}

func dailyPapers(tb testing.TB, db *sqlite.DB, p quire.Period) []*quire.Paper {
	tb.Helper()
	items, _, err := db.FindDailyItems(tb.Context(), quire.DailyFilter{From: p.From, To: p.To, Sort: quire.SortUpvotes, Limit: feed.MaxEntries})
	if err != nil {
		tb.Fatal(err)
	}
	if len(items) == 0 {
		tb.Fatalf("no papers listed from %s", p)
	}
	ps := make([]*quire.Paper, len(items))
	for i, it := range items {
		p := it.Paper
		if it.Entry.Title != "" {
			p.Title = it.Entry.Title
		}
		ps[i] = &p
	}
	return ps
}

func searchPapers(tb testing.TB, db *sqlite.DB, e *search.Engine, req search.Request) []*quire.Paper {
	tb.Helper()
	req.Limit = feed.MaxEntries
	resp, err := e.Search(tb.Context(), req)
	if err != nil {
		tb.Fatal(err)
	}
	if len(resp.Results) == 0 {
		tb.Fatalf("search %+v finds nothing", req)
	}
	ids := make([]string, len(resp.Results))
	for i, r := range resp.Results {
		ids[i] = r.PaperID
	}
	ps := MustPapers(tb, db, ids)
	byID := map[string]*quire.Paper{}
	for _, p := range ps {
		byID[p.ID] = p
	}
	for i, id := range ids {
		ps[i] = byID[id]
	}
	return ps
}

// feedCases lists every kind of feed over the search catalogue.
func feedCases(tb testing.TB, db *sqlite.DB, e *search.Engine) []feedCase {
	tb.Helper()
	day := time.Date(2025, 6, 16, 0, 0, 0, 0, time.UTC) // the newest list on or before today
	first := dailyPapers(tb, db, quire.DayPeriod(day))[0]
	// The daily lists give no categories; the arXiv listings do.
	author, cat := first.Authors[0], "cs.AI"
	return []feedCase{
		{"latest day", "/feed", dailyPapers(tb, db, quire.DayPeriod(day)), true},
		{"day", "/papers/date/2024-06-03/feed", dailyPapers(tb, db, quire.DayPeriod(time.Date(2024, 6, 3, 0, 0, 0, 0, time.UTC))), true},
		{"latest week", "/papers/week/feed", dailyPapers(tb, db, quire.WeekPeriod(day)), true},
		{"week", "/papers/week/2026-W34/feed", dailyPapers(tb, db, quire.WeekPeriod(time.Date(2026, 8, 21, 0, 0, 0, 0, time.UTC))), true},
		{"latest month", "/papers/month/feed", dailyPapers(tb, db, quire.MonthPeriod(day)), true},
		{"month", "/papers/month/2024-06/feed", dailyPapers(tb, db, quire.MonthPeriod(time.Date(2024, 6, 3, 0, 0, 0, 0, time.UTC))), true},
		// Trending ranks the list of 2025-06-16 by its own rule: the
		// same papers, compared as a set.
		{"trending", "/papers/trending/feed", dailyPapers(tb, db, quire.DayPeriod(day)), false},
		{"search", "/papers/feed?q=language+models", searchPapers(tb, db, e, search.Request{Query: "language models", Order: search.ByDate}), true},
		{"search with filters", "/papers/feed?from=2007&to=2007&cat=hep-ph&sort=date", searchPapers(tb, db, e, search.Request{Categories: []string{"hep-ph"}, From: time.Date(2007, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC), Order: search.ByDate}), true},
		{"search, many results", "/papers/feed?from=2007&to=2007", searchPapers(tb, db, e, search.Request{From: time.Date(2007, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC), Order: search.ByDate}), true},
		{"author", "/authors/" + url.PathEscape(author) + "/feed", searchPapers(tb, db, e, search.Request{Authors: []string{author}, Order: search.ByDate}), true},
		{"category", "/categories/" + cat + "/feed", searchPapers(tb, db, e, search.Request{Categories: []string{cat}, Order: search.ByDate}), true},
		{"archive", "/categories/cs/feed", searchPapers(tb, db, e, search.Request{Categories: []string{"cs"}, Order: search.ByDate}), true},
	}
}

// oneLine collapses runs of white space, as feeds write titles.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestFeeds(t *testing.T) {
	db := MustSearchCatalogue(t)
	e := MustEngine(t, db, false)
	srv := newSearchServer(t, db, e, 0)
	parser := gofeed.NewParser()
	for _, tc := range feedCases(t, db, e) {
		for _, ext := range []string{"atom", "rss"} {
			t.Run(tc.name+"/"+ext, func(t *testing.T) {
				path := withExt(tc.path, ext)
				r := MustGet(t, srv, path)
				if r.status != http.StatusOK {
					t.Fatalf("GET %s: status %d\n%s", path, r.status, r.body)
				}
				wantCT := map[string]string{"atom": "application/atom+xml; charset=utf-8", "rss": "application/rss+xml; charset=utf-8"}[ext]
				if ct := r.header.Get("Content-Type"); ct != wantCT {
					t.Errorf("Content-Type = %q, want %q", ct, wantCT)
				}
				f, err := parser.ParseString(r.body)
				if err != nil {
					t.Fatalf("gofeed cannot parse %s: %v\n%s", path, err, r.body)
				}
				if want := map[string]string{"atom": "atom", "rss": "rss"}[ext]; f.FeedType != want || (ext == "rss" && f.FeedVersion != "2.0") || (ext == "atom" && f.FeedVersion != "1.0") {
					t.Errorf("feed type %s %s, want %s", f.FeedType, f.FeedVersion, ext)
				}
				if f.Title == "" || f.Link == "" {
					t.Errorf("feed title %q, link %q", f.Title, f.Link)
				}
				if len(f.Items) > feed.MaxEntries {
					t.Errorf("%d entries, more than %d", len(f.Items), feed.MaxEntries)
				}
				var got, want []string
				for _, it := range f.Items {
					if it.Link != it.GUID {
						t.Errorf("entry %q: link %q, id %q", it.Title, it.Link, it.GUID)
					}
					got = append(got, it.Title+" <"+it.Link+">")
				}
				for _, p := range tc.want {
					want = append(want, oneLine(p.Title)+" <"+srv.URL+"/papers/"+p.ID+">")
				}
				if !tc.ordered {
					slices.Sort(got)
					slices.Sort(want)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("GET %s entries mismatch (-want +got):\n%s", path, diff)
				}
				if ext == "atom" {
					checkAtom(t, r.body)
				}
			})
		}
	}
}

// withExt adds the format's extension to a feed's path, before its query.
func withExt(path, ext string) string {
	p, q, ok := strings.Cut(path, "?")
	if ok {
		return p + "." + ext + "?" + q
	}
	return p + "." + ext
}

// TestFeedFilters checks that the author and category feeds hold only
// papers passing their filter, and that searches are newest first.
func TestFeedFilters(t *testing.T) {
	db := MustSearchCatalogue(t)
	e := MustEngine(t, db, false)
	srv := newSearchServer(t, db, e, 0)
	parser := gofeed.NewParser()
	for _, tc := range feedCases(t, db, e) {
		if !strings.HasPrefix(tc.path, "/authors/") && !strings.HasPrefix(tc.path, "/categories/") && !strings.HasPrefix(tc.path, "/papers/feed") {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			r := MustGet(t, srv, withExt(tc.path, "atom"))
			f, err := parser.ParseString(r.body)
			if err != nil {
				t.Fatal(err)
			}
			var prev time.Time
			for i, it := range f.Items {
				if it.PublishedParsed == nil {
					t.Fatalf("entry %q has no publication date", it.Title)
				}
				// The search orders by day.
				day := quire.TruncateDay(*it.PublishedParsed)
				if i > 0 && day.After(prev) {
					t.Errorf("entry %d (%s) is newer than the one before (%s)", i, day, prev)
				}
				prev = day
				switch {
				case strings.HasPrefix(tc.path, "/authors/"):
					name, _ := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(tc.path, "/authors/"), "/feed"))
					if !slices.ContainsFunc(it.Authors, func(p *gofeed.Person) bool { return p.Name == name }) {
						t.Errorf("entry %q is not by %s", it.Title, name)
					}
				case strings.HasPrefix(tc.path, "/categories/"):
					cat := strings.TrimSuffix(strings.TrimPrefix(tc.path, "/categories/"), "/feed")
					// An archive (cs) holds its categories (cs.CV).
					if !slices.ContainsFunc(it.Categories, func(c string) bool { return c == cat || strings.HasPrefix(c, cat+".") }) {
						t.Errorf("entry %q (%v) is not in %s", it.Title, it.Categories, cat)
					}
				}
			}
		})
	}
}

// atomDoc holds what RFC 4287 requires of a feed and its entries.
type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Authors []struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Links   []atomLink `xml:"link"`
	Entries []struct {
		ID      string     `xml:"id"`
		Title   string     `xml:"title"`
		Updated string     `xml:"updated"`
		Links   []atomLink `xml:"link"`
		Authors []struct {
			Name string `xml:"name"`
		} `xml:"author"`
	} `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
}

// checkAtom checks body against RFC 4287's required elements and, where
// xmllint is installed, against the RELAX NG schema of its appendix B.
func checkAtom(tb testing.TB, body string) {
	tb.Helper()
	var doc atomDoc
	if err := xml.Unmarshal([]byte(body), &doc); err != nil {
		tb.Fatalf("Atom does not parse: %v", err)
	}
	absolute := func(what, s string) {
		if u, err := url.Parse(s); err != nil || !u.IsAbs() {
			tb.Errorf("%s %q is not an absolute IRI", what, s)
		}
	}
	date := func(what, s string) {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			tb.Errorf("%s %q is not an RFC 3339 date", what, s)
		}
	}
	absolute("feed id", doc.ID)
	date("feed updated", doc.Updated)
	if doc.Title == "" {
		tb.Error("feed has no title")
	}
	if !slices.ContainsFunc(doc.Links, func(l atomLink) bool { return l.Rel == "self" }) {
		tb.Error(`feed has no link rel="self"`)
	}
	ids := map[string]bool{}
	for _, e := range doc.Entries {
		absolute("entry id", e.ID)
		date("entry updated", e.Updated)
		if ids[e.ID] {
			tb.Errorf("entry id %s twice", e.ID)
		}
		ids[e.ID] = true
		if e.Title == "" {
			tb.Errorf("entry %s has no title", e.ID)
		}
		if !slices.ContainsFunc(e.Links, func(l atomLink) bool { return l.Rel == "alternate" && l.Href != "" }) {
			tb.Errorf("entry %s has no alternate link", e.ID)
		}
		// An entry without an author takes the feed's.
		if len(e.Authors) == 0 && len(doc.Authors) == 0 {
			tb.Errorf("entry %s has no author, nor has the feed", e.ID)
		}
	}
	validateAtom(tb, body)
}

// validateAtom validates body with xmllint against RFC 4287's schema. It is
// skipped without xmllint (Debian's libxml2-utils) unless CI is set.
func validateAtom(tb testing.TB, body string) {
	tb.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatal("xmllint is needed to validate Atom against RFC 4287's schema: install libxml2-utils")
		}
		tb.Log("xmllint not installed (Debian: libxml2-utils): Atom not validated against RFC 4287's schema")
		return
	}
	file := filepath.Join(tb.TempDir(), "feed.atom")
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--relaxng", "../feed/testdata/atom.rng", file).CombinedOutput()
	if err != nil {
		tb.Errorf("Atom is not valid against RFC 4287's schema: %v\n%s", err, out)
	}
}

var alternateRE = regexp.MustCompile(`<link rel="alternate" type="(application/(?:atom|rss)\+xml)" title="[^"]*" href="([^"]+)">`)

// TestFeedDiscovery follows the feeds each list page announces.
func TestFeedDiscovery(t *testing.T) {
	db := MustSearchCatalogue(t)
	srv := newSearchServer(t, db, MustEngine(t, db, false), 0)
	parser := gofeed.NewParser()
	for _, tc := range []struct {
		page string
		want []string // the Atom feeds; each has an RSS twin
	}{
		{"/", []string{"/feed.atom"}},
		{"/papers/date/2025-06-16", []string{"/papers/date/2025-06-16/feed.atom", "/feed.atom"}},
		{"/papers/week/2025-W25", []string{"/papers/week/2025-W25/feed.atom", "/papers/week/feed.atom"}},
		{"/papers/month/2025-06", []string{"/papers/month/2025-06/feed.atom", "/papers/month/feed.atom"}},
		{"/papers/trending", []string{"/papers/trending/feed.atom"}},
		{"/papers?q=agents&cat=cs.AI", []string{"/papers/feed.atom?cat=cs.AI&q=agents"}},
	} {
		t.Run(tc.page, func(t *testing.T) {
			r := MustGet(t, srv, tc.page)
			checkPage(t, r, http.StatusOK)
			var want, got []string
			for _, w := range tc.want {
				want = append(want, "application/atom+xml "+w, "application/rss+xml "+strings.Replace(w, ".atom", ".rss", 1))
			}
			for _, m := range alternateRE.FindAllStringSubmatch(r.body, -1) {
				href := strings.ReplaceAll(m[2], "&amp;", "&")
				got = append(got, m[1]+" "+href)
				fr := MustGet(t, srv, href)
				if fr.status != http.StatusOK {
					t.Errorf("GET %s: status %d", href, fr.status)
					continue
				}
				if _, err := parser.ParseString(fr.body); err != nil {
					t.Errorf("GET %s: %v", href, err)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("feeds of %s mismatch (-want +got):\n%s", tc.page, diff)
			}
		})
	}
	// Pages other than lists announce no feed.
	for _, page := range []string{"/papers", "/papers/2406.01234", "/papers/date/2024-13-01"} {
		if r := MustGet(t, srv, page); alternateRE.MatchString(r.body) {
			t.Errorf("%s announces a feed", page)
		}
	}
}

// TestFeedConditional checks ETag and Last-Modified, with and without the
// page cache.
func TestFeedConditional(t *testing.T) {
	db := MustSearchCatalogue(t)
	e := MustEngine(t, db, false)
	for _, ttl := range []time.Duration{-1, time.Minute} {
		srv := newSearchServer(t, db, e, ttl)
		for _, path := range []string{"/feed.atom", "/papers/date/2024-06-03/feed.rss", "/papers/trending/feed.atom", "/papers/feed.rss?q=diffusion"} {
			r := MustGet(t, srv, path)
			etag, modified := r.header.Get("ETag"), r.header.Get("Last-Modified")
			if r.status != http.StatusOK || etag == "" || modified == "" {
				t.Fatalf("GET %s: status %d, ETag %q, Last-Modified %q", path, r.status, etag, modified)
			}
			if _, err := http.ParseTime(modified); err != nil {
				t.Errorf("GET %s: Last-Modified %q: %v", path, modified, err)
			}
			for _, tc := range []struct {
				header, value string
				want          int
			}{
				{"If-None-Match", etag, http.StatusNotModified},
				{"If-None-Match", `"other", ` + etag, http.StatusNotModified},
				{"If-None-Match", `"other"`, http.StatusOK},
				{"If-Modified-Since", modified, http.StatusNotModified},
				{"If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT", http.StatusOK},
			} {
				cr := mustGetWith(t, srv.URL+path, tc.header, tc.value)
				if cr.status != tc.want {
					t.Errorf("ttl %v: GET %s with %s: %s: status %d, want %d", ttl, path, tc.header, tc.value, cr.status, tc.want)
				}
				if cr.status == http.StatusNotModified && cr.body != "" {
					t.Errorf("GET %s: 304 with a body", path)
				}
				if cr.status == http.StatusOK && cr.body != r.body {
					t.Errorf("GET %s: a second answer differs", path)
				}
			}
		}
	}
}

// mustGetWith requests u with one extra header.
func mustGetWith(tb testing.TB, u, header, value string) response {
	tb.Helper()
	req, err := http.NewRequestWithContext(tb.Context(), http.MethodGet, u, nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set(header, value)
	resp, err := http.DefaultClient.Do(req)
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

// TestFeedStableIDs checks that entry ids stay the same across requests and
// when the same lists are imported again.
func TestFeedStableIDs(t *testing.T) {
	db := MustSearchCatalogue(t)
	e := MustEngine(t, db, false)
	srv := newSearchServer(t, db, e, -1)
	parser := gofeed.NewParser()
	paths := []string{"/feed.rss", "/feed.atom", "/papers/week/2026-W34/feed.rss", "/papers/feed.atom?q=agents"}
	ids := func() map[string][]string {
		m := map[string][]string{}
		for _, p := range paths {
			f, err := parser.ParseString(MustGet(t, srv, p).body)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range f.Items {
				m[p] = append(m[p], it.GUID)
			}
			if len(m[p]) == 0 {
				t.Fatalf("%s has no entries", p)
			}
		}
		return m
	}
	first := ids()
	if diff := cmp.Diff(first, ids()); diff != "" {
		t.Errorf("ids changed between two requests (-first +second):\n%s", diff)
	}
	im := &ingest.Importer{Store: db, Logger: quiet}
	for _, f := range searchFiles {
		if _, err := im.ImportFile(t.Context(), f); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, ids()); diff != "" {
		t.Errorf("ids changed after a re-import (-before +after):\n%s", diff)
	}
}

// TestFeedBadInput checks that bad addresses get the site's error pages.
func TestFeedBadInput(t *testing.T) {
	db := MustSearchCatalogue(t)
	srv := newSearchServer(t, db, MustEngine(t, db, false), -1)
	for _, tc := range []struct {
		path string
		want int
	}{
		{"/papers/date/2024-13-45/feed.atom", http.StatusBadRequest},
		{"/papers/date/yesterday/feed.rss", http.StatusBadRequest},
		{"/papers/week/2025-W99/feed.atom", http.StatusBadRequest},
		{"/papers/month/2025-13/feed.rss", http.StatusBadRequest},
		{"/papers/date/2024-06-03/feed.atom?sort=bogus", http.StatusBadRequest},
		{"/papers/feed.atom", http.StatusBadRequest},
		{"/papers/feed.rss?q=+++", http.StatusBadRequest},
		{"/papers/feed.atom?q=x&from=2025&to=2024", http.StatusBadRequest},
		{"/papers/feed.atom?q=x&mode=telepathy", http.StatusBadRequest},
		{"/papers/feed.atom?cat=" + url.QueryEscape("<script>"), http.StatusBadRequest},
		{"/categories/" + url.PathEscape("<script>") + "/feed.atom", http.StatusBadRequest},
		{"/categories/cs.CL,cs.AI/feed.atom", http.StatusBadRequest},
		{"/categories/zz.QQ/feed.rss", http.StatusNotFound},
		{"/authors/Nobody%20At%20All%20Zzyzx/feed.atom", http.StatusNotFound},
		{"/authors/%01bell/feed.atom", http.StatusBadRequest},
		{"/authors/%20/feed.rss", http.StatusBadRequest},
		{"/authors/" + strings.Repeat("a", 200) + "/feed.atom", http.StatusBadRequest},
		{"/feed.xml", http.StatusNotFound},
		{"/papers/trending/feed.json", http.StatusBadRequest}, // not a paper id
	} {
		r := MustGet(t, srv, tc.path)
		checkPage(t, r, tc.want)
	}
	// Hostile queries give a feed or an error page, never a server error
	// or a document that does not parse.
	parser := gofeed.NewParser()
	for _, q := range []string{"\x00\x01\x02", "\xff\xfe", `"((((`, "author:\x0b", strings.Repeat("a* ", 300), "]]><x/>", "&#0;"} {
		for _, ext := range []string{"atom", "rss"} {
			path := "/papers/feed." + ext + "?" + url.Values{"q": {q}}.Encode()
			r := MustGet(t, srv, path)
			switch r.status {
			case http.StatusOK:
				if _, err := parser.ParseString(r.body); err != nil {
					t.Errorf("GET %s: %v", path, err)
				}
				if ext == "atom" {
					checkAtom(t, r.body)
				}
			case http.StatusBadRequest:
			default:
				t.Errorf("GET %s: status %d", path, r.status)
			}
		}
	}
}

package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"quire"
	"quire/internal/web"
)

// Authors of the arXiv snapshot sample (testdata/arxiv/kaggle_sample_200.jsonl):
// Maxim A. Yurkin wrote four papers there, all with Alfons G. Hoekstra and
// three with Valeri P. Maltsev.
const (
	yurkin   = "Maxim A. Yurkin"
	hoekstra = "Alfons G. Hoekstra"
)

// followedPaper is on the list of 2025-06-16, published days before the
// test clock's today.
const followedPaper = "2506.11924"

// mustFollowServer serves the search catalogue with accounts and search on.
func mustFollowServer(tb testing.TB) *communityServer {
	tb.Helper()
	db := MustSearchCatalogue(tb)
	e := MustEngine(tb, db, false)
	return mustCommunityServerWith(tb, db, &web.CommunityOptions{}, func(o *web.Options) { o.Search = e })
}

func authorHref(name string) string { return "/authors/" + url.PathEscape(name) }

var unfollowRE = regexp.MustCompile(`action="(/follows/\d+/delete)"`)

// mustUnfollowPath returns the first unfollow form's action on the page at path.
func mustUnfollowPath(tb testing.TB, b *browser, path string) string {
	tb.Helper()
	r := b.Get(path)
	m := unfollowRE.FindStringSubmatch(r.body)
	if m == nil {
		tb.Fatalf("no unfollow form on %s (status %d):\n%s", path, r.status, r.body)
	}
	return m[1]
}

func TestAuthorAndCategoryPages(t *testing.T) {
	srv := mustFollowServer(t)
	anon := srv.NewBrowser(t)
	page := authorHref(yurkin)
	r := anon.Get(page)
	checkPage(t, r, http.StatusOK, "<h1 id=\"topic-name\">"+yurkin+"</h1>",
		`<a href="`+authorHref(hoekstra)+`">`+hoekstra+`</a> <span class="muted">4</span>`,
		`href="/categories/physics.optics"`,
		`href="`+page+`/feed.atom"`, "to follow "+yurkin)
	if n := strings.Count(r.body, `<article class="card">`); n != 4 {
		t.Errorf("author page shows %d papers, want 4", n)
	}
	if strings.Contains(r.body, `<a href="`+page+`">`) {
		t.Errorf("the author is listed as their own co-author")
	}
	// The feed's alternate link is the page.
	feed := anon.Get(page + "/feed.atom")
	if want := `href="` + srv.URL + page + `"`; !strings.Contains(feed.body, want) {
		t.Errorf("author feed has no alternate link %s:\n%s", want, feed.body)
	}
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/categories/hep-ph", http.StatusOK},
		{"/categories/HEP-PH", http.StatusOK},
		{"/categories/cs", http.StatusOK},
		{"/categories/not%20a%20category!", http.StatusBadRequest},
		{"/categories/xx.YY", http.StatusNotFound},
		{authorHref("Nobody Anywhere"), http.StatusNotFound},
		{authorHref("Ada\x01"), http.StatusBadRequest},
		{page + "?page=0", http.StatusBadRequest},
		{page + "?page=2", http.StatusOK},
	} {
		if r := anon.Get(tc.path); r.status != tc.status {
			t.Errorf("GET %s: status %d, want %d", tc.path, r.status, tc.status)
		}
	}
	checkPage(t, anon.Get("/categories/hep-ph"), http.StatusOK, "Papers in hep-ph", `href="/categories/hep-ph/feed.rss"`)
	// A paper's authors and categories link to their pages.
	checkPage(t, anon.Get("/papers/0704.0001"), http.StatusOK,
		`<a href="/authors/E.%20L.%20Berger">E. L. Berger</a>`, `<a href="/categories/hep-ph">hep-ph</a>`)
}

func TestFollows(t *testing.T) {
	srv := mustFollowServer(t)
	if r := srv.NewBrowser(t).Get("/following"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("GET /following as a visitor: %d to %q, want the log-in page", r.status, r.header.Get("Location"))
	}
	ada := srv.NewBrowser(t)
	ada.MustSignUp("ada")
	checkPage(t, ada.Get("/account"), http.StatusOK, `href="/following"`, "You follow no author, category or organization yet")
	page := authorHref(yurkin)
	checkPage(t, ada.Get(page), http.StatusOK, `action="/follows"`, `<option value="`+hoekstra+`">`,
		`<option value="physics.optics">`)

	// Follow the author with a co-author, then the category.
	r := ada.Submit(page, "/follows", url.Values{"kind": {"author"}, "name": {yurkin}, "co_author": {hoekstra},
		"return": {page}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != page {
		t.Fatalf("follow: status %d to %q, want 303 to %s\n%s", r.status, r.header.Get("Location"), page, r.body)
	}
	checkPage(t, ada.Get(page), http.StatusOK, "Following <strong>"+yurkin+" (with "+hoekstra+")</strong>")
	r = ada.Submit("/categories/hep-ph", "/follows", url.Values{"kind": {"category"}, "name": {"hep-ph"}, "digest": {"1"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/following" {
		t.Fatalf("follow category: status %d to %q", r.status, r.header.Get("Location"))
	}
	// The author of a paper of the last days brings it to /following.
	p, err := srv.db.FindPaperByID(t.Context(), followedPaper)
	if err != nil {
		t.Fatal(err)
	}
	if r := ada.Submit("/following", "/follows", url.Values{"kind": {"author"}, "name": {p.Authors[0]}}); r.status != http.StatusSeeOther {
		t.Fatalf("follow %s: status %d\n%s", p.Authors[0], r.status, r.body)
	}
	checkPage(t, ada.Get("/account"), http.StatusOK,
		`<li><a href="`+page+`">`+yurkin+" (with "+hoekstra+")</a></li>",
		`<li><a href="/categories/hep-ph">hep-ph</a> <span class="muted">(in your digest)</span></li>`)
	checkPage(t, ada.Get("/following"), http.StatusOK,
		`<a href="`+page+`">`+yurkin+" (with "+hoekstra+")</a>",
		`<a href="/categories/hep-ph">hep-ph</a> <span class="muted">· in your digest</span>`,
		`<a href="/papers/`+followedPaper+`">`+html.EscapeString(p.Title)+`</a>`)

	// Following again changes the digest choice: the row's own form.
	checkPage(t, ada.Get("/following"), http.StatusOK, `<button type="submit" class="digest-toggle">Leave out of the digest</button>`)
	if r := ada.Submit("/following", "/follows", url.Values{"kind": {"category"}, "name": {"hep-ph"}, "co_author": {""}, "category": {""}}); r.status != http.StatusSeeOther {
		t.Fatalf("digest off: status %d", r.status)
	}
	if r := ada.Get("/following"); strings.Contains(r.body, "in your digest") || !strings.Contains(r.body, "Add to the digest") {
		t.Errorf("/following after taking hep-ph out of the digest:\n%s", r.body)
	}

	// Another member can neither see nor remove ada's follows.
	bob := srv.NewBrowser(t)
	bob.MustSignUp("bob")
	unfollow := mustUnfollowPath(t, ada, "/following")
	if r := bob.Submit("/following", unfollow, nil); r.status != http.StatusNotFound {
		t.Errorf("bob unfollowing ada's follow: status %d, want 404", r.status)
	}
	if r := bob.Get("/following"); strings.Contains(r.body, yurkin) {
		t.Errorf("bob's /following shows ada's follows")
	}
	// Forms need their token; bad follows are refused with their reason.
	if r := ada.Post("/follows", url.Values{"kind": {"category"}, "name": {"cs.CL"}}); r.status != http.StatusForbidden {
		t.Errorf("follow without a form token: status %d, want 403", r.status)
	}
	for _, form := range []url.Values{
		{"kind": {"institution"}, "name": {"Google"}},
		{"kind": {"organization"}, "name": {"google research"}},
		{"kind": {"category"}, "name": {"not a category"}},
		{"kind": {"author"}, "name": {""}},
	} {
		if r := ada.Submit("/following", "/follows", form); r.status != http.StatusBadRequest {
			t.Errorf("follow %v: status %d, want 400", form, r.status)
		}
	}
	if r := ada.Submit("/following", "/follows/abc/delete", nil); r.status != http.StatusNotFound {
		t.Errorf("unfollow of a bad id: status %d, want 404", r.status)
	}

	// Unfollow the author from their page.
	r = ada.Submit(page, mustUnfollowPath(t, ada, page), url.Values{"return": {page}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != page {
		t.Fatalf("unfollow: status %d to %q", r.status, r.header.Get("Location"))
	}
	if r := ada.Get("/following"); strings.Contains(r.body, hoekstra) {
		t.Errorf("/following still lists the unfollowed author")
	}
}

// A name holding characters that end a path segment ("/", "?", "#") links
// to its own author page, escaped, from the paper's page.
func TestAuthorLinkEscapes(t *testing.T) {
	db := MustSearchCatalogue(t)
	const name = "AC/DC #1?"
	p := &quire.Paper{ID: "2601.54321", Title: "Power chords as a language", Abstract: "We study riffs.",
		Authors: []string{name, "Bon Scott"}, PublishedAt: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)}
	if _, err := db.UpsertPapers(t.Context(), []*quire.Paper{p}); err != nil {
		t.Fatal(err)
	}
	e := MustEngine(t, db, false)
	srv := mustCommunityServerWith(t, db, &web.CommunityOptions{}, func(o *web.Options) { o.Search = e })
	anon := srv.NewBrowser(t)
	href := authorHref(name)
	if href != "/authors/AC%2FDC%20%231%3F" {
		t.Fatalf("authorHref = %s", href)
	}
	checkPage(t, anon.Get("/papers/2601.54321"), http.StatusOK, `<a href="`+href+`">`+"AC/DC #1?"+`</a>`)
	checkPage(t, anon.Get(href), http.StatusOK, "Power chords as a language")
}

package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"quire"
	"quire/internal/arxiv"
)

const savePaper = "2506.11924" // on the list of 2025-06-16

// mustListID returns the id path of the list named name on the member's
// lists page.
func mustListPath(tb testing.TB, b *browser, name string) string {
	tb.Helper()
	r := b.Get("/lists")
	m := regexp.MustCompile(`<a href="(/lists/\d+)">` + regexp.QuoteMeta(name) + `</a>`).FindStringSubmatch(r.body)
	if m == nil {
		tb.Fatalf("no list %q on /lists (status %d):\n%s", name, r.status, r.body)
	}
	return m[1]
}

// MustUpsertKaggle stores the real arXiv record in testdata, which has a
// DOI.
func MustUpsertKaggle(tb testing.TB, srv *communityServer) *quire.Paper {
	tb.Helper()
	line, err := os.ReadFile("testdata/kaggle_0704.0001.json")
	if err != nil {
		tb.Fatal(err)
	}
	p, err := arxiv.ParseKaggle(bytes.TrimSpace(line))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := srv.db.UpsertPapers(tb.Context(), []*quire.Paper{p}); err != nil {
		tb.Fatal(err)
	}
	return p
}

// postFile posts a multipart form with one file, with the form token of the
// page at from.
func (b *browser) postFile(from, path, field, name string, content []byte) response {
	b.tb.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", b.Token(from))
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		b.tb.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	return b.Do(http.MethodPost, path, &body, http.Header{"Content-Type": {mw.FormDataContentType()}})
}

func TestReadingLists(t *testing.T) {
	srv := mustCommunityFixture(t)
	anon := srv.NewBrowser(t)
	if r := anon.Get("/lists"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("GET /lists as a visitor: %d to %q, want the log-in page", r.status, r.header.Get("Location"))
	}
	checkPage(t, anon.Get("/papers/"+savePaper), http.StatusOK, "to save this paper to a reading list")

	ada := srv.NewBrowser(t)
	ada.MustSignUp("ada")
	paper := "/papers/" + savePaper
	checkPage(t, ada.Get(paper), http.StatusOK, `action="/papers/`+savePaper+`/save"`)
	checkPage(t, ada.Get("/account"), http.StatusOK, `href="/lists"`)

	// Save to a new list, then again to the same one by another case.
	r := ada.Submit(paper, paper+"/save", url.Values{"list": {"Agents"}, "return": {paper}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != paper {
		t.Fatalf("save: %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	ada.Submit(paper, "/papers/2506.10892/save", url.Values{"list": {"AGENTS"}})
	list := mustListPath(t, ada, "Agents")
	checkPage(t, ada.Get("/lists"), http.StatusOK, "2 papers · private")

	// A note is plain text: markup is shown, not obeyed.
	r = ada.Submit(list, list+"/note", url.Values{"paper": {savePaper}, "note": {"<b>Read</b> §3\r\nthen the appendix"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("note: %d\n%s", r.status, r.body)
	}
	ada.Submit(list, list+"/read", url.Values{"paper": {savePaper}, "read": {"1"}})
	checkPage(t, ada.Get(list), http.StatusOK, "&lt;b&gt;Read&lt;/b&gt; §3<br>then the appendix", "Mark unread", `id="list-visibility">Private`)

	// Private: nobody else sees it or changes it.
	bob := srv.NewBrowser(t)
	bob.MustSignUp("bob")
	for _, b := range []*browser{anon, bob} {
		for _, path := range []string{list, list + "/export.bib", list + "/feed.atom"} {
			if r := b.Get(path); r.status != http.StatusNotFound {
				t.Errorf("GET %s of a private list by another reader: %d, want 404", path, r.status)
			}
		}
	}
	if r := bob.Submit("/lists", list+"/note", url.Values{"paper": {savePaper}, "note": {"mine"}}); r.status != http.StatusNotFound {
		t.Errorf("note on another member's list: %d, want 404", r.status)
	}
	if r := ada.Post(list+"/note", url.Values{"paper": {savePaper}, "note": {"no token"}}); r.status != http.StatusForbidden {
		t.Errorf("note without a form token: %d, want 403", r.status)
	}

	// The owner exports with the notes.
	r = ada.Get(list + "/export.bib")
	if r.status != http.StatusOK || !strings.Contains(r.body, "@misc{arXiv:"+savePaper+",") ||
		!strings.Contains(r.body, `annote = {<b>Read</b> §3 then the appendix}`) {
		t.Errorf("export.bib: %d\n%s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/x-bibtex; charset=utf-8" {
		t.Errorf("export.bib Content-Type = %q", ct)
	}

	// Public: a page, feeds and exports for everyone, without the forms.
	r = ada.Submit(list, list+"/settings", url.Values{"name": {"Agents"}, "description": {"Friday reading group"}, "public": {"1"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("settings: %d\n%s", r.status, r.body)
	}
	r = anon.Get(list)
	checkPage(t, r, http.StatusOK, "Friday reading group", "&lt;b&gt;Read&lt;/b&gt;", `href="`+list+`/feed.atom"`)
	if strings.Contains(r.body, list+"/note") || strings.Contains(r.body, `name="csrf_token"`) && strings.Contains(r.body, "Mark read") {
		t.Error("a visitor sees the owner's forms")
	}
	for path, want := range map[string]string{
		list + "/feed.atom":   "<title type=\"text\">Agents · Quire</title>",
		list + "/feed.rss":    "<title>Agents · Quire</title>",
		list + "/export.ris":  "ID  - arXiv:" + savePaper,
		list + "/export.json": `"id": "arXiv:` + savePaper + `"`,
	} {
		r := anon.Get(path)
		if r.status != http.StatusOK || !strings.Contains(r.body, want) {
			t.Errorf("GET %s: %d, want %q in\n%s", path, r.status, want, r.body)
		}
	}

	// The list's feeds are valid like every other feed (gofeed; Atom
	// against RFC 4287's schema) and answer conditional requests.
	parser := gofeed.NewParser()
	for _, ext := range []string{"atom", "rss"} {
		path := list + "/feed." + ext
		r := anon.Get(path)
		f, err := parser.ParseString(r.body)
		if err != nil {
			t.Fatalf("gofeed cannot parse %s: %v\n%s", path, err, r.body)
		}
		if !slices.ContainsFunc(f.Items, func(it *gofeed.Item) bool { return strings.HasSuffix(it.Link, "/papers/"+savePaper) }) {
			t.Errorf("%s: %d items, none the saved paper %s", path, len(f.Items), savePaper)
		}
		if ext == "atom" {
			checkAtom(t, r.body)
		}
		etag := r.header.Get("ETag")
		if etag == "" || r.header.Get("Last-Modified") == "" {
			t.Fatalf("%s: ETag %q, Last-Modified %q", path, etag, r.header.Get("Last-Modified"))
		}
		if again := anon.Do(http.MethodGet, path, nil, http.Header{"If-None-Match": {etag}}); again.status != http.StatusNotModified {
			t.Errorf("%s with If-None-Match: %d, want 304", path, again.status)
		}
	}

	// Import: by DOI (any case), by arXiv id; the rest reported by key.
	MustUpsertKaggle(t, srv)
	bib := `@article{balazs, title={Diphotons}, doi={10.1103/PHYSREVD.76.013009}}
@misc{sahoo, eprint={2506.10892}, archivePrefix={arXiv}}
@misc{later, journal={arXiv preprint arXiv:2506.11928}}
@misc{missing, eprint={2501.99999}, archivePrefix={arXiv}}
@book{knuth, title={The TeXbook}}`
	r = ada.postFile(list, list+"/import", "file", "refs.bib", []byte(bib))
	checkPage(t, r, http.StatusOK, "Imported 5 entries: 2 papers added, 1 already on the list.",
		"Not in the catalogue: <code>missing</code>", "Without an arXiv id or DOI: <code>knuth</code>", "Calculation of prompt diphoton")
	r = ada.postFile(list, list+"/import", "file", "bad.bib", []byte("@misc{k, title = {unbalanced}"))
	checkPage(t, r, http.StatusBadRequest, "BibTeX line 1, @misc: the entry does not end.")

	ada.Submit(list, list+"/remove", url.Values{"paper": {"0704.0001"}})
	checkPage(t, ada.Get("/lists"), http.StatusOK, "3 papers · public")

	// Private again: the feed goes at once.
	ada.Submit(list, list+"/settings", url.Values{"name": {"Agents"}})
	if r := anon.Get(list + "/feed.atom"); r.status != http.StatusNotFound {
		t.Errorf("feed of a list made private: %d, want 404", r.status)
	}
	ada.Submit(list, list+"/delete", nil)
	if r := ada.Get(list); r.status != http.StatusNotFound {
		t.Errorf("deleted list: %d, want 404", r.status)
	}
}

func TestReadingListForms(t *testing.T) {
	srv := mustCommunityFixture(t)
	ada := srv.NewBrowser(t)
	ada.MustSignUp("ada")
	r := ada.Submit("/lists", "/lists", url.Values{"name": {"Queue"}, "public": {"1"}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/lists/") {
		t.Fatalf("create: %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		msg    string
	}{
		{"same name", url.Values{"name": {"queue"}}, http.StatusConflict, "You already have a list named &#34;queue&#34;."},
		{"no name", url.Values{"name": {"  "}}, http.StatusBadRequest, "A list needs a name."},
		{"long name", url.Values{"name": {strings.Repeat("x", 101)}}, http.StatusBadRequest, "A list&#39;s name can be at most 100 bytes long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkPage(t, ada.Submit("/lists", "/lists", tc.form), tc.status, tc.msg)
		})
	}
	list := mustListPath(t, ada, "Queue")
	r = ada.Submit(list, list+"/note", url.Values{"paper": {savePaper}, "note": {"x"}})
	checkPage(t, r, http.StatusNotFound, "This paper is not on the list.")
	r = ada.Submit(list, list+"/note", url.Values{"paper": {"not an id"}, "note": {"x"}})
	checkPage(t, r, http.StatusBadRequest)
	r = ada.Submit("/papers/"+savePaper, "/papers/2501.99999/save", url.Values{"list": {"Queue"}})
	checkPage(t, r, http.StatusNotFound, "Paper 2501.99999 is not in the catalogue.")
	for _, path := range []string{"/lists/0", "/lists/x", "/lists/99999/export.ris"} {
		if r := ada.Get(path); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, r.status)
		}
	}
}

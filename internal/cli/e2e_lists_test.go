package cli

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"quire"
	"quire/internal/arxiv"
	"quire/internal/config"
	"quire/internal/testenv"
)

// mustSeedKaggle stores the real arXiv records of testdata/kaggle_sample.jsonl
// (0704.0001 to 0704.0005; the first has a DOI) and returns them.
func mustSeedKaggle(t *testing.T, db quire.PaperStore) []*quire.Paper {
	t.Helper()
	f, err := os.Open("testdata/kaggle_sample.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var papers []*quire.Paper
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		p, err := arxiv.ParseKaggle(sc.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		papers = append(papers, p)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpsertPapers(t.Context(), papers); err != nil {
		t.Fatal(err)
	}
	return papers
}

// TestBrowserReadingLists drives headless Chromium through reading lists:
// sign up, save a paper to a new list from its page, add a note, mark it
// read, make the list public, open its page logged out, export it as
// BibTeX, and import a BibTeX file. Every step is a plain form.
func TestBrowserReadingLists(t *testing.T) { eachBackend(t, testBrowserReadingLists) }

func testBrowserReadingLists(t *testing.T, cfg *config.Config) {
	cfg.NewAccountDelay = 0
	srv := MustStartServer(t, cfg)
	papers := mustSeedKaggle(t, srv.DB)
	b := testenv.StartBrowser(t)
	b.SetWindowSize(1280, 1000)
	fill := func(css, value string) {
		t.Helper()
		el := b.Find(css)
		b.ExecuteScript(`arguments[0].value = ""`, el)
		el.SendKeys(value)
	}
	logIn := func(name string, signUp bool) {
		t.Helper()
		path := "/login"
		if signUp {
			path = "/signup"
		}
		b.Navigate(srv.URL() + path)
		fill("#username", name)
		if signUp {
			fill("#email", name+"@example.org")
		}
		fill("#password", "correct horse battery")
		b.Find(`form[action="` + path + `"] button[type=submit]`).Click()
		b.Wait("signed in", func() bool { return b.TextOf("header a.username") == name })
	}

	logIn("ada", true)

	// Save from the paper's page to a new list.
	first := papers[0]
	b.Navigate(srv.URL() + "/papers/" + first.ID)
	fill("#save-list", "Diphotons & friends")
	b.ExecuteScript(`window.quireBeforeSave = true`)
	b.Find(`form.save-form button[type=submit]`).Click()
	b.Wait("back on the paper", func() bool {
		return b.ExecuteScript(`return window.quireBeforeSave === true`) == false &&
			strings.HasSuffix(b.CurrentURL(), "/papers/"+first.ID)
	})
	b.Navigate(srv.URL() + "/lists")
	b.Find(`.reading-lists a[href^="/lists/"]`).Click()
	b.Wait("the list page", func() bool { return b.TextOf("#list-name") == "Diphotons & friends" })
	listURL := b.CurrentURL()
	row := "#p-" + strings.ReplaceAll(first.ID, ".", "-")

	// A note, in plain text: markup stays text.
	b.Find(row + " details summary").Click()
	fill(row+" textarea[name=note]", "Compare <em>Table 2</em>\nwith the LHC data.")
	b.Find(row + ` form[action$="/note"] button`).Click()
	b.Wait("the note", func() bool { return strings.Contains(b.TextOf(row+" .note"), "Compare <em>Table 2</em>") })
	if n := len(b.FindAll(row + " .note em")); n != 0 {
		t.Errorf("the note's markup became %d elements", n)
	}

	// Mark it read.
	b.Find(row + " details summary").Click()
	b.Find(row + ` form[action$="/read"] button`).Click()
	b.Wait("the read mark", func() bool { return b.TextOf(row+" .read-mark") == "read" })

	// Make the list public.
	b.Find("#settings-public").Click()
	b.Find(`form[action$="/settings"] button`).Click()
	b.Wait("public", func() bool { return b.TextOf("#list-visibility") == "Public" })

	// Logged out, the public page shows the paper and the note, without
	// the owner's forms.
	b.Find(`header form[action="/logout"] button`).Click()
	b.Wait("signed out", func() bool { return len(b.FindAll(`header a[href="/signup"]`)) == 1 })
	b.Navigate(listURL)
	if got := b.Find("#list-name").Text(); got != "Diphotons & friends" {
		t.Errorf("public page heading = %q", got)
	}
	if note := b.TextOf(row + " .note"); !strings.Contains(note, "with the LHC data.") {
		t.Errorf("public page note = %q", note)
	}
	if n := len(b.FindAll(`form[action$="/note"], form[action$="/settings"], form[action$="/import"]`)); n != 0 {
		t.Errorf("a visitor sees %d of the owner's forms", n)
	}

	// Export BibTeX through the page's link, as the visitor.
	href := b.Find(`a[href$="/export.bib"]`).Attr("href")
	bib, _ := b.ExecuteScript(`var x = new XMLHttpRequest(); x.open("GET", arguments[0], false); x.send();
		return x.status + "\n" + x.responseText`, href).(string)
	for _, want := range []string{"200\n@misc{arXiv:" + first.ID + ",", "doi = {10.1103/PhysRevD.76.013009}",
		`annote = {Compare <em>Table 2</em> with the LHC data.}`, `title = {Calculation of prompt diphoton production`} {
		if !strings.Contains(bib, want) {
			t.Errorf("export.bib lacks %q:\n%s", want, bib)
		}
	}

	// The list's Atom feed, through the page's link: the visitor's
	// browser shows the saved paper and its note.
	feedHref := b.Find(`a[href$="/feed.atom"]`).Attr("href")
	if !strings.HasPrefix(feedHref, "http") {
		feedHref = srv.URL() + feedHref
	}
	b.Navigate(feedHref)
	if body := b.Find("body").Text(); !strings.Contains(body, "Calculation of prompt diphoton production") || !strings.Contains(body, "with the LHC data.") {
		t.Errorf("the list's feed at %s does not show the paper and its note:\n%s", feedHref, body)
	}
	b.Navigate(listURL)

	// Import a BibTeX file: by DOI (a paper already on the list), by
	// arXiv id, and two entries reported back by key.
	logIn("ada", false)
	b.Navigate(listURL)
	file := filepath.Join(t.TempDir(), "refs.bib")
	content := `@article{balazs2007, title = {Calculation of prompt diphoton production}, doi = {10.1103/physrevd.76.013009}}
@article{streinu, title = {Sparsity-certifying Graph Decompositions}, journal = {arXiv preprint arXiv:0704.0002}}
@misc{pan, eprint = {0704.0003v3}, archivePrefix = {arXiv}}
@misc{elsewhere, eprint = {2501.99999}, archivePrefix = {arXiv}}
@book{knuth1984, title = {The {\TeX}book}}
`
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	b.Find("#bibtex-file").SendKeys(file)
	b.Find(`form[action$="/import"] button`).Click()
	b.Wait("the import report", func() bool { return b.TextOf("#import-report") != "" })
	report := b.TextOf("#import-report")
	for _, want := range []string{"Imported 5 entries: 2 papers added, 1 already on the list.",
		"Not in the catalogue: elsewhere", "Without an arXiv id or DOI: knuth1984"} {
		if !strings.Contains(report, want) {
			t.Errorf("import report %q lacks %q", report, want)
		}
	}
	if n := len(b.FindAll(".saved-papers > li")); n != 3 {
		t.Errorf("the list holds %d papers after the import, want 3", n)
	}

	// On a phone the list pages do not scroll sideways.
	b.SetWindowSize(390, 844)
	for _, path := range []string{strings.TrimPrefix(listURL, srv.URL()), "/lists", "/papers/" + first.ID} {
		b.Navigate(srv.URL() + path)
		if wide := b.ExecuteScript(`return document.documentElement.scrollWidth > document.documentElement.clientWidth`); wide != false {
			t.Errorf("%s scrolls sideways at 390 px wide", path)
		}
		if dir := os.Getenv("QUIRE_SHOTS_TMP"); dir != "" {
			os.WriteFile(dir+"/"+strings.ReplaceAll(strings.Trim(path, "/"), "/", "_")+".png", b.Screenshot(), 0o644)
		}
	}
}

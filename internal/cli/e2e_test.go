package cli

import (
	"os"
	"strings"
	"testing"

	"quire/internal/testenv"
)

// TestBrowser drives headless Chromium through the hub as a visitor would:
// the home page of a fresh server with the demo catalogue, a week view, a
// paper page, a search from the header's box and a result with its similar
// papers, and the home page again at phone size. Set QUIRE_SCREENSHOT to a
// file name to keep a screenshot of the home page (the README's).
func TestBrowser(t *testing.T) {
	cfg := testConfig(t)
	cfg.NoDemo = false
	srv := MustStartServer(t, cfg)
	b := testenv.StartBrowser(t)
	b.SetWindowSize(1280, 1000)

	// Home: the latest day of the demo, with a note that it is not today.
	b.Navigate(srv.URL() + "/")
	if title := b.Title(); !strings.Contains(title, "Quire") {
		t.Errorf("home title = %q", title)
	}
	cards := b.FindAll("article.card")
	if len(cards) < 5 {
		t.Fatalf("home shows %d cards, want a day's list", len(cards))
	}
	if note := b.Find(".notice").Text(); !strings.Contains(note, "No papers yet today") {
		t.Errorf("home notice = %q", note)
	}
	if action := b.Find("header form.search").Attr("action"); action != "/papers" {
		t.Errorf("header search form action = %q, want /papers", action)
	}
	// The day's feed, found as a feed reader finds it: through the page's
	// discovery link; the browser shows the XML with the day's titles.
	dayTitle := cards[0].Find(".card-title a").Text()
	atom := b.Find(`head link[rel="alternate"][type="application/atom+xml"]`).Attr("href")
	if atom == "" {
		t.Fatal("the home page announces no Atom feed")
	}
	if !strings.HasPrefix(atom, "http") {
		atom = srv.URL() + atom
	}
	b.Navigate(atom)
	if body := b.Find("body").Text(); !strings.Contains(body, dayTitle) {
		t.Errorf("the Atom feed at %s does not show %q", atom, dayTitle)
	}
	b.Navigate(srv.URL() + "/")

	if path := os.Getenv("QUIRE_SCREENSHOT"); path != "" {
		if err := os.WriteFile(path, b.Screenshot(), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Week view, through the header's navigation.
	b.Find(`nav.main-nav a[href="/papers/week"]`).Click()
	b.Wait("week page", func() bool { return strings.Contains(b.CurrentURL(), "/papers/week/") })
	weekCards := b.FindAll("article.card")
	if len(weekCards) <= len(cards) {
		t.Errorf("week shows %d cards, want more than the day's %d", len(weekCards), len(cards))
	}
	first := weekCards[0].Find(".card-title a")
	title := first.Text()

	// The paper page of the week's top paper.
	first.Click()
	b.Wait("paper page", func() bool { return strings.Contains(b.CurrentURL(), "/papers/2") })
	if h1 := b.Find("article.paper h1").Text(); h1 != title {
		t.Errorf("paper page h1 = %q, want the card's title %q", h1, title)
	}
	if len(b.FindAll("ul.authors li")) == 0 {
		t.Error("paper page lists no authors")
	}
	bib := b.Find("#bibtex").Text()
	if !strings.HasPrefix(bib, "@misc{") || !strings.Contains(bib, "archivePrefix = {arXiv}") {
		t.Errorf("BibTeX = %q", bib)
	}
	if pdf := b.Find(`a[href^="https://arxiv.org/pdf/"]`); pdf.Attr("href") == "" {
		t.Error("no PDF link")
	}

	// Search from the header's box once the index, built in the
	// background at start, has loaded.
	b.Wait("the search index", func() bool {
		b.Navigate(srv.URL() + "/papers?q=diffusion")
		return !strings.Contains(b.Find("main").Text(), "still loading")
	})
	b.Navigate(srv.URL() + "/")
	b.ExecuteScript(`arguments[0].value = arguments[1]`, b.Find("header input#q"), "diffusion models")
	b.Find("header form.search button[type=submit]").Click()
	b.Wait("search results", func() bool { return strings.Contains(b.CurrentURL(), "/papers?q=diffusion+models") })
	results := b.FindAll("article.card")
	if len(results) == 0 {
		t.Fatal("the search shows no results")
	}
	if parsed := b.Find("p.parsed code").Text(); parsed != "diffusion models" {
		t.Errorf("parsed query shown = %q", parsed)
	}
	marks := b.FindAll("article.card mark")
	if len(marks) == 0 {
		t.Fatal("no highlighted words in the results")
	}
	if w := strings.ToLower(marks[0].Text()); !strings.HasPrefix(w, "diffus") && !strings.HasPrefix(w, "model") {
		t.Errorf("highlighted %q, which the query does not match", w)
	}
	if v := b.Find("header input#q").Attr("value"); v != "diffusion models" {
		t.Errorf("header box holds %q after the search", v)
	}

	// A result's page lists similar papers.
	result := results[0].Find(".card-title a")
	resultTitle := result.Text()
	result.Click()
	b.Wait("result page", func() bool { return !strings.Contains(b.CurrentURL(), "?q=") })
	if h1 := b.Find("article.paper h1").Text(); h1 != resultTitle {
		t.Errorf("result page h1 = %q, want %q", h1, resultTitle)
	}
	if h := b.Find("#similar-title").Text(); h != "Similar papers" {
		t.Errorf("similar section heading = %q", h)
	}
	if n := len(b.FindAll("section.similar article.card")); n == 0 {
		t.Error("the result's page lists no similar papers")
	}

	// On a phone the pages must not scroll sideways.
	b.SetWindowSize(390, 844)
	for _, path := range []string{"/", "/papers?q=diffusion+models&cat=cs&has_code=1"} {
		b.Navigate(srv.URL() + path)
		wide := b.ExecuteScript(`return document.documentElement.scrollWidth > document.documentElement.clientWidth`)
		if wide != false {
			t.Errorf("%s scrolls sideways at 390 px wide", path)
		}
	}
}

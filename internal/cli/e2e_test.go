package cli

import (
	"os"
	"strings"
	"testing"

	"quire/internal/testenv"
)

// TestBrowser drives headless Chromium through the hub as a visitor would:
// the home page of a fresh server with the demo catalogue, a week view, a
// paper page, and the home page again at phone size. Set QUIRE_SCREENSHOT
// to a file name to keep a screenshot of the home page (the README's).
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
	if soon := b.Find("#search-note").Text(); !strings.Contains(soon, "coming soon") {
		t.Errorf("search note = %q: search is not built and must say so", soon)
	}
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
	if !strings.HasPrefix(bib, "@misc{") || !strings.Contains(bib, "archivePrefix={arXiv}") {
		t.Errorf("BibTeX = %q", bib)
	}
	if pdf := b.Find(`a[href^="https://arxiv.org/pdf/"]`); pdf.Attr("href") == "" {
		t.Error("no PDF link")
	}

	// On a phone the page must not scroll sideways.
	b.SetWindowSize(390, 844)
	b.Navigate(srv.URL() + "/")
	wide := b.ExecuteScript(`return document.documentElement.scrollWidth > document.documentElement.clientWidth`)
	if wide != false {
		t.Errorf("home page scrolls sideways at 390 px wide")
	}
}

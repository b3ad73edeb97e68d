package cli

import (
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"quire"
	"quire/internal/config"
	"quire/internal/ingest"
	"quire/internal/testenv"
)

// TestBrowserForYou drives headless Chromium, scripts off, through the
// personal feed: sign up, choose a cold-start category and see its papers
// first, upvote papers from the feed, open one, mark one not interested,
// and see each leave the feed. The papers are the real arXiv listing of
// testdata/arxiv/listings_sample.jsonl, put on today's list.
func TestBrowserForYou(t *testing.T) { eachBackend(t, testBrowserForYou) }

func testBrowserForYou(t *testing.T, cfg *config.Config) {
	cfg.NewAccountDelay = 0
	srv := MustStartServer(t, cfg)
	ctx := t.Context()
	im := &ingest.Importer{Store: srv.DB, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if _, err := im.ImportFile(ctx, "../../testdata/arxiv/listings_sample.jsonl"); err != nil {
		t.Fatal(err)
	}
	// Today's list holds every paper; upvotes vary so that popularity
	// orders what the member's choices do not.
	papers, err := srv.DB.FindPapersWithoutEmbedding(ctx, "none", "", 100)
	if err != nil || len(papers) != 50 {
		t.Fatalf("catalogue: %d papers, %v", len(papers), err)
	}
	today := quire.TruncateDay(time.Now().UTC())
	var entries []*quire.DailyEntry
	robots := map[string]bool{}
	for i, p := range papers {
		entries = append(entries, &quire.DailyEntry{Day: today, PaperID: p.ID, Upvotes: (i * 7) % 23, SubmittedAt: today.Add(time.Hour)})
		for _, c := range p.Categories {
			if c == "cs.RO" {
				robots[p.ID] = true
			}
		}
	}
	if _, err := srv.DB.UpsertDailyEntries(ctx, entries); err != nil {
		t.Fatal(err)
	}
	if len(robots) != 2 {
		t.Fatalf("%d cs.RO papers in the sample, want 2", len(robots))
	}

	b := testenv.StartBrowserWith(t, testenv.BrowserOptions{NoJavaScript: true})
	b.SetWindowSize(1280, 1000)
	fill := func(css, value string) {
		t.Helper()
		el := b.Find(css)
		b.ExecuteScript(`arguments[0].value = ""`, el)
		el.SendKeys(value)
	}
	b.Navigate(srv.URL() + "/signup")
	fill("#username", "ada")
	fill("#email", "ada@example.org")
	fill("#password", "correct horse battery")
	b.Find(`form[action="/signup"] button[type=submit]`).Click()
	b.Wait("signed in", func() bool { return b.TextOf("header a.username") == "ada" })

	// A new member sees the most upvoted papers.
	b.Navigate(srv.URL() + "/for-you")
	if got := b.TextOf(".for-you > p.muted"); !strings.Contains(got, "most upvoted recent papers") {
		t.Errorf("a new member's feed says %q", got)
	}

	// Cold start: the chosen category's papers come first.
	fill("#fy-categories", "cs.RO")
	b.Find(`form[action="/for-you/interests"] button[type=submit]`).Click()
	b.Wait("choices saved", func() bool { return b.TextOf(".notice") == "Your choices are saved." })
	items := feedIDs(b)
	if len(items) < 10 || !robots[items[0]] || !robots[items[1]] {
		t.Fatalf("feed after choosing cs.RO = %v, want its papers %v first", items, robots)
	}
	if got := b.TextOf(".for-you-item .because"); !strings.HasPrefix(got, "In a category you chose") {
		t.Errorf("the first paper's reason is %q", got)
	}

	// Upvote the first two papers from the feed: each leaves it.
	for n := 1; n <= 2; n++ {
		id := feedIDs(b)[0]
		b.Find(`.for-you-item form.vote button`).Click()
		b.Wait(fmt.Sprintf("upvote %d", n), func() bool { return b.TextOf("#fy-signals") == fmt.Sprint(n) })
		if ids := feedIDs(b); slices.Contains(ids, id) {
			t.Errorf("the feed still shows %s after its upvote: %v", id, ids)
		}
	}

	// Opening a paper's page counts too.
	opened := feedIDs(b)[0]
	b.Navigate(srv.URL() + "/papers/" + opened)
	b.Navigate(srv.URL() + "/for-you")
	b.Wait("opened", func() bool { return b.TextOf("#fy-signals") == "3" })
	if slices.Contains(feedIDs(b), opened) {
		t.Errorf("the feed still shows %s after it was opened", opened)
	}

	// Not interested: gone, and the notice says so.
	refused := feedIDs(b)[1]
	b.Find(`button[data-not-interested="` + refused + `"]`).Click()
	b.Wait("not interested", func() bool { return strings.HasPrefix(b.TextOf(".notice"), "You will not see that paper here again.") })
	if ids := feedIDs(b); slices.Contains(ids, refused) || len(ids) == 0 {
		t.Errorf("the feed after not interested in %s = %v", refused, ids)
	}
}

// feedIDs returns the ids of the papers on the For you page, in order.
func feedIDs(b *testenv.Browser) []string {
	var ids []string
	for _, el := range b.FindAll("button[data-not-interested]") {
		ids = append(ids, el.Attr("data-not-interested"))
	}
	return ids
}

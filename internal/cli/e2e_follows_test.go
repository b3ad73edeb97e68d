package cli

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quire/internal/config"
	"quire/internal/testenv"
)

// TestBrowserFollows drives headless Chromium through follows: sign up,
// open an author's page from a paper, follow the author with a co-author
// as qualifier, follow a category into the digest, find both on the page
// that the account page links to, and unfollow. Every step is a plain form.
func TestBrowserFollows(t *testing.T) { eachBackend(t, testBrowserFollows) }

func testBrowserFollows(t *testing.T, cfg *config.Config) {
	cfg.NewAccountDelay = 0
	srv := MustStartServer(t, cfg)
	papers := mustSeedKaggle(t, srv.DB)
	first := papers[0] // 0704.0001, hep-ph, by C. Balázs, E. L. Berger, P. M. Nadolsky, C.-P. Yuan
	const author, coAuthor = "E. L. Berger", "P. M. Nadolsky"
	authorURL := srv.URL() + "/authors/" + url.PathEscape(author)

	b := testenv.StartBrowser(t)
	b.SetWindowSize(1280, 1000)
	fill := func(css, value string) {
		t.Helper()
		el := b.Find(css)
		b.ExecuteScript(`arguments[0].value = ""`, el)
		el.SendKeys(value)
	}
	// The search index takes the seeded papers in within a poll or two;
	// until then the author has no page.
	b.Wait("the author's page", func() bool {
		resp, err := http.Get(authorURL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})

	b.Navigate(srv.URL() + "/signup")
	fill("#username", "ada")
	fill("#email", "ada@example.org")
	fill("#password", "correct horse battery")
	b.Find(`form[action="/signup"] button[type=submit]`).Click()
	b.Wait("signed in", func() bool { return b.TextOf("header a.username") == "ada" })

	// From the paper to its author.
	b.Navigate(srv.URL() + "/papers/" + first.ID)
	b.Find(`ul.authors a[href="/authors/` + url.PathEscape(author) + `"]`).Click()
	b.Wait("the author's page", func() bool { return b.TextOf("#topic-name") == author })
	if got := b.TextOf(".topic-stats"); !strings.Contains(got, coAuthor) || !strings.Contains(got, "hep-ph") {
		t.Errorf("the author's page lists no co-author %s or category hep-ph:\n%s", coAuthor, got)
	}

	// Follow the author, only with this co-author.
	b.Find(`#follow-co-author option[value="` + coAuthor + `"]`).Click()
	b.Find("#follow-button").Click()
	b.Wait("following the author", func() bool {
		return strings.Contains(b.TextOf(".follow-box .following"), author+" ("+"with "+coAuthor+")")
	})
	if !strings.HasPrefix(b.CurrentURL(), authorURL) {
		t.Errorf("after following: at %s, want back on %s", b.CurrentURL(), authorURL)
	}

	// Follow the category, into the digest, from its page.
	b.Find(`.topic-stats a[href="/categories/hep-ph"]`).Click()
	b.Wait("the category's page", func() bool { return b.TextOf("#topic-name") == "Papers in hep-ph" })
	b.Find(`.follow-form input[name=digest]`).Click()
	b.Find("#follow-button").Click()
	b.Wait("following the category", func() bool {
		return b.TextOf(".follow-box .following") == "Following hep-ph · in your digest"
	})

	// The account page leads to them.
	b.Find("header a.username").Click()
	b.Wait("the account page", func() bool { return b.TextOf("#following") == "Following" })
	b.Find(`a[href="/following"]`).Click()
	b.Wait("the follows", func() bool {
		return strings.Contains(b.TextOf("#follows-authors"), author+" (with "+coAuthor+")") &&
			strings.Contains(b.TextOf("#follows-categories"), "hep-ph · in your digest")
	})

	// Unfollow the author.
	b.Find("#follows-authors button.unfollow").Click()
	b.Wait("the author unfollowed", func() bool {
		return strings.Contains(b.TextOf(".following-page"), "You follow no author yet.")
	})
	if got := b.TextOf("#follows-categories"); !strings.Contains(got, "hep-ph") {
		t.Errorf("the category follow went too: %q", got)
	}
}

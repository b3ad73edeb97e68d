package cli

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"quire/internal/testenv"
)

// TestBrowserCommunity drives headless Chromium through what a member does:
// sign up, log out and in again, submit a paper (arXiv replayed from a
// recorded response), upvote it with the page's script, comment on it, and
// find it on the day's list and on /papers/trending.
func TestBrowserCommunity(t *testing.T) {
	browserCommunity(t, true)
}

// TestBrowserCommunityNoJavaScript is the same flow with scripts turned
// off: every step is a plain form. The server also sends mail (to
// Mailpit), and the member confirms the address from the mailed link.
func TestBrowserCommunityNoJavaScript(t *testing.T) {
	browserCommunity(t, false)
}

func browserCommunity(t *testing.T, js bool) {
	feed, err := os.ReadFile("testdata/arxiv/one_entry_2025.xml")
	if err != nil {
		t.Fatal(err)
	}
	arxivSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("id_list") != "2506.11924" {
			http.Error(w, "unexpected query "+r.URL.RawQuery, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		w.Write(feed)
	}))
	t.Cleanup(arxivSrv.Close)

	cfg := testConfig(t)
	cfg.ArxivAPIURL = arxivSrv.URL
	cfg.NewAccountDelay = 0
	// The recorded paper is from June 2025; the server's clock is real.
	cfg.SubmitMaxAge = 100 * 365 * 24 * time.Hour
	var mp *testenv.Mailpit
	if !js {
		mp = testenv.StartMailpit(t, testenv.MailpitOptions{})
		cfg.SMTPHost, cfg.SMTPPort, cfg.SMTPSecurity = mp.SMTPHost, mp.SMTPPort, "none"
		cfg.MailFrom = "Quire <quire@example.org>"
		// The links in mail carry the site's address, so it must be known
		// before the server starts: a port that was free a moment ago.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		cfg.Addr = l.Addr().String()
		l.Close()
	}
	srv := MustStartServer(t, cfg)
	b := testenv.StartBrowserWith(t, testenv.BrowserOptions{NoJavaScript: !js})
	b.SetWindowSize(1280, 1000)
	fill := func(css, value string) {
		t.Helper()
		el := b.Find(css)
		b.ExecuteScript(`arguments[0].value = ""`, el)
		el.SendKeys(value)
	}

	// Sign up from the header's link.
	b.Navigate(srv.URL() + "/")
	b.Find(`header a[href="/signup"]`).Click()
	b.Wait("sign-up page", func() bool { return strings.HasSuffix(b.CurrentURL(), "/signup") })
	fill("#username", "ada")
	fill("#email", "ada@example.org")
	fill("#password", "correct horse battery")
	b.Find(`form[action="/signup"] button[type=submit]`).Click()
	b.Wait("signed in", func() bool { return len(b.FindAll("header a.username")) == 1 })
	if name := b.Find("header a.username").Text(); name != "ada" {
		t.Errorf("header shows %q", name)
	}

	// Confirm the address from the link in the mail.
	if mp != nil {
		msg := mp.Message(mp.WaitMessages(1)[0].ID)
		link := regexp.MustCompile(`http://\S+/account/verify\?t=\S+`).FindString(msg.Text)
		if link == "" {
			t.Fatalf("no confirmation link in %q", msg.Text)
		}
		b.Navigate(link)
		b.Find(`form[action="/account/verify"] button[type=submit]`).Click()
		// The form posts to the link's path without its query.
		b.Wait("the confirmation", func() bool { return !strings.Contains(b.CurrentURL(), "?t=") })
		if got := b.Find("main h1").Text(); got != "Address confirmed" {
			t.Errorf("after confirming, the page says %q", got)
		}
		b.Navigate(srv.URL() + "/account")
		if got := b.Find("#email-status").Text(); got != "(confirmed)" {
			t.Errorf("account page shows the address %s", got)
		}
	}

	// Log out, and in again.
	b.Find(`header form[action="/logout"] button`).Click()
	b.Wait("signed out", func() bool { return len(b.FindAll(`header a[href="/signup"]`)) == 1 })
	b.Navigate(srv.URL() + "/login")
	fill("#username", "ada")
	fill("#password", "correct horse battery")
	b.Find(`form[action="/login"] button[type=submit]`).Click()
	b.Wait("signed in again", func() bool { return len(b.FindAll("header a.username")) == 1 })

	// Submit a paper by its arXiv link.
	b.Find(`header a[href="/submit"]`).Click()
	b.Wait("submit page", func() bool { return strings.HasSuffix(b.CurrentURL(), "/submit") })
	fill("#id", "https://arxiv.org/abs/2506.11924v1")
	b.Find(`form[action="/submit"] button[type=submit]`).Click()
	b.Wait("paper page", func() bool { return strings.HasSuffix(b.CurrentURL(), "/papers/2506.11924") })
	title := b.Find("article.paper h1").Text()
	if title == "" {
		t.Fatal("the submitted paper's page has no title")
	}

	// Upvote: the script updates the count without reloading the page;
	// without it, the form posts and the page comes back.
	b.ExecuteScript(`window.quireNoReload = true`)
	b.Find("form[data-vote] button").Click()
	b.Wait("the vote", func() bool { return b.TextOf("form[data-vote] .count") == "1" })
	if reloaded := b.ExecuteScript(`return window.quireNoReload !== true`) == true; reloaded == js {
		t.Errorf("the vote reloaded the page: %v, with scripts on: %v", reloaded, js)
	}
	if pressed := b.Find("form[data-vote] button").Attr("aria-pressed"); pressed != "true" {
		t.Errorf("vote button aria-pressed = %q", pressed)
	}

	// Comment, with Markdown.
	fill("#comment-body", "A **clear** result.")
	b.Find(`form.comment-form button[type=submit]`).Click()
	b.Wait("the comment", func() bool { return strings.Contains(b.CurrentURL(), "#comment-") })
	if got := b.Find(".comment-body strong").Text(); got != "clear" {
		t.Errorf("comment shows %q in bold", got)
	}

	// The day's list and trending show the paper with its vote and
	// comment.
	for _, path := range []string{"/", "/papers/trending"} {
		b.Navigate(srv.URL() + path)
		var card string
		for _, c := range b.FindAll("article.card") {
			if c.Find(".card-title a").Text() == title {
				card = c.Text()
			}
		}
		if card == "" {
			t.Errorf("%s does not list the submitted paper", path)
			continue
		}
		if !strings.Contains(card, "1 comment") || !strings.Contains(card, "Submitted by ada") {
			t.Errorf("%s card = %q", path, card)
		}
	}
	if n := b.Find(`article.card form[data-vote] .count`).Text(); n != "1" {
		t.Errorf("trending shows %q upvotes", n)
	}

	// On a phone the new pages do not scroll sideways either.
	b.SetWindowSize(390, 844)
	for _, path := range []string{"/papers/2506.11924", "/submit", "/account"} {
		b.Navigate(srv.URL() + path)
		if wide := b.ExecuteScript(`return document.documentElement.scrollWidth > document.documentElement.clientWidth`); wide != false {
			t.Errorf("%s scrolls sideways at 390 px wide", path)
		}
		if dir := os.Getenv("QUIRE_SHOTS_TMP"); dir != "" {
			os.WriteFile(dir+"/"+strings.ReplaceAll(strings.Trim(path, "/"), "/", "_")+".png", b.Screenshot(), 0o644)
		}
	}
}

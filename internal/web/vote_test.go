package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// upvotesOn returns the count shown in the vote control of paper id on the
// page body: a list's card or a paper page.
func upvotesOn(tb testing.TB, body, id string) int {
	tb.Helper()
	count := regexp.MustCompile(`class="count">(\d+)</span>`)
	for _, part := range strings.Split(body, `<article class="card">`) {
		if !strings.Contains(part, `href="/papers/`+id+`"`) && !strings.Contains(part, `action="/papers/`+id+`/vote"`) {
			continue
		}
		if m := count.FindStringSubmatch(part); m != nil {
			n, _ := strconv.Atoi(m[1])
			return n
		}
	}
	tb.Fatalf("no vote count for %s on the page", id)
	return 0
}

const votePaper = "2506.11924" // on the list of 2025-06-16

func TestVote(t *testing.T) {
	srv := mustCommunityFixture(t)
	b := srv.NewBrowser(t)
	b.MustSignUp("ada")
	day := "/papers/date/2025-06-16"
	before := upvotesOn(t, b.Get(day).body, votePaper)

	// Too new an account.
	r := b.Submit(day, "/papers/"+votePaper+"/vote", url.Values{"return": {day}})
	checkPage(t, r, http.StatusForbidden, "New accounts can vote 5 minutes after signing up; please try again in 5 minutes.")
	srv.clock.Advance(testDelay)

	r = b.Submit(day, "/papers/"+votePaper+"/vote", url.Values{"return": {day}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != day {
		t.Fatalf("vote: %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	page := b.Get(day).body
	if got := upvotesOn(t, page, votePaper); got != before+1 {
		t.Errorf("after the vote: %d upvotes, want %d", got, before+1)
	}
	if !strings.Contains(page, `vote-button voted" aria-pressed="true"`) {
		t.Error("the voted button is not marked")
	}
	// Visitors see the new count too (the cache was purged).
	anon := srv.NewBrowser(t)
	if got := upvotesOn(t, anon.Get(day).body, votePaper); got != before+1 {
		t.Errorf("visitors see %d upvotes, want %d", got, before+1)
	}

	// The same member again withdraws the vote: never more than one each.
	if r := b.Submit(day, "/papers/"+votePaper+"/vote", url.Values{"return": {day}}); r.status != http.StatusSeeOther {
		t.Fatalf("second vote: %d\n%s", r.status, r.body)
	}
	if got := upvotesOn(t, b.Get(day).body, votePaper); got != before {
		t.Errorf("after voting twice: %d upvotes, want %d", got, before)
	}

	// The page's script gets JSON.
	token := b.Token("/papers/" + votePaper)
	r = b.Do(http.MethodPost, "/papers/"+votePaper+"/vote", nil, http.Header{"Accept": {"application/json"}, "X-Csrf-Token": {token}})
	var got struct {
		Upvotes int
		Voted   bool
	}
	if err := json.Unmarshal([]byte(r.body), &got); err != nil || r.status != 200 || !got.Voted || got.Upvotes != before+1 {
		t.Errorf("script vote: %d %s (%v)", r.status, r.body, err)
	}
	checkPage(t, b.Get("/papers/"+votePaper), http.StatusOK, `vote-button voted`)

	// An old-style identifier has a slash.
	MustImportPaper(t, srv.db, absPaper(t, "testdata/hep-th_9901001.abs"))
	r = b.Submit("/papers/hep-th/9901001", "/papers/hep-th/9901001/vote", url.Values{"return": {"/papers/hep-th/9901001"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("vote on hep-th/9901001: %d\n%s", r.status, r.body)
	}
	if n := upvotesOn(t, b.Get("/papers/hep-th/9901001").body, "hep-th/9901001"); n != 1 {
		t.Errorf("hep-th/9901001 has %d upvotes, want 1", n)
	}
}

func TestVoteLoggedOut(t *testing.T) {
	srv := mustCommunityFixture(t)
	b := srv.NewBrowser(t)
	day := "/papers/date/2025-06-16"
	page := b.Get(day).body
	if !strings.Contains(page, `<a class="vote-button" href="/login?return=%2Fpapers%2Fdate%2F2025-06-16"`) {
		t.Error("visitors' vote buttons do not lead to the log-in page")
	}
	r := b.Post("/papers/"+votePaper+"/vote", url.Values{"return": {day}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login?return=%2Fpapers%2Fdate%2F2025-06-16" {
		t.Errorf("form vote by a visitor: %d to %q", r.status, r.header.Get("Location"))
	}
	r = b.Do(http.MethodPost, "/papers/"+votePaper+"/vote", nil, http.Header{"Accept": {"application/json"}})
	if r.status != http.StatusUnauthorized || !strings.Contains(r.body, `"login":"/login`) {
		t.Errorf("script vote by a visitor: %d %s", r.status, r.body)
	}
}

// TestSecurity checks the refusals that guard accounts.
func TestSecurity(t *testing.T) {
	srv := mustCommunityFixture(t)
	ada := srv.NewBrowser(t)
	ada.MustSignUp("ada")
	bob := srv.NewBrowser(t)
	bob.MustSignUp("bob")
	srv.clock.Advance(testDelay)
	vote := "/papers/" + votePaper + "/vote"

	t.Run("no token", func(t *testing.T) {
		checkPage(t, ada.Post(vote, nil), http.StatusForbidden, "This form has expired")
		checkPage(t, ada.Post("/logout", nil), http.StatusForbidden)
	})
	t.Run("token of another account", func(t *testing.T) {
		r := ada.Post(vote, url.Values{"csrf_token": {bob.Token("/account")}})
		checkPage(t, r, http.StatusForbidden)
	})
	t.Run("cross-site", func(t *testing.T) {
		r := ada.Do(http.MethodPost, vote, strings.NewReader(url.Values{"csrf_token": {ada.Token("/account")}}.Encode()),
			http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Sec-Fetch-Site": {"cross-site"}})
		checkPage(t, r, http.StatusForbidden, "came from another site")
	})
	t.Run("forged cookie", func(t *testing.T) {
		eve := srv.NewBrowser(t)
		u, _ := url.Parse(srv.URL)
		eve.client.Jar.SetCookies(u, []*http.Cookie{{Name: "quire_session", Value: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}})
		checkPage(t, eve.Get("/papers/date/2025-06-16"), http.StatusOK, `Log in</a> / <a href="/signup">`)
		if r := eve.Get("/account"); r.status != http.StatusSeeOther {
			t.Errorf("account page with a forged cookie: %d", r.status)
		}
	})
	t.Run("unsafe return", func(t *testing.T) {
		for _, back := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
			r := ada.Submit("/account", vote, url.Values{"return": {back}})
			if r.status != http.StatusSeeOther || r.header.Get("Location") != "/papers/"+votePaper {
				t.Errorf("return %q: %d to %q", back, r.status, r.header.Get("Location"))
			}
		}
	})
	t.Run("oversized body", func(t *testing.T) {
		r := ada.Post(vote, url.Values{"csrf_token": {ada.Token("/account")}, "pad": {strings.Repeat("x", 64<<10)}})
		if r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("oversized body: %d", r.status)
		}
	})
	t.Run("vote limit", func(t *testing.T) {
		token := ada.Token("/account")
		var last response
		for range 70 {
			last = ada.Post(vote, url.Values{"csrf_token": {token}})
			if last.status == http.StatusTooManyRequests {
				break
			}
		}
		checkPage(t, last, http.StatusTooManyRequests, "Too many requests")
		if last.header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	})
}

// TestVisitorPagesCached checks that pages for visitors, which are cached,
// hold no form token, and that a member never gets a visitor's page.
func TestVisitorPagesCached(t *testing.T) {
	srv := mustCommunityFixture(t)
	anon := srv.NewBrowser(t)
	first := anon.Get("/papers/date/2025-06-16")
	if strings.Contains(first.body, "csrf_token") || first.header.Get("Cache-Control") != "" {
		t.Errorf("visitor page: Cache-Control %q, token %v", first.header.Get("Cache-Control"), strings.Contains(first.body, "csrf_token"))
	}
	b := srv.NewBrowser(t)
	b.MustSignUp("ada")
	r := b.Get("/papers/date/2025-06-16")
	checkPage(t, r, http.StatusOK, "csrf_token", ">ada</a>")
	if anon.Get("/papers/date/2025-06-16").body != first.body {
		t.Error("the visitor's page changed after a member's visit")
	}
}

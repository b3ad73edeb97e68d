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

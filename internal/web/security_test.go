package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// TestSecurity tries, in one place, each abuse that the community pages
// must refuse, and checks that nothing it tried was stored. Each has a
// fuller test beside the feature (vote_test.go, comments_test.go,
// account_test.go, submit_test.go); this is the checklist.
func TestSecurity(t *testing.T) {
	srv := mustCommunityFixture(t)
	const day = "/papers/date/2025-06-16"
	paper := "/papers/" + votePaper
	ada, bob := srv.NewBrowser(t), srv.NewBrowser(t)
	ada.MustSignUp("ada")
	bob.MustSignUp("bob")
	srv.clock.Advance(testDelay)
	anon := srv.NewBrowser(t)
	before := upvotesOn(t, anon.Get(day).body, votePaper)

	t.Run("form post without the CSRF token", func(t *testing.T) {
		for _, path := range []string{paper + "/vote", paper + "/comments", "/submit", "/account/password", "/account/tokens", "/logout",
			paper + "/save", "/lists", "/follows", "/for-you/interests", "/for-you/not-interested"} {
			r := ada.Post(path, url.Values{"body": {"no token"}, "id": {"2506.10892"}, "current": {"x"}, "new": {"y"},
				"list": {"Mine"}, "name": {"Mine"}, "kind": {"category"}, "paper": {votePaper}, "categories": {"cs.CL"}})
			if r.status != http.StatusForbidden {
				t.Errorf("POST %s without a token: %d", path, r.status)
			}
		}
		if r := ada.Get("/account"); r.status != http.StatusOK {
			t.Errorf("ada was logged out by a forged /logout: %d", r.status)
		} else if strings.Contains(r.body, `<ul class="follows">`) {
			t.Error("a forged /follows was stored")
		}
		if r := ada.Get("/lists"); strings.Contains(r.body, "Mine") {
			t.Error("a forged list or save was stored")
		}
	})

	t.Run("vote by a logged-out visitor", func(t *testing.T) {
		r := anon.Submit("/login", paper+"/vote", url.Values{"return": {day}})
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
			t.Errorf("anonymous vote: %d to %q, want the log-in page", r.status, r.header.Get("Location"))
		}
		r = anon.Do(http.MethodPost, paper+"/vote", strings.NewReader("csrf_token="+anon.Token("/login")),
			http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {"application/json"}})
		if r.status != http.StatusUnauthorized {
			t.Errorf("anonymous vote from the script: %d", r.status)
		}
	})

	t.Run("a second vote by the same member", func(t *testing.T) {
		// Many presses at once, as a script replaying the form would: the
		// member's vote counts once or not at all, never twice.
		token := ada.Token(day)
		var wg sync.WaitGroup
		for range 9 {
			wg.Go(func() {
				ada.Post(paper+"/vote", url.Values{"csrf_token": {token}, "return": {day}})
			})
		}
		wg.Wait()
		got := upvotesOn(t, anon.Get(day).body, votePaper)
		if got != before && got != before+1 {
			t.Fatalf("after 9 presses by one member: %d upvotes, want %d or %d", got, before, before+1)
		}
		// And the count agrees with the member's own vote.
		voted, err := srv.db.HasVoted(t.Context(), mustAccount(t, srv, "ada").ID, []string{votePaper})
		if err != nil {
			t.Fatal(err)
		}
		want := before
		if voted[votePaper] {
			want++
		}
		if got != want {
			t.Errorf("%d upvotes while ada's vote is %v; want %d", got, voted[votePaper], want)
		}
	})

	t.Run("script injection in a comment", func(t *testing.T) {
		id := mustComment(t, ada, votePaper, "", `<script>alert(1)</script><a href="javascript:alert(2)">x</a><img src=x onerror=alert(3)><svg onload=alert(4)>[y](vbscript:msgbox)`)
		got := commentHTML(t, anon.Get(paper).body, id)
		// The markup shows as text; what must not be there is markup
		// that a browser would run.
		for _, bad := range []*regexp.Regexp{
			regexp.MustCompile(`(?i)<(script|img|svg|iframe)`),
			regexp.MustCompile(`(?i)<[^>]*\son\w+\s*=`),
			regexp.MustCompile(`(?i)href="\s*(javascript|vbscript|data):`),
		} {
			if m := bad.FindString(got); m != "" {
				t.Errorf("the comment holds %q:\n%s", m, got)
			}
		}
		if !strings.Contains(got, "&lt;script&gt;") {
			t.Errorf("the script does not show as text:\n%s", got)
		}
	})

	t.Run("a session cookie from another account", func(t *testing.T) {
		// Bob's form token with Ada's cookie: the token is bound to the
		// session it was made for.
		bobToken := bob.Token("/account")
		r := ada.Post("/account/tokens", url.Values{"csrf_token": {bobToken}, "name": {"stolen"}})
		if r.status != http.StatusForbidden {
			t.Errorf("another session's form token: %d", r.status)
		}
		// A made-up or altered cookie is nobody's session.
		c := ada.SessionCookie()
		for _, value := range []string{c.Value[:len(c.Value)-1] + flip(c.Value[len(c.Value)-1]), "0000", strings.Repeat("a", 4096)} {
			r := anon.Do(http.MethodGet, "/account", nil, http.Header{"Cookie": {c.Name + "=" + value}})
			if r.status != http.StatusSeeOther {
				t.Errorf("a forged session cookie %.12q opens /account: %d", value, r.status)
			}
		}
	})

	t.Run("brute-force log-ins past the rate limit", func(t *testing.T) {
		var last response
		for i := range 12 {
			last = srv.NewBrowser(t).Submit("/login", "/login", url.Values{"username": {"bob"}, "password": {"guess " + string(rune('a'+i))}})
		}
		if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" {
			t.Errorf("the 12th wrong password in a row: %d, Retry-After %q", last.status, last.header.Get("Retry-After"))
		}
		// While limited, even the right password is refused.
		r := srv.NewBrowser(t).Submit("/login", "/login", url.Values{"username": {"bob"}, "password": {"correct horse battery"}})
		if r.status != http.StatusTooManyRequests {
			t.Errorf("the right password during the lock-out: %d", r.status)
		}
	})

	t.Run("an oversized body", func(t *testing.T) {
		body := strings.Repeat("A", 64<<10)
		r := ada.Submit(paper, paper+"/comments", url.Values{"body": {body}})
		if r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("a 64 KiB comment: %d", r.status)
		}
		if strings.Contains(anon.Get(paper).body, strings.Repeat("A", 100)) {
			t.Error("the oversized comment was stored")
		}
	})

	t.Run("a form posted from another site", func(t *testing.T) {
		r := ada.Do(http.MethodPost, paper+"/vote", strings.NewReader(url.Values{"csrf_token": {ada.Token("/account")}}.Encode()),
			http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Sec-Fetch-Site": {"cross-site"}})
		checkPage(t, r, http.StatusForbidden, "came from another site")
	})

	t.Run("a return address off the site", func(t *testing.T) {
		for _, back := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
			// Two presses, so that the vote ends as it began.
			for range 2 {
				r := ada.Submit("/account", paper+"/vote", url.Values{"return": {back}})
				if r.status != http.StatusSeeOther || r.header.Get("Location") != paper {
					t.Errorf("return %q: %d to %q", back, r.status, r.header.Get("Location"))
				}
			}
		}
	})

	t.Run("a submission of a malformed id", func(t *testing.T) {
		for _, id := range []string{"2506.1", "not-an-id", "https://example.org/abs/2506.10892", "2506.10892'; DROP TABLE papers;--", strings.Repeat("9", 5000)} {
			r := ada.Submit("/submit", "/submit", url.Values{"id": {id}})
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, `class="form-error"`) {
				t.Errorf("submit %.30q: %d", id, r.status)
			}
		}
		if r := anon.Get(day); r.status != http.StatusOK || upvotesOn(t, r.body, votePaper) < before {
			t.Errorf("the catalogue suffered: %d", r.status)
		}
	})

	// Last, since it uses up Ada's votes for the minute.
	t.Run("votes past the rate limit", func(t *testing.T) {
		token := ada.Token("/account")
		var last response
		for range 70 {
			last = ada.Post(paper+"/vote", url.Values{"csrf_token": {token}})
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

// flip returns another base64url character than c.
func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

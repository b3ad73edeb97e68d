package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// On the daily list of 2026-08-21 (testdata/hf), EnvHarness (2608.19880)
// was submitted for the organization google, "Google" in full.
const (
	googlePaper = "2608.19880"
	googlePage  = "/organizations/google"
)

func TestOrganizationPage(t *testing.T) {
	srv := mustFollowServer(t)
	anon := srv.NewBrowser(t)
	r := anon.Get(googlePage)
	checkPage(t, r, http.StatusOK, `<h1 id="topic-name">Google</h1>`, "› Organizations",
		`<a href="/papers/`+googlePaper+`">`, `<a class="organization" href="`+googlePage+`">Google</a>`,
		"to follow google")
	if n := strings.Count(r.body, `<article class="card">`); n != 1 {
		t.Errorf("organization page shows %d papers, want 1", n)
	}
	if strings.Contains(r.body, "/feed.atom") {
		t.Errorf("organization page offers feeds it does not have")
	}
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/organizations/GOOGLE", http.StatusOK},
		{"/organizations/deepmind", http.StatusOK},
		{"/organizations/no-such-org", http.StatusNotFound},
		{"/organizations/not%20a%20name", http.StatusBadRequest},
		{googlePage + "?page=0", http.StatusBadRequest},
		{googlePage + "?page=2", http.StatusOK},
	} {
		if r := anon.Get(tc.path); r.status != tc.status {
			t.Errorf("GET %s: status %d, want %d", tc.path, r.status, tc.status)
		}
	}
	// The paper's page links its organization; one without has no link.
	checkPage(t, anon.Get("/papers/"+googlePaper), http.StatusOK,
		`Submitted for <a href="`+googlePage+`">Google</a>`)
	if r := anon.Get("/papers/" + followedPaper); strings.Contains(r.body, "Submitted for") {
		t.Errorf("/papers/%s names an organization its 2025 entry does not have", followedPaper)
	}
}

func TestFollowOrganization(t *testing.T) {
	srv := mustFollowServer(t)
	// Days after the 2026-08-21 list, so that its papers are new.
	srv.clock.Advance(time.Date(2026, 8, 25, 12, 0, 0, 0, time.UTC).Sub(srv.clock.Now()))
	ada := srv.NewBrowser(t)
	ada.MustSignUp("ada")
	checkPage(t, ada.Get(googlePage), http.StatusOK, `action="/follows"`, `name="kind" value="organization"`)
	r := ada.Submit(googlePage, "/follows", url.Values{"kind": {"organization"}, "name": {"google"}, "return": {googlePage}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != googlePage {
		t.Fatalf("follow: status %d to %q, want 303 to %s\n%s", r.status, r.header.Get("Location"), googlePage, r.body)
	}
	checkPage(t, ada.Get(googlePage), http.StatusOK, "Following <strong>google</strong>")
	// The same organization in another case is the same follow.
	if r := ada.Submit("/following", "/follows", url.Values{"kind": {"organization"}, "name": {"Google"}, "digest": {"1"}}); r.status != http.StatusSeeOther {
		t.Fatalf("follow Google: status %d\n%s", r.status, r.body)
	}
	r = ada.Get("/following")
	checkPage(t, r, http.StatusOK, `id="follows-organizations"`,
		`<a href="`+googlePage+`">google</a> <span class="muted">· in your digest</span>`,
		`<a href="/papers/`+googlePaper+`">`, `<span class="muted">· google</span>`)
	if n := strings.Count(r.body, `<a href="`+googlePage+`">`); n != 1 {
		t.Errorf("/following lists the organization %d times, want once", n)
	}
	// Unfollow from the organization's page.
	r = ada.Submit(googlePage, mustUnfollowPath(t, ada, googlePage), url.Values{"return": {googlePage}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != googlePage {
		t.Fatalf("unfollow: status %d to %q", r.status, r.header.Get("Location"))
	}
	if r := ada.Get("/following"); strings.Contains(r.body, googlePaper) {
		t.Errorf("/following still lists the unfollowed organization's paper")
	}
}

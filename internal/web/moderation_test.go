package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quire"
)

// mustModerator signs up name and makes it a moderator.
func mustModerator(tb testing.TB, srv *communityServer, name string, role quire.Role) *browser {
	tb.Helper()
	b := srv.NewBrowser(tb)
	b.MustSignUp(name)
	a := mustAccount(tb, srv, name)
	if err := srv.db.SetAccountRole(tb.Context(), a.ID, role, quire.Moderation{Reason: "test"}); err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestModerateFromPages hides a paper and a daily entry from the paper
// page, finds both in the audit log, and undoes them from there.
func TestModerateFromPages(t *testing.T) {
	srv := mustCommunityFixture(t)
	const day = "/papers/date/2025-06-16"
	paper := "/papers/" + votePaper
	anon := srv.NewBrowser(t)
	if !strings.Contains(anon.Get(day).body, paper+`"`) {
		t.Fatalf("the day list does not show %s to begin with", votePaper)
	}
	member := srv.NewBrowser(t)
	member.MustSignUp("ada")
	mod := mustModerator(t, srv, "mod", quire.RoleModerator)

	// Members see no controls and are refused.
	if body := member.Get(paper).body; strings.Contains(body, `id="moderation"`) {
		t.Error("a member sees the moderation controls")
	}
	if r := member.Submit(paper, paper+"/hide", url.Values{"hidden": {"1"}}); r.status != http.StatusForbidden {
		t.Errorf("a member hiding a paper: %d", r.status)
	}
	if r := member.Get("/moderation"); r.status != http.StatusForbidden {
		t.Errorf("a member opening /moderation: %d", r.status)
	}
	// Without the form token, a moderator is refused too.
	if r := mod.Post(paper+"/hide", url.Values{"hidden": {"1"}}); r.status != http.StatusForbidden {
		t.Errorf("hiding without a form token: %d", r.status)
	}

	body := mod.Get(paper).body
	if !strings.Contains(body, `action="`+paper+`/hide"`) || !strings.Contains(body, `action="`+paper+`/entries/2025-06-16/hide"`) {
		t.Fatalf("the moderator sees no controls on the paper page:\n%s", body)
	}
	r := mod.Submit(paper, paper+"/hide", url.Values{"hidden": {"1"}, "reason": {"duplicate"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("hide the paper: %d\n%s", r.status, r.body)
	}
	if strings.Contains(anon.Get(day).body, paper+`"`) {
		t.Error("the day list still shows the hidden paper")
	}
	if r := anon.Get(paper); r.status != http.StatusOK {
		t.Errorf("the hidden paper's own page: %d", r.status)
	}
	if !strings.Contains(mod.Get(paper).body, "This paper is hidden from every list.") {
		t.Error("the paper page does not tell the moderator it is hidden")
	}

	log := mod.Get("/moderation")
	checkPage(t, log, http.StatusOK, "<td>mod</td>", "<td>hide</td>", "paper "+votePaper, "<td>duplicate</td>", "Show again")
	r = mod.Submit("/moderation", paper+"/hide", url.Values{"hidden": {"0"}, "return": {"/moderation"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/moderation" {
		t.Fatalf("undo: %d %q", r.status, r.header.Get("Location"))
	}
	if !strings.Contains(anon.Get(day).body, paper+`"`) {
		t.Error("the paper is not back on its list")
	}

	// One entry only.
	r = mod.Submit(paper, paper+"/entries/2025-06-16/hide", url.Values{"hidden": {"1"}, "reason": {"off-topic"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("hide the entry: %d\n%s", r.status, r.body)
	}
	if strings.Contains(anon.Get(day).body, paper+`"`) {
		t.Error("the day list still shows the hidden entry")
	}
	checkPage(t, mod.Get("/moderation"), http.StatusOK, "entry 2025-06-16/"+votePaper, "<td>off-topic</td>", `action="`+paper+`/entries/2025-06-16/hide"`)
	for _, bad := range []string{paper + "/entries/16-06-2025/hide", "/papers/not-an-id/hide"} {
		if r := mod.Submit(paper, bad, url.Values{"hidden": {"1"}}); r.status != http.StatusBadRequest {
			t.Errorf("POST %s: %d", bad, r.status)
		}
	}
	if r := mod.Submit(paper, "/papers/2101.99999/hide", url.Values{"hidden": {"1"}}); r.status != http.StatusNotFound {
		t.Errorf("hiding an unknown paper: %d", r.status)
	}
}

// TestModerateAccounts disables an account from /moderation: its session
// ends, it cannot log in, and it can be enabled again.
func TestModerateAccounts(t *testing.T) {
	srv := mustCommunityFixture(t)
	spammer := srv.NewBrowser(t)
	spammer.MustSignUp("spammer")
	mod := mustModerator(t, srv, "mod", quire.RoleModerator)
	mustModerator(t, srv, "root", quire.RoleAdmin)

	r := mod.Submit("/moderation", "/moderation/accounts", url.Values{"username": {"spammer"}, "disabled": {"1"}, "reason": {"spam"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("disable: %d\n%s", r.status, r.body)
	}
	if r := spammer.Get("/account"); r.status != http.StatusSeeOther {
		t.Errorf("the disabled account's session still opens /account: %d", r.status)
	}
	login := srv.NewBrowser(t).Submit("/login", "/login", url.Values{"username": {"spammer"}, "password": {"correct horse battery"}})
	if login.status != http.StatusForbidden || !strings.Contains(login.body, "disabled") {
		t.Errorf("log-in of a disabled account: %d", login.status)
	}
	checkPage(t, mod.Get("/moderation?done=disabled"), http.StatusOK, "The account is disabled", "account spammer", "<td>spam</td>", "Enable again")

	for _, tc := range []struct {
		name   string
		status int
		msg    string
	}{
		{"mod", http.StatusBadRequest, "your own account"},
		{"root", http.StatusForbidden, "Only an admin"},
		{"nobody", http.StatusNotFound, "There is no account"},
	} {
		r := mod.Submit("/moderation", "/moderation/accounts", url.Values{"username": {tc.name}, "disabled": {"1"}})
		if r.status != tc.status || !strings.Contains(r.body, tc.msg) {
			t.Errorf("disable %s: %d, want %d with %q", tc.name, r.status, tc.status, tc.msg)
		}
	}

	r = mod.Submit("/moderation", "/moderation/accounts", url.Values{"username": {"spammer"}, "disabled": {"0"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("enable: %d", r.status)
	}
	login = srv.NewBrowser(t).Submit("/login", "/login", url.Values{"username": {"spammer"}, "password": {"correct horse battery"}})
	if login.status != http.StatusSeeOther {
		t.Errorf("log-in after enabling: %d", login.status)
	}
	audit, err := srv.db.ListAudit(t.Context(), 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range audit {
		if e.TargetKind == quire.TargetAccount && e.Actor == "mod" {
			actions = append(actions, e.Action)
		}
	}
	if strings.Join(actions, ",") != "enable,disable" {
		t.Errorf("audit actions by mod on accounts = %v, want enable then disable (newest first)", actions)
	}
}

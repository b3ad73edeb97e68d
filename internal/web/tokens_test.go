package web_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"quire"
	"quire/internal/auth"
)

// A member creates a personal access token on the account page, sees it
// once, finds it listed by its prefix, and revokes it; the store then
// refuses it. Another member cannot revoke it.
func TestAPITokens(t *testing.T) {
	srv := mustCommunityFixture(t)
	b := srv.NewBrowser(t)
	b.MustSignUp("ada")

	r := b.Submit("/account", "/account/tokens", url.Values{"name": {"<b>reading bot</b>"}})
	checkPage(t, r, http.StatusOK, "shown only this once", "&lt;b&gt;reading bot&lt;/b&gt;")
	raw := regexp.MustCompile(`id="new-token">(qk_[A-Za-z0-9_-]+)<`).FindStringSubmatch(r.body)
	if raw == nil {
		t.Fatalf("no new token on the page:\n%s", r.body)
	}
	tok, acct, err := srv.db.FindAPIToken(t.Context(), auth.HashToken(raw[1]))
	if err != nil {
		t.Fatalf("FindAPIToken of the token shown: %v", err)
	}
	if acct.Username != "ada" || tok.Name != "<b>reading bot</b>" || !strings.HasPrefix(raw[1], tok.Prefix) {
		t.Errorf("stored token %+v of %q does not match the one shown (%s…)", tok, acct.Username, raw[1][:10])
	}

	// The list shows the prefix, never the token again.
	r = b.Get("/account")
	checkPage(t, r, http.StatusOK, "<code>"+tok.Prefix+"…</code>", "last used never")
	if strings.Contains(r.body, raw[1]) {
		t.Error("the account page shows the whole token again")
	}

	// Another member's revocation fails and leaves the token working.
	eve := srv.NewBrowser(t)
	eve.MustSignUp("eve")
	revoke := fmt.Sprintf("/account/tokens/%d/revoke", tok.ID)
	if r := eve.Submit("/account", revoke, nil); r.status < 400 {
		t.Errorf("eve revoking ada's token: status %d", r.status)
	}
	if _, _, err := srv.db.FindAPIToken(t.Context(), auth.HashToken(raw[1])); err != nil {
		t.Fatalf("the token stopped working after another member's attempt: %v", err)
	}
	// Without the form token, nothing happens.
	if r := b.Post(revoke, nil); r.status != http.StatusForbidden {
		t.Errorf("revocation without the CSRF token: status %d, want 403", r.status)
	}

	r = b.Submit("/account", revoke, nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("revoking: status %d\n%s", r.status, r.body)
	}
	checkPage(t, b.Get("/account?revoked=1"), http.StatusOK, "The token was revoked")
	if _, _, err := srv.db.FindAPIToken(t.Context(), auth.HashToken(raw[1])); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("FindAPIToken after revocation: %v, want ErrNotFound", err)
	}
	if r := b.Submit("/account", "/account/tokens/x/revoke", nil); r.status != http.StatusBadRequest {
		t.Errorf("revoking token x: status %d, want 400", r.status)
	}
}

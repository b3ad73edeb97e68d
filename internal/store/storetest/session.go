package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
)

// MustCreateSession stores a session of the account for the token, valid
// from created for a day, and fails the test on error.
func MustCreateSession(t *testing.T, s quire.Store, accountID int64, token string, created time.Time) *quire.Session {
	t.Helper()
	sess := &quire.Session{TokenHash: tokenHash(token), AccountID: accountID, CreatedAt: created,
		ExpiresAt: created.Add(24 * time.Hour)}
	if err := s.CreateSession(ctx(t), sess); err != nil {
		t.Fatalf("CreateSession(%q): %v", token, err)
	}
	return sess
}

// sessionLive reports whether FindSession finds the token's session at now.
func sessionLive(t *testing.T, s quire.Store, token string, now time.Time) bool {
	t.Helper()
	_, _, err := s.FindSession(ctx(t), tokenHash(token), now)
	if err != nil && !errors.Is(err, quire.ErrNotFound) {
		t.Fatalf("FindSession(%q): %v", token, err)
	}
	return err == nil
}

func testSessionLifecycle(t *testing.T, s quire.Store) {
	alice := MustCreateAccount(t, s, "alice")
	t0 := ts("2025-06-16T12:00:00Z")
	want := MustCreateSession(t, s, alice.ID, "cookie-1", t0)
	want.LastSeenAt = t0 // defaults to the creation time

	got, acct, err := s.FindSession(ctx(t), tokenHash("cookie-1"), t0.Add(time.Hour))
	if err != nil {
		t.Fatalf("FindSession: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FindSession mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(alice, acct); diff != "" {
		t.Errorf("FindSession account mismatch (-want +got):\n%s", diff)
	}
	// Expired at its expiry time, and unknown or malformed hashes are not
	// found.
	if sessionLive(t, s, "cookie-1", t0.Add(24*time.Hour)) {
		t.Error("session found at its expiry time")
	}
	if sessionLive(t, s, "cookie-2", t0) {
		t.Error("unknown session found")
	}
	if _, _, err := s.FindSession(ctx(t), []byte("cookie-1"), t0); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("FindSession(raw token) error = %v, want ErrNotFound", err)
	}

	// Touching records the visit and slides the expiry; an older visit
	// does not move LastSeenAt back.
	seen := t0.Add(20 * time.Hour)
	if err := s.TouchSession(ctx(t), tokenHash("cookie-1"), seen, seen.Add(24*time.Hour)); err != nil {
		t.Fatalf("TouchSession: %v", err)
	}
	if err := s.TouchSession(ctx(t), tokenHash("cookie-1"), t0.Add(time.Hour), time.Time{}); err != nil {
		t.Fatalf("TouchSession(earlier): %v", err)
	}
	got, _, err = s.FindSession(ctx(t), tokenHash("cookie-1"), t0.Add(30*time.Hour))
	if err != nil {
		t.Fatalf("FindSession after touching: %v", err)
	}
	if !got.LastSeenAt.Equal(seen) || !got.ExpiresAt.Equal(seen.Add(24*time.Hour)) || !got.CreatedAt.Equal(t0) {
		t.Errorf("touched session = %+v, want seen at %v and expiring a day later", got, seen)
	}
	if err := s.TouchSession(ctx(t), tokenHash("unknown"), seen, time.Time{}); err != nil {
		t.Errorf("TouchSession(unknown) error = %v, want nil", err)
	}

	if err := s.DeleteSession(ctx(t), tokenHash("cookie-1")); err != nil {
		t.Fatalf("DeleteSession: %v", err)
	}
	if sessionLive(t, s, "cookie-1", t0) {
		t.Error("session found after DeleteSession")
	}
	if err := s.DeleteSession(ctx(t), tokenHash("cookie-1")); err != nil {
		t.Errorf("DeleteSession(again) error = %v, want nil", err)
	}
}

func testSessionInvalid(t *testing.T, s quire.Store) {
	alice := MustCreateAccount(t, s, "alice")
	t0 := ts("2025-06-16T12:00:00Z")
	for _, tc := range []struct {
		name string
		sess quire.Session
		kind error
	}{
		{"raw token", quire.Session{TokenHash: []byte("raw cookie"), AccountID: alice.ID, ExpiresAt: t0}, quire.ErrInvalid},
		{"no expiry", quire.Session{TokenHash: tokenHash("a"), AccountID: alice.ID}, quire.ErrInvalid},
		{"no account", quire.Session{TokenHash: tokenHash("a"), ExpiresAt: t0}, quire.ErrInvalid},
		{"unknown account", quire.Session{TokenHash: tokenHash("a"), AccountID: 987654, ExpiresAt: t0}, quire.ErrNotFound},
	} {
		if err := s.CreateSession(ctx(t), &tc.sess); !errors.Is(err, tc.kind) {
			t.Errorf("CreateSession(%s) error = %v, want %v", tc.name, err, tc.kind)
		}
	}
}

func testDeleteSessions(t *testing.T, s quire.Store) {
	alice := MustCreateAccount(t, s, "alice")
	bob := MustCreateAccount(t, s, "bob")
	t0 := ts("2025-06-16T12:00:00Z")
	for _, tok := range []string{"a1", "a2", "a3"} {
		MustCreateSession(t, s, alice.ID, tok, t0)
	}
	MustCreateSession(t, s, bob.ID, "b1", t0.Add(-20*time.Hour))
	live := func(now time.Time) []string {
		var out []string
		for _, tok := range []string{"a1", "a2", "a3", "a4", "b1"} {
			if sessionLive(t, s, tok, now) {
				out = append(out, tok)
			}
		}
		return out
	}
	// After a password change on a2, the other sessions of alice end.
	if err := s.DeleteAccountSessions(ctx(t), alice.ID, tokenHash("a2")); err != nil {
		t.Fatalf("DeleteAccountSessions(keep a2): %v", err)
	}
	if diff := cmp.Diff([]string{"a2", "b1"}, live(t0)); diff != "" {
		t.Errorf("sessions after DeleteAccountSessions(keep a2) mismatch (-want +got):\n%s", diff)
	}
	if err := s.DeleteAccountSessions(ctx(t), alice.ID, nil); err != nil {
		t.Fatalf("DeleteAccountSessions(all): %v", err)
	}
	if diff := cmp.Diff([]string{"b1"}, live(t0)); diff != "" {
		t.Errorf("sessions after DeleteAccountSessions(all) mismatch (-want +got):\n%s", diff)
	}
	// b1 expires at t0+4h.
	MustCreateSession(t, s, alice.ID, "a4", t0)
	if n, err := s.DeleteExpiredSessions(ctx(t), t0.Add(3*time.Hour)); err != nil || n != 0 {
		t.Errorf("DeleteExpiredSessions(before any expiry) = %d, %v; want 0", n, err)
	}
	if n, err := s.DeleteExpiredSessions(ctx(t), t0.Add(4*time.Hour)); err != nil || n != 1 {
		t.Errorf("DeleteExpiredSessions(t0+4h) = %d, %v; want 1", n, err)
	}
	// Deleted, not merely expired: a clock set back does not revive it.
	if diff := cmp.Diff([]string{"a4"}, live(t0)); diff != "" {
		t.Errorf("sessions after DeleteExpiredSessions mismatch (-want +got):\n%s", diff)
	}
}

func testAPITokens(t *testing.T, s quire.Store) {
	alice := MustCreateAccount(t, s, "alice")
	bob := MustCreateAccount(t, s, "bob")
	t0 := ts("2025-06-16T12:00:00Z")
	mk := func(acct *quire.Account, name, token string) *quire.APIToken {
		t.Helper()
		tok, err := s.CreateAPIToken(ctx(t), &quire.APIToken{AccountID: acct.ID, Name: name,
			Hash: tokenHash(token), Prefix: token[:8], CreatedAt: t0})
		if err != nil {
			t.Fatalf("CreateAPIToken(%q): %v", name, err)
		}
		return tok
	}
	laptop := mk(alice, "  laptop\nscript ", "qt_laptop0123456789")
	ci := mk(alice, "ci", "qt_ci0123456789abcd")
	mk(bob, "bob's", "qt_bob0123456789abc")
	want := &quire.APIToken{ID: laptop.ID, AccountID: alice.ID, Name: "laptop script",
		Hash: tokenHash("qt_laptop0123456789"), Prefix: "qt_lapto", CreatedAt: t0}
	if diff := cmp.Diff(want, laptop); diff != "" {
		t.Errorf("CreateAPIToken mismatch (-want +got):\n%s", diff)
	}

	got, acct, err := s.FindAPIToken(ctx(t), tokenHash("qt_laptop0123456789"))
	if err != nil || acct.ID != alice.ID {
		t.Fatalf("FindAPIToken = %v, %v, %v", got, acct, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FindAPIToken mismatch (-want +got):\n%s", diff)
	}
	used := t0.Add(time.Hour)
	if err := s.TouchAPIToken(ctx(t), laptop.ID, used); err != nil {
		t.Fatalf("TouchAPIToken: %v", err)
	}

	// Bob cannot revoke alice's token; alice can, once.
	if err := s.RevokeAPIToken(ctx(t), bob.ID, ci.ID, t0); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("RevokeAPIToken(another's) error = %v, want ErrNotFound", err)
	}
	revoked := t0.Add(2 * time.Hour)
	if err := s.RevokeAPIToken(ctx(t), alice.ID, ci.ID, revoked); err != nil {
		t.Fatalf("RevokeAPIToken: %v", err)
	}
	if err := s.RevokeAPIToken(ctx(t), alice.ID, ci.ID, revoked.Add(time.Hour)); err != nil {
		t.Errorf("RevokeAPIToken(again) error = %v, want nil", err)
	}
	if _, _, err := s.FindAPIToken(ctx(t), tokenHash("qt_ci0123456789abcd")); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("FindAPIToken(revoked) error = %v, want ErrNotFound", err)
	}
	list, err := s.ListAPITokens(ctx(t), alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Name             string
		LastUsed, Revoke time.Time
	}
	var rows []row
	for _, tok := range list {
		rows = append(rows, row{tok.Name, tok.LastUsedAt, tok.RevokedAt})
	}
	wantRows := []row{{"laptop script", used, time.Time{}}, {"ci", time.Time{}, revoked}}
	if diff := cmp.Diff(wantRows, rows); diff != "" {
		t.Errorf("ListAPITokens mismatch (-want +got):\n%s", diff)
	}
	if list, err := s.ListAPITokens(ctx(t), 987654); err != nil || list == nil || len(list) != 0 {
		t.Errorf("ListAPITokens(unknown account) = %v, %v; want empty", list, err)
	}

	for _, tc := range []struct {
		name string
		tok  quire.APIToken
		kind error
	}{
		{"same hash", quire.APIToken{AccountID: bob.ID, Name: "copy", Hash: tokenHash("qt_laptop0123456789"), Prefix: "qt"}, quire.ErrConflict},
		{"raw token", quire.APIToken{AccountID: bob.ID, Name: "raw", Hash: []byte("qt_raw"), Prefix: "qt"}, quire.ErrInvalid},
		{"no name", quire.APIToken{AccountID: bob.ID, Name: " \n ", Hash: tokenHash("x"), Prefix: "qt"}, quire.ErrInvalid},
		{"bad prefix", quire.APIToken{AccountID: bob.ID, Name: "p", Hash: tokenHash("x"), Prefix: "<qt>"}, quire.ErrInvalid},
		{"unknown account", quire.APIToken{AccountID: 987654, Name: "p", Hash: tokenHash("x"), Prefix: "qt"}, quire.ErrNotFound},
	} {
		if _, err := s.CreateAPIToken(ctx(t), &tc.tok); !errors.Is(err, tc.kind) {
			t.Errorf("CreateAPIToken(%s) error = %v, want %v", tc.name, err, tc.kind)
		}
	}
}

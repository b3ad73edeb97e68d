package storetest

import (
	"crypto/sha256"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
)

// passwordHash is an encoded argon2id hash, as the auth package stores them.
const passwordHash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ"

// MustCreateAccount creates the account name, with the address
// name@example.org, and fails the test on error.
func MustCreateAccount(t *testing.T, s quire.Store, name string) *quire.Account {
	t.Helper()
	a, err := s.CreateAccount(ctx(t), &quire.Account{Username: name, Email: name + "@example.org",
		PasswordHash: passwordHash, CreatedAt: ts("2025-06-01T10:00:00Z")})
	if err != nil {
		t.Fatalf("CreateAccount(%q): %v", name, err)
	}
	return a
}

// tokenHash is the SHA-256 of a token, the form stores keep.
func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func testAccountRoundTrip(t *testing.T, s quire.Store) {
	in := &quire.Account{Username: "Alice_01", Email: "  Alice.Smith@Example.ORG ", PasswordHash: passwordHash,
		Role: quire.RoleModerator, CreatedAt: ts("2025-06-01T10:00:00Z")}
	got, err := s.CreateAccount(ctx(t), in)
	if err != nil {
		t.Fatalf("CreateAccount: %v", err)
	}
	want := &quire.Account{ID: got.ID, Username: "alice_01", Email: "alice.smith@example.org",
		PasswordHash: passwordHash, Role: quire.RoleModerator, CreatedAt: ts("2025-06-01T10:00:00Z")}
	if diff := cmp.Diff(want, got); diff != "" || got.ID <= 0 {
		t.Errorf("CreateAccount mismatch (-want +got):\n%s", diff)
	}
	if in.Username != "Alice_01" || in.ID != 0 {
		t.Errorf("CreateAccount modified its input: %+v", in)
	}
	for name, find := range map[string]func() (*quire.Account, error){
		"ByID":       func() (*quire.Account, error) { return s.FindAccountByID(ctx(t), got.ID) },
		"ByUsername": func() (*quire.Account, error) { return s.FindAccountByUsername(ctx(t), "ALICE_01") },
		"ByEmail":    func() (*quire.Account, error) { return s.FindAccountByEmail(ctx(t), "alice.smith@EXAMPLE.org") },
	} {
		a, err := find()
		if err != nil {
			t.Errorf("FindAccount%s: %v", name, err)
			continue
		}
		if diff := cmp.Diff(want, a); diff != "" {
			t.Errorf("FindAccount%s mismatch (-want +got):\n%s", name, diff)
		}
	}
	// A new account with no creation time and no role is a member created
	// now.
	bob, err := s.CreateAccount(ctx(t), &quire.Account{Username: "bob", Email: "bob@example.org", PasswordHash: passwordHash})
	if err != nil {
		t.Fatal(err)
	}
	if bob.Role != quire.RoleMember || bob.CreatedAt.IsZero() || bob.ID == got.ID {
		t.Errorf("CreateAccount(bob) = %+v, want a member with a creation time and its own id", bob)
	}
	for _, find := range []func() (*quire.Account, error){
		func() (*quire.Account, error) { return s.FindAccountByID(ctx(t), 987654) },
		func() (*quire.Account, error) { return s.FindAccountByUsername(ctx(t), "carol") },
		func() (*quire.Account, error) { return s.FindAccountByUsername(ctx(t), "x' OR '1'='1") },
		func() (*quire.Account, error) { return s.FindAccountByEmail(ctx(t), "carol@example.org") },
		func() (*quire.Account, error) { return s.FindAccountByEmail(ctx(t), "\x00@example.org") },
	} {
		if a, err := find(); !errors.Is(err, quire.ErrNotFound) {
			t.Errorf("finding a missing account = %v, %v; want ErrNotFound", a, err)
		}
	}
}

func testAccountConflicts(t *testing.T, s quire.Store) {
	MustCreateAccount(t, s, "alice")
	_, err := s.CreateAccount(ctx(t), &quire.Account{Username: "ALICE", Email: "other@example.org", PasswordHash: passwordHash})
	if !errors.Is(err, quire.ErrConflict) || !strings.Contains(quire.UserMessage(err), `"alice" is taken`) {
		t.Errorf("CreateAccount(taken username) error = %v (message %q), want ErrConflict naming the username", err, quire.UserMessage(err))
	}
	_, err = s.CreateAccount(ctx(t), &quire.Account{Username: "alice2", Email: "Alice@Example.org", PasswordHash: passwordHash})
	if !errors.Is(err, quire.ErrEmailTaken) || !errors.Is(err, quire.ErrConflict) {
		t.Errorf("CreateAccount(taken e-mail) error = %v, want ErrEmailTaken, of kind ErrConflict", err)
	}
	if msg := quire.UserMessage(err); msg == "" || strings.Contains(strings.ToLower(msg), "alice@example.org") ||
		strings.Contains(strings.ToLower(msg), "e-mail") {
		t.Errorf("CreateAccount(taken e-mail) message %q is empty or reveals that the address is known", msg)
	}
	if all, err := s.ListAccounts(ctx(t), 10, 0); err != nil || len(all) != 1 {
		t.Errorf("ListAccounts after conflicts = %d accounts, %v; want only alice", len(all), err)
	}
}

// Accounts created at once with the same name: exactly one is stored.
func testAccountConcurrentCreate(t *testing.T, s quire.Store) {
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, errs[i] = s.CreateAccount(ctx(t), &quire.Account{Username: "racer",
				Email: strings.Repeat("r", i+1) + "@example.org", PasswordHash: passwordHash})
		})
	}
	wg.Wait()
	created := 0
	for _, err := range errs {
		switch {
		case err == nil:
			created++
		case !errors.Is(err, quire.ErrConflict):
			t.Errorf("CreateAccount(racer) error = %v, want ErrConflict", err)
		}
	}
	if created != 1 {
		t.Errorf("%d concurrent CreateAccount(racer) succeeded, want 1", created)
	}
}

func testAccountInvalid(t *testing.T, s quire.Store) {
	good := func() *quire.Account {
		return &quire.Account{Username: "valid", Email: "valid@example.org", PasswordHash: passwordHash}
	}
	for _, tc := range []struct {
		name   string
		change func(*quire.Account)
	}{
		{"short username", func(a *quire.Account) { a.Username = "ab" }},
		{"long username", func(a *quire.Account) { a.Username = strings.Repeat("a", 33) }},
		{"space in username", func(a *quire.Account) { a.Username = "al ice" }},
		{"NUL in username", func(a *quire.Account) { a.Username = "ali\x00ce" }},
		{"non-ASCII username", func(a *quire.Account) { a.Username = "ålice" }},
		{"SQL in username", func(a *quire.Account) { a.Username = "x';DROP TABLE accounts;--" }},
		{"no at sign", func(a *quire.Account) { a.Email = "valid.example.org" }},
		{"no domain dot", func(a *quire.Account) { a.Email = "valid@localhost" }},
		{"two at signs", func(a *quire.Account) { a.Email = "a@b@example.org" }},
		{"display name", func(a *quire.Account) { a.Email = "Valid <valid@example.org>" }},
		{"NUL in e-mail", func(a *quire.Account) { a.Email = "val\x00id@example.org" }},
		{"invalid UTF-8 in e-mail", func(a *quire.Account) { a.Email = "val\xffid@example.org" }},
		{"long e-mail", func(a *quire.Account) { a.Email = strings.Repeat("a", 250) + "@example.org" }},
		{"no password hash", func(a *quire.Account) { a.PasswordHash = "" }},
		{"NUL in password hash", func(a *quire.Account) { a.PasswordHash = "$x\x00" }},
		{"unknown role", func(a *quire.Account) { a.Role = "root" }},
		{"year 10000", func(a *quire.Account) { a.CreatedAt = ts("9999-12-31T23:00:00Z").AddDate(0, 0, 1) }},
	} {
		a := good()
		tc.change(a)
		if _, err := s.CreateAccount(ctx(t), a); !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("CreateAccount(%s) error = %v, want ErrInvalid", tc.name, err)
		}
	}
	if all, err := s.ListAccounts(ctx(t), 10, 0); err != nil || len(all) != 0 {
		t.Errorf("ListAccounts after invalid accounts = %d, %v; want none", len(all), err)
	}
	if _, err := s.CreateAccount(ctx(t), good()); err != nil {
		t.Errorf("CreateAccount(valid) after invalid ones: %v", err)
	}
}

func testAccountUpdates(t *testing.T, s quire.Store) {
	a := MustCreateAccount(t, s, "alice")
	if err := s.SetPasswordHash(ctx(t), a.ID, "$argon2id$new"); err != nil {
		t.Fatalf("SetPasswordHash: %v", err)
	}
	verified := ts("2025-06-02T08:30:00Z")
	if err := s.SetEmailVerified(ctx(t), a.ID, verified); err != nil {
		t.Fatalf("SetEmailVerified: %v", err)
	}
	got, err := s.FindAccountByID(ctx(t), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.PasswordHash != "$argon2id$new" || !got.EmailVerifiedAt.Equal(verified) {
		t.Errorf("account after updates = %+v", got)
	}
	if err := s.SetEmailVerified(ctx(t), a.ID, time.Time{}); err != nil {
		t.Fatalf("SetEmailVerified(zero): %v", err)
	}
	if got, _ := s.FindAccountByID(ctx(t), a.ID); !got.EmailVerifiedAt.IsZero() {
		t.Errorf("EmailVerifiedAt after unverifying = %v, want zero", got.EmailVerifiedAt)
	}
	if err := s.SetPasswordHash(ctx(t), a.ID, ""); !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("SetPasswordHash(empty) error = %v, want ErrInvalid", err)
	}
	if err := s.SetPasswordHash(ctx(t), 987654, "$x"); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("SetPasswordHash(unknown account) error = %v, want ErrNotFound", err)
	}
	if err := s.SetEmailVerified(ctx(t), 987654, verified); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("SetEmailVerified(unknown account) error = %v, want ErrNotFound", err)
	}
}

func testListAccounts(t *testing.T, s quire.Store) {
	var want []string
	for _, name := range []string{"carol", "alice", "bob", "dave", "erin"} {
		MustCreateAccount(t, s, name)
		want = append(want, name)
	}
	var got []string
	for off := 0; off < 10; off += 2 {
		page, err := s.ListAccounts(ctx(t), 2, off)
		if err != nil {
			t.Fatalf("ListAccounts(2, %d): %v", off, err)
		}
		for _, a := range page {
			got = append(got, a.Username)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListAccounts pages mismatch (-want +got):\n%s", diff)
	}
	if _, err := s.ListAccounts(ctx(t), 0, 0); !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("ListAccounts(limit 0) error = %v, want ErrInvalid", err)
	}
}

package quire

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeUsername(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"alice", "alice"},
		{"  Alice_01 ", "alice_01"},
		{"a-b", "a-b"},
		{strings.Repeat("x", 32), strings.Repeat("x", 32)},
	} {
		got, err := NormalizeUsername(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("NormalizeUsername(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "ab", strings.Repeat("x", 33), "al ice", "ali.ce", "ålice", "a\x00bc", "<script>"} {
		_, err := NormalizeUsername(in)
		if !errors.Is(err, ErrInvalid) || UserMessage(err) == "" {
			t.Errorf("NormalizeUsername(%q) error = %v, want ErrInvalid with a message", in, err)
		}
	}
	// A hostile name is clipped in the message.
	if msg := UserMessage(ValidateUsername(strings.Repeat("é", 1000))); len(msg) > 200 {
		t.Errorf("ValidateUsername(long) message has %d bytes", len(msg))
	}
}

func TestNormalizeEmail(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"alice@example.org", "alice@example.org"},
		{" Alice.Smith+quire@Mail.Example.ORG\n", "alice.smith+quire@mail.example.org"},
		{"用户@例子.广告", "用户@例子.广告"},
	} {
		got, err := NormalizeEmail(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{
		"", "alice", "alice@", "@example.org", "alice@example", "a@b@example.org",
		"alice@.example.org", "alice@example.org.", "alice@example..org",
		"Alice <alice@example.org>", "al ice@example.org", "alice@exa\x00mple.org",
		"alice\xff@example.org", "a,b@example.org", strings.Repeat("a", 250) + "@example.org",
	} {
		if _, err := NormalizeEmail(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("NormalizeEmail(%q) error = %v, want ErrInvalid", in, err)
		}
	}
}

func TestAccountValidate(t *testing.T) {
	a := Account{Username: " Bob ", Email: "Bob@Example.org", PasswordHash: "$argon2id$x"}
	a.Normalize()
	if err := a.Validate(); err != nil || a.Username != "bob" || a.Email != "bob@example.org" || a.Role != RoleMember {
		t.Errorf("normalised account = %+v, Validate() = %v", a, err)
	}
	for _, r := range []Role{RoleMember, RoleModerator, RoleAdmin} {
		if !r.Valid() {
			t.Errorf("%q.Valid() = false", r)
		}
	}
	if Role("root").Valid() || RoleMember.CanModerate() || !RoleModerator.CanModerate() || !RoleAdmin.CanModerate() {
		t.Error("Role.Valid or CanModerate is wrong")
	}
	b := a
	b.Role = "root"
	if err := b.Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("Validate(unknown role) = %v, want ErrInvalid", err)
	}
}

func TestErrEmailTaken(t *testing.T) {
	err := error(ErrEmailTaken)
	if !errors.Is(err, ErrConflict) || UserMessage(err) == "" {
		t.Errorf("ErrEmailTaken = %v: want kind ErrConflict and a message for users", err)
	}
}

package auth

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"quire"
)

var (
	signedAt = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	expiry   = signedAt.Add(24 * time.Hour)
)

func TestSignVerify(t *testing.T) {
	s := MustSigner(t, testSecret)
	for _, subject := range []string{"42", "", "ada@example.org", "ünïcødé ✓", strings.Repeat("s", 500)} {
		tok := s.Sign(PurposeVerifyEmail, subject, expiry)
		if strings.ContainsAny(tok, "+/=.") || len(tok) > maxTokenLen {
			t.Errorf("Sign(%q) = %q, want a short unpadded URL-safe token", subject, tok)
		}
		got, err := s.Verify(tok, PurposeVerifyEmail, signedAt)
		if err != nil || got != subject {
			t.Errorf("Verify(Sign(%q)) = %q, %v; want the subject back", subject, got, err)
		}
	}
}

func TestVerifyRefuses(t *testing.T) {
	s := MustSigner(t, testSecret)
	tok := s.Sign(PurposeResetPassword, "42", expiry)
	other := MustSigner(t, otherSecret).Sign(PurposeResetPassword, "42", expiry)
	bound := s.SignBound(PurposeResetPassword, "42", "hash", expiry)
	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	resign := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	// Swap the subject of a genuine token and keep its MAC.
	swapped := append([]byte(nil), raw...)
	swapped[len(swapped)-macLen-1] = '3'

	for _, tc := range []struct {
		name, token, purpose string
		now                  time.Time
		want                 error
	}{
		{"wrong purpose", tok, PurposeVerifyEmail, signedAt, ErrTokenInvalid},
		{"wrong purpose of the same length", tok, PurposeConfirmDigest, signedAt, ErrTokenInvalid},
		{"other secret", other, PurposeResetPassword, signedAt, ErrTokenInvalid},
		{"subject swapped", resign(swapped), PurposeResetPassword, signedAt, ErrTokenInvalid},
		{"truncated", tok[:len(tok)-1], PurposeResetPassword, signedAt, ErrTokenInvalid},
		{"extended", tok + "A", PurposeResetPassword, signedAt, ErrTokenInvalid},
		{"MAC only", resign(raw[len(raw)-macLen:]), PurposeResetPassword, signedAt, ErrTokenInvalid},
		{"empty", "", PurposeResetPassword, signedAt, ErrTokenInvalid},
		{"standard base64", base64.StdEncoding.EncodeToString(raw), PurposeResetPassword, signedAt, ErrTokenInvalid},
		{"too long", strings.Repeat("A", maxTokenLen+4), PurposeResetPassword, signedAt, ErrTokenInvalid},
		{"bound token", bound, PurposeResetPassword, signedAt, ErrTokenInvalid},
		{"at expiry", tok, PurposeResetPassword, expiry, ErrTokenExpired},
		{"after expiry", tok, PurposeResetPassword, expiry.Add(time.Hour), ErrTokenExpired},
		{"one second before expiry", tok, PurposeResetPassword, expiry.Add(-time.Second), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			subject, err := s.Verify(tc.token, tc.purpose, tc.now)
			if !errors.Is(err, tc.want) || (err == nil) != (tc.want == nil) {
				t.Fatalf("Verify(%q) = %q, %v; want error %v", tc.token, subject, err, tc.want)
			}
			if err != nil && (subject != "" || !errors.Is(err, quire.ErrInvalid) || quire.UserMessage(err) == "") {
				t.Errorf("Verify error %v (subject %q): want an empty subject and a user-facing ErrInvalid", err, subject)
			}
		})
	}
}

func TestVerifyTamperedBytes(t *testing.T) {
	s := MustSigner(t, testSecret)
	tok := s.Sign(PurposeUnsubscribe, "subscriber-7", expiry)
	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	for i := range raw {
		for _, bit := range []byte{0x01, 0x80} {
			b := append([]byte(nil), raw...)
			b[i] ^= bit
			bad := base64.RawURLEncoding.EncodeToString(b)
			if subject, err := s.Verify(bad, PurposeUnsubscribe, signedAt); !errors.Is(err, ErrTokenInvalid) {
				t.Errorf("Verify(token with byte %d ^ %#x) = %q, %v; want ErrTokenInvalid", i, bit, subject, err)
			}
		}
	}
}

func TestSignerKeyRotation(t *testing.T) {
	old := MustSigner(t, otherSecret)
	rotated := MustSigner(t, testSecret, otherSecret)
	oldTok := old.Sign(PurposeUnsubscribe, "7", expiry)
	if got, err := rotated.Verify(oldTok, PurposeUnsubscribe, signedAt); err != nil || got != "7" {
		t.Errorf("rotated Verify(token of the previous secret) = %q, %v; want \"7\", nil", got, err)
	}
	oldBound := old.SignBound(PurposeResetPassword, "7", "h1", expiry)
	got, err := rotated.VerifyBound(oldBound, PurposeResetPassword, signedAt, func(string) (string, error) { return "h1", nil })
	if err != nil || got != "7" {
		t.Errorf("rotated VerifyBound(token of the previous secret) = %q, %v; want \"7\", nil", got, err)
	}
	// New tokens use the new secret only.
	newTok := rotated.Sign(PurposeUnsubscribe, "7", expiry)
	if _, err := old.Verify(newTok, PurposeUnsubscribe, signedAt); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("previous-secret Verify(new token) = %v, want ErrTokenInvalid", err)
	}
}

func TestNewSignerShortSecret(t *testing.T) {
	for _, tc := range []struct {
		name     string
		secret   []byte
		previous [][]byte
	}{
		{"nil", nil, nil},
		{"31 bytes", testSecret[:31], nil},
		{"short previous", testSecret, [][]byte{[]byte("old")}},
	} {
		if s, err := NewSigner(tc.secret, tc.previous...); err == nil || !strings.Contains(err.Error(), "at least 32") {
			t.Errorf("NewSigner(%s) = %v, %v; want an error asking for 32 bytes", tc.name, s, err)
		}
	}
}

func TestVerifyBound(t *testing.T) {
	s := MustSigner(t, testSecret)
	hashes := map[string]string{"42": "$argon2id$v=19$old"}
	lookups := 0
	lookup := func(subject string) (string, error) {
		lookups++
		h, ok := hashes[subject]
		if !ok {
			return "", quire.NotFoundf("no account %q", subject)
		}
		return h, nil
	}
	tok := s.SignBound(PurposeResetPassword, "42", hashes["42"], expiry)

	got, err := s.VerifyBound(tok, PurposeResetPassword, signedAt, lookup)
	if err != nil || got != "42" {
		t.Fatalf("VerifyBound = %q, %v; want \"42\", nil", got, err)
	}
	if _, err := s.Verify(tok, PurposeResetPassword, signedAt); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("Verify(bound token) = %v, want ErrTokenInvalid: it would skip the binding", err)
	}
	plain := s.Sign(PurposeResetPassword, "42", expiry)
	if _, err := s.VerifyBound(plain, PurposeResetPassword, signedAt, lookup); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("VerifyBound(unbound token) = %v, want ErrTokenInvalid", err)
	}

	// The password changes: the link has done its job.
	hashes["42"] = "$argon2id$v=19$new"
	if _, err := s.VerifyBound(tok, PurposeResetPassword, signedAt, lookup); !errors.Is(err, ErrTokenUsed) || quire.UserMessage(err) == "" {
		t.Errorf("VerifyBound after the binding changed = %v, want a user-facing ErrTokenUsed", err)
	}

	// Expired and forged tokens are refused before any lookup.
	lookups = 0
	if _, err := s.VerifyBound(tok, PurposeResetPassword, expiry, lookup); !errors.Is(err, ErrTokenExpired) {
		t.Errorf("VerifyBound at expiry = %v, want ErrTokenExpired", err)
	}
	forged := MustSigner(t, otherSecret).SignBound(PurposeResetPassword, "42", "$argon2id$v=19$new", expiry)
	if _, err := s.VerifyBound(forged, PurposeResetPassword, signedAt, lookup); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("VerifyBound(other secret) = %v, want ErrTokenInvalid", err)
	}
	if _, err := s.VerifyBound(tok, PurposeVerifyEmail, signedAt, lookup); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("VerifyBound(wrong purpose) = %v, want ErrTokenInvalid", err)
	}
	if lookups != 0 {
		t.Errorf("binding was looked up %d times for refused tokens, want 0", lookups)
	}

	// An account deleted since is an invalid link; a failing lookup is
	// an internal error, passed on.
	gone := s.SignBound(PurposeResetPassword, "99", "h", expiry)
	if _, err := s.VerifyBound(gone, PurposeResetPassword, signedAt, lookup); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("VerifyBound(deleted subject) = %v, want ErrTokenInvalid", err)
	}
	down := errors.New("database is down")
	_, err = s.VerifyBound(tok, PurposeResetPassword, signedAt, func(string) (string, error) { return "", down })
	if !errors.Is(err, down) || errors.Is(err, quire.ErrInvalid) {
		t.Errorf("VerifyBound with a failing lookup = %v, want it to wrap %v", err, down)
	}
}

func TestBindingIsUnambiguous(t *testing.T) {
	// Length prefixes keep (purpose, binding) pairs apart even when their
	// concatenations are equal.
	s := MustSigner(t, testSecret)
	tok := s.SignBound("reset", "42", "password", expiry)
	_, err := s.VerifyBound(tok, "reset", signedAt, func(string) (string, error) { return "pass" + "word", nil })
	if err != nil {
		t.Fatalf("VerifyBound: %v", err)
	}
	tok2 := s.SignBound("resetp", "42", "assword", expiry)
	if _, err := s.VerifyBound(tok2, "reset", signedAt, func(string) (string, error) { return "password", nil }); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("VerifyBound(purpose+binding shifted) = %v, want ErrTokenInvalid", err)
	}
}

func FuzzVerify(f *testing.F) {
	s := MustSigner(f, testSecret)
	f.Add(s.Sign(PurposeVerifyEmail, "user-42", expiry))
	f.Add(s.SignBound(PurposeVerifyEmail, "user-42", "b", expiry))
	f.Add(s.Sign(PurposeVerifyEmail, "user-42", signedAt.Add(-time.Hour)))
	f.Add("")
	f.Add("AQ")
	f.Add("AgA")
	f.Add(strings.Repeat("_", 64))
	f.Add("\n\r")
	f.Fuzz(func(t *testing.T, token string) {
		for _, verify := range []func() (string, error){
			func() (string, error) { return s.Verify(token, PurposeVerifyEmail, signedAt) },
			func() (string, error) {
				return s.VerifyBound(token, PurposeVerifyEmail, signedAt, func(string) (string, error) { return "b", nil })
			},
		} {
			subject, err := verify()
			switch {
			case err == nil && subject != "user-42":
				t.Errorf("token %q verified with subject %q, which was never signed", token, subject)
			case err != nil && !errors.Is(err, ErrTokenInvalid) && !errors.Is(err, ErrTokenExpired):
				t.Errorf("token %q: unexpected error %v", token, err)
			}
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	s := MustSigner(b, testSecret)
	tok := s.Sign(PurposeUnsubscribe, fmt.Sprint(123456), expiry)
	for b.Loop() {
		if _, err := s.Verify(tok, PurposeUnsubscribe, signedAt); err != nil {
			b.Fatal(err)
		}
	}
}

package auth

import (
	"errors"
	"strings"
	"testing"

	"quire"
)

func TestValidatePassword(t *testing.T) {
	for _, tc := range []struct {
		name, pw string
		wantMsg  string // "" for a valid password
	}{
		{"passphrase", "correct horse battery staple", ""},
		{"eight characters", "k7#Qp2!x", ""},
		{"eight non-Latin characters", "пароль€日本", ""},
		{"inner spaces", "  two  words  ", ""},
		{"longest", strings.Repeat("ab", MaxPasswordBytes/2), ""},
		{"empty", "", "at least 8 characters"},
		{"seven characters", "k7#Qp2!", "at least 8 characters"},
		{"seven runes, more bytes", "日本語日本語日", "at least 8 characters"},
		{"too long", strings.Repeat("ab", MaxPasswordBytes/2) + "c", "at most 1024 bytes"},
		{"only spaces", "          ", "only spaces"},
		{"only white space", " \t\n \u00a0\u2003   ", "only spaces"},
		{"one character", "aaaaaaaaaaaa", "single character"},
		{"one non-ASCII character", "éééééééé", "single character"},
		{"common", "password123", "most common"},
		{"common, other case", "PassWord123", "most common"},
		{"invalid UTF-8", "abcdefgh\xff", "not valid text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidatePassword(tc.pw)
			if tc.wantMsg == "" {
				if err != nil {
					t.Errorf("ValidatePassword(%q) = %v, want nil", tc.pw, err)
				}
				return
			}
			if !errors.Is(err, quire.ErrInvalid) {
				t.Fatalf("ValidatePassword(%q) = %v, want an ErrInvalid", tc.pw, err)
			}
			if msg := quire.UserMessage(err); !strings.Contains(msg, tc.wantMsg) {
				t.Errorf("ValidatePassword(%q) message = %q, want it to mention %q", tc.pw, msg, tc.wantMsg)
			}
		})
	}
}

func TestCommonPasswordsAreLong(t *testing.T) {
	// Shorter entries could never be reached: the length check comes first.
	for pw := range commonPasswords {
		if len(pw) < MinPasswordLen || pw != strings.ToLower(pw) {
			t.Errorf("common password %q is shorter than %d or not lower-case", pw, MinPasswordLen)
		}
	}
}

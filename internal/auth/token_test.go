package auth

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewToken(t *testing.T) {
	seen := make(map[string]bool)
	for range 1000 {
		raw, hash := NewToken()
		b, err := base64.RawURLEncoding.DecodeString(raw)
		if err != nil || len(b) != TokenBytes {
			t.Fatalf("NewToken raw %q decodes to %d bytes, %v; want %d URL-safe bytes", raw, len(b), err, TokenBytes)
		}
		if !isToken(raw) {
			t.Errorf("isToken(%q) = false for a NewToken", raw)
		}
		if !bytes.Equal(hash, HashToken(raw)) {
			t.Errorf("NewToken hash differs from HashToken(%q)", raw)
		}
		if seen[raw] {
			t.Fatalf("NewToken returned %q twice", raw)
		}
		seen[raw] = true
	}
}

func TestHashToken(t *testing.T) {
	raw, _ := NewToken()
	want := sha256.Sum256([]byte(raw))
	if got := HashToken(raw); !bytes.Equal(got, want[:]) {
		t.Errorf("HashToken(%q) = %x, want the SHA-256 %x", raw, got, want)
	}
	if bytes.Equal(HashToken(raw), HashToken(raw+"x")) {
		t.Errorf("HashToken gives one hash for two tokens")
	}
}

func TestAPIToken(t *testing.T) {
	raw, hash := NewAPIToken()
	if !strings.HasPrefix(raw, APITokenPrefix) || !IsAPIToken(raw) {
		t.Errorf("NewAPIToken = %q, want an API token starting %q", raw, APITokenPrefix)
	}
	if !bytes.Equal(hash, HashToken(raw)) {
		t.Errorf("NewAPIToken hash is not HashToken of the whole token %q", raw)
	}
	session, _ := NewToken()
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{raw, true},
		{session, false},
		{APITokenPrefix, false},
		{APITokenPrefix + session[1:], false},
		{APITokenPrefix + session + "A", false},
		{APITokenPrefix + session[1:] + "+", false},
		{APITokenPrefix + session[1:] + "=", false},
		{"QK_" + session, false},
		{"", false},
	} {
		if got := IsAPIToken(tc.s); got != tc.want {
			t.Errorf("IsAPIToken(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func TestBearerToken(t *testing.T) {
	type result struct {
		Token string
		OK    bool
	}
	for _, tc := range []struct {
		header string
		want   result
	}{
		{"", result{}},
		{"Bearer qk_abc", result{"qk_abc", true}},
		{"bearer qk_abc", result{"qk_abc", true}},
		{"BEARER  qk_abc ", result{"qk_abc", true}},
		{"Bearer", result{}},
		{"Bearer ", result{}},
		{"Basic dXNlcjpwYXNz", result{}},
		{"Bearerqk_abc", result{}},
	} {
		r := httptest.NewRequest("GET", "/api/papers", nil)
		if tc.header != "" {
			r.Header.Set("Authorization", tc.header)
		}
		var got result
		got.Token, got.OK = BearerToken(r)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("BearerToken(%q) mismatch (-want +got):\n%s", tc.header, diff)
		}
		if IsBearerRequest(r) != tc.want.OK {
			t.Errorf("IsBearerRequest(%q) = %v, want %v", tc.header, !tc.want.OK, tc.want.OK)
		}
	}
}

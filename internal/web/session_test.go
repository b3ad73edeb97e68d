package web

import (
	"testing"
	"time"
)

func TestSafePath(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"/", true},
		{"/papers/date/2025-06-16?sort=new", true},
		{"/papers/hep-th/9901001", true},
		{"", false},
		{"papers", false},
		{"//evil.example", false},
		{"/\\evil.example", false},
		{"https://evil.example/", false},
		{"javascript:alert(1)", false},
		{"/a\r\nSet-Cookie: x=1", false},
	} {
		if got := safePath(tc.in); got != tc.want {
			t.Errorf("safePath(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestHumanDuration(t *testing.T) {
	for _, tc := range []struct {
		in   time.Duration
		want string
	}{
		{time.Second, "1 second"},
		{300 * time.Millisecond, "1 second"},
		{40 * time.Second, "40 seconds"},
		{5 * time.Minute, "5 minutes"},
		{4*time.Minute + 10*time.Second, "5 minutes"},
		{2 * time.Hour, "2 hours"},
	} {
		if got := humanDuration(tc.in); got != tc.want {
			t.Errorf("humanDuration(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

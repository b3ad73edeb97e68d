package retry

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{" 7 ", 7 * time.Second, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"99999999999999999999", 0, false},
		{"9223372036854775807", (1 << 20) * time.Second, true},
		{"Wed, 21 Oct 2015 07:28:00 GMT", 0, true}, // in the past
	} {
		got, ok := After(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("After(%q) = %v, %t; want %v, %t", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	future := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	if got, ok := After(future); !ok || got <= 58*time.Minute || got > time.Hour {
		t.Errorf("After(%q) = %v, %t; want about an hour", future, got, ok)
	}
}

func TestBackoff(t *testing.T) {
	const base = time.Second
	for n := 1; n <= 12; n++ {
		full := min(base<<(n-1), MaxBackoff)
		for range 50 {
			if d := Backoff(base, n); d < full/2 || d > full {
				t.Fatalf("Backoff(%v, %d) = %v, want within [%v, %v]", base, n, d, full/2, full)
			}
		}
	}
}

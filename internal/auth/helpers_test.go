package auth

import (
	"bytes"
	"log/slog"
	"sync"
	"testing"
	"time"

	"quire/internal/testenv"
)

// testSecret is a fixed secret, so failures are reproducible.
var testSecret = bytes.Repeat([]byte("0123456789abcdef"), 4)

// otherSecret is a second secret, for tokens made elsewhere.
var otherSecret = bytes.Repeat([]byte("fedcba9876543210"), 4)

// MustHash returns HashPassword(pw).
func MustHash(tb testing.TB, pw string) string {
	tb.Helper()
	h, err := HashPassword(pw)
	if err != nil {
		tb.Fatalf("HashPassword: %v", err)
	}
	return h
}

// MustSigner returns a Signer keyed by secret and then previous ones.
func MustSigner(tb testing.TB, secret []byte, previous ...[]byte) *Signer {
	tb.Helper()
	s, err := NewSigner(secret, previous...)
	if err != nil {
		tb.Fatalf("NewSigner: %v", err)
	}
	return s
}

// MustCSRF returns NewCSRF(testSecret, opts).
func MustCSRF(tb testing.TB, opts CSRFOptions) *CSRF {
	tb.Helper()
	c, err := NewCSRF(testSecret, opts)
	if err != nil {
		tb.Fatalf("NewCSRF: %v", err)
	}
	return c
}

// clock is a settable time source for rate limits.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

// newClock starts on the hour, where rate-limit windows of a minute or an
// hour begin.
func newClock() *clock {
	return &clock{t: time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// logBuffer collects log output, safely across goroutines.
type logBuffer = testenv.LogBuffer

// newTestLogger returns a JSON logger and its output.
func newTestLogger() (*slog.Logger, *logBuffer) {
	b := new(logBuffer)
	return slog.New(slog.NewJSONHandler(b, nil)), b
}

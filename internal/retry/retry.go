// Package retry holds what Quire's clients of remote services (arXiv's API
// and OAI-PMH, an upstream daily-papers list) share when a request must be
// tried again: the delay between attempts, the server's Retry-After, and
// waits that end with their context.
package retry

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxBackoff caps the delay between attempts.
const MaxBackoff = 30 * time.Second

// Backoff returns the delay before attempt n+1 after n failures:
// base·2^(n-1), capped at MaxBackoff, with the upper half drawn at random
// so that clients that failed together do not retry together.
func Backoff(base time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, MaxBackoff)
	half := d / 2
	return half + rand.N(half+1)
}

// After parses a Retry-After header: a number of seconds or an HTTP date.
// ok is false when the header is absent or unreadable.
func After(h string) (d time.Duration, ok bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(h); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Cap before multiplying: a huge value must not overflow into a
		// negative duration.
		return time.Duration(min(secs, 1<<20)) * time.Second, true
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// Sleep waits for d or until ctx is done.
func Sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// SleepUntil waits until t or until ctx is done. Timers may fire early on
// some platforms' clocks, so it checks again after waking.
func SleepUntil(ctx context.Context, t time.Time) error {
	for {
		d := time.Until(t)
		if d <= 0 {
			return nil
		}
		if err := Sleep(ctx, d); err != nil {
			return err
		}
	}
}

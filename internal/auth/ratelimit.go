package auth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// A Limiter decides whether an event (a log-in attempt, a sign-up, a sent
// email) may happen now for key, such as a client address or an account.
// When it may not, retryAfter says how long until it may.
type Limiter interface {
	Allow(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error)
}

// A RateCounter counts events per key in fixed windows. The store
// implements it (quire.RateLimitStore has the same method), so that every
// node of a cluster shares the counts; MemoryCounter implements it for a
// single node.
//
// HitRateLimit records one event for key at now, in the window of length
// window (whole seconds, at least one) aligned on the Unix epoch that
// holds now. It returns true while that window holds at most limit
// events, counting this one; otherwise false and the time from now until
// the window ends.
type RateCounter interface {
	HitRateLimit(ctx context.Context, key string, window time.Duration, limit int, now time.Time) (bool, time.Duration, error)
}

// CounterLimiter is a Limiter allowing Limit events per Window for each
// key, counted by a RateCounter. Keys are prefixed by Name, so limiters
// sharing a counter do not share counts. A key that makes the result longer
// than maxLimiterKeyLen bytes or not plain text (say, an email address as
// typed into a log-in form) is replaced by its SHA-256, so that any key
// fits the store. Windows are fixed and aligned on the clock: up to twice
// Limit events may pass in a span of Window straddling two windows, which
// is fine for slowing down guessing and abuse, its purpose.
type CounterLimiter struct {
	Counter RateCounter
	Name    string
	Limit   int
	// Window is a whole number of seconds, at least one.
	Window time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// maxLimiterKeyLen bounds the keys a CounterLimiter passes to its
// counter, well within the store's limit (quire.MaxRateLimitKeyLen).
const maxLimiterKeyLen = 128

// Allow implements Limiter.
func (l *CounterLimiter) Allow(ctx context.Context, key string) (bool, time.Duration, error) {
	if err := checkRate(l.Limit, l.Window); err != nil {
		return false, 0, fmt.Errorf("auth: rate limit %q: %w", l.Name, err)
	}
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	ok, retry, err := l.Counter.HitRateLimit(ctx, l.counterKey(key), l.Window, l.Limit, now())
	if err != nil {
		return false, 0, fmt.Errorf("auth: rate limit %q: %w", l.Name, err)
	}
	return ok, retry, nil
}

func (l *CounterLimiter) counterKey(key string) string {
	k := l.Name + ":" + key
	if len(k) <= maxLimiterKeyLen && utf8.ValidString(k) && !strings.ContainsFunc(k, unicode.IsControl) {
		return k
	}
	sum := sha256.Sum256([]byte(key))
	return l.Name + ":sha256:" + base64.RawURLEncoding.EncodeToString(sum[:])
}

// checkRate checks a limit and window as RateCounter requires them.
func checkRate(limit int, window time.Duration) error {
	if limit < 1 || window < time.Second || window%time.Second != 0 {
		return fmt.Errorf("%d per %v is not a rate: want a limit of at least 1 per a whole number of seconds", limit, window)
	}
	return nil
}

// RateLimitOptions configures RateLimit.
type RateLimitOptions struct {
	// Key returns the limiter key of a request; "" lets the request through
	// unlimited (say, a per-account limit on a request with no account).
	// Nil means ClientIP{}.Key: by connection address, trusting no proxy.
	Key func(r *http.Request) string
	// Deny writes the response to a limited request, after the
	// Retry-After header is set. Nil writes a 429 with a plain-text
	// message (see RetryMessage).
	Deny func(w http.ResponseWriter, r *http.Request, retryAfter time.Duration)
	// Logger records limiter errors; nil means slog.Default().
	Logger *slog.Logger
}

// RateLimit returns middleware that asks l about every request and answers
// 429 Too Many Requests, with Retry-After in whole seconds rounded up,
// when l refuses. When l fails (the store is unreachable, say), the
// request is refused with a 500 rather than let through: the limits guard
// log-ins and emails, where failing open would invite abuse.
func RateLimit(l Limiter, opts RateLimitOptions) func(http.Handler) http.Handler {
	key := opts.Key
	if key == nil {
		key = ClientIP{}.Key
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			k := key(r)
			if k == "" {
				next.ServeHTTP(w, r)
				return
			}
			ok, retry, err := l.Allow(r.Context(), k)
			if err != nil {
				logger.LogAttrs(r.Context(), slog.LevelError, "rate limiter failed",
					slog.String("error", err.Error()),
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path))
				http.Error(w, "Internal error.", http.StatusInternalServerError)
				return
			}
			if ok {
				next.ServeHTTP(w, r)
				return
			}
			w.Header().Set("Retry-After", strconv.FormatInt(retrySeconds(retry), 10))
			w.Header().Set("Cache-Control", "no-store")
			if opts.Deny != nil {
				opts.Deny(w, r, retry)
				return
			}
			http.Error(w, RetryMessage(retry), http.StatusTooManyRequests)
		})
	}
}

// retrySeconds rounds d up to whole seconds, at least one: a client told
// "0" would retry at once and be refused again.
func retrySeconds(d time.Duration) int64 {
	return max(1, int64((d+time.Second-1)/time.Second))
}

// RetryMessage returns the sentence shown with a 429: when to try again,
// in seconds up to 90 and in minutes (rounded up) beyond.
func RetryMessage(retryAfter time.Duration) string {
	n, unit := retrySeconds(retryAfter), "second"
	if n > 90 {
		n, unit = (n+59)/60, "minute"
	}
	if n != 1 {
		unit += "s"
	}
	return fmt.Sprintf("Too many requests. Please try again in %d %s.", n, unit)
}

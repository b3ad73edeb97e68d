package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
)

// newMemoryLimiter returns a limiter of limit per window on a fresh
// MemoryCounter, reading time from clk.
func newMemoryLimiter(name string, limit int, window time.Duration, clk *clock) *CounterLimiter {
	return &CounterLimiter{Counter: NewMemoryCounter(0), Name: name, Limit: limit, Window: window, Now: clk.Now}
}

func TestCounterLimiterWindows(t *testing.T) {
	clk := newClock()
	l := newMemoryLimiter("login", 3, time.Minute, clk)
	type step struct {
		Advance time.Duration
		Key     string
		OK      bool
		Retry   time.Duration
	}
	// Windows are the clock's minutes, the same for every key.
	steps := []step{
		{0, "a", true, 0},
		{10 * time.Second, "a", true, 0},
		{10 * time.Second, "a", true, 0},
		{10 * time.Second, "a", false, 30 * time.Second}, // 0:30, the window ends at 1:00
		{0, "b", true, 0},                                // other keys are counted apart
		{29 * time.Second, "a", false, time.Second},
		{time.Second, "a", true, 0}, // 1:00, a new window
		{0, "a", true, 0},
		{0, "a", true, 0},
		{0, "a", false, time.Minute},
		{0, "b", true, 0},                // b starts afresh too
		{59 * time.Second, "c", true, 0}, // 1:59, a window with a second left
		{0, "c", true, 0},
		{0, "c", true, 0},
		{0, "c", false, time.Second},
		{time.Second, "c", true, 0},
		{time.Hour, "a", true, 0},
	}
	var got []step
	for _, s := range steps {
		clk.Advance(s.Advance)
		ok, retry, err := l.Allow(context.Background(), s.Key)
		if err != nil {
			t.Fatalf("Allow: %v", err)
		}
		got = append(got, step{s.Advance, s.Key, ok, retry})
	}
	if diff := cmp.Diff(steps, got); diff != "" {
		t.Errorf("Allow sequence mismatch (-want +got):\n%s", diff)
	}
}

func TestCounterLimiterNames(t *testing.T) {
	// Two limiters sharing a counter count apart.
	clk := newClock()
	counter := NewMemoryCounter(0)
	byIP := &CounterLimiter{Counter: counter, Name: "login-ip", Limit: 1, Window: time.Minute, Now: clk.Now}
	byAccount := &CounterLimiter{Counter: counter, Name: "login-account", Limit: 1, Window: time.Minute, Now: clk.Now}
	for _, l := range []*CounterLimiter{byIP, byAccount} {
		if ok, _, err := l.Allow(context.Background(), "x"); !ok || err != nil {
			t.Errorf("%s: first Allow(x) = %v, %v; want true", l.Name, ok, err)
		}
	}
	if ok, _, _ := byIP.Allow(context.Background(), "x"); ok {
		t.Errorf("login-ip: second Allow(x) = true, want false")
	}
	if n := counter.Len(); n != 2 {
		t.Errorf("counter tracks %d keys, want 2", n)
	}
}

func TestCounterLimiterBadRate(t *testing.T) {
	for _, l := range []*CounterLimiter{
		{Counter: NewMemoryCounter(0), Name: "zero", Limit: 0, Window: time.Minute},
		{Counter: NewMemoryCounter(0), Name: "no window", Limit: 5},
		{Counter: NewMemoryCounter(0), Name: "sub-second", Limit: 5, Window: 500 * time.Millisecond},
		{Counter: NewMemoryCounter(0), Name: "fractional", Limit: 5, Window: 1500 * time.Millisecond},
	} {
		if ok, _, err := l.Allow(context.Background(), "k"); ok || err == nil || !strings.Contains(err.Error(), l.Name) {
			t.Errorf("%s: Allow = %v, %v; want false and an error naming the limiter", l.Name, ok, err)
		}
	}
}

func TestCounterLimiterKeys(t *testing.T) {
	// Keys the store could not hold are hashed, consistently.
	clk := newClock()
	counter := NewMemoryCounter(0)
	l := &CounterLimiter{Counter: counter, Name: "login-account", Limit: 1, Window: time.Minute, Now: clk.Now}
	long := strings.Repeat("very-long-address.", 20) + "@example.org"
	keys := []string{"ada@example.org", long + "a", long + "b", "tab\there", "bad\xffutf8"}
	var got []bool
	for _, k := range append(keys, keys...) {
		ok, _, err := l.Allow(context.Background(), k)
		if err != nil {
			t.Fatalf("Allow(%q): %v", k, err)
		}
		got = append(got, ok)
	}
	want := []bool{true, true, true, true, true, false, false, false, false, false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("first and second hits mismatch (-want +got):\n%s", diff)
	}
	for k := range counter.windows {
		if len(k) > maxLimiterKeyLen || strings.ContainsAny(k, "\t\xff") {
			t.Errorf("counter key %q is over %d bytes or not plain text", k, maxLimiterKeyLen)
		}
	}
}

func TestMemoryCounterErrors(t *testing.T) {
	m := NewMemoryCounter(0)
	for _, win := range []time.Duration{0, -time.Second, time.Millisecond, 2500 * time.Millisecond} {
		if ok, _, err := m.HitRateLimit(context.Background(), "k", win, 1, time.Now()); ok || !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("HitRateLimit(window %v) = %v, %v; want false and an ErrInvalid", win, ok, err)
		}
	}
	if ok, _, err := m.HitRateLimit(context.Background(), "k", time.Minute, 0, time.Now()); ok || !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("HitRateLimit(limit 0) = %v, %v; want false and an ErrInvalid", ok, err)
	}
}

func TestWindowEnd(t *testing.T) {
	for _, tc := range []struct {
		now  time.Time
		win  time.Duration
		want time.Time
	}{
		{time.Unix(100, 0), 7 * time.Second, time.Unix(105, 0)},
		{time.Unix(98, 0), 7 * time.Second, time.Unix(105, 0)},
		{time.Unix(97, 999), 7 * time.Second, time.Unix(98, 0)},
		{time.Unix(-1, 0), time.Minute, time.Unix(0, 0)},
		{time.Unix(-60, 0), time.Minute, time.Unix(0, 0)},
		{time.Unix(-61, 0), time.Minute, time.Unix(-60, 0)},
		{time.Date(2026, 3, 14, 9, 26, 53, 5, time.UTC), time.Hour, time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)},
		{time.Date(2026, 3, 14, 9, 26, 53, 5, time.UTC), 24 * time.Hour, time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)},
	} {
		if got := windowEnd(tc.now, tc.win); !got.Equal(tc.want) {
			t.Errorf("windowEnd(%v, %v) = %v, want %v", tc.now.UTC(), tc.win, got.UTC(), tc.want.UTC())
		}
	}
}

func TestMemoryCounterBounded(t *testing.T) {
	clk := newClock()
	m := NewMemoryCounter(80)
	ctx := context.Background()
	for i := range 1000 {
		if ok, _, _ := m.HitRateLimit(ctx, fmt.Sprint("k", i), time.Minute, 5, clk.Now()); !ok {
			t.Fatalf("first hit of a new key refused")
		}
		if n := m.Len(); n > 80 {
			t.Fatalf("after %d keys the counter holds %d, more than its maximum 80", i+1, n)
		}
	}
	// Once the windows end, a sweep drops them all.
	clk.Advance(time.Minute + sweepEvery)
	m.HitRateLimit(ctx, "last", time.Minute, 5, clk.Now())
	if n := m.Len(); n != 1 {
		t.Errorf("after the windows ended the counter holds %d keys, want 1", n)
	}
}

func TestMemoryCounterConcurrent(t *testing.T) {
	clk := newClock()
	l := newMemoryLimiter("burst", 50, time.Minute, clk)
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 25 {
				if ok, _, err := l.Allow(context.Background(), "same"); ok && err == nil {
					allowed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if n := allowed.Load(); n != 50 {
		t.Errorf("200 concurrent hits let %d through, want exactly the limit 50", n)
	}
}

func TestRateLimitMiddleware(t *testing.T) {
	clk := newClock()
	l := newMemoryLimiter("login", 2, time.Minute, clk)
	h := RateLimit(l, RateLimitOptions{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "welcome")
	}))
	type result struct {
		Code       int
		RetryAfter string
		Body       string
	}
	do := func(remote string) result {
		r := httptest.NewRequest("POST", "/login", nil)
		r.RemoteAddr = remote
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return result{w.Code, w.Header().Get("Retry-After"), strings.TrimSpace(w.Body.String())}
	}
	var got []result
	got = append(got, do("203.0.113.9:1000"))
	clk.Advance(500 * time.Millisecond)
	got = append(got, do("203.0.113.9:1001"))
	got = append(got, do("203.0.113.9:1002"))  // refused until 60s: 59.5s left, said as 60
	got = append(got, do("198.51.100.1:1000")) // another client
	clk.Advance(59 * time.Second)              // 0.5s left
	got = append(got, do("203.0.113.9:1003"))  // rounds up to 1
	clk.Advance(500 * time.Millisecond)        // the window ends
	got = append(got, do("203.0.113.9:1004"))
	want := []result{
		{200, "", "welcome"},
		{200, "", "welcome"},
		{429, "60", "Too many requests. Please try again in 60 seconds."},
		{200, "", "welcome"},
		{429, "1", "Too many requests. Please try again in 1 second."},
		{200, "", "welcome"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("responses mismatch (-want +got):\n%s", diff)
	}
}

func TestRateLimitByAccount(t *testing.T) {
	// Limit by account where there is one; let other requests through.
	clk := newClock()
	l := newMemoryLimiter("votes", 1, time.Hour, clk)
	var denied time.Duration
	h := RateLimit(l, RateLimitOptions{
		Key: func(r *http.Request) string { return r.Header.Get("X-Account") },
		Deny: func(w http.ResponseWriter, r *http.Request, retry time.Duration) {
			denied = retry
			w.WriteHeader(http.StatusTooManyRequests)
		},
	})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	var codes []int
	for _, account := range []string{"", "", "ada", "ada", "bob"} {
		r := httptest.NewRequest("POST", "/vote", nil)
		if account != "" {
			r.Header.Set("X-Account", account)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		codes = append(codes, w.Code)
		if w.Code == http.StatusTooManyRequests && w.Header().Get("Retry-After") != "3600" {
			t.Errorf("Retry-After = %q, want 3600", w.Header().Get("Retry-After"))
		}
	}
	if diff := cmp.Diff([]int{200, 200, 200, 429, 200}, codes); diff != "" {
		t.Errorf("status codes mismatch (-want +got):\n%s", diff)
	}
	if denied != time.Hour {
		t.Errorf("Deny got retryAfter %v, want 1h", denied)
	}
}

func TestRateLimitTrustedProxy(t *testing.T) {
	proxies, _ := ParseTrustedProxies("10.0.0.0/8")
	clk := newClock()
	l := newMemoryLimiter("login", 1, time.Minute, clk)
	h := RateLimit(l, RateLimitOptions{Key: ClientIP{TrustedProxies: proxies}.Key})(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	var codes []int
	for _, client := range []string{"198.51.100.1", "198.51.100.2", "198.51.100.1"} {
		r := httptest.NewRequest("POST", "/login", nil)
		r.RemoteAddr = "10.0.0.2:80" // every request comes through the proxy
		r.Header.Set("X-Forwarded-For", client)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		codes = append(codes, w.Code)
	}
	if diff := cmp.Diff([]int{200, 200, 429}, codes); diff != "" {
		t.Errorf("status codes mismatch (-want +got):\n%s", diff)
	}
}

func TestRateLimitError(t *testing.T) {
	logger, logs := newTestLogger()
	broken := &CounterLimiter{Counter: NewMemoryCounter(0), Name: "broken"} // no rate set
	called := false
	h := RateLimit(broken, RateLimitOptions{Logger: logger})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { called = true }))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/login", nil))
	if w.Code != http.StatusInternalServerError || called {
		t.Errorf("failing limiter: status %d, handler called %v; want 500 and not called", w.Code, called)
	}
	if !strings.Contains(logs.String(), `"rate limiter failed"`) || !strings.Contains(logs.String(), "broken") {
		t.Errorf("log = %s, want the limiter's error at error level", logs)
	}
}

func TestRetryMessage(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "1 second"},
		{time.Millisecond, "1 second"},
		{time.Second, "1 second"},
		{1001 * time.Millisecond, "2 seconds"},
		{90 * time.Second, "90 seconds"},
		{91 * time.Second, "2 minutes"},
		{15 * time.Minute, "15 minutes"},
		{time.Hour + time.Second, "61 minutes"},
	} {
		if got := RetryMessage(tc.d); got != "Too many requests. Please try again in "+tc.want+"." {
			t.Errorf("RetryMessage(%v) = %q, want it to say %q", tc.d, got, tc.want)
		}
	}
}

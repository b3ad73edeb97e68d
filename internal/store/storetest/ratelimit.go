package storetest

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
)

type hit struct {
	Allowed    bool
	RetryAfter time.Duration
}

func mustHit(t *testing.T, s quire.Store, key string, window time.Duration, limit int, now time.Time) hit {
	t.Helper()
	ok, retry, err := s.HitRateLimit(ctx(t), key, window, limit, now)
	if err != nil {
		t.Fatalf("HitRateLimit(%q, %v, %d, %v): %v", key, window, limit, now, err)
	}
	return hit{ok, retry}
}

func testRateLimitWindows(t *testing.T, s quire.Store) {
	const key = "login:ip:192.0.2.7"
	t0 := ts("2025-06-16T12:00:10Z").Add(250 * time.Millisecond)
	var got []hit
	for i := range 4 {
		got = append(got, mustHit(t, s, key, time.Minute, 3, t0.Add(time.Duration(i)*time.Second)))
	}
	// Windows are aligned on the minute: the fourth hit, at 12:00:13.25,
	// waits until 12:01:00.
	want := []hit{{true, 0}, {true, 0}, {true, 0}, {false, 46*time.Second + 750*time.Millisecond}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hits in one window mismatch (-want +got):\n%s", diff)
	}
	if h := mustHit(t, s, key, time.Minute, 3, ts("2025-06-16T12:00:59Z")); h != (hit{false, time.Second}) {
		t.Errorf("hit at the window's last second = %+v, want refused for 1s", h)
	}
	// Another key has its own counter; the next window starts afresh.
	if h := mustHit(t, s, "login:ip:192.0.2.8", time.Minute, 3, t0); !h.Allowed {
		t.Errorf("hit on another key = %+v, want allowed", h)
	}
	if h := mustHit(t, s, key, time.Minute, 3, ts("2025-06-16T12:01:00Z")); !h.Allowed {
		t.Errorf("hit in the next window = %+v, want allowed", h)
	}
	// An hour-long window holds the whole hour.
	for i := range 2 {
		mustHit(t, s, "submit:7", time.Hour, 2, ts("2025-06-16T12:00:00Z").Add(time.Duration(i)*20*time.Minute))
	}
	if h := mustHit(t, s, "submit:7", time.Hour, 2, ts("2025-06-16T12:59:00Z")); h != (hit{false, time.Minute}) {
		t.Errorf("third hit in the hour = %+v, want refused for 1m", h)
	}
}

// Windows that have ended are removed when a new window starts: an ended
// window hit again (a clock set back) counts from zero.
func testRateLimitPrune(t *testing.T, s quire.Store) {
	t0 := ts("2025-06-16T12:00:00Z")
	for range 2 {
		mustHit(t, s, "k", time.Minute, 1, t0)
	}
	if h := mustHit(t, s, "k", time.Minute, 1, t0); h.Allowed {
		t.Fatalf("hit over the limit = %+v, want refused", h)
	}
	mustHit(t, s, "other", time.Minute, 1, t0.Add(5*time.Minute)) // starts a window, prunes
	if h := mustHit(t, s, "k", time.Minute, 1, t0); !h.Allowed {
		t.Errorf("hit in a pruned window = %+v, want allowed (counted from zero)", h)
	}
}

// Hits from many goroutines at once: exactly limit are allowed.
func testRateLimitConcurrent(t *testing.T, s quire.Store) {
	const hits, limit = 40, 10
	now := ts("2025-06-16T12:00:30Z")
	var mu sync.Mutex
	allowed := 0
	var wg sync.WaitGroup
	for range hits {
		wg.Go(func() {
			ok, _, err := s.HitRateLimit(ctx(t), "comment:alice", time.Minute, limit, now)
			if err != nil {
				t.Errorf("HitRateLimit: %v", err)
				return
			}
			if ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if allowed != limit {
		t.Errorf("%d of %d concurrent hits allowed, want %d", allowed, hits, limit)
	}
}

func testRateLimitInvalid(t *testing.T, s quire.Store) {
	now := ts("2025-06-16T12:00:30Z")
	for _, tc := range []struct {
		name   string
		key    string
		window time.Duration
		limit  int
		now    time.Time
	}{
		{"empty key", "", time.Minute, 1, now},
		{"NUL in key", "k\x00", time.Minute, 1, now},
		{"long key", strings.Repeat("k", quire.MaxRateLimitKeyLen+1), time.Minute, 1, now},
		{"zero window", "k", 0, 1, now},
		{"fractional window", "k", 1500 * time.Millisecond, 1, now},
		{"zero limit", "k", time.Minute, 0, now},
		{"zero time", "k", time.Minute, 1, time.Time{}},
	} {
		if _, _, err := s.HitRateLimit(ctx(t), tc.key, tc.window, tc.limit, tc.now); !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("HitRateLimit(%s) error = %v, want ErrInvalid", tc.name, err)
		}
	}
}

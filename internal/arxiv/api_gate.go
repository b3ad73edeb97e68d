package arxiv

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// apiGate spaces the requests of one APIClient. arXiv's terms of use ask
// for no more than one request every three seconds, on a single connection
// at a time; so the gate lets one request through at a time, for the whole
// exchange including the body, and the next one no sooner than interval
// after it ended. Measuring from the end rather than the start errs on the
// side of arXiv's rule and makes the spacing hold for any observer inside
// the request.
type apiGate struct {
	// sem holds a token while a request is in flight. A channel rather
	// than a mutex, so that waiting for it can be cancelled.
	sem      chan struct{}
	interval time.Duration
	// next is the earliest time the next request may start. It is read
	// and written only by the holder of sem.
	next time.Time
}

func newAPIGate(interval time.Duration) *apiGate {
	return &apiGate{sem: make(chan struct{}, 1), interval: interval}
}

// acquire waits for the turn to send a request. On success the caller must
// call release once the response has been read. It fails at once, rather
// than wait for nothing, when arXiv asked for a pause longer than maxPause
// (an *unreachableError) or when the turn comes after ctx's deadline.
func (g *apiGate) acquire(ctx context.Context, maxPause time.Duration) error {
	// select picks at random among ready cases; check first so that a
	// cancelled context never sends a request.
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("arXiv API request: %w", err)
	}
	select {
	case g.sem <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("arXiv API request: %w", ctx.Err())
	}
	// The interval itself is never too long a pause to wait out.
	if wait := time.Until(g.next); wait > max(maxPause, g.interval) {
		<-g.sem
		return &unreachableError{detail: fmt.Sprintf("arXiv asked for a pause until %s", g.next.UTC().Format(time.TimeOnly+" MST"))}
	}
	if deadline, ok := ctx.Deadline(); ok && deadline.Before(g.next) {
		<-g.sem
		return fmt.Errorf("arXiv API request: the next request to arXiv may not be sent before the deadline: %w", context.DeadlineExceeded)
	}
	if err := sleepUntil(ctx, g.next); err != nil {
		<-g.sem
		return fmt.Errorf("arXiv API request: %w", err)
	}
	return nil
}

// release ends a request. The next may start interval from now, or at
// notBefore if that is later (arXiv asked to wait with Retry-After, which
// applies to every request of this client, not only to the one retried).
func (g *apiGate) release(notBefore time.Time) {
	next := time.Now().Add(g.interval)
	if notBefore.After(next) {
		next = notBefore
	}
	g.next = next
	<-g.sem
}

// sleepUntil waits until t or until ctx is done. Timers may fire early on
// some platforms' clocks, so it checks again after waking.
func sleepUntil(ctx context.Context, t time.Time) error {
	for {
		d := time.Until(t)
		if d <= 0 {
			return nil
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// maxBackoff caps the delay between attempts.
const maxBackoff = 30 * time.Second

// backoff returns the delay before attempt n+1 after n failures:
// base·2^(n-1), capped, with the upper half drawn at random so that clients
// that failed together do not retry together.
func backoff(base time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	d = min(d, maxBackoff)
	half := d / 2
	return half + rand.N(half+1)
}

// retryAfter parses a Retry-After header: a number of seconds or an HTTP
// date. ok is false when the header is absent or unreadable.
func retryAfter(h string) (d time.Duration, ok bool) {
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

package arxiv

import (
	"context"
	"fmt"
	"time"

	"quire/internal/retry"
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
	if err := retry.SleepUntil(ctx, g.next); err != nil {
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

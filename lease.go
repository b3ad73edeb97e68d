package quire

import (
	"context"
	"time"
)

// LeaseStore keeps named leases: a lease is held by one holder at a time,
// across every node sharing the database, until it expires or is released.
// Background work that must run on one node at a time (the scheduled arXiv
// harvest) takes a lease first and renews it while it works.
type LeaseStore interface {
	// AcquireLease takes the lease name for holder until now+ttl when it is
	// free, expired (its end is at or before now), or already held by
	// holder, whose lease is then extended; it reports whether holder now
	// holds it. The check and the write are one atomic step, so of several
	// nodes racing for a free lease exactly one wins. An empty name or
	// holder, or a ttl under a second, is an error of kind ErrInvalid.
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration, now time.Time) (bool, error)
	// ReleaseLease frees the lease name if holder holds it; releasing a
	// lease that holder does not hold does nothing.
	ReleaseLease(ctx context.Context, name, holder string) error
}

package digest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"sync"
	"time"

	"quire"
	"quire/internal/mail"
)

// Delivery defaults.
const (
	DefaultLease       = 2 * time.Minute
	DefaultWorkers     = 4
	DefaultMaxAttempts = 6
	// ClaimPerWorker digests are claimed at a time for each worker: enough
	// to keep them busy, few enough that a dying node holds few leases.
	ClaimPerWorker = 8
)

// Sender delivers the outbox. Any number of senders, on any number of
// nodes, may run at once: each digest is claimed by one of them at a time,
// marked sent once the SMTP server has taken it, and a digest whose node
// dies mid-send is claimed again once its lease has passed.
type Sender struct {
	Store Store
	Mail  mail.Sender
	From  netmail.Address
	Links *Links
	// Lease is how long a claim lasts; it must exceed the longest delivery
	// (the SMTP timeout). Zero means DefaultLease.
	Lease time.Duration
	// Workers deliver at once (zero: DefaultWorkers).
	Workers int
	// MaxAttempts is how many tries a digest gets before it is given up
	// (zero: DefaultMaxAttempts).
	MaxAttempts int
	// Backoff is the wait before try n+1 after n failed tries; nil means
	// a minute, doubled each time, at most six hours.
	Backoff func(n int) time.Duration
	Now     func() time.Time
	Logger  *slog.Logger
}

// Report counts what a run did.
type Report struct {
	Sent, Retried, Failed, Suppressed int
	// Errors are the first few failures, for the operator.
	Errors []string
}

func (r Report) String() string {
	return fmt.Sprintf("%d sent, %d to retry, %d given up (%d addresses suppressed)", r.Sent, r.Retried, r.Failed, r.Suppressed)
}

func (s *Sender) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func backoff(n int) time.Duration {
	d := time.Minute << min(max(n-1, 0), 10)
	return min(d, 6*time.Hour)
}

// Run delivers every digest that is due, and returns when none is left
// (digests waiting for a retry, or held by another node's lease, are left
// for a later run) or ctx ends.
func (s *Sender) Run(ctx context.Context) (Report, error) {
	workers := cmp.Or(s.Workers, DefaultWorkers)
	lease := cmp.Or(s.Lease, DefaultLease)
	var (
		mu  sync.Mutex
		rep Report
	)
	record := func(f func(*Report)) {
		mu.Lock()
		defer mu.Unlock()
		f(&rep)
	}
	for ctx.Err() == nil {
		batch, err := s.Store.ClaimDigests(ctx, s.now(), lease, workers*ClaimPerWorker)
		if err != nil {
			return rep, err
		}
		if len(batch) == 0 {
			break
		}
		work := make(chan *quire.Digest)
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for d := range work {
					s.deliver(ctx, d, record)
				}
			})
		}
		for _, d := range batch {
			work <- d
		}
		close(work)
		wg.Wait()
	}
	return rep, ctx.Err()
}

// deliver sends one claimed digest and records the outcome.
func (s *Sender) deliver(ctx context.Context, d *quire.Digest, record func(func(*Report))) {
	logger := s.Logger
	if logger == nil {
		logger = slog.Default()
	}
	sub, err := s.Store.FindSubscription(ctx, d.SubscriptionID)
	switch {
	case err != nil:
	case !sub.Active():
		err = errors.New("the subscription ended")
	case d.CreatedAt.Before(sub.ConfirmedAt):
		// Queued for an earlier subscription of the address, which ended
		// and was confirmed anew since.
		err = errors.New("queued before the subscription was last confirmed")
	}
	var msg *mail.Message
	if err == nil {
		msg, err = s.Message(ctx, d, sub, s.now())
	}
	if err != nil {
		// Nothing was sent; a message that cannot be built will not build
		// later either.
		s.fail(ctx, d, err, false, record)
		return
	}
	// At least once: the message goes first, then the record. A node that
	// dies between the two leaves the digest claimed; once the lease has
	// passed it is sent again with the same Message-ID, which receivers
	// use to drop the repeat. (Recording first would lose the message
	// instead, in the same window: SMTP cannot make both one step, see
	// RFC 1047.)
	err = s.Mail.Send(ctx, msg)
	if err == nil {
		if merr := s.Store.MarkDigestSent(context.WithoutCancel(ctx), d.ID, "<"+msg.MessageID+">", s.now()); merr != nil {
			// Sent but not recorded: the lease hands it on, to be sent
			// again under the same Message-ID.
			logger.Error("recording a sent digest", "digest", d.ID, "error", merr)
			return
		}
		record(func(r *Report) { r.Sent++ })
		return
	}
	switch {
	case ctx.Err() != nil:
		// Stopped: the claim's lease hands the digest to a later run.
	case mail.Permanent(err):
		s.fail(ctx, d, err, true, record)
	case d.Attempts >= cmp.Or(s.MaxAttempts, DefaultMaxAttempts):
		s.fail(ctx, d, err, false, record)
	default:
		next := s.now().Add(cmpOrFunc(s.Backoff, backoff)(d.Attempts))
		if rerr := s.Store.RetryDigest(context.WithoutCancel(ctx), d.ID, next, err.Error()); rerr != nil {
			logger.Error("scheduling a digest retry", "digest", d.ID, "error", rerr)
		}
		record(func(r *Report) { r.Retried++; r.note(d, err) })
	}
}

func (s *Sender) fail(ctx context.Context, d *quire.Digest, cause error, suppress bool, record func(func(*Report))) {
	if err := s.Store.FailDigest(context.WithoutCancel(ctx), d.ID, cause.Error(), suppress, s.now()); err != nil {
		logger := s.Logger
		if logger == nil {
			logger = slog.Default()
		}
		logger.Error("giving a digest up", "digest", d.ID, "error", err)
	}
	record(func(r *Report) {
		r.Failed++
		if suppress {
			r.Suppressed++
		}
		r.note(d, cause)
	})
}

func (r *Report) note(d *quire.Digest, err error) {
	if len(r.Errors) < 10 {
		r.Errors = append(r.Errors, fmt.Sprintf("digest %d to %s: %v", d.ID, d.Email, err))
	}
}

func cmpOrFunc(f, def func(int) time.Duration) func(int) time.Duration {
	if f == nil {
		return def
	}
	return f
}

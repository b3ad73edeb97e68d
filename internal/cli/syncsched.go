package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"quire"
	"quire/internal/arxiv"
	"quire/internal/config"
	"quire/internal/digest"
)

const (
	// syncLease is the lease a node holds while it harvests, so that of
	// several nodes on one database only one harvests at a time.
	syncLease = "arxiv-sync"
	// syncLeaseTTL is how long the lease lasts unless renewed: a node that
	// dies mid-harvest holds up the others this long at most.
	syncLeaseTTL = 5 * time.Minute
	// syncRetryDelay is how long a node waits after a failed harvest
	// before it tries again.
	syncRetryDelay = 30 * time.Minute
)

// errLeaseLost stops a harvest whose node no longer holds the lease.
var errLeaseLost = errors.New("the sync lease passed to another node")

// syncStore is the part of the store the scheduled sync uses.
type syncStore interface {
	harvestStore
	quire.LeaseStore
}

// syncScheduler runs the arXiv harvest of `quire sync` inside `quire
// serve`: once a day at a time of day, and at start when a scheduled run
// was missed (the last harvest started before the latest scheduled time,
// as when it is more than a day old). A node harvests only while it holds
// the lease syncLease, renewed as it goes; the others skip meanwhile and
// find the harvest done afterwards.
type syncScheduler struct {
	db      syncStore
	harvest harvestOptions
	at      digest.Clock
	zone    *time.Location
	// holder names this node in the lease; ttl is the lease's length.
	holder string
	ttl    time.Duration
	// interval between checks whether the harvest is due.
	interval time.Duration
	now      func() time.Time
	// started stands for the last harvest of a database never harvested,
	// so that a fresh install waits for the scheduled time instead of
	// harvesting at once.
	started time.Time
	// retryAt delays the next attempt after a failed harvest.
	retryAt time.Time
	logger  *slog.Logger
}

// startSync starts the scheduled sync when cfg names arXiv sets, and
// returns a function that stops it and waits until it has stopped.
func startSync(ctx context.Context, cfg *config.Config, db syncStore, logger *slog.Logger) (stop func()) {
	if len(cfg.ArxivSets) == 0 {
		return func() {}
	}
	s, err := newSyncScheduler(cfg, db, logger)
	if err != nil {
		// The configuration was checked at start; this is a bug.
		logger.Error("sync: not scheduled", "error", err)
		return func() {}
	}
	logger.Info("sync: scheduled", "sets", cfg.ArxivSets, "at", s.at.String(), "zone", s.zone.String())
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { s.run(ctx) })
	return func() { cancel(); wg.Wait() }
}

func newSyncScheduler(cfg *config.Config, db syncStore, logger *slog.Logger) (*syncScheduler, error) {
	at, err := digest.ParseClock(cfg.SyncTime)
	if err != nil {
		return nil, fmt.Errorf("QUIRE_SYNC_TIME: %w", err)
	}
	return &syncScheduler{
		db: db,
		harvest: harvestOptions{sets: cfg.ArxivSets, prefix: arxiv.PrefixArXivRaw, url: cfg.ArxivOAIURL,
			interval: arxiv.DefaultOAIMinInterval, contact: cfg.PublicURL()},
		at:       at,
		zone:     cfg.DigestZone,
		holder:   leaseHolder(),
		ttl:      syncLeaseTTL,
		interval: time.Minute,
		now:      time.Now,
		started:  time.Now(),
		logger:   logger,
	}, nil
}

// leaseHolder names this process among the nodes: host, process id and a
// random part, since two containers may share both.
func leaseHolder() string {
	host, _ := os.Hostname()
	b := make([]byte, 6)
	rand.Read(b)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}

// run checks at once, then every interval, until ctx is done.
func (s *syncScheduler) run(ctx context.Context) {
	every(ctx, s.interval, func(ctx context.Context) error { _, err := s.tick(ctx); return err }, s.logger, "sync")
}

// every calls tick at once, then every interval, until ctx is done,
// logging its failures under what.
func every(ctx context.Context, interval time.Duration, tick func(context.Context) error, logger *slog.Logger, what string) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := tick(ctx); err != nil && ctx.Err() == nil {
			logger.Error(what, "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// tick harvests when the harvest is due and this node takes the lease,
// and reports whether it harvested.
func (s *syncScheduler) tick(ctx context.Context) (bool, error) {
	now := s.now()
	if due, err := s.due(ctx, now); err != nil || !due {
		return false, err
	}
	release, ok, err := s.acquire(ctx, now)
	if err != nil || !ok {
		return false, err
	}
	defer release()
	// Another node may have finished a harvest between the check and the
	// lease.
	if due, err := s.due(ctx, now); err != nil || !due {
		return false, err
	}
	o := s.harvest
	o.started = now
	s.logger.Info("sync: harvesting", "sets", o.sets)
	err = s.harvestHeld(ctx, o, func(p harvestProgress, err error) {
		if err == nil {
			s.logger.Info("sync: harvested", "set", setName(p.Set), "records", p.Records, "pages", p.Pages,
				"new_or_changed", p.Stored, "withdrawn", p.Withdrawn, "malformed", p.Malformed,
				"took", time.Since(p.Started).Round(time.Millisecond), "next_from", p.Checkpoint.LastDatestamp)
		}
	})
	if err != nil {
		// arXiv may be down for a while: wait before trying again, and
		// then resume from the checkpoint.
		s.retryAt = now.Add(syncRetryDelay)
		return false, err
	}
	return true, nil
}

// acquire takes the lease, and returns a function that releases it,
// or false when another node holds it.
func (s *syncScheduler) acquire(ctx context.Context, now time.Time) (release func(), ok bool, err error) {
	return holdLease(ctx, s.db, syncLease, s.holder, s.ttl, now, s.logger)
}

// holdLease takes the lease name for holder and returns a function that
// releases it, or false when another node holds it.
func holdLease(ctx context.Context, db quire.LeaseStore, name, holder string, ttl time.Duration, now time.Time, logger *slog.Logger) (release func(), ok bool, err error) {
	ok, err = db.AcquireLease(ctx, name, holder, ttl, now)
	if err != nil || !ok {
		if err == nil {
			logger.Debug("another node holds the lease", "lease", name)
		}
		return nil, false, err
	}
	return func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := db.ReleaseLease(rctx, name, holder); err != nil {
			logger.Warn("releasing a lease", "lease", name, "error", err)
		}
	}, true, nil
}

// harvestHeld harvests with o while this node holds the lease, which it
// renews after every page and while a page is slow; losing the lease stops
// the harvest with errLeaseLost. o.page, if set, still runs after each
// page.
func (s *syncScheduler) harvestHeld(ctx context.Context, o harvestOptions, done func(harvestProgress, error)) error {
	hctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stopKeeping := s.keepLease(hctx, cancel)
	defer stopKeeping()
	page := o.page
	o.page = func(ctx context.Context, p harvestProgress) error {
		if err := s.renew(ctx); err != nil {
			return err
		}
		if page != nil {
			return page(ctx, p)
		}
		return nil
	}
	_, err := harvest(hctx, s.db, o, s.logger, done)
	if cause := context.Cause(hctx); errors.Is(cause, errLeaseLost) {
		err = cause
	}
	return err
}

// renew extends the lease, or fails with errLeaseLost when another node
// took it over (this node stalled past its end).
func (s *syncScheduler) renew(ctx context.Context) error {
	ok, err := s.db.AcquireLease(ctx, syncLease, s.holder, s.ttl, s.now())
	if err == nil && !ok {
		err = errLeaseLost
	}
	return err
}

// keepLease renews the lease every third of its length while a page is
// slow (arXiv may ask for a pause of several minutes), and cancels the
// harvest when the lease is lost. The returned function stops it.
func (s *syncScheduler) keepLease(ctx context.Context, cancel context.CancelCauseFunc) (stop func()) {
	ctx, stopCtx := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(s.ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if err := s.renew(ctx); err != nil && ctx.Err() == nil {
				cancel(fmt.Errorf("%w (renewing: %v)", errLeaseLost, err))
				return
			}
		}
	})
	return func() { stopCtx(); wg.Wait() }
}

// due reports whether a harvest is due at now: whether the last one
// started before the latest scheduled time at or before now.
func (s *syncScheduler) due(ctx context.Context, now time.Time) (bool, error) {
	if now.Before(s.retryAt) {
		return false, nil
	}
	last := s.started
	v, err := s.db.Setting(ctx, lastHarvestKey)
	switch {
	case errors.Is(err, quire.ErrNotFound):
	case err != nil:
		return false, err
	default:
		if last, err = time.Parse(time.RFC3339Nano, v); err != nil {
			s.logger.Warn("sync: the time of the last harvest is unreadable; harvesting", "value", v)
			return true, nil
		}
	}
	return last.Before(latestAt(now, s.at, s.zone)), nil
}

// latestAt is the latest time at or before now whose time of day in zone
// is at.
func latestAt(now time.Time, at digest.Clock, zone *time.Location) time.Time {
	local := now.In(zone)
	t := time.Date(local.Year(), local.Month(), local.Day(), at.Hour, at.Minute, 0, 0, zone)
	if t.After(now) {
		t = time.Date(local.Year(), local.Month(), local.Day()-1, at.Hour, at.Minute, 0, 0, zone)
	}
	return t
}

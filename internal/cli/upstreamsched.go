package cli

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"quire"
	"quire/internal/config"
	"quire/internal/hfdaily"
)

const (
	// upstreamLease is held by the node that merges the upstream list, so
	// that of several nodes one reads it at a time.
	upstreamLease = "upstream-daily"
	// upstreamRunKey holds when the last complete run started (RFC 3339).
	upstreamRunKey = "upstream-daily:run"
	// upstreamLeaseTTL outlasts a run: a week of days is a few requests.
	upstreamLeaseTTL = 10 * time.Minute
)

// upstreamSyncStore is the part of the store the scheduled follow uses.
type upstreamSyncStore interface {
	upstreamStore
	quire.LeaseStore
}

// upstreamScheduler merges the upstream daily-papers list inside `quire
// serve` every interval: a node checks every check period whether the last
// run (any node's) is older than interval and, holding the lease, runs.
type upstreamScheduler struct {
	db       upstreamSyncStore
	client   *hfdaily.Client
	interval time.Duration
	check    time.Duration
	holder   string
	now      func() time.Time
	logger   *slog.Logger
}

// startUpstream starts following cfg's upstream list, if it names one, and
// returns a function that stops it and waits until it has stopped.
func startUpstream(ctx context.Context, cfg *config.Config, db upstreamSyncStore, logger *slog.Logger) (stop func()) {
	if cfg.UpstreamDaily == "" {
		return func() {}
	}
	c, err := hfdaily.NewClient(hfdaily.ClientOptions{URL: cfg.UpstreamDaily, Contact: cfg.PublicURL()})
	if err != nil {
		// The configuration was checked at start; this is a bug.
		logger.Error("sync: not following the upstream list", "error", err)
		return func() {}
	}
	s := &upstreamScheduler{db: db, client: c, interval: cfg.UpstreamInterval, check: time.Minute,
		holder: leaseHolder(), now: time.Now, logger: logger}
	logger.Info("sync: following an upstream daily-papers list", "url", cfg.UpstreamDaily, "every", cfg.UpstreamInterval.String())
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { s.run(ctx) })
	return func() { cancel(); wg.Wait() }
}

// run checks at once, then every check period, until ctx is done.
func (s *upstreamScheduler) run(ctx context.Context) {
	every(ctx, s.check, func(ctx context.Context) error { _, err := s.tick(ctx); return err }, s.logger, "sync: upstream daily papers")
}

// tick runs when a run is due and this node takes the lease, and reports
// whether it ran. A failed run is retried at the next check: the upstream
// is read politely (see hfdaily.Client) and resumes at its saved day.
func (s *upstreamScheduler) tick(ctx context.Context) (bool, error) {
	now := s.now()
	if due, err := s.due(ctx, now); err != nil || !due {
		return false, err
	}
	release, ok, err := holdLease(ctx, s.db, upstreamLease, s.holder, upstreamLeaseTTL, now, s.logger)
	if err != nil || !ok {
		return false, err
	}
	defer release()
	if due, err := s.due(ctx, now); err != nil || !due {
		return false, err
	}
	// The lease outlasts a normal run; a run that stalls past it stops
	// rather than overlap another node's.
	rctx, cancel := context.WithTimeout(ctx, upstreamLeaseTTL-time.Minute)
	defer cancel()
	days, err := followUpstream(rctx, s.db, s.client, upstreamOptions{now: s.now}, s.logger)
	if err != nil {
		return false, err
	}
	var listed, stored int
	for _, d := range days {
		listed += d.Listed
		stored += d.Entries.Inserted + d.Entries.Updated
	}
	s.logger.Info("sync: merged the upstream daily papers", "days", len(days), "listed", listed, "new_or_changed", stored)
	return true, s.db.SetSetting(ctx, upstreamRunKey, now.UTC().Format(time.RFC3339Nano))
}

// due reports whether the last run started interval or more before now.
func (s *upstreamScheduler) due(ctx context.Context, now time.Time) (bool, error) {
	v, err := s.db.Setting(ctx, upstreamRunKey)
	switch {
	case errors.Is(err, quire.ErrNotFound):
		return true, nil
	case err != nil:
		return false, err
	}
	last, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		s.logger.Warn("sync: the time of the last upstream run is unreadable; running", "value", v)
		return true, nil
	}
	return !now.Before(last.Add(s.interval)), nil
}

package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"quire"
	"quire/internal/auth"
	"quire/internal/config"
	"quire/internal/digest"
	"quire/internal/store"
)

// digestCommand is `quire digest run`: build the digests of a day's
// periods and deliver everything due, by hand (the server does the same on
// its schedule).
var digestCommand = command{
	name: "digest", args: "run", serve: true,
	summary: "build the day's e-mail digests and send what is due (the server does this on its schedule)",
	bind:    bindDigest,
}

func bindDigest(fs *flag.FlagSet) runFunc {
	period := fs.String("period", "due", "which digests to build: daily, weekly, or due (those whose day it is)")
	day := fs.String("day", "", "the day the digests go out, YYYY-MM-DD (default: today in QUIRE_DIGEST_ZONE)")
	dryRun := fs.Bool("dry-run", false, "build the digests and report them, without queueing or sending anything")
	noSend := fs.Bool("no-send", false, "queue the digests without sending")
	return func(ctx context.Context, env Env, cfg *config.Config, args []string) error {
		// Flags may also follow the subcommand: quire digest run --dry-run.
		if len(args) > 0 && args[0] == "run" {
			if err := fs.Parse(args[1:]); err != nil {
				return ErrUsage
			}
			args = append([]string{"run"}, fs.Args()...)
		}
		if len(args) != 1 || args[0] != "run" {
			fmt.Fprintln(env.Stderr, "usage: quire digest run [--period daily|weekly|due] [--day YYYY-MM-DD] [--dry-run] [--no-send]")
			return ErrUsage
		}
		return runDigest(ctx, env, cfg, *period, *day, *dryRun, *noSend)
	}
}

func runDigest(ctx context.Context, env Env, cfg *config.Config, period, dayText string, dryRun, noSend bool) error {
	logger := newLogger(env.Stderr, cfg)
	periods, err := digestPeriods(cfg, period, dayText)
	if err != nil {
		return err
	}
	db, _, err := store.OpenMigrated(ctx, cfg.DB, migrationPolicy(cfg))
	if err != nil {
		return err
	}
	defer db.Close()
	emb, err := newEmbedder(ctx, cfg, db)
	if err != nil {
		// Topics are then searched by words only.
		logger.Warn("digest: no embedding model; topics are matched by words", "error", err)
		emb = nil
	}
	engine, err := openEngine(ctx, cfg, db, emb, logger)
	if err != nil {
		return err
	}
	b := &digest.Builder{Store: db, Search: engine, Logger: logger, DryRun: dryRun}
	for _, p := range periods {
		st, err := b.Build(ctx, p)
		if err != nil {
			return err
		}
		verb := "queued"
		if dryRun {
			verb = "would queue"
		}
		fmt.Fprintf(env.Stdout, "%s: %d active subscriptions, %s %d digests (%d with nothing new or queued before), %d topic searches, in %s\n",
			st.Period, st.Subscriptions, verb, st.Queued, st.Empty, st.Searches, st.Took.Round(time.Millisecond))
	}
	if dryRun || noSend {
		return nil
	}
	s, err := newDigestSender(cfg, db, logger)
	if err != nil {
		return err
	}
	if s == nil {
		return quire.Invalidf("No SMTP server is configured (QUIRE_SMTP_HOST): the digests are queued and go out once one is.")
	}
	rep, err := s.Run(ctx)
	// Digests held by another node (or by a run that died) are finished
	// here once their lease passes, unless a live node sends them first.
	for err == nil && sending(ctx, db, periods) > 0 {
		select {
		case <-ctx.Done():
			err = ctx.Err()
		case <-time.After(min(cfg.DigestLease/2, 5*time.Second)):
		}
		if err == nil {
			var more digest.Report
			more, err = s.Run(ctx)
			rep.Sent, rep.Retried, rep.Failed, rep.Suppressed = rep.Sent+more.Sent, rep.Retried+more.Retried, rep.Failed+more.Failed, rep.Suppressed+more.Suppressed
			rep.Errors = append(rep.Errors, more.Errors...)
		}
	}
	fmt.Fprintf(env.Stdout, "delivery: %s\n", rep)
	for _, e := range rep.Errors {
		fmt.Fprintf(env.Stdout, "  %s\n", e)
	}
	for _, p := range periods {
		if st, serr := db.DigestStats(ctx, p.Key()); serr == nil {
			fmt.Fprintf(env.Stdout, "%s: %d sent, %d pending, %d sending, %d failed\n", p.Key(), st.Sent, st.Pending, st.Sending, st.Failed)
		}
	}
	return err
}

// sending counts the digests of periods that some node holds.
func sending(ctx context.Context, db store.DB, periods []quire.DigestPeriod) int {
	n := 0
	for _, p := range periods {
		if st, err := db.DigestStats(ctx, p.Key()); err == nil {
			n += st.Sending
		}
	}
	return n
}

// digestPeriods returns the periods a run builds.
func digestPeriods(cfg *config.Config, which, dayText string) ([]quire.DigestPeriod, error) {
	now := time.Now().In(cfg.DigestZone)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if dayText != "" {
		d, err := time.Parse(quire.DayLayout, dayText)
		if err != nil {
			return nil, quire.Invalidf("--day %q is not a day such as 2026-11-27.", dayText)
		}
		day = d
	}
	switch which {
	case "due":
		// The whole day counts, whatever the hour.
		return digest.Due(day.Add(24*time.Hour-time.Minute), digest.Clock{}, time.UTC), nil
	case "daily", "weekly":
		return []quire.DigestPeriod{quire.PeriodBefore(quire.Frequency(which), day)}, nil
	}
	return nil, quire.Invalidf("--period %q: want daily, weekly or due.", which)
}

// newDigestSender is the outbox's sender for the configuration, or nil
// when no SMTP server is configured.
func newDigestSender(cfg *config.Config, db store.DB, logger *slog.Logger) (*digest.Sender, error) {
	smtp, from, err := newMailer(cfg)
	if err != nil || smtp == nil {
		return nil, err
	}
	secret, err := cfg.LoadSecret()
	if err != nil {
		return nil, err
	}
	signer, err := auth.NewSigner(secret)
	if err != nil {
		return nil, err
	}
	return &digest.Sender{
		Store: db, Mail: smtp, From: from,
		Links:   &digest.Links{Base: cfg.PublicURL(), Signer: signer},
		Lease:   cfg.DigestLease,
		Workers: cfg.DigestWorkers,
		Logger:  logger,
	}, nil
}

// startDigests runs the digest schedule inside the server, when mail is
// configured. Building waits until the search index is ready, so that
// topics are searched.
func startDigests(ctx context.Context, cfg *config.Config, db store.DB, srch *searcher, logger *slog.Logger) error {
	s, err := newDigestSender(cfg, db, logger)
	if err != nil || s == nil {
		return err
	}
	at, err := digest.ParseClock(cfg.DigestTime)
	if err != nil {
		return err
	}
	sched := &digest.Scheduler{
		Builder:  &digest.Builder{Store: db, Search: srch, Logger: logger},
		Sender:   s,
		Settings: db,
		At:       at,
		Zone:     cfg.DigestZone,
		Ready:    func() bool { _, err := srch.engine(); return err == nil },
		Logger:   logger,
	}
	logger.Info("digests: scheduled", "at", at.String(), "zone", cfg.DigestZone.String())
	go sched.Run(ctx)
	return nil
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"quire"
	"quire/internal/arxiv"
	"quire/internal/hfdaily"
)

const (
	// upstreamKey names the setting that holds the last day merged from
	// the upstream daily-papers list (YYYY-MM-DD).
	upstreamKey = "upstream-daily:last"
	// upstreamRefresh is how many of the latest days every run reads
	// again: an upstream's list of a day keeps growing through the day
	// and its counts for some days after.
	upstreamRefresh = 3
	// upstreamFirstDays is how far back the first run of a hub reads.
	upstreamFirstDays = 7
	// upstreamMaxDays bounds one run, so that a --from years back is
	// refused rather than taking a day of requests.
	upstreamMaxDays = 400
)

// upstreamStore is the part of the store that following an upstream list
// writes to.
type upstreamStore interface {
	arxiv.Settings
	UpsertPapers(ctx context.Context, papers []*quire.Paper) (quire.UpsertStats, error)
	UpsertDailyEntries(ctx context.Context, entries []*quire.DailyEntry) (quire.UpsertStats, error)
}

// upstreamOptions say which days to read; zero values read from the day
// after the saved position, less upstreamRefresh days, through today.
type upstreamOptions struct {
	from, until time.Time
	now         func() time.Time
	// day, when set, is called after each day is merged; an error stops
	// the run, which the next resumes from the saved position.
	day func(ctx context.Context, d upstreamDay) error
}

// upstreamDay reports what merging one day did.
type upstreamDay struct {
	Day       time.Time
	Listed    int // items read
	Papers    quire.UpsertStats
	Entries   quire.UpsertStats
	Malformed int
}

// followUpstream merges the upstream's daily lists into db, one day at a
// time, oldest first: the papers first, then the day's entries, so that
// every entry finds its paper. Both writes merge (quire.Merge,
// quire.MergeEntry), so reading a day twice changes nothing but counts
// that moved upstream. After each day it saves the position.
func followUpstream(ctx context.Context, db upstreamStore, c *hfdaily.Client, o upstreamOptions, logger *slog.Logger) ([]upstreamDay, error) {
	from, until, err := upstreamDays(ctx, db, o)
	if err != nil {
		return nil, err
	}
	var out []upstreamDay
	for day := from; !day.After(until); day = day.AddDate(0, 0, 1) {
		d, err := mergeUpstreamDay(ctx, db, c, day, logger)
		if err != nil {
			return out, fmt.Errorf("merging the upstream list of %s (the next run resumes there): %w", day.Format(quire.DayLayout), err)
		}
		out = append(out, d)
		if err := db.SetSetting(ctx, upstreamKey, day.Format(quire.DayLayout)); err != nil {
			return out, err
		}
		if o.day != nil {
			if err := o.day(ctx, d); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// upstreamDays is the range of days a run reads.
func upstreamDays(ctx context.Context, db upstreamStore, o upstreamOptions) (from, until time.Time, err error) {
	now := time.Now
	if o.now != nil {
		now = o.now
	}
	today := quire.TruncateDay(now())
	until = today
	if !o.until.IsZero() {
		until = quire.TruncateDay(o.until)
	}
	from = o.from
	if from.IsZero() {
		from = today.AddDate(0, 0, 1-upstreamFirstDays)
		v, err := db.Setting(ctx, upstreamKey)
		switch {
		case errors.Is(err, quire.ErrNotFound):
		case err != nil:
			return from, until, err
		default:
			last, perr := quire.ParseDay(v)
			if perr != nil {
				return from, until, fmt.Errorf("the saved upstream position %q is unreadable: %w", v, perr)
			}
			// Resume after the saved day, and read the latest days again.
			from = last.AddDate(0, 0, 1)
			if refresh := today.AddDate(0, 0, 1-upstreamRefresh); refresh.Before(from) {
				from = refresh
			}
		}
	}
	from = quire.TruncateDay(from)
	switch {
	case from.After(until):
		return from, until, quire.Invalidf("the first day, %s, is after the last, %s.", from.Format(quire.DayLayout), until.Format(quire.DayLayout))
	case until.Sub(from) >= upstreamMaxDays*24*time.Hour:
		return from, until, quire.Invalidf("%s to %s is more than %d days; read a long past with `quire import` of an archive instead.",
			from.Format(quire.DayLayout), until.Format(quire.DayLayout), upstreamMaxDays)
	}
	return from, until, nil
}

// mergeUpstreamDay reads one day from the upstream and stores it.
func mergeUpstreamDay(ctx context.Context, db upstreamStore, c *hfdaily.Client, day time.Time, logger *slog.Logger) (upstreamDay, error) {
	d := upstreamDay{Day: day}
	list, err := c.FetchDay(ctx, day)
	if err != nil {
		return d, err
	}
	d.Listed, d.Malformed = len(list.Entries)+list.Malformed, list.Malformed
	for _, p := range list.Problems {
		logger.Warn("sync: skipped a malformed upstream item", "day", day.Format(quire.DayLayout), "error", p)
	}
	if len(list.Papers) == 0 {
		return d, nil
	}
	if d.Papers, err = db.UpsertPapers(ctx, list.Papers); err != nil {
		return d, err
	}
	if d.Entries, err = db.UpsertDailyEntries(ctx, list.Entries); err != nil {
		return d, err
	}
	return d, nil
}

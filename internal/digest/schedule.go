package digest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"quire"
)

// SettingStore remembers which periods were built.
type SettingStore interface {
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
}

// Clock is a time of day.
type Clock struct{ Hour, Minute int }

// ParseClock reads "07:00".
func ParseClock(s string) (Clock, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return Clock{}, fmt.Errorf("%q is not a time of day such as 07:00", s)
	}
	return Clock{hour, minute}, nil
}

func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// Scheduler runs digests inside `quire serve`: at At in Zone it builds the
// day's periods (daily digests on weekdays, weekly ones on Mondays), and on
// every tick it delivers what is due, retries included. Several nodes may
// run it: building is idempotent and delivery claims each digest once.
type Scheduler struct {
	Builder  *Builder
	Sender   *Sender
	Settings SettingStore
	At       Clock
	Zone     *time.Location
	// Ready, when set, says whether topics can be searched yet (the
	// index loads at start); building waits for it, delivery does not.
	Ready func() bool
	// Interval between ticks (zero: a minute).
	Interval time.Duration
	Now      func() time.Time
	Logger   *slog.Logger
}

// Run ticks until ctx ends.
func (s *Scheduler) Run(ctx context.Context) {
	interval := s.Interval
	if interval <= 0 {
		interval = time.Minute
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			s.Logger.Error("digests", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Due returns the periods whose digests go out on the day of now (in
// zone), once its time of day has come.
func Due(now time.Time, at Clock, zone *time.Location) []quire.DigestPeriod {
	local := now.In(zone)
	if local.Hour()*60+local.Minute() < at.Hour*60+at.Minute {
		return nil
	}
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	var out []quire.DigestPeriod
	if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
		out = append(out, quire.PeriodBefore(quire.Daily, day))
	}
	if day.Weekday() == time.Monday {
		out = append(out, quire.PeriodBefore(quire.Weekly, day))
	}
	return out
}

// Tick builds the periods that are due and not built yet, then delivers.
func (s *Scheduler) Tick(ctx context.Context) error {
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	building := s.Ready == nil || s.Ready()
	for _, p := range Due(now, s.At, s.Zone) {
		if !building {
			break
		}
		key := "digest-built:" + p.Key()
		_, err := s.Settings.Setting(ctx, key)
		if err == nil {
			continue
		}
		if !errors.Is(err, quire.ErrNotFound) {
			return err
		}
		st, err := s.Builder.Build(ctx, p)
		if err != nil {
			return fmt.Errorf("building the digests of %s: %w", p.Key(), err)
		}
		if err := s.Settings.SetSetting(ctx, key, now.UTC().Format(time.RFC3339)); err != nil {
			return err
		}
		s.Logger.Info("digests queued", "period", p.Key(), "queued", st.Queued, "subscriptions", st.Subscriptions)
	}
	rep, err := s.Sender.Run(ctx)
	if rep.Sent+rep.Retried+rep.Failed > 0 {
		s.Logger.Info("digests delivered", "sent", rep.Sent, "retry", rep.Retried, "failed", rep.Failed, "suppressed", rep.Suppressed)
	}
	return err
}

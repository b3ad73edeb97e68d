package cli

import (
	"context"
	"log/slog"
	"time"

	"quire"
)

// sessionSweepInterval is how often expired sessions are removed. Expired
// sessions are already refused when looked up; removing them only keeps
// the table small.
const sessionSweepInterval = time.Hour

// sweepSessions removes expired sessions now and then every interval,
// until ctx is done. Several nodes sweeping the same database is harmless.
func sweepSessions(ctx context.Context, db quire.SessionStore, logger *slog.Logger, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		sweepSessionsOnce(ctx, db, logger, time.Now())
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sweepSessionsOnce removes the sessions expired by now and logs what it
// did.
func sweepSessionsOnce(ctx context.Context, db quire.SessionStore, logger *slog.Logger, now time.Time) {
	n, err := db.DeleteExpiredSessions(ctx, now)
	switch {
	case err != nil && ctx.Err() == nil:
		logger.Warn("removing expired sessions", "error", err)
	case n > 0:
		logger.Info("removed expired sessions", "count", n)
	}
}

package sqlite

import (
	"context"
	"database/sql"
	"time"

	"quire"
)

// HitRateLimit counts a hit on key in the fixed window holding now (see
// quire.RateLimitStore).
func (db *DB) HitRateLimit(ctx context.Context, key string, window time.Duration, limit int, now time.Time) (allowed bool, retryAfter time.Duration, err error) {
	defer quire.Wrap(&err, "HitRateLimit(%q)", key)
	start, end, err := quire.CheckRateLimit(key, window, limit, now)
	if err != nil {
		return false, 0, err
	}
	var hits int
	err = db.transact(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO rate_limits (key, window_start, hits, expires_at)
			VALUES (?, ?, 1, ?)
			ON CONFLICT (key, window_start) DO UPDATE SET hits = hits + 1
			RETURNING hits`, key, start.Unix(), end.Unix()).Scan(&hits); err != nil {
			return err
		}
		if hits > 1 {
			return nil
		}
		// A new window began: forget the windows that have ended. Doing it
		// only then keeps the cost in proportion to the rows it removes.
		_, err := tx.ExecContext(ctx, `DELETE FROM rate_limits WHERE expires_at <= ?`, now.Unix())
		return err
	})
	if err != nil {
		return false, 0, err
	}
	if hits > limit {
		return false, end.Sub(now), nil
	}
	return true, 0, nil
}

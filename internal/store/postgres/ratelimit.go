package postgres

import (
	"context"
	"time"

	"quire"
)

// HitRateLimit counts a hit on key in the fixed window holding now (see
// quire.RateLimitStore). The upsert is one statement, so concurrent hits on
// one key from any node queue on its row and each sees its own count.
func (db *DB) HitRateLimit(ctx context.Context, key string, window time.Duration, limit int, now time.Time) (allowed bool, retryAfter time.Duration, err error) {
	defer quire.Wrap(&err, "HitRateLimit(%q)", key)
	start, end, err := quire.CheckRateLimit(key, window, limit, now)
	if err != nil {
		return false, 0, err
	}
	var hits int
	if err := db.pool.QueryRow(ctx, `INSERT INTO rate_limits (key, window_start, hits, expires_at)
		VALUES ($1, $2, 1, $3)
		ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1
		RETURNING hits`, key, start.Unix(), end.Unix()).Scan(&hits); err != nil {
		return false, 0, err
	}
	if hits == 1 {
		// A new window began: forget windows that have ended. Rows another
		// node is deleting or counting are skipped, so pruning never waits
		// and two nodes pruning at once cannot deadlock.
		if _, err := db.pool.Exec(ctx, `DELETE FROM rate_limits WHERE (key, window_start) IN (
				SELECT key, window_start FROM rate_limits WHERE expires_at <= $1
				FOR UPDATE SKIP LOCKED)`, now.Unix()); err != nil {
			return false, 0, err
		}
	}
	if hits > limit {
		return false, end.Sub(now), nil
	}
	return true, 0, nil
}

package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"quire"
	"quire/internal/store/input"
)

// AcquireLease takes or extends the lease name for holder (see
// quire.LeaseStore) in one statement. Of concurrent inserts of a new
// lease one commits and the others wait for it, then take the conflict
// branch, whose WHERE sees the committed row: they update only an expired
// lease or their own. RETURNING yields a row only when the insert or the
// update happened.
func (db *DB) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration, now time.Time) (ok bool, err error) {
	defer quire.Wrap(&err, "AcquireLease(%q, %q)", name, holder)
	if err := input.CheckLease(name, holder, ttl, now); err != nil {
		return false, err
	}
	var got string
	err = db.pool.QueryRow(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
			WHERE leases.expires_at <= $4 OR leases.holder = excluded.holder
		RETURNING holder`, name, holder, leaseEnd(now, ttl), now.UTC()).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// ReleaseLease frees the lease name if holder holds it.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string) (err error) {
	defer quire.Wrap(&err, "ReleaseLease(%q, %q)", name, holder)
	if !input.Storable(name) || !input.Storable(holder) {
		return quire.Invalidf("a lease needs a name and a holder of valid text")
	}
	_, err = db.pool.Exec(ctx, `DELETE FROM leases WHERE name = $1 AND holder = $2`, name, holder)
	return err
}

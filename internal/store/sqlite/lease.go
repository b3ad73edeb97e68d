package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"quire"
	"quire/internal/store/input"
)

// AcquireLease takes or extends the lease name for holder (see
// quire.LeaseStore) in one upsert: the update applies only when the lease
// has expired or is holder's own, and RETURNING yields a row only when the
// insert or the update happened. SQLite runs one writer at a time, so the
// check and the write cannot interleave with another node's.
func (db *DB) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration, now time.Time) (ok bool, err error) {
	defer quire.Wrap(&err, "AcquireLease(%q, %q)", name, holder)
	if err := input.CheckLease(name, holder, ttl, now); err != nil {
		return false, err
	}
	var got string
	err = db.write.QueryRowContext(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES (?1, ?2, ?3)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
			WHERE leases.expires_at <= ?4 OR leases.holder = excluded.holder
		RETURNING holder`, name, holder, leaseEnd(now, ttl).Unix(), now.Unix()).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
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
	_, err = db.write.ExecContext(ctx, `DELETE FROM leases WHERE name = ? AND holder = ?`, name, holder)
	return err
}

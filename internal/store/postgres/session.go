package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"quire"
	"quire/internal/store/input"
)

// CreateSession stores a new session (see quire.SessionStore).
func (db *DB) CreateSession(ctx context.Context, in *quire.Session) (err error) {
	defer quire.Wrap(&err, "CreateSession(account %d)", in.AccountID)
	s, err := prepareSession(in)
	if err != nil {
		return err
	}
	return db.transact(ctx, func(tx pgx.Tx) error {
		if _, err := activeAccount(ctx, tx, s.AccountID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, account_id, created_at, expires_at, last_seen_at)
			VALUES ($1, $2, $3, $4, $5)`, s.TokenHash, s.AccountID, s.CreatedAt, s.ExpiresAt, s.LastSeenAt)
		return err
	})
}

// prepareSession copies a session, fills its default times and validates it.
func prepareSession(in *quire.Session) (*quire.Session, error) {
	s := *in
	s.CreatedAt = input.OrNow(s.CreatedAt)
	if s.LastSeenAt.IsZero() {
		s.LastSeenAt = s.CreatedAt
	}
	s.LastSeenAt = input.OrNow(s.LastSeenAt)
	s.ExpiresAt = stamp(s.ExpiresAt)
	return &s, s.Validate()
}

// FindSession returns an unexpired session of an enabled account, with the
// account, or an error of kind quire.ErrNotFound.
func (db *DB) FindSession(ctx context.Context, tokenHash []byte, now time.Time) (_ *quire.Session, _ *quire.Account, err error) {
	defer quire.Wrap(&err, "FindSession")
	if len(tokenHash) != quire.TokenHashLen {
		return nil, nil, quire.ErrNotFound
	}
	s := &quire.Session{}
	var as accountScan
	var created, expires, seen pgtype.Timestamptz
	dest := append([]any{&s.TokenHash, &s.AccountID, &created, &expires, &seen}, as.dest()...)
	err = db.pool.QueryRow(ctx, `SELECT s.token_hash, s.account_id, s.created_at, s.expires_at, s.last_seen_at,
			`+columns("a", accountColumns)+`
		FROM sessions s JOIN accounts a ON a.id = s.account_id
		WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.disabled_at IS NULL`,
		tokenHash, input.OrNow(now)).Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, quire.ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	s.CreatedAt, s.ExpiresAt, s.LastSeenAt = timeFromNull(created), timeFromNull(expires), timeFromNull(seen)
	return s, as.account(), nil
}

// TouchSession records that a session was seen and, when expiresAt is not
// zero, moves its expiry.
func (db *DB) TouchSession(ctx context.Context, tokenHash []byte, seenAt, expiresAt time.Time) (err error) {
	defer quire.Wrap(&err, "TouchSession")
	if err := input.CheckTime(seenAt); err != nil {
		return err
	}
	if err := input.CheckTime(expiresAt); err != nil {
		return err
	}
	if len(tokenHash) != quire.TokenHashLen {
		return nil
	}
	_, err = db.pool.Exec(ctx, `UPDATE sessions SET last_seen_at = greatest(last_seen_at, $1),
		expires_at = coalesce($2, expires_at) WHERE token_hash = $3`,
		input.OrNow(seenAt), timeOrNull(stamp(expiresAt)), tokenHash)
	return err
}

// DeleteSession ends one session.
func (db *DB) DeleteSession(ctx context.Context, tokenHash []byte) (err error) {
	defer quire.Wrap(&err, "DeleteSession")
	_, err = db.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
	return err
}

// DeleteAccountSessions ends every session of an account but keepHash's.
func (db *DB) DeleteAccountSessions(ctx context.Context, accountID int64, keepHash []byte) (err error) {
	defer quire.Wrap(&err, "DeleteAccountSessions(%d)", accountID)
	var keep any // NULL: every hash is distinct from it
	if keepHash != nil {
		keep = keepHash
	}
	_, err = db.pool.Exec(ctx, `DELETE FROM sessions WHERE account_id = $1 AND token_hash IS DISTINCT FROM $2::bytea`,
		accountID, keep)
	return err
}

// DeleteExpiredSessions removes the sessions expired by now.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (n int, err error) {
	defer quire.Wrap(&err, "DeleteExpiredSessions")
	tag, err := db.pool.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, input.OrNow(now))
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

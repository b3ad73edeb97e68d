package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

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
	return db.transact(ctx, func(tx *sql.Tx) error {
		if _, err := activeAccount(ctx, tx, s.AccountID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, account_id, created_at, expires_at, last_seen_at)
			VALUES (?, ?, ?, ?, ?)`, s.TokenHash, s.AccountID, s.CreatedAt.Unix(), s.ExpiresAt.Unix(), s.LastSeenAt.Unix())
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
	if !s.ExpiresAt.IsZero() {
		s.ExpiresAt = input.OrNow(s.ExpiresAt)
	}
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
	var created, expires, seen int64
	dest := append([]any{&s.TokenHash, &s.AccountID, &created, &expires, &seen}, as.dest()...)
	err = db.queryRowRead(ctx, `SELECT s.token_hash, s.account_id, s.created_at, s.expires_at, s.last_seen_at,
			`+qualified("a", accountColumns)+`
		FROM sessions s JOIN accounts a ON a.id = s.account_id
		WHERE s.token_hash = ? AND s.expires_at > ? AND a.disabled_at IS NULL`,
		tokenHash, input.OrNow(now).Unix()).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, quire.ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	s.CreatedAt, s.ExpiresAt, s.LastSeenAt = unixTime(created), unixTime(expires), unixTime(seen)
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
	_, err = db.write.ExecContext(ctx, `UPDATE sessions SET last_seen_at = max(last_seen_at, ?),
		expires_at = coalesce(?, expires_at) WHERE token_hash = ?`,
		input.OrNow(seenAt).Unix(), unixOrNull(expiresAt), tokenHash)
	return err
}

// DeleteSession ends one session.
func (db *DB) DeleteSession(ctx context.Context, tokenHash []byte) (err error) {
	defer quire.Wrap(&err, "DeleteSession")
	_, err = db.write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return err
}

// DeleteAccountSessions ends every session of an account but keepHash's.
func (db *DB) DeleteAccountSessions(ctx context.Context, accountID int64, keepHash []byte) (err error) {
	defer quire.Wrap(&err, "DeleteAccountSessions(%d)", accountID)
	var keep any // NULL: "IS NOT NULL" keeps none
	if keepHash != nil {
		keep = keepHash
	}
	_, err = db.write.ExecContext(ctx, `DELETE FROM sessions WHERE account_id = ? AND token_hash IS NOT ?`, accountID, keep)
	return err
}

// DeleteExpiredSessions removes the sessions expired by now.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (n int, err error) {
	defer quire.Wrap(&err, "DeleteExpiredSessions")
	res, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, input.OrNow(now).Unix())
	if err != nil {
		return 0, err
	}
	deleted, err := res.RowsAffected()
	return int(deleted), err
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"quire"
	"quire/internal/store/input"
)

// tokenColumns are the api_tokens columns in the order tokenScan reads them.
const tokenColumns = `id, account_id, name, hash, prefix, created_at, last_used_at, revoked_at`

type tokenScan struct {
	t             quire.APIToken
	created       int64
	used, revoked sql.NullInt64
}

func (s *tokenScan) dest() []any {
	t := &s.t
	return []any{&t.ID, &t.AccountID, &t.Name, &t.Hash, &t.Prefix, &s.created, &s.used, &s.revoked}
}

func (s *tokenScan) token() *quire.APIToken {
	t := s.t
	t.CreatedAt = unixTime(s.created)
	t.LastUsedAt = timeFromNull(s.used)
	t.RevokedAt = timeFromNull(s.revoked)
	return &t
}

// CreateAPIToken stores a new API token and returns it as stored (see
// quire.APITokenStore).
func (db *DB) CreateAPIToken(ctx context.Context, in *quire.APIToken) (_ *quire.APIToken, err error) {
	defer quire.Wrap(&err, "CreateAPIToken(account %d)", in.AccountID)
	t := *in
	t.ID = 0
	t.Normalize()
	t.CreatedAt = input.OrNow(t.CreatedAt)
	if err := t.Validate(); err != nil {
		return nil, err
	}
	err = db.transact(ctx, func(tx *sql.Tx) error {
		if _, err := activeAccount(ctx, tx, t.AccountID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (account_id, name, hash, prefix, created_at, last_used_at, revoked_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
			t.AccountID, t.Name, t.Hash, t.Prefix, t.CreatedAt.Unix(), unixOrNull(t.LastUsedAt),
			unixOrNull(t.RevokedAt)).Scan(&t.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return quire.Conflictf("This token is already stored.")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// ListAPITokens returns an account's tokens, oldest first.
func (db *DB) ListAPITokens(ctx context.Context, accountID int64) (tokens []*quire.APIToken, err error) {
	defer quire.Wrap(&err, "ListAPITokens(%d)", accountID)
	rows, err := db.queryRead(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE account_id = ? ORDER BY id`, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	tokens = []*quire.APIToken{}
	for rows.Next() {
		var s tokenScan
		if err := rows.Scan(s.dest()...); err != nil {
			return nil, err
		}
		tokens = append(tokens, s.token())
	}
	return tokens, rows.Err()
}

// FindAPIToken returns an unrevoked token of an enabled account, with the
// account, or an error of kind quire.ErrNotFound.
func (db *DB) FindAPIToken(ctx context.Context, hash []byte) (_ *quire.APIToken, _ *quire.Account, err error) {
	defer quire.Wrap(&err, "FindAPIToken")
	if len(hash) != quire.TokenHashLen {
		return nil, nil, quire.ErrNotFound
	}
	var ts tokenScan
	var as accountScan
	err = db.queryRowRead(ctx, `SELECT `+qualified("t", tokenColumns)+`, `+qualified("a", accountColumns)+`
		FROM api_tokens t JOIN accounts a ON a.id = t.account_id
		WHERE t.hash = ? AND t.revoked_at IS NULL AND a.disabled_at IS NULL`, hash).Scan(append(ts.dest(), as.dest()...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, quire.ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	return ts.token(), as.account(), nil
}

// RevokeAPIToken revokes one of an account's tokens.
func (db *DB) RevokeAPIToken(ctx context.Context, accountID, tokenID int64, at time.Time) (err error) {
	defer quire.Wrap(&err, "RevokeAPIToken(%d, %d)", accountID, tokenID)
	if err := input.CheckTime(at); err != nil {
		return err
	}
	// A revoked token keeps its first revocation time.
	res, err := db.write.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?)
		WHERE id = ? AND account_id = ?`, input.OrNow(at).Unix(), tokenID, accountID)
	if err != nil {
		return err
	}
	return mustAffect(res, quire.NotFoundf("You have no API token %d.", tokenID))
}

// TouchAPIToken records that a token was used.
func (db *DB) TouchAPIToken(ctx context.Context, tokenID int64, at time.Time) (err error) {
	defer quire.Wrap(&err, "TouchAPIToken(%d)", tokenID)
	if err := input.CheckTime(at); err != nil {
		return err
	}
	// max() of a NULL is NULL: a first use takes the new time.
	_, err = db.write.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = coalesce(max(last_used_at, ?1), ?1)
		WHERE id = ?2`, input.OrNow(at).Unix(), tokenID)
	return err
}

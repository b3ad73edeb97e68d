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

// tokenColumns are the api_tokens columns in the order tokenScan reads them.
var tokenColumns = []string{"id", "account_id", "name", "hash", "prefix", "created_at", "last_used_at", "revoked_at"}

type tokenScan struct {
	t                      quire.APIToken
	created, used, revoked pgtype.Timestamptz
}

func (s *tokenScan) dest() []any {
	t := &s.t
	return []any{&t.ID, &t.AccountID, &t.Name, &t.Hash, &t.Prefix, &s.created, &s.used, &s.revoked}
}

func (s *tokenScan) token() *quire.APIToken {
	t := s.t
	t.CreatedAt = timeFromNull(s.created)
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
	err = db.transact(ctx, func(tx pgx.Tx) error {
		if _, err := activeAccount(ctx, tx, t.AccountID); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `INSERT INTO api_tokens (account_id, name, hash, prefix, created_at, last_used_at, revoked_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id`,
			t.AccountID, t.Name, t.Hash, t.Prefix, t.CreatedAt, timeOrNull(t.LastUsedAt),
			timeOrNull(t.RevokedAt)).Scan(&t.ID)
		if errors.Is(err, pgx.ErrNoRows) {
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
func (db *DB) ListAPITokens(ctx context.Context, accountID int64) (_ []*quire.APIToken, err error) {
	defer quire.Wrap(&err, "ListAPITokens(%d)", accountID)
	rows, err := db.pool.Query(ctx, `SELECT `+columns("", tokenColumns)+` FROM api_tokens WHERE account_id = $1 ORDER BY id`, accountID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*quire.APIToken, error) {
		var s tokenScan
		if err := row.Scan(s.dest()...); err != nil {
			return nil, err
		}
		return s.token(), nil
	})
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
	err = db.pool.QueryRow(ctx, `SELECT `+columns("t", tokenColumns)+`, `+columns("a", accountColumns)+`
		FROM api_tokens t JOIN accounts a ON a.id = t.account_id
		WHERE t.hash = $1 AND t.revoked_at IS NULL AND a.disabled_at IS NULL`, hash).Scan(append(ts.dest(), as.dest()...)...)
	if errors.Is(err, pgx.ErrNoRows) {
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
	tag, err := db.pool.Exec(ctx, `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, $1)
		WHERE id = $2 AND account_id = $3`, input.OrNow(at), tokenID, accountID)
	return mustAffect(tag, err, quire.NotFoundf("You have no API token %d.", tokenID))
}

// TouchAPIToken records that a token was used.
func (db *DB) TouchAPIToken(ctx context.Context, tokenID int64, at time.Time) (err error) {
	defer quire.Wrap(&err, "TouchAPIToken(%d)", tokenID)
	if err := input.CheckTime(at); err != nil {
		return err
	}
	// greatest() ignores NULL: a first use takes the new time.
	_, err = db.pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = greatest(last_used_at, $1) WHERE id = $2`,
		input.OrNow(at), tokenID)
	return err
}

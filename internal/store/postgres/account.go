package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"quire"
	"quire/internal/store/input"
)

// accountColumns are the accounts columns in the order accountScan reads them.
var accountColumns = []string{"id", "username", "email", "password_hash", "role",
	"email_verified_at", "disabled_at", "created_at"}

type accountScan struct {
	a                           quire.Account
	role                        string
	verified, disabled, created pgtype.Timestamptz
}

func (s *accountScan) dest() []any {
	a := &s.a
	return []any{&a.ID, &a.Username, &a.Email, &a.PasswordHash, &s.role, &s.verified, &s.disabled, &s.created}
}

func (s *accountScan) account() *quire.Account {
	a := s.a
	a.Role = quire.Role(s.role)
	a.EmailVerifiedAt = timeFromNull(s.verified)
	a.DisabledAt = timeFromNull(s.disabled)
	a.CreatedAt = timeFromNull(s.created)
	return &a
}

func scanAccount(row pgx.Row) (*quire.Account, error) {
	var s accountScan
	if err := row.Scan(s.dest()...); err != nil {
		return nil, err
	}
	return s.account(), nil
}

// CreateAccount stores a new account and returns it as stored (see
// quire.AccountStore).
func (db *DB) CreateAccount(ctx context.Context, in *quire.Account) (_ *quire.Account, err error) {
	defer quire.Wrap(&err, "CreateAccount(%q)", in.Username)
	a := *in
	a.ID = 0
	a.Normalize()
	a.CreatedAt = input.OrNow(a.CreatedAt)
	if err := a.Validate(); err != nil {
		return nil, err
	}
	err = db.transact(ctx, func(tx pgx.Tx) error {
		// DO NOTHING covers both unique columns and waits for a concurrent
		// insert of the same name to end; which one clashed is looked up
		// afterwards, when the other account is visible.
		err := tx.QueryRow(ctx, `INSERT INTO accounts (username, email, password_hash, role,
				email_verified_at, disabled_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id`,
			a.Username, a.Email, a.PasswordHash, string(a.Role), timeOrNull(a.EmailVerifiedAt),
			timeOrNull(a.DisabledAt), a.CreatedAt).Scan(&a.ID)
		if errors.Is(err, pgx.ErrNoRows) {
			var taken bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM accounts WHERE username = $1)`,
				a.Username).Scan(&taken); err != nil {
				return err
			}
			return quire.AccountConflict(a.Username, taken)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// FindAccountByID returns an account, or an error of kind quire.ErrNotFound.
func (db *DB) FindAccountByID(ctx context.Context, id int64) (_ *quire.Account, err error) {
	defer quire.Wrap(&err, "FindAccountByID(%d)", id)
	return db.findAccount(ctx, `id = $1`, id)
}

// FindAccountByUsername returns the account with username, whatever its
// case, or an error of kind quire.ErrNotFound.
func (db *DB) FindAccountByUsername(ctx context.Context, username string) (_ *quire.Account, err error) {
	defer quire.Wrap(&err, "FindAccountByUsername")
	name, err := quire.NormalizeUsername(username)
	if err != nil {
		return nil, quire.ErrNotFound // no account has an invalid name
	}
	return db.findAccount(ctx, `username = $1`, name)
}

// FindAccountByEmail returns the account with the address, whatever its
// case, or an error of kind quire.ErrNotFound.
func (db *DB) FindAccountByEmail(ctx context.Context, email string) (_ *quire.Account, err error) {
	defer quire.Wrap(&err, "FindAccountByEmail")
	addr, err := quire.NormalizeEmail(email)
	if err != nil {
		return nil, quire.ErrNotFound
	}
	return db.findAccount(ctx, `email = $1`, addr)
}

// findAccount reads the account that cond (a constant) selects.
func (db *DB) findAccount(ctx context.Context, cond string, arg any) (*quire.Account, error) {
	a, err := scanAccount(db.pool.QueryRow(ctx, `SELECT `+columns("", accountColumns)+` FROM accounts WHERE `+cond, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, quire.ErrNotFound
	}
	return a, err
}

// ListAccounts returns at most limit accounts after the first offset,
// oldest first.
func (db *DB) ListAccounts(ctx context.Context, limit, offset int) (_ []*quire.Account, err error) {
	defer quire.Wrap(&err, "ListAccounts(%d, %d)", limit, offset)
	if err := input.CheckLimit(limit); err != nil {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, `SELECT `+columns("", accountColumns)+` FROM accounts ORDER BY id LIMIT $1 OFFSET $2`,
		limit, max(offset, 0))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*quire.Account, error) { return scanAccount(row) })
}

// SetPasswordHash replaces an account's password hash.
func (db *DB) SetPasswordHash(ctx context.Context, accountID int64, hash string) (err error) {
	defer quire.Wrap(&err, "SetPasswordHash(%d)", accountID)
	if hash == "" || len(hash) > quire.MaxPasswordHashLen || !input.IsText(hash) {
		return quire.Invalidf("the password hash is empty, longer than %d bytes or not text", quire.MaxPasswordHashLen)
	}
	return db.updateAccount(ctx, accountID, `password_hash = $1`, hash)
}

// SetEmailVerified records when the account's address was confirmed.
func (db *DB) SetEmailVerified(ctx context.Context, accountID int64, at time.Time) (err error) {
	defer quire.Wrap(&err, "SetEmailVerified(%d)", accountID)
	if err := input.CheckTime(at); err != nil {
		return err
	}
	return db.updateAccount(ctx, accountID, `email_verified_at = $1`, timeOrNull(stamp(at)))
}

// updateAccount sets one column (set is a constant "column = $1") of an
// account, or returns an error of kind quire.ErrNotFound.
func (db *DB) updateAccount(ctx context.Context, id int64, set string, v any) error {
	tag, err := db.pool.Exec(ctx, `UPDATE accounts SET `+set+` WHERE id = $2`, v, id)
	return mustAffect(tag, err, quire.NotFoundf("There is no account %d.", id))
}

// mustAffect returns err, or notFound when the command changed no row.
func mustAffect(tag pgconn.CommandTag, err, notFound error) error {
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return notFound
	}
	return nil
}

// activeAccount returns the username of an account that may act, or an error
// of kind quire.ErrNotFound (no such account) or quire.ErrUnauthorized
// (disabled).
func activeAccount(ctx context.Context, tx pgx.Tx, id int64) (string, error) {
	var name string
	var disabled pgtype.Timestamptz
	err := tx.QueryRow(ctx, `SELECT username, disabled_at FROM accounts WHERE id = $1`, id).Scan(&name, &disabled)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", quire.NotFoundf("There is no account %d.", id)
	}
	if err != nil {
		return "", err
	}
	if disabled.Valid {
		return "", quire.Unauthorizedf("This account is disabled.")
	}
	return name, nil
}

// stamp is t at the precision stores keep; the zero time stays zero.
func stamp(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Second)
}

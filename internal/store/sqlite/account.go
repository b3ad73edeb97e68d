package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"quire"
	"quire/internal/store/input"
)

// accountColumns are the accounts columns in the order accountScan reads them.
const accountColumns = `id, username, email, password_hash, role, email_verified_at, disabled_at, created_at`

type accountScan struct {
	a                  quire.Account
	role               string
	verified, disabled sql.NullInt64
	created            int64
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
	a.CreatedAt = unixTime(s.created)
	return &a
}

func scanAccount(row scanner) (*quire.Account, error) {
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
	err = db.transact(ctx, func(tx *sql.Tx) error {
		// DO NOTHING covers both unique columns; which one clashed is
		// looked up afterwards, in the same transaction.
		err := tx.QueryRowContext(ctx, `INSERT INTO accounts (username, email, password_hash, role,
				email_verified_at, disabled_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
			a.Username, a.Email, a.PasswordHash, string(a.Role), unixOrNull(a.EmailVerifiedAt),
			unixOrNull(a.DisabledAt), a.CreatedAt.Unix()).Scan(&a.ID)
		if errors.Is(err, sql.ErrNoRows) {
			var taken bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM accounts WHERE username = ?)`,
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
	return db.findAccount(ctx, `id = ?`, id)
}

// FindAccountByUsername returns the account with username, whatever its
// case, or an error of kind quire.ErrNotFound.
func (db *DB) FindAccountByUsername(ctx context.Context, username string) (_ *quire.Account, err error) {
	defer quire.Wrap(&err, "FindAccountByUsername")
	name, err := quire.NormalizeUsername(username)
	if err != nil {
		return nil, quire.ErrNotFound // no account has an invalid name
	}
	return db.findAccount(ctx, `username = ?`, name)
}

// FindAccountByEmail returns the account with the address, whatever its
// case, or an error of kind quire.ErrNotFound.
func (db *DB) FindAccountByEmail(ctx context.Context, email string) (_ *quire.Account, err error) {
	defer quire.Wrap(&err, "FindAccountByEmail")
	addr, err := quire.NormalizeEmail(email)
	if err != nil {
		return nil, quire.ErrNotFound
	}
	return db.findAccount(ctx, `email = ?`, addr)
}

// findAccount reads the account that cond (a constant) selects.
func (db *DB) findAccount(ctx context.Context, cond string, arg any) (*quire.Account, error) {
	a, err := scanAccount(db.queryRowRead(ctx, `SELECT `+accountColumns+` FROM accounts WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, quire.ErrNotFound
	}
	return a, err
}

// ListAccounts returns at most limit accounts after the first offset,
// oldest first.
func (db *DB) ListAccounts(ctx context.Context, limit, offset int) (accounts []*quire.Account, err error) {
	defer quire.Wrap(&err, "ListAccounts(%d, %d)", limit, offset)
	if err := input.CheckLimit(limit); err != nil {
		return nil, err
	}
	rows, err := db.queryRead(ctx, `SELECT `+accountColumns+` FROM accounts ORDER BY id LIMIT ? OFFSET ?`,
		limit, max(offset, 0))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	accounts = []*quire.Account{}
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		accounts = append(accounts, a)
	}
	return accounts, rows.Err()
}

// SetPasswordHash replaces an account's password hash.
func (db *DB) SetPasswordHash(ctx context.Context, accountID int64, hash string) (err error) {
	defer quire.Wrap(&err, "SetPasswordHash(%d)", accountID)
	if err := checkPasswordHash(hash); err != nil {
		return err
	}
	return db.updateAccount(ctx, accountID, `password_hash = ?`, hash)
}

// checkPasswordHash refuses a hash that Account.Validate would refuse.
func checkPasswordHash(hash string) error {
	if hash == "" || len(hash) > quire.MaxPasswordHashLen || !input.IsText(hash) {
		return quire.Invalidf("the password hash is empty, longer than %d bytes or not text", quire.MaxPasswordHashLen)
	}
	return nil
}

// SetEmailVerified records when the account's address was confirmed.
func (db *DB) SetEmailVerified(ctx context.Context, accountID int64, at time.Time) (err error) {
	defer quire.Wrap(&err, "SetEmailVerified(%d)", accountID)
	if err := input.CheckTime(at); err != nil {
		return err
	}
	return db.updateAccount(ctx, accountID, `email_verified_at = ?`, unixOrNull(at))
}

// updateAccount sets one column (set is a constant "column = ?") of an
// account, or returns an error of kind quire.ErrNotFound.
func (db *DB) updateAccount(ctx context.Context, id int64, set string, v any) error {
	res, err := db.write.ExecContext(ctx, `UPDATE accounts SET `+set+` WHERE id = ?`, v, id)
	if err != nil {
		return err
	}
	return mustAffect(res, quire.NotFoundf("There is no account %d.", id))
}

// mustAffect returns notFound when res changed no row.
func mustAffect(res sql.Result, notFound error) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound
	}
	return nil
}

// activeAccount returns the username of an account that may act, or an error
// of kind quire.ErrNotFound (no such account) or quire.ErrUnauthorized
// (disabled).
func activeAccount(ctx context.Context, tx *sql.Tx, id int64) (string, error) {
	var name string
	var disabled sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT username, disabled_at FROM accounts WHERE id = ?`, id).Scan(&name, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
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

func unixTime(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

// qualified returns a list of columns (such as accountColumns) qualified by a
// table alias.
func qualified(alias, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

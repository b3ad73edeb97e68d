package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"quire"
	"quire/internal/store/input"
)

// Setting returns the value stored under key, or an error of kind
// quire.ErrNotFound.
func (db *DB) Setting(ctx context.Context, key string) (value string, err error) {
	defer quire.Wrap(&err, "Setting(%q)", key)
	if !input.Storable(key) {
		return "", quire.ErrNotFound
	}
	err = db.queryRowRead(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", quire.ErrNotFound
	}
	return value, err
}

// SetSetting stores value under key, replacing an earlier one. Keys and
// values must be valid UTF-8 without NUL, as on every backend.
func (db *DB) SetSetting(ctx context.Context, key, value string) (err error) {
	defer quire.Wrap(&err, "SetSetting(%q)", key)
	if !input.Storable(key) {
		return quire.Invalidf("setting key %q is empty or not valid text", key)
	}
	if !input.IsText(value) {
		return quire.Invalidf("setting %q: the value is not valid text", key)
	}
	_, err = db.write.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

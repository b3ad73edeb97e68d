package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"time"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migrations lists every migration this binary embeds, in order.
func (db *DB) Migrations() []string {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		panic(err) // the pattern is a constant
	}
	for i, n := range names {
		names[i] = n[len("migrations/"):]
	}
	sort.Strings(names)
	return names
}

// PendingMigrations lists the migrations not yet applied, in order.
func (db *DB) PendingMigrations(ctx context.Context) ([]string, error) {
	applied, err := appliedMigrations(ctx, db.read)
	if err != nil {
		return nil, err
	}
	var pending []string
	for _, name := range db.Migrations() {
		if !applied[name] {
			pending = append(pending, name)
		}
	}
	return pending, nil
}

// Migrate applies the pending migrations, each in its own transaction, and
// returns their names.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	return db.MigrateTo(ctx, "")
}

// MigrateTo is Migrate that stops after the migration named last ("" for
// all), leaving the database at that version; tests use it to build a
// database as an older release left it.
func (db *DB) MigrateTo(ctx context.Context, last string) ([]string, error) {
	names := db.Migrations()
	if last != "" {
		i := slices.Index(names, last)
		if i < 0 {
			return nil, fmt.Errorf("sqlite: migrate: no migration %q", last)
		}
		names = names[:i+1]
	}
	if _, err := db.write.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT`); err != nil {
		return nil, fmt.Errorf("sqlite: migrate: %w", err)
	}
	var done []string
	for _, name := range names {
		ran, err := db.migrateFile(ctx, name)
		if err != nil {
			return done, fmt.Errorf("sqlite: migration %s: %w", name, err)
		}
		if ran {
			done = append(done, name)
		}
	}
	return done, nil
}

// migrateFile applies one migration unless it is recorded as applied; the
// check and the work share a transaction, so two processes migrating at once
// apply it once.
func (db *DB) migrateFile(ctx context.Context, name string) (ran bool, err error) {
	err = db.transact(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		body, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, name, time.Now().Unix())
		ran = err == nil
		return err
	})
	return ran, err
}

func appliedMigrations(ctx context.Context, q *sql.DB) (map[string]bool, error) {
	var exists int
	err := q.QueryRowContext(ctx,
		`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&exists)
	if err != nil || exists == 0 {
		return map[string]bool{}, err
	}
	rows, err := q.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	applied := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		applied[name] = true
	}
	return applied, rows.Err()
}

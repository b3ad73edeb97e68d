package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
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
		names[i] = strings.TrimPrefix(n, "migrations/")
	}
	sort.Strings(names)
	return names
}

// PendingMigrations lists the migrations not yet applied, in order.
func (db *DB) PendingMigrations(ctx context.Context) (pending []string, err error) {
	applied, err := appliedMigrations(ctx, db.pool)
	if err != nil {
		return nil, fmt.Errorf("postgres: pending migrations: %w", err)
	}
	for _, name := range db.Migrations() {
		if !applied[name] {
			pending = append(pending, name)
		}
	}
	return pending, nil
}

// Migrate applies the pending migrations, each in its own transaction, and
// returns their names. Nodes that start together may all call it: each
// migration runs under an advisory lock and is skipped when another node
// has recorded it meanwhile.
func (db *DB) Migrate(ctx context.Context) (applied []string, err error) {
	return db.MigrateTo(ctx, "")
}

// MigrateTo is Migrate that stops after the migration named last ("" for
// all), leaving the database at that version; tests use it to build a
// database as an older release left it.
func (db *DB) MigrateTo(ctx context.Context, last string) (applied []string, err error) {
	names := db.Migrations()
	if last != "" {
		i := slices.Index(names, last)
		if i < 0 {
			return nil, fmt.Errorf("postgres: migrate: no migration %q", last)
		}
		names = names[:i+1]
	}
	for _, name := range names {
		ran, err := db.migrateFile(ctx, name)
		if err != nil {
			return applied, fmt.Errorf("postgres: migration %s: %w", name, err)
		}
		if ran {
			applied = append(applied, name)
		}
	}
	return applied, nil
}

// migrateFile applies one migration unless it is recorded as applied.
func (db *DB) migrateFile(ctx context.Context, name string) (ran bool, err error) {
	err = db.transact(ctx, func(tx pgx.Tx) error {
		if err := lock(ctx, tx, lockMigrate); err != nil {
			return err
		}
		// Created under the lock: two concurrent CREATE TABLE IF NOT EXISTS
		// can both decide to create it, and one then fails.
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			name text PRIMARY KEY,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		var done bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE name = $1)`,
			name).Scan(&done); err != nil || done {
			return err
		}
		body, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return err
		}
		// Without arguments pgx sends the file as one simple query, which
		// may hold several statements.
		if _, err := tx.Exec(ctx, string(body)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO schema_migrations (name) VALUES ($1)`, name)
		ran = err == nil
		return err
	})
	return ran, err
}

// appliedMigrations returns the names recorded in schema_migrations, which
// does not exist before the first migration.
func appliedMigrations(ctx context.Context, c *pgxpool.Pool) (map[string]bool, error) {
	var exists bool
	if err := c.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil || !exists {
		return map[string]bool{}, err
	}
	rows, err := c.Query(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	applied := make(map[string]bool, len(names))
	for _, n := range names {
		applied[n] = true
	}
	return applied, nil
}

// Package store opens the storage backend that a database setting names: a
// PostgreSQL URL selects internal/store/postgres, anything else is a SQLite
// file path for internal/store/sqlite.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"quire"
	"quire/internal/store/postgres"
	"quire/internal/store/sqlite"
)

// DB is a store that can also report and apply its schema migrations.
type DB interface {
	quire.Store
	// PendingMigrations lists the migrations not yet applied, in order.
	PendingMigrations(ctx context.Context) ([]string, error)
	// Migrate applies the pending migrations and returns their names.
	Migrate(ctx context.Context) ([]string, error)
	// Migrations lists every migration this binary embeds, in order.
	Migrations() []string
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Backend names the backend dsn selects: "postgres" or "sqlite".
func Backend(dsn string) string {
	if IsPostgres(dsn) {
		return "postgres"
	}
	return "sqlite"
}

// Open opens the database that dsn names, without migrating it.
func Open(ctx context.Context, dsn string) (DB, error) {
	if dsn == "" {
		return nil, errors.New("no database given")
	}
	if IsPostgres(dsn) {
		return postgres.Open(ctx, dsn)
	}
	return sqlite.Open(ctx, dsn)
}

// UseReplica sends db's reads that may lag a moment behind the latest
// writes to the streaming read replica at replicaURL, a postgres:// URL (see
// postgres.DB.UseReplica); db must be a PostgreSQL store. logger warns when
// the replica fails and reads fall back to the primary.
func UseReplica(ctx context.Context, db DB, replicaURL string, logger *slog.Logger) error {
	pg, ok := db.(*postgres.DB)
	if !ok {
		return errors.New("a read replica needs a PostgreSQL database")
	}
	if !IsPostgres(replicaURL) {
		return errors.New("the read replica must be a postgres:// URL")
	}
	return pg.UseReplica(ctx, replicaURL, logger)
}

// MigrationPolicy says what OpenMigrated does with an out-of-date schema.
type MigrationPolicy int

const (
	// MigrateFresh applies migrations only to an empty database (a fresh
	// install) and refuses an existing one with pending migrations.
	MigrateFresh MigrationPolicy = iota
	// MigrateAlways applies all pending migrations.
	MigrateAlways
	// MigrateNever refuses any pending migration.
	MigrateNever
)

// OpenMigrated opens dsn and brings its schema up to date as policy allows.
// A refused schema yields an error of kind quire.ErrSchemaOutdated that names
// the pending migrations.
func OpenMigrated(ctx context.Context, dsn string, policy MigrationPolicy) (DB, []string, error) {
	db, err := Open(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	applied, err := migrate(ctx, db, policy)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, applied, nil
}

func migrate(ctx context.Context, db DB, policy MigrationPolicy) ([]string, error) {
	pending, err := db.PendingMigrations(ctx)
	if err != nil || len(pending) == 0 {
		return nil, err
	}
	// On an empty database every migration is pending: a fresh install.
	fresh := len(pending) == len(db.Migrations())
	if policy == MigrateAlways || (policy == MigrateFresh && fresh) {
		return db.Migrate(ctx)
	}
	return nil, fmt.Errorf("%w: %d migration(s) pending (%s); run `quire migrate` or start with --migrate",
		quire.ErrSchemaOutdated, len(pending), strings.Join(pending, ", "))
}

package store_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"quire"
	"quire/internal/store"
	"quire/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestOpenMigrated checks the start-up policy on both backends: a fresh
// database is set up unless migrations are refused outright, and a refusal
// names the pending migrations.
func TestOpenMigrated(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "quire.db")
			if backend == "postgres" {
				dsn = testenv.PostgresURL(t)
			}
			if got := store.Backend(dsn); got != backend {
				t.Errorf("Backend(%q) = %q", dsn, got)
			}
			_, _, err := store.OpenMigrated(t.Context(), dsn, store.MigrateNever)
			if !errors.Is(err, quire.ErrSchemaOutdated) || !strings.Contains(err.Error(), "0001_init.sql") {
				t.Fatalf("OpenMigrated(never) = %v, want ErrSchemaOutdated naming 0001_init.sql", err)
			}
			db, applied, err := store.OpenMigrated(t.Context(), dsn, store.MigrateFresh)
			if err != nil {
				t.Fatal(err)
			}
			if len(applied) != len(db.Migrations()) {
				t.Errorf("applied %v, want all of %v", applied, db.Migrations())
			}
			db.Close()
			db, applied, err = store.OpenMigrated(t.Context(), dsn, store.MigrateNever)
			if err != nil || len(applied) != 0 {
				t.Fatalf("reopening an up-to-date database = %v, %v", applied, err)
			}
			defer db.Close()
			if n, err := db.CountPapers(t.Context()); err != nil || n != 0 {
				t.Errorf("CountPapers() = %d, %v", n, err)
			}
		})
	}
}

// migrateTo is the test hook both backends offer to stop at an older schema.
type migrateTo interface {
	MigrateTo(ctx context.Context, last string) ([]string, error)
}

// TestOpenMigratedOutdated starts on a database that an older release set
// up (schema 0001, with a paper in it): a plain start refuses it, naming the
// migration it lacks, and an explicit migration brings it up to date.
func TestOpenMigratedOutdated(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			ctx := t.Context()
			dsn := filepath.Join(t.TempDir(), "quire.db")
			if backend == "postgres" {
				dsn = testenv.PostgresURL(t)
			}
			old, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := old.(migrateTo).MigrateTo(ctx, "0001_init.sql"); err != nil {
				t.Fatal(err)
			}
			old.Close()
			// The older release's store cannot be run here; its row is
			// written as it wrote it.
			execRaw(t, dsn, `INSERT INTO papers (id, title) VALUES ('2501.00001', 'From an older release')`)

			for _, policy := range []store.MigrationPolicy{store.MigrateFresh, store.MigrateNever} {
				_, _, err = store.OpenMigrated(ctx, dsn, policy)
				if !errors.Is(err, quire.ErrSchemaOutdated) || !strings.Contains(err.Error(), "0002_search.sql") ||
					strings.Contains(err.Error(), "0001_init.sql") {
					t.Errorf("OpenMigrated(policy %d) = %v, want ErrSchemaOutdated naming only 0002_search.sql", policy, err)
				}
			}
			db, applied, err := store.OpenMigrated(ctx, dsn, store.MigrateAlways)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if len(applied) == 0 || applied[0] != "0002_search.sql" {
				t.Errorf("OpenMigrated(always) applied %v, want 0002_search.sql first", applied)
			}
			if pending, err := db.PendingMigrations(ctx); err != nil || len(pending) != 0 {
				t.Errorf("PendingMigrations() = %v, %v; want none", pending, err)
			}
			changes, err := db.FindPaperChanges(ctx, 0, 10)
			if err != nil || len(changes) != 1 || changes[0].Paper.ID != "2501.00001" || changes[0].Seq != 1 {
				t.Errorf("FindPaperChanges after migrating = %v, %v; want the older paper at seq 1", changes, err)
			}
		})
	}
}

// execRaw runs one statement on dsn outside the store.
func execRaw(t *testing.T, dsn, stmt string) {
	t.Helper()
	if store.IsPostgres(dsn) {
		c, err := pgx.Connect(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(t.Context(), stmt); err != nil {
			t.Fatal(err)
		}
		return
	}
	db, err := sql.Open("sqlite", dsn) // the driver the sqlite backend registers
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(t.Context(), stmt); err != nil {
		t.Fatal(err)
	}
}

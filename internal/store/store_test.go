package store_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

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

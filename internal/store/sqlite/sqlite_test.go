package sqlite_test

import (
	"path/filepath"
	"testing"

	"quire"
	"quire/internal/store/sqlite"
	"quire/internal/store/storetest"
)

// MustOpen opens a migrated store on a new file in a temporary folder, so WAL
// and locking behave as they do in production.
func MustOpen(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "quire.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) quire.Store { return MustOpen(t) })
}

package sqlite_test

import (
	"path/filepath"
	"slices"
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

// TestMigrateSearch upgrades a database that an older release filled (schema
// 0001 only) to the latest schema: existing papers join the change feed in
// id order, ahead of every later write, with their entries' counts.
func TestMigrateSearch(t *testing.T) {
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "quire.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if applied, err := db.MigrateTo(ctx, "0001_init.sql"); err != nil || !slices.Equal(applied, []string{"0001_init.sql"}) {
		t.Fatalf("MigrateTo(0001_init.sql) = %v, %v", applied, err)
	}
	if _, err := db.MigrateTo(ctx, "9999_none.sql"); err == nil {
		t.Error("MigrateTo(an unknown migration) succeeded")
	}
	// Rows as release 0001 wrote them (see storetest.CheckMigratedFeed).
	for _, id := range storetest.LegacyPaperIDs {
		if _, err := db.Writer().ExecContext(ctx, `INSERT INTO papers (id, title) VALUES (?, ?)`, id, "Paper "+id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Writer().ExecContext(ctx, `INSERT INTO daily_entries (day, paper_id, upvotes, num_comments)
		VALUES ('2025-06-16', '2501.00002', 7, 1)`); err != nil {
		t.Fatal(err)
	}
	later := db.Migrations()[1:]
	if pending, err := db.PendingMigrations(ctx); err != nil || !slices.Equal(pending, later) {
		t.Fatalf("PendingMigrations() = %v, %v; want %v", pending, err, later)
	}
	if applied, err := db.Migrate(ctx); err != nil || !slices.Equal(applied, later) {
		t.Fatalf("Migrate() = %v, %v; want %v", applied, err, later)
	}
	storetest.CheckMigratedFeed(t, db)
}

// TestMigrateOrganizations upgrades a database with follows to 0011, which
// rebuilds the follows table to admit organization follows: the follows
// written before stay, and an organization follow may then be stored.
func TestMigrateOrganizations(t *testing.T) {
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "quire.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.MigrateTo(ctx, "0009_signals.sql"); err != nil {
		t.Fatal(err)
	}
	alice := storetest.MustCreateAccount(t, db, "alice")
	before := storetest.MustCreateFollow(t, db, &quire.Follow{AccountID: alice.ID, Kind: quire.FollowCategory, Name: "cs.CL", Digest: true})
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	storetest.MustCreateFollow(t, db, &quire.Follow{AccountID: alice.ID, Kind: quire.FollowOrganization, Name: "google"})
	fs, err := db.FindFollows(ctx, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].ID != before.ID || fs[0].Name != "cs.CL" || !fs[0].Digest || !fs[0].CreatedAt.Equal(before.CreatedAt) ||
		fs[1].Kind != quire.FollowOrganization {
		t.Errorf("follows after the migration = %+v, want cs.CL as before, then google", fs)
	}
}

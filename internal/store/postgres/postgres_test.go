package postgres_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/store/postgres"
	"quire/internal/store/storetest"
	"quire/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// MustOpen opens a store on a new, empty database, closed when tb ends.
func MustOpen(tb testing.TB) *postgres.DB {
	tb.Helper()
	db, err := postgres.Open(context.Background(), testenv.PostgresURL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// MustOpenMigrated is MustOpen with the schema in place.
func MustOpenMigrated(tb testing.TB) *postgres.DB {
	tb.Helper()
	db := MustOpen(tb)
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) quire.Store { return MustOpenMigrated(t) })
}

// Days and times must not depend on the session's time zone: run the suite
// again with sessions far from UTC on either side.
func TestConformanceTimeZones(t *testing.T) {
	for _, tz := range []string{"Pacific/Kiritimati", "America/Adak"} {
		t.Run(tz, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) quire.Store {
				db, err := postgres.Open(t.Context(), testenv.PostgresURL(t)+"&timezone="+tz)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if _, err := db.Migrate(t.Context()); err != nil {
					t.Fatal(err)
				}
				var got string
				if err := db.Pool().QueryRow(t.Context(), "SHOW TimeZone").Scan(&got); err != nil || got != tz {
					t.Fatalf("session time zone = %q, %v; want %q", got, err, tz)
				}
				return db
			})
		})
	}
}

func TestMigrate(t *testing.T) {
	ctx := t.Context()
	db := MustOpen(t)
	all := db.Migrations()
	if len(all) == 0 || all[0] != "0001_init.sql" {
		t.Fatalf("Migrations() = %v, want 0001_init.sql first", all)
	}
	pending, err := db.PendingMigrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(all, pending); diff != "" {
		t.Errorf("PendingMigrations(fresh) mismatch (-want +got):\n%s", diff)
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(all, applied); diff != "" {
		t.Errorf("Migrate() mismatch (-want +got):\n%s", diff)
	}
	if pending, err := db.PendingMigrations(ctx); err != nil || len(pending) != 0 {
		t.Errorf("PendingMigrations(migrated) = %v, %v; want none", pending, err)
	}
	if applied, err := db.Migrate(ctx); err != nil || len(applied) != 0 {
		t.Errorf("Migrate(again) = %v, %v; want nothing applied", applied, err)
	}
	if n, err := db.CountPapers(ctx); err != nil || n != 0 {
		t.Errorf("CountPapers() = %d, %v; want 0", n, err)
	}
}

// Nodes that start together migrate the same database at once: each
// migration must be applied exactly once and no node may fail.
func TestMigrateConcurrent(t *testing.T) {
	ctx := t.Context()
	url := testenv.PostgresURL(t)
	const nodes = 4
	results := make([][]string, nodes)
	errs := make([]error, nodes)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Go(func() {
			db, err := postgres.Open(ctx, url)
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			results[i], errs[i] = db.Migrate(ctx)
		})
	}
	wg.Wait()
	var applied []string
	for i := range nodes {
		if errs[i] != nil {
			t.Errorf("node %d: Migrate: %v", i, errs[i])
		}
		applied = append(applied, results[i]...)
	}
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	slices.Sort(applied)
	if diff := cmp.Diff(db.Migrations(), applied); diff != "" {
		t.Errorf("migrations applied across nodes mismatch (-want +got):\n%s", diff)
	}
	if pending, err := db.PendingMigrations(ctx); err != nil || len(pending) != 0 {
		t.Errorf("PendingMigrations() = %v, %v; want none", pending, err)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := t.Context()
	for _, tc := range []struct{ name, url string }{
		{"unparsable", "postgres://quire:s3cret@localhost:notaport/quire"},
		{"nobody listening", "postgres://quire:s3cret@127.0.0.1:1/quire?connect_timeout=5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := postgres.Open(ctx, tc.url)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded, want an error", tc.url)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("Open error reveals the password: %v", err)
			}
		})
	}
}

func TestClosed(t *testing.T) {
	db := MustOpenMigrated(t)
	db.Close()
	if _, err := db.CountPapers(t.Context()); err == nil {
		t.Error("CountPapers after Close succeeded, want an error")
	}
	if err := db.Ping(t.Context()); err == nil {
		t.Error("Ping after Close succeeded, want an error")
	}
}

// TestMigrateSearch upgrades a database that an older release filled (schema
// 0001 only) to the latest schema: existing papers join the change feed in
// id order, ahead of every later write, with their entries' counts.
func TestMigrateSearch(t *testing.T) {
	ctx := t.Context()
	db := MustOpen(t)
	if applied, err := db.MigrateTo(ctx, "0001_init.sql"); err != nil || !slices.Equal(applied, []string{"0001_init.sql"}) {
		t.Fatalf("MigrateTo(0001_init.sql) = %v, %v", applied, err)
	}
	if _, err := db.MigrateTo(ctx, "9999_none.sql"); err == nil {
		t.Error("MigrateTo(an unknown migration) succeeded")
	}
	// Rows as release 0001 wrote them (see storetest.CheckMigratedFeed).
	for _, id := range storetest.LegacyPaperIDs {
		if _, err := db.Pool().Exec(ctx, `INSERT INTO papers (id, title) VALUES ($1, $2)`, id, "Paper "+id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Pool().Exec(ctx, `INSERT INTO daily_entries (day, paper_id, upvotes, num_comments)
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

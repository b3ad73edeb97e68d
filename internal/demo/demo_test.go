package demo_test

import (
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"quire"
	"quire/internal/demo"
	"quire/internal/ingest"
	"quire/internal/store/sqlite"
)

// TestLoad loads the embedded catalogue into a real SQLite file: every
// record is valid, it spans weeks of daily lists, and loading it again
// changes nothing.
func TestLoad(t *testing.T) {
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "quire.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	im := &ingest.Importer{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	sum, err := demo.Load(t.Context(), im)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Skipped != 0 || sum.Papers.Skipped != 0 || sum.Entries.Skipped != 0 {
		t.Errorf("demo load skipped records: %s", sum)
	}
	n, err := db.CountPapers(t.Context())
	if err != nil || n < 2000 {
		t.Errorf("CountPapers() = %d, %v; want a few thousand papers", n, err)
	}
	latest, err := db.LatestDay(t.Context(), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	items, _, err := db.FindDailyItems(t.Context(), quire.DailyFilter{From: latest.AddDate(0, 0, -63), To: latest.AddDate(0, 0, 1)})
	if err != nil || len(items) < 500 {
		t.Errorf("the last nine weeks hold %d papers (%v); want weeks of daily lists", len(items), err)
	}
	again, err := demo.Load(t.Context(), im)
	if err != nil || again.Papers.Inserted+again.Papers.Updated+again.Entries.Inserted+again.Entries.Updated != 0 {
		t.Errorf("loading the demo again = %s, %v; want nothing changed", again, err)
	}
}

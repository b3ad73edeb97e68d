package store_test

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"quire"
	"quire/internal/store"
	"quire/internal/testenv"
)

// TestUseReplica applies a read replica to each backend: only PostgreSQL
// takes one, and it then reads what the replica holds.
func TestUseReplica(t *testing.T) {
	ctx := t.Context()
	lite, _, err := store.OpenMigrated(ctx, filepath.Join(t.TempDir(), "quire.db"), store.MigrateFresh)
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	if err := store.UseReplica(ctx, lite, "postgres://quire@replica.example/quire", nil); err == nil ||
		!strings.Contains(err.Error(), "PostgreSQL") {
		t.Errorf("UseReplica(SQLite) = %v, want an error saying it needs PostgreSQL", err)
	}

	url := testenv.PostgresURL(t)
	pg, _, err := store.OpenMigrated(ctx, url, store.MigrateFresh)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	if err := store.UseReplica(ctx, pg, "host=replica.example dbname=quire", nil); err == nil ||
		!strings.Contains(err.Error(), "postgres://") {
		t.Errorf("UseReplica(a keyword string) = %v, want an error asking for a postgres:// URL", err)
	}

	paper := &quire.Paper{ID: "2506.11924", Title: "Aligned Novel View Image and Geometry Synthesis via Cross-modal Attention Instillation"}
	if _, err := pg.UpsertPapers(ctx, []*quire.Paper{paper}); err != nil {
		t.Fatal(err)
	}
	replica := testenv.StartReplica(t, url)
	replica.CatchUp(t)
	logs := new(testenv.LogBuffer)
	if err := store.UseReplica(ctx, pg, replica.URL, slog.New(slog.NewTextHandler(logs, nil))); err != nil {
		t.Fatal(err)
	}
	got, err := pg.FindPapersByIDs(ctx, []string{paper.ID})
	if err != nil || len(got) != 1 || got[0].Title != paper.Title {
		t.Errorf("FindPapersByIDs through the replica = %v, %v; want the paper", got, err)
	}
	if logs.String() != "" {
		t.Errorf("log:\n%s", logs)
	}
}

package search_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"quire"
	"quire/internal/search"
	"quire/internal/store"
)

// damaging is a real store whose snapshot reads arrive with one byte
// flipped, as a broken disk or connection would deliver them.
type damaging struct{ store.DB }

func (d damaging) ReadSearchSnapshot(ctx context.Context, id int64, w io.Writer) error {
	var buf bytes.Buffer
	if err := d.DB.ReadSearchSnapshot(ctx, id, &buf); err != nil {
		return err
	}
	b := buf.Bytes()
	b[len(b)/2] ^= 0x40
	_, err := w.Write(b)
	return err
}

// TestSharedSnapshot publishes one node's index through the store and
// fetches it on another that has no snapshot: the second answers as the
// first, and then follows changes made after the snapshot.
func TestSharedSnapshot(t *testing.T) {
	db := MustCatalogue(t, sqlitePath(t))
	m := MustModel(t, db)
	e := MustEngine(t, db, m, filepath.Join(t.TempDir(), "a.idx"))
	if err := e.Save(); err != nil {
		t.Fatal(err)
	}
	shared, err := e.PublishSnapshot(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	if shared.Model != m.Name() || shared.Seq == 0 {
		t.Errorf("PublishSnapshot = %+v, want model %q and a feed position", shared, m.Name())
	}

	// A paper added after the snapshot was shared.
	novel := &quire.Paper{ID: "2601.99998", Title: "Axolotl limb regrowth", Abstract: "We chart axolotlomics blastemata.", Authors: []string{"A. Salamander"}}
	if _, err := db.UpsertPapers(t.Context(), []*quire.Paper{novel}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}

	// A damaged download is refused and leaves no file behind.
	path := filepath.Join(t.TempDir(), "b.idx")
	joiner, err := search.New(db, search.Options{Embedder: m, SnapshotPath: path, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := joiner.FetchShared(t.Context(), damaging{db}); err == nil {
		t.Error("FetchShared accepted a damaged snapshot")
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 0 {
		t.Errorf("a refused download left %d files in the snapshot folder", len(entries))
	}

	got, err := joiner.FetchShared(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	if *got != *shared {
		t.Errorf("FetchShared = %+v, want %+v", got, shared)
	}
	vectors, err := joiner.Load(t.Context())
	if err != nil || !vectors {
		t.Fatalf("Load of the fetched snapshot = %v, %v; want vectors", vectors, err)
	}
	if n, err := joiner.Sync(t.Context()); err != nil || n != 1 {
		t.Errorf("Sync after the fetch = %d, %v; want the one paper added since", n, err)
	}
	if err := joiner.BuildVectors(t.Context()); err != nil {
		t.Fatal(err)
	}
	answerAlike(t, e, joiner, "axolotlomics blastemata")

	// Nothing shared, nothing to fetch; no file, nothing to publish.
	empty := MustCatalogue(t, sqlitePath(t))
	if _, err := joiner.FetchShared(t.Context(), empty); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("FetchShared from a store without a snapshot: %v, want ErrNotFound", err)
	}
	none, err := search.New(db, search.Options{SnapshotPath: filepath.Join(t.TempDir(), "none.idx"), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := none.PublishSnapshot(t.Context(), db); !errors.Is(err, search.ErrNoSnapshot) {
		t.Errorf("PublishSnapshot without a file: %v, want ErrNoSnapshot", err)
	}
}

package ingest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"quire"
	"quire/internal/ingest"
	"quire/internal/store/sqlite"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// flakyStore stores through a real store until its failAt-th batch of
// papers, which fails, as a database that goes away mid-import.
type flakyStore struct {
	*sqlite.DB
	calls, failAt int
}

func (s *flakyStore) UpsertPapers(ctx context.Context, papers []*quire.Paper) (quire.UpsertStats, error) {
	s.calls++
	if s.calls == s.failAt {
		return quire.UpsertStats{}, errors.New("the database went away")
	}
	return s.DB.UpsertPapers(ctx, papers)
}

// TestImportResumes interrupts an import of the real snapshot sample at its
// fourth batch, runs it again, and ends with the catalogue of an
// uninterrupted import, having passed over the records already stored.
func TestImportResumes(t *testing.T) {
	// 1,000 records: the real sample five times over, each copy under new
	// identifiers, so that the file spans several of the parser's chunks
	// (256 records) as a snapshot does.
	file := filepath.Join(t.TempDir(), "snapshot.jsonl")
	data, err := os.ReadFile("../../testdata/arxiv/kaggle_sample_200.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	n := 0
	for copy := range 5 {
		for line := range strings.Lines(string(data)) {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatal(err)
			}
			n++
			rec["id"] = fmt.Sprintf("30%02d.%05d", copy+1, n)
			b, _ := json.Marshal(rec)
			out = append(append(out, b...), '\n')
		}
	}
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
	whole := MustOpenStore(t)
	if _, err := (&ingest.Importer{Store: whole, Logger: quiet, BatchSize: 20, Checkpoints: whole}).ImportFile(t.Context(), file); err != nil {
		t.Fatal(err)
	}

	// Each chunk of 256 records is written as 13 batches of 20: the 20th
	// batch falls in the second chunk, so the first chunk is stored whole.
	db := MustOpenStore(t)
	broken := &flakyStore{DB: db, failAt: 20}
	im := &ingest.Importer{Store: broken, Logger: quiet, BatchSize: 20, Checkpoints: db}
	if _, err := im.ImportFile(t.Context(), file); err == nil {
		t.Fatal("the interrupted import reported success")
	}
	if stored := mustCount(t, db); stored < 256 || stored >= 1000 {
		t.Fatalf("after the interruption: %d papers, want the first chunk and part of the second", stored)
	}
	sum, err := (&ingest.Importer{Store: db, Logger: quiet, BatchSize: 20, Checkpoints: db}).ImportFile(t.Context(), file)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Resumed != 256 || sum.Read != 744 {
		t.Errorf("resumed import: resumed %d, read %d; want 256 and 744", sum.Resumed, sum.Read)
	}
	if got, want := mustCount(t, db), mustCount(t, whole); got != want || want != 1000 {
		t.Errorf("after resuming: %d papers, want %d (1000)", got, want)
	}
	for _, id := range []string{"3001.00001", "3002.00300", "3005.01000"} {
		a, errA := db.FindPaperByID(t.Context(), id)
		b, errB := whole.FindPaperByID(t.Context(), id)
		if errA != nil || errB != nil || !a.Equal(b) {
			t.Errorf("%s differs from the uninterrupted import: %v %v", id, errA, errB)
		}
	}

	// Done: the position is forgotten, so the same file imports whole.
	sum, err = (&ingest.Importer{Store: db, Logger: quiet, BatchSize: 20, Checkpoints: db}).ImportFile(t.Context(), file)
	if err != nil || sum.Resumed != 0 || sum.Read != 1000 {
		t.Errorf("import after completion: resumed %d, read %d, %v; want 0, 1000", sum.Resumed, sum.Read, err)
	}

	// A position saved for another version of the file is not used.
	broken = &flakyStore{DB: db, failAt: 20}
	(&ingest.Importer{Store: broken, Logger: quiet, BatchSize: 20, Checkpoints: db}).ImportFile(t.Context(), file)
	abs, _ := filepath.Abs(file)
	if v, err := db.Setting(t.Context(), "import:"+abs); err != nil || !strings.Contains(v, `"records":256`) {
		t.Fatalf("saved position %q, %v; want 256 records", v, err)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(file, later, later); err != nil {
		t.Fatal(err)
	}
	sum, err = (&ingest.Importer{Store: db, Logger: quiet, BatchSize: 20, Checkpoints: db}).ImportFile(t.Context(), file)
	if err != nil || sum.Resumed != 0 {
		t.Errorf("a changed file: resumed %d, %v; want a whole import", sum.Resumed, err)
	}
}

func mustCount(t *testing.T, db *sqlite.DB) int {
	t.Helper()
	n, err := db.CountPapers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

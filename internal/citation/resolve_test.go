package citation_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire/internal/citation"
	"quire/internal/store/sqlite"
)

// TestResolve matches testdata/import.bib against a real catalogue holding
// the sample papers but 0704.0004.
func TestResolve(t *testing.T) {
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "quire.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	papers := MustKagglePapers(t)
	papers = append(papers[:3], papers[4:]...)
	if _, err := db.UpsertPapers(t.Context(), papers); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/import.bib")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := citation.ParseBibTeX(data)
	if err != nil {
		t.Fatal(err)
	}
	// The first entry twice: a paper is saved once.
	entries = append(entries, entries[0])
	got, err := citation.Resolve(t.Context(), db, entries)
	if err != nil {
		t.Fatal(err)
	}
	want := &citation.Resolution{
		PaperIDs: []string{"0704.0001", "0704.0002", "0704.0003", "0704.0005"},
		Unknown:  []string{"DBLP:journals/corr/abs-0704-0004", "unknown-doi"},
		NoID:     []string{"knuth1984"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Resolve mismatch (-want +got):\n%s", diff)
	}
}

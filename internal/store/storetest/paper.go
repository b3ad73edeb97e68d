package storetest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire"
)

func testPaperRoundTrip(t *testing.T, s quire.Store) {
	for _, want := range []*quire.Paper{paperKaggle(), paperHF(), paperOldStyle()} {
		if st := MustUpsertPapers(t, s, want); st != (quire.UpsertStats{Inserted: 1}) {
			t.Errorf("UpsertPapers(%s) = %+v, want one inserted", want.ID, st)
		}
		got, err := s.FindPaperByID(ctx(t), want.ID)
		if err != nil {
			t.Fatalf("FindPaperByID(%q): %v", want.ID, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("FindPaperByID(%q) mismatch (-want +got):\n%s", want.ID, diff)
		}
	}
	n, err := s.CountPapers(ctx(t))
	if err != nil || n != 3 {
		t.Errorf("CountPapers() = %d, %v; want 3", n, err)
	}
}

func testPaperNotFound(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, paperHF())
	for _, id := range []string{"2608.19881", "", "'; DROP TABLE papers; --"} {
		_, err := s.FindPaperByID(ctx(t), id)
		if !errors.Is(err, quire.ErrNotFound) {
			t.Errorf("FindPaperByID(%q) error = %v, want ErrNotFound", id, err)
		}
	}
	if _, err := s.FindPaperByID(ctx(t), paperHF().ID); err != nil {
		t.Errorf("FindPaperByID after hostile lookups: %v", err)
	}
}

func testUpsertPapersIdempotent(t *testing.T, s quire.Store) {
	ps := append(numbered(20), paperKaggle())
	if st := MustUpsertPapers(t, s, ps...); st != (quire.UpsertStats{Inserted: 21}) {
		t.Errorf("first UpsertPapers = %+v, want 21 inserted", st)
	}
	if st := MustUpsertPapers(t, s, ps...); st != (quire.UpsertStats{Unchanged: 21}) {
		t.Errorf("second UpsertPapers = %+v, want 21 unchanged", st)
	}
	// The caller's records are not modified by the store.
	if ps[20].Abstract != paperKaggle().Abstract {
		t.Errorf("UpsertPapers modified its input")
	}
}

func testUpsertPapersMerge(t *testing.T, s quire.Store) {
	stored := paperKaggle()
	MustUpsertPapers(t, s, stored)

	// An older version does not overwrite content, and empty fields never
	// erase stored ones; new information (a project page) is kept.
	older := &quire.Paper{ID: stored.ID, Version: 1, Title: "Old title", ProjectURL: "https://example.org/project"}
	if st := MustUpsertPapers(t, s, older); st != (quire.UpsertStats{Updated: 1}) {
		t.Errorf("UpsertPapers(older) = %+v, want one updated", st)
	}
	want := paperKaggle()
	want.ProjectURL = "https://example.org/project"
	mustFindPaper(t, s, want)

	// A newer version replaces title, abstract and dates.
	newer := &quire.Paper{ID: stored.ID, Version: 3, Title: "New title", Abstract: "New abstract.",
		UpdatedAt: ts("2008-01-01T00:00:00Z")}
	if st := MustUpsertPapers(t, s, newer); st != (quire.UpsertStats{Updated: 1}) {
		t.Errorf("UpsertPapers(newer) = %+v, want one updated", st)
	}
	want.Version, want.Title, want.Abstract, want.UpdatedAt = 3, "New title", "New abstract.", ts("2008-01-01T00:00:00Z")
	mustFindPaper(t, s, want)

	// A record without a version only fills what is missing: its title
	// and categories do not replace the versioned ones; the earliest
	// publication date wins.
	other := &quire.Paper{ID: stored.ID, Title: "Listing title", Categories: []string{"hep-ph", "hep-ex"},
		PublishedAt: ts("2009-01-01T00:00:00Z"), License: "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"}
	MustUpsertPapers(t, s, other)
	want.License = other.License
	mustFindPaper(t, s, want)
	if st := MustUpsertPapers(t, s, other); st != (quire.UpsertStats{Unchanged: 1}) {
		t.Errorf("UpsertPapers(versionless again) = %+v, want unchanged", st)
	}
}

func mustFindPaper(t *testing.T, s quire.Store, want *quire.Paper) {
	t.Helper()
	got, err := s.FindPaperByID(ctx(t), want.ID)
	if err != nil {
		t.Fatalf("FindPaperByID(%q): %v", want.ID, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FindPaperByID(%q) mismatch (-want +got):\n%s", want.ID, diff)
	}
}

func testUpsertPapersSkipsInvalid(t *testing.T, s quire.Store) {
	good := numbered(3)
	batch := []*quire.Paper{good[0], {ID: "2501.99999"}, nil, good[1], {Title: "no id"}, good[2]}
	if st := MustUpsertPapers(t, s, batch...); st != (quire.UpsertStats{Inserted: 3, Skipped: 3}) {
		t.Errorf("UpsertPapers = %+v, want 3 inserted, 3 skipped", st)
	}
	if n, _ := s.CountPapers(ctx(t)); n != 3 {
		t.Errorf("CountPapers() = %d, want 3", n)
	}
}

func testUpsertPapersDuplicatesInBatch(t *testing.T, s quire.Store) {
	v1 := &quire.Paper{ID: "2501.00001", Version: 1, Title: "First version", Abstract: "One."}
	v2 := &quire.Paper{ID: "2501.00001", Version: 2, Title: "Second version"}
	if st := MustUpsertPapers(t, s, v1, v2); st != (quire.UpsertStats{Inserted: 1}) {
		t.Errorf("UpsertPapers = %+v, want one inserted", st)
	}
	mustFindPaper(t, s, &quire.Paper{ID: "2501.00001", Version: 2, Title: "Second version", Abstract: "One."})
}

func testUpsertPapersHostileText(t *testing.T, s quire.Store) {
	p := &quire.Paper{
		ID:       "2501.00042",
		Title:    "Robert'); DROP TABLE papers;--\x00 <script>alert(1)</script> \xff ünïcødé 数学 😀",
		Authors:  []string{"O'Brien, \"Quote\"", "\x01control"},
		Abstract: strings.Repeat("long text ", 20000),
	}
	MustUpsertPapers(t, s, p)
	got, err := s.FindPaperByID(ctx(t), p.ID)
	if err != nil {
		t.Fatalf("FindPaperByID: %v", err)
	}
	want := "Robert'); DROP TABLE papers;-- <script>alert(1)</script> \uFFFD ünïcødé 数学 😀"
	if got.Title != want {
		t.Errorf("title = %q, want %q", got.Title, want)
	}
	if diff := cmp.Diff([]string{"O'Brien, \"Quote\"", "control"}, got.Authors); diff != "" {
		t.Errorf("authors mismatch (-want +got):\n%s", diff)
	}
	if len(got.Abstract) != len(strings.TrimSpace(p.Abstract)) {
		t.Errorf("abstract length = %d, want %d", len(got.Abstract), len(strings.TrimSpace(p.Abstract)))
	}
}

func testUpsertPapersConcurrent(t *testing.T, s quire.Store) {
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var batch []*quire.Paper
			for i := range each {
				batch = append(batch, &quire.Paper{ID: fmt.Sprintf("2502.%05d", w*each+i+1), Title: "t"})
			}
			// Every writer also touches one shared paper.
			batch = append(batch, &quire.Paper{ID: "2502.99999", Title: "shared"})
			if _, err := s.UpsertPapers(ctx(t), batch); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent UpsertPapers: %v", err)
	}
	if n, _ := s.CountPapers(ctx(t)); n != writers*each+1 {
		t.Errorf("CountPapers() = %d, want %d", n, writers*each+1)
	}
}

func testUpsertPapersLargeBatch(t *testing.T, s quire.Store) {
	ps := numbered(2500)
	if st := MustUpsertPapers(t, s, ps...); st.Inserted != 2500 {
		t.Errorf("UpsertPapers = %+v, want 2500 inserted", st)
	}
	ps[1234].Title = "Changed"
	if st := MustUpsertPapers(t, s, ps...); st != (quire.UpsertStats{Updated: 1, Unchanged: 2499}) {
		t.Errorf("UpsertPapers again = %+v, want 1 updated, 2499 unchanged", st)
	}
	got, _ := s.FindPaperByID(ctx(t), ps[1234].ID)
	if got == nil || got.Title != "Changed" {
		t.Errorf("paper %s after update = %+v", ps[1234].ID, got)
	}
}

func testUpsertPapersUnstorableDates(t *testing.T, s quire.Store) {
	far := &quire.Paper{ID: "2501.00077", Title: "Far future", PublishedAt: ts("2025-01-01T00:00:00Z").AddDate(9000, 0, 0)}
	bad := &quire.Paper{ID: "2501.00078\x00", Title: "NUL in id"}
	st := MustUpsertPapers(t, s, far, bad, numbered(1)[0])
	if st.Inserted != 2 || st.Skipped != 1 {
		t.Errorf("UpsertPapers = %+v, want the far-dated paper skipped and two stored", st)
	}
	if _, err := s.FindPaperByID(ctx(t), "2501.00078"); err != nil {
		t.Errorf("paper with a NUL in its id was not stored under its cleaned id: %v", err)
	}
}

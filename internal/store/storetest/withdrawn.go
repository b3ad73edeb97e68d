package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
)

// MustMarkWithdrawn marks paperIDs withdrawn at at and returns how many
// were marked.
func MustMarkWithdrawn(t *testing.T, s quire.Store, at time.Time, paperIDs ...string) int {
	t.Helper()
	n, err := s.MarkWithdrawn(ctx(t), paperIDs, at)
	if err != nil {
		t.Fatalf("MarkWithdrawn(%v): %v", paperIDs, err)
	}
	return n
}

// withdrawnAt returns when the paper id was withdrawn, zero when it stands.
func withdrawnAt(t *testing.T, s quire.Store, id string) time.Time {
	t.Helper()
	p, err := s.FindPaperByID(ctx(t), id)
	if err != nil {
		t.Fatalf("FindPaperByID(%q): %v", id, err)
	}
	return p.WithdrawnAt
}

// testMarkWithdrawn: marking sets the date on known papers only, once, and
// moves them up the change feed; the paper stays reachable.
func testMarkWithdrawn(t *testing.T, s quire.Store) {
	seedDays(t, s)
	at := ts("2025-06-20T09:30:00Z")
	last := lastSeq(MustFindPaperChanges(t, s, 0, 100))
	// Unknown, empty and repeated ids are skipped, not errors.
	if n := MustMarkWithdrawn(t, s, at, "2501.00001", "2999.99999", "", "2501.00001", "2501.00003"); n != 2 {
		t.Errorf("MarkWithdrawn = %d, want 2", n)
	}
	for id, want := range map[string]time.Time{"2501.00001": at, "2501.00003": at, "2501.00002": {}} {
		if got := withdrawnAt(t, s, id); !got.Equal(want) {
			t.Errorf("%s withdrawn at %v, want %v", id, got, want)
		}
	}
	cs := MustFindPaperChanges(t, s, last, 100)
	if diff := cmp.Diff([]string{"2501.00001", "2501.00003"}, slices.Sorted(slices.Values(changeIDs(cs)))); diff != "" {
		t.Errorf("feed after marking mismatch (-want +got):\n%s", diff)
	}
	for _, c := range cs {
		if !c.Paper.WithdrawnAt.Equal(at) {
			t.Errorf("feed: %s withdrawn at %v, want %v", c.Paper.ID, c.Paper.WithdrawnAt, at)
		}
	}
	// Marking again changes nothing: not the date, not the feed.
	last = lastSeq(cs)
	if n := MustMarkWithdrawn(t, s, at.Add(24*time.Hour), "2501.00001", "2501.00003"); n != 0 {
		t.Errorf("MarkWithdrawn(again) = %d, want 0", n)
	}
	if got := withdrawnAt(t, s, "2501.00001"); !got.Equal(at) {
		t.Errorf("after marking again: withdrawn at %v, want the first date %v", got, at)
	}
	if cs := MustFindPaperChanges(t, s, last, 100); len(cs) != 0 {
		t.Errorf("feed after marking again = %v, want nothing", changeIDs(cs))
	}
	// Nothing known to mark is not an error either.
	if n := MustMarkWithdrawn(t, s, at, "2999.99999"); n != 0 {
		t.Errorf("MarkWithdrawn(unknown) = %d, want 0", n)
	}
	if n := MustMarkWithdrawn(t, s, at); n != 0 {
		t.Errorf("MarkWithdrawn(no ids) = %d, want 0", n)
	}
	// The withdrawn paper's page and its list history stay.
	if entries, err := s.FindDailyEntriesByPaper(ctx(t), "2501.00001"); err != nil || len(entries) != 2 {
		t.Errorf("FindDailyEntriesByPaper(withdrawn) = %d entries, %v; want 2", len(entries), err)
	}
	got, err := s.FindPapersByIDs(ctx(t), []string{"2501.00001", "2501.00002"})
	if err != nil || len(got) != 2 || !got[0].Withdrawn() || got[1].Withdrawn() {
		t.Errorf("FindPapersByIDs = %v, %v; want 2501.00001 withdrawn and 2501.00002 not", got, err)
	}
}

// testMarkWithdrawnLists: withdrawn papers leave every daily list.
func testMarkWithdrawnLists(t *testing.T, s quire.Store) {
	seedDays(t, s)
	MustMarkWithdrawn(t, s, ts("2025-06-20T09:30:00Z"), "2501.00001")
	if diff := cmp.Diff([]string{"2501.00002:10:2", "2501.00003:3:0"}, dayItems(t, s, "2025-06-16")); diff != "" {
		t.Errorf("day list mismatch (-want +got):\n%s", diff)
	}
	w := quire.WeekPeriod(day("2025-06-16"))
	for _, f := range []quire.DailyFilter{
		{From: w.From, To: w.To},
		{Sort: quire.SortNew},
		{Limit: 1},
		{Limit: 2, Offset: 1},
		{Submitter: "akhaliq"},
	} {
		got, _ := find(t, s, f)
		for _, id := range got {
			if id[:10] == "2501.00001" {
				t.Errorf("FindDailyItems(%+v) lists the withdrawn paper: %v", f, got)
			}
		}
	}
	got, _ := find(t, s, quire.DailyFilter{From: w.From, To: w.To})
	want := []string{"2501.00002@2025-06-16", "2501.00004@2025-06-18", "2501.00003@2025-06-16"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("week list mismatch (-want +got):\n%s", diff)
	}
}

// testMarkWithdrawnKeptByUpsert: a later record of a withdrawn paper,
// which does not say it was withdrawn, updates it and leaves it withdrawn;
// one that does carries its withdrawal in.
func testMarkWithdrawnKeptByUpsert(t *testing.T, s quire.Store) {
	p := paperKaggle()
	MustUpsertPapers(t, s, p)
	at := ts("2007-08-01T00:00:00Z")
	MustMarkWithdrawn(t, s, at, p.ID)
	v3 := paperKaggle()
	v3.Version, v3.Comments = 3, "This paper has been withdrawn by the authors."
	if st := MustUpsertPapers(t, s, v3); st != (quire.UpsertStats{Updated: 1}) {
		t.Errorf("UpsertPapers(v3) = %+v, want one updated", st)
	}
	want := paperKaggle()
	want.Version, want.Comments, want.WithdrawnAt = 3, v3.Comments, at
	mustFindPaper(t, s, want)

	// A record that carries a withdrawal stores it with the paper.
	hf := paperHF()
	hf.WithdrawnAt = ts("2026-09-01T12:00:00Z")
	MustUpsertPapers(t, s, hf)
	mustFindPaper(t, s, hf)
	if st := MustUpsertPapers(t, s, paperHF()); st != (quire.UpsertStats{Unchanged: 1}) {
		t.Errorf("UpsertPapers(without the withdrawal) = %+v, want unchanged", st)
	}
}

// testMarkWithdrawnInvalid: a withdrawal needs a date a paper can keep.
func testMarkWithdrawnInvalid(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, paperHF())
	for _, at := range []time.Time{{}, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)} {
		if n, err := s.MarkWithdrawn(ctx(t), []string{paperHF().ID}, at); !errors.Is(err, quire.ErrInvalid) || n != 0 {
			t.Errorf("MarkWithdrawn(at %v) = %d, %v; want ErrInvalid", at, n, err)
		}
	}
	if got := withdrawnAt(t, s, paperHF().ID); !got.IsZero() {
		t.Errorf("after refused marks: withdrawn at %v", got)
	}
}

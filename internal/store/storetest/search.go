package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire"
)

// MustFindPaperChanges reads one page of the change feed and fails the test
// on error.
func MustFindPaperChanges(t *testing.T, s quire.Store, afterSeq int64, limit int) []*quire.PaperChange {
	t.Helper()
	cs, err := s.FindPaperChanges(ctx(t), afterSeq, limit)
	if err != nil {
		t.Fatalf("FindPaperChanges(%d, %d): %v", afterSeq, limit, err)
	}
	for i, c := range cs {
		if c.Seq <= afterSeq || (i > 0 && c.Seq <= cs[i-1].Seq) {
			t.Fatalf("FindPaperChanges(%d, %d): seq %d at %d is out of order", afterSeq, limit, c.Seq, i)
		}
	}
	if len(cs) > limit {
		t.Fatalf("FindPaperChanges(%d, %d) returned %d changes", afterSeq, limit, len(cs))
	}
	return cs
}

func changeIDs(cs []*quire.PaperChange) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Paper.ID)
	}
	return out
}

func lastSeq(cs []*quire.PaperChange) int64 {
	if len(cs) == 0 {
		return 0
	}
	return cs[len(cs)-1].Seq
}

func testPaperChangesFeed(t *testing.T, s quire.Store) {
	if cs := MustFindPaperChanges(t, s, 0, 10); len(cs) != 0 {
		t.Fatalf("feed of an empty store = %v, want none", changeIDs(cs))
	}
	ps := numbered(5)
	MustUpsertPapers(t, s, ps...)
	all := MustFindPaperChanges(t, s, 0, 100)
	want := []string{"2501.00001", "2501.00002", "2501.00003", "2501.00004", "2501.00005"}
	if diff := cmp.Diff(want, changeIDs(all)); diff != "" {
		t.Fatalf("feed after insert mismatch (-want +got):\n%s", diff)
	}
	for _, c := range all {
		stored, err := s.FindPaperByID(ctx(t), c.Paper.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(stored, &c.Paper); diff != "" {
			t.Errorf("feed paper %s mismatch (-stored +feed):\n%s", c.Paper.ID, diff)
		}
		if c.Upvotes != 0 || c.NumComments != 0 {
			t.Errorf("never-listed paper %s has counts %d, %d", c.Paper.ID, c.Upvotes, c.NumComments)
		}
	}
	last := lastSeq(all)
	if cs := MustFindPaperChanges(t, s, last, 100); len(cs) != 0 {
		t.Errorf("feed after the last seq = %v, want none", changeIDs(cs))
	}

	// A new version of paper 2, a first entry for paper 4, and records that
	// change nothing: only 2 and 4 move, in the order they were written.
	v2 := numbered(5)[1]
	v2.Version, v2.Title = 2, "Paper number 2, revised"
	MustUpsertPapers(t, s, v2, numbered(1)[0])
	MustUpsertEntries(t, s, entry("2025-06-16", "2501.00004", 9, 2, "2025-06-16T08:00:00Z"))
	MustUpsertPapers(t, s, numbered(5)...) // the first records again: older or the same
	cs := MustFindPaperChanges(t, s, last, 100)
	if diff := cmp.Diff([]string{"2501.00002", "2501.00004"}, changeIDs(cs)); diff != "" {
		t.Fatalf("feed after changes mismatch (-want +got):\n%s", diff)
	}
	if cs[0].Paper.Title != v2.Title || cs[0].Paper.Version != 2 {
		t.Errorf("changed paper in feed = %+v, want the new version", cs[0].Paper)
	}
	if cs[1].Upvotes != 9 || cs[1].NumComments != 2 {
		t.Errorf("listed paper in feed has counts %d, %d; want 9, 2", cs[1].Upvotes, cs[1].NumComments)
	}

	// Writing the same entry and paper again changes nothing.
	last = lastSeq(cs)
	MustUpsertEntries(t, s, entry("2025-06-16", "2501.00004", 9, 2, "2025-06-16T08:00:00Z"))
	MustUpsertPapers(t, s, v2)
	if cs := MustFindPaperChanges(t, s, last, 100); len(cs) != 0 {
		t.Errorf("feed after unchanged writes = %v, want none", changeIDs(cs))
	}
	// New counts on a known entry move its paper again.
	MustUpsertEntries(t, s, entry("2025-06-16", "2501.00004", 12, 2, ""))
	cs = MustFindPaperChanges(t, s, last, 100)
	if len(cs) != 1 || cs[0].Paper.ID != "2501.00004" || cs[0].Upvotes != 12 {
		t.Errorf("feed after new counts = %v, want 2501.00004 with 12 upvotes", changeIDs(cs))
	}

	// From the start, every paper appears once, at its latest position.
	got := changeIDs(MustFindPaperChanges(t, s, 0, 100))
	want = []string{"2501.00001", "2501.00003", "2501.00005", "2501.00002", "2501.00004"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("whole feed mismatch (-want +got):\n%s", diff)
	}
}

func testPaperChangesPaging(t *testing.T, s quire.Store) {
	ps := numbered(23)
	MustUpsertPapers(t, s, ps[:10]...)
	MustUpsertPapers(t, s, ps[10:]...)
	for _, i := range []int{3, 17, 0} {
		ps[i].Version, ps[i].Title = 2, fmt.Sprintf("Revised %d", i)
	}
	MustUpsertPapers(t, s, ps[3], ps[17])
	MustUpsertPapers(t, s, ps[0])
	seen := map[string]int{}
	var after int64
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		cs := MustFindPaperChanges(t, s, after, 5)
		if len(cs) == 0 {
			break
		}
		for _, c := range cs {
			seen[c.Paper.ID]++
		}
		after = lastSeq(cs)
	}
	if len(seen) != 23 {
		t.Errorf("paging visited %d papers, want 23", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("paging visited %s %d times", id, n)
		}
	}
	for _, limit := range []int{0, -1} {
		if _, err := s.FindPaperChanges(ctx(t), 0, limit); !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("FindPaperChanges(0, %d) error = %v, want ErrInvalid", limit, err)
		}
	}
	if cs := MustFindPaperChanges(t, s, -5, 1); len(cs) != 1 || cs[0].Paper.ID != "2501.00002" {
		t.Errorf("FindPaperChanges(-5, 1) = %v, want the first paper of the feed", changeIDs(cs))
	}
}

func testPaperChangesStats(t *testing.T, s quire.Store) {
	seedDays(t, s)
	// Two entries with equal votes: the later day's counts are the best.
	MustUpsertPapers(t, s, &quire.Paper{ID: "2501.00007", Title: "Tied"}, &quire.Paper{ID: "2501.00008", Title: "Unlisted"})
	MustUpsertEntries(t, s,
		entry("2025-06-16", "2501.00007", 5, 1, ""),
		entry("2025-06-18", "2501.00007", 5, 4, ""),
	)
	got := map[string][2]int{}
	for _, c := range MustFindPaperChanges(t, s, 0, 100) {
		got[c.Paper.ID] = [2]int{c.Upvotes, c.NumComments}
	}
	want := map[string][2]int{
		"2501.00001": {25, 1}, // listed twice; the best entry counts
		"2501.00002": {10, 2},
		"2501.00003": {3, 0},
		"2501.00004": {7, 0},
		"2501.00005": {1, 0},
		"2501.00006": {0, 0},
		"2501.00007": {5, 4},
		"2501.00008": {0, 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("feed counts mismatch (-want +got):\n%s", diff)
	}
}

// testPaperChangesConcurrent follows the feed while several writers change
// papers and entries at once. A reader that resumes after the last seq it
// saw must end up with every paper at its latest position: a write that
// became visible after a larger seq would be missed.
func testPaperChangesConcurrent(t *testing.T, s quire.Store) {
	const papers, writers, rounds = 40, 4, 12
	ps := numbered(papers)
	MustUpsertPapers(t, s, ps...)
	seen := map[string]*quire.PaperChange{}
	var after int64
	follow := func() error {
		for {
			cs, err := s.FindPaperChanges(ctx(t), after, 7)
			if err != nil || len(cs) == 0 {
				return err
			}
			for _, c := range cs {
				if c.Seq <= after {
					return fmt.Errorf("seq %d after %d", c.Seq, after)
				}
				seen[c.Paper.ID] = c
				after = c.Seq
			}
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, (writers+1)*rounds)
	for w := range writers {
		wg.Go(func() {
			for r := range rounds {
				var err error
				if r%2 == 0 {
					var batch []*quire.Paper
					for i := w; i < papers; i += writers + r%3 {
						p := *ps[i]
						p.Version, p.Title = 2+r, fmt.Sprintf("Paper %d, writer %d round %d", i, w, r)
						batch = append(batch, &p)
					}
					_, err = s.UpsertPapers(ctx(t), batch)
				} else {
					var batch []*quire.DailyEntry
					for i := r % writers; i < papers; i += 3 {
						batch = append(batch, entry("2025-06-16", ps[i].ID, 100*w+r, w, ""))
					}
					_, err = s.UpsertDailyEntries(ctx(t), batch)
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	// Vectors are written meanwhile, in the opposite order of ids: storing
	// them must neither fail nor hold up the writers of the feed.
	wg.Go(func() {
		for r := range rounds {
			var batch []quire.Embedding
			for i := papers - 1; i >= 0; i-- {
				batch = append(batch, quire.Embedding{PaperID: ps[i].ID, Vector: vector(r + i)})
			}
			if err := s.UpsertEmbeddings(ctx(t), "m", batch); err != nil {
				errs <- err
			}
		}
	})
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	// Follow until the writers are done, then once more to the end.
	var followErr error
	for following := true; following && followErr == nil; {
		select {
		case <-done:
			following = false
		default:
		}
		followErr = follow()
	}
	<-done
	if followErr != nil {
		t.Fatalf("following the feed: %v", followErr)
	}
	close(errs)
	for err := range errs {
		t.Errorf("concurrent write: %v", err)
	}
	final := MustFindPaperChanges(t, s, 0, 2*papers)
	if len(final) != papers {
		t.Fatalf("feed from the start has %d papers, want %d", len(final), papers)
	}
	for _, want := range final {
		got := seen[want.Paper.ID]
		if got == nil {
			t.Errorf("follower never saw %s", want.Paper.ID)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("follower's last change of %s mismatch (-latest +seen):\n%s", want.Paper.ID, diff)
		}
	}
}

func testFindPapersByIDs(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, paperKaggle(), paperHF(), paperOldStyle())
	ids := []string{paperHF().ID, "2999.00001", paperKaggle().ID, paperHF().ID, "", paperOldStyle().ID,
		"'; DROP TABLE papers; --", "2608.19880\x00", "\xff", " 2608.19880"}
	got, err := s.FindPapersByIDs(ctx(t), ids)
	if err != nil {
		t.Fatalf("FindPapersByIDs: %v", err)
	}
	want := []*quire.Paper{paperHF(), paperKaggle(), paperOldStyle()}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FindPapersByIDs mismatch (-want +got):\n%s", diff)
	}
	for _, ids := range [][]string{nil, {}, {"2999.00001"}} {
		got, err := s.FindPapersByIDs(ctx(t), ids)
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("FindPapersByIDs(%q) = %v, %v; want empty, nil", ids, got, err)
		}
	}
	// More ids than one statement may bind on some backends.
	ps := numbered(1200)
	MustUpsertPapers(t, s, ps...)
	many := make([]string, 0, len(ps))
	for i := len(ps) - 1; i >= 0; i-- {
		many = append(many, ps[i].ID)
	}
	got, err = s.FindPapersByIDs(ctx(t), many)
	if err != nil {
		t.Fatalf("FindPapersByIDs(%d ids): %v", len(many), err)
	}
	gotIDs := make([]string, len(got))
	for i, p := range got {
		gotIDs[i] = p.ID
	}
	if diff := cmp.Diff(many, gotIDs); diff != "" {
		t.Errorf("FindPapersByIDs(%d ids) order mismatch (-want +got):\n%s", len(many), diff)
	}
}

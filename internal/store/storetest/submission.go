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

func testSubmitPaper(t *testing.T, s quire.Store) {
	seedDays(t, s)
	MustUpsertPapers(t, s, paperHF(), paperKaggle(), paperOldStyle())
	carol := MustCreateAccount(t, s, "carol")
	dave := MustCreateAccount(t, s, "dave")
	rules := quire.SubmissionRules{MaxPerDay: 2}
	at := ts("2025-06-16T15:04:05Z")
	last := lastSeq(MustFindPaperChanges(t, s, 0, 100))

	got, err := s.SubmitPaper(ctx(t), quire.Submission{PaperID: paperHF().ID, Day: day("2025-06-16"), AccountID: carol.ID, At: at}, rules)
	if err != nil {
		t.Fatalf("SubmitPaper: %v", err)
	}
	want := &quire.DailyEntry{Day: day("2025-06-16"), PaperID: paperHF().ID, SubmittedAt: at,
		Submitter: quire.Submitter{Name: "carol"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SubmitPaper mismatch (-want +got):\n%s", diff)
	}
	// The entry is on the day's list, under its submitter, and its paper
	// moved up the change feed.
	items, _, err := s.FindDailyItems(ctx(t), quire.DailyFilter{Submitter: "carol"})
	if err != nil || len(items) != 1 {
		t.Fatalf("FindDailyItems(submitter carol) = %d items, %v; want 1", len(items), err)
	}
	if diff := cmp.Diff(quire.DailyItem{Entry: *want, Paper: *paperHF()}, *items[0]); diff != "" {
		t.Errorf("submitted item mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"2501.00002:10:2", "2501.00001:10:0", "2501.00003:3:0", paperHF().ID + ":0:0"},
		dayItems(t, s, "2025-06-16")); diff != "" {
		t.Errorf("day list mismatch (-want +got):\n%s", diff)
	}
	if cs := MustFindPaperChanges(t, s, last, 100); len(cs) != 1 || cs[0].Paper.ID != paperHF().ID {
		t.Errorf("feed after a submission = %v, want %s", changeIDs(cs), paperHF().ID)
	}

	// The same paper on the same day, by anyone, is a conflict; a paper
	// imported onto that day's list too.
	for _, tc := range []struct {
		acct  *quire.Account
		paper string
	}{{dave, paperHF().ID}, {carol, paperHF().ID}, {dave, "2501.00001"}} {
		_, err := s.SubmitPaper(ctx(t), quire.Submission{PaperID: tc.paper, Day: day("2025-06-16"), AccountID: tc.acct.ID}, rules)
		if !errors.Is(err, quire.ErrConflict) || !strings.Contains(quire.UserMessage(err), "already on the list of 2025-06-16") {
			t.Errorf("SubmitPaper(%s again by %s) error = %v, want ErrConflict saying it is listed", tc.paper, tc.acct.Username, err)
		}
	}
	// Carol's second paper that day is her last.
	if _, err := s.SubmitPaper(ctx(t), quire.Submission{PaperID: paperKaggle().ID, Day: day("2025-06-16"), AccountID: carol.ID}, rules); err != nil {
		t.Fatalf("SubmitPaper(second): %v", err)
	}
	_, err = s.SubmitPaper(ctx(t), quire.Submission{PaperID: paperOldStyle().ID, Day: day("2025-06-16"), AccountID: carol.ID}, rules)
	if !errors.Is(err, quire.ErrRateLimited) || !strings.Contains(quire.UserMessage(err), "2 papers") {
		t.Errorf("SubmitPaper(third) error = %v (message %q), want ErrRateLimited giving the limit", err, quire.UserMessage(err))
	}
	// The next day she may again, and dave may that day.
	if _, err := s.SubmitPaper(ctx(t), quire.Submission{PaperID: paperOldStyle().ID, Day: day("2025-06-17"), AccountID: carol.ID}, rules); err != nil {
		t.Errorf("SubmitPaper(next day): %v", err)
	}
	if _, err := s.SubmitPaper(ctx(t), quire.Submission{PaperID: paperOldStyle().ID, Day: day("2025-06-16"), AccountID: dave.ID}, rules); err != nil {
		t.Errorf("SubmitPaper(dave): %v", err)
	}

	for _, tc := range []struct {
		name  string
		sub   quire.Submission
		rules quire.SubmissionRules
		kind  error
	}{
		{"unknown paper", quire.Submission{PaperID: "2999.99999", Day: day("2025-06-20"), AccountID: dave.ID}, rules, quire.ErrNotFound},
		{"hostile paper id", quire.Submission{PaperID: "x'); DROP TABLE daily_entries; --\x00", Day: day("2025-06-20"), AccountID: dave.ID}, rules, quire.ErrNotFound},
		{"unknown account", quire.Submission{PaperID: paperHF().ID, Day: day("2025-06-20"), AccountID: 987654}, rules, quire.ErrNotFound},
		{"no day", quire.Submission{PaperID: paperHF().ID, AccountID: dave.ID}, rules, quire.ErrInvalid},
		{"no quota", quire.Submission{PaperID: paperHF().ID, Day: day("2025-06-20"), AccountID: dave.ID}, quire.SubmissionRules{}, quire.ErrInvalid},
	} {
		if _, err := s.SubmitPaper(ctx(t), tc.sub, tc.rules); !errors.Is(err, tc.kind) {
			t.Errorf("SubmitPaper(%s) error = %v, want %v", tc.name, err, tc.kind)
		}
	}
}

// Importing the daily archive later keeps a submission's account: counts
// merge as for any entry, and the quota still sees it.
func testSubmitPaperThenImport(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, numbered(3)...)
	carol := MustCreateAccount(t, s, "carol")
	rules := quire.SubmissionRules{MaxPerDay: 1}
	if _, err := s.SubmitPaper(ctx(t), quire.Submission{PaperID: "2501.00001", Day: day("2025-06-16"), AccountID: carol.ID}, rules); err != nil {
		t.Fatal(err)
	}
	MustUpsertEntries(t, s, entry("2025-06-16", "2501.00001", 4, 1, ""))
	if diff := cmp.Diff([]string{"2501.00001:4:1"}, dayItems(t, s, "2025-06-16")); diff != "" {
		t.Errorf("day list after import mismatch (-want +got):\n%s", diff)
	}
	if _, err := s.SubmitPaper(ctx(t), quire.Submission{PaperID: "2501.00002", Day: day("2025-06-16"), AccountID: carol.ID}, rules); !errors.Is(err, quire.ErrRateLimited) {
		t.Errorf("SubmitPaper(over quota after import) error = %v, want ErrRateLimited", err)
	}
}

// One account submitting many papers at once must not pass its quota.
func testSubmitPaperConcurrentQuota(t *testing.T, s quire.Store) {
	const papers, quota = 12, 3
	MustUpsertPapers(t, s, numbered(papers)...)
	carol := MustCreateAccount(t, s, "carol")
	errs := make([]error, papers)
	var wg sync.WaitGroup
	for i := range papers {
		wg.Go(func() {
			_, errs[i] = s.SubmitPaper(ctx(t), quire.Submission{PaperID: fmt.Sprintf("2501.%05d", i+1),
				Day: day("2025-06-16"), AccountID: carol.ID}, quire.SubmissionRules{MaxPerDay: quota})
		})
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, quire.ErrRateLimited):
			t.Errorf("SubmitPaper(%d) error = %v, want ErrRateLimited", i, err)
		}
	}
	if ok != quota {
		t.Errorf("%d concurrent submissions succeeded, want %d", ok, quota)
	}
	if got := dayItems(t, s, "2025-06-16"); len(got) != quota {
		t.Errorf("day list = %v, want %d entries", got, quota)
	}
}

// Many accounts submitting the same paper at once: one entry, the rest
// conflicts.
func testSubmitPaperConcurrentSame(t *testing.T, s quire.Store) {
	const accounts = 8
	MustUpsertPapers(t, s, paperHF())
	ids := make([]int64, accounts)
	for i := range ids {
		ids[i] = MustCreateAccount(t, s, fmt.Sprintf("sub%d", i)).ID
	}
	errs := make([]error, accounts)
	var wg sync.WaitGroup
	for i := range accounts {
		wg.Go(func() {
			_, errs[i] = s.SubmitPaper(ctx(t), quire.Submission{PaperID: paperHF().ID, Day: day("2025-06-16"),
				AccountID: ids[i]}, quire.SubmissionRules{MaxPerDay: 5})
		})
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, quire.ErrConflict):
			t.Errorf("SubmitPaper(account %d) error = %v, want ErrConflict", i, err)
		}
	}
	if ok != 1 {
		t.Errorf("%d concurrent submissions of one paper succeeded, want 1", ok)
	}
}

// A submitted entry shows the community's counts of its paper, not the
// imported counts of the paper's other entries.
func testSubmitPaperCounts(t *testing.T, s quire.Store) {
	seedDays(t, s) // 2501.00001: 10 imported votes on the 16th, 25 on the 18th
	carol := MustCreateAccount(t, s, "carol")
	MustSetVote(t, s, carol.ID, "2501.00001", true)
	MustAddComment(t, s, &quire.Comment{PaperID: "2501.00001", AccountID: carol.ID, Body: "Worth a second look."})
	e, err := s.SubmitPaper(ctx(t), quire.Submission{PaperID: "2501.00001", Day: day("2025-06-20"), AccountID: carol.ID},
		quire.SubmissionRules{MaxPerDay: 1})
	if err != nil {
		t.Fatal(err)
	}
	if e.Upvotes != 1 || e.NumComments != 1 {
		t.Errorf("SubmitPaper = %+v, want 1 upvote and 1 comment", e)
	}
	if diff := cmp.Diff([]string{"2501.00001:1:1"}, dayItems(t, s, "2025-06-20")); diff != "" {
		t.Errorf("day list mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"2501.00001:11:1", "2501.00002:10:2", "2501.00003:3:0"}, dayItems(t, s, "2025-06-16")); diff != "" {
		t.Errorf("earlier day list mismatch (-want +got):\n%s", diff)
	}
}

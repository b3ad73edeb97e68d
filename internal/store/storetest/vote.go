package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire"
)

// MustSetVote votes or withdraws a vote and fails the test on error.
func MustSetVote(t *testing.T, s quire.Store, accountID int64, paperID string, on bool) (int, bool) {
	t.Helper()
	n, changed, err := s.SetVote(ctx(t), accountID, paperID, on)
	if err != nil {
		t.Fatalf("SetVote(%d, %s, %v): %v", accountID, paperID, on, err)
	}
	return n, changed
}

// dayItems returns the day's list as "id:upvotes:comments" strings.
func dayItems(t *testing.T, s quire.Store, d string) []string {
	t.Helper()
	p := quire.DayPeriod(day(d))
	items, _, err := s.FindDailyItems(ctx(t), quire.DailyFilter{From: p.From, To: p.To})
	if err != nil {
		t.Fatalf("FindDailyItems(%s): %v", d, err)
	}
	out := []string{}
	for _, it := range items {
		out = append(out, fmt.Sprintf("%s:%d:%d", it.Entry.PaperID, it.Entry.Upvotes, it.Entry.NumComments))
	}
	return out
}

func testVotes(t *testing.T, s quire.Store) {
	seedDays(t, s) // 2501.00002 has 10 imported upvotes on 2025-06-16
	alice := MustCreateAccount(t, s, "alice")
	bob := MustCreateAccount(t, s, "bob")
	for _, step := range []struct {
		acct    *quire.Account
		on      bool
		count   int
		changed bool
	}{
		{alice, true, 11, true},
		{alice, true, 11, false}, // voting twice counts once
		{bob, true, 12, true},
		{alice, false, 11, true},
		{alice, false, 11, false}, // withdrawing a vote never given
	} {
		n, changed := MustSetVote(t, s, step.acct.ID, "2501.00002", step.on)
		if n != step.count || changed != step.changed {
			t.Errorf("SetVote(%s, on=%v) = %d, %v; want %d, %v", step.acct.Username, step.on, n, changed, step.count, step.changed)
		}
	}
	// A paper never listed counts only community votes.
	MustUpsertPapers(t, s, paperHF())
	if n, _ := MustSetVote(t, s, alice.ID, paperHF().ID, true); n != 1 {
		t.Errorf("SetVote(unlisted paper) = %d, want 1", n)
	}
	counts, err := s.VoteCounts(ctx(t), []string{"2501.00002", "2501.00003", paperHF().ID, "2999.99999", "bad\x00id"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"2501.00002": 11, "2501.00003": 3, paperHF().ID: 1}, counts); diff != "" {
		t.Errorf("VoteCounts mismatch (-want +got):\n%s", diff)
	}
	voted, err := s.HasVoted(ctx(t), alice.ID, []string{"2501.00002", paperHF().ID, "2999.99999"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]bool{paperHF().ID: true}, voted); diff != "" {
		t.Errorf("HasVoted(alice) mismatch (-want +got):\n%s", diff)
	}
	if voted, err := s.HasVoted(ctx(t), bob.ID, nil); err != nil || len(voted) != 0 {
		t.Errorf("HasVoted(no papers) = %v, %v; want empty", voted, err)
	}
	// Lists and the paper's entries show the displayed count.
	want := []string{"2501.00002:11:2", "2501.00001:10:0", "2501.00003:3:0"}
	if diff := cmp.Diff(want, dayItems(t, s, "2025-06-16")); diff != "" {
		t.Errorf("day list after votes mismatch (-want +got):\n%s", diff)
	}
	entries, err := s.FindDailyEntriesByPaper(ctx(t), "2501.00002")
	if err != nil || len(entries) != 1 || entries[0].Upvotes != 11 {
		t.Errorf("FindDailyEntriesByPaper after votes = %v, %v; want one entry with 11 upvotes", entries, err)
	}

	for _, tc := range []struct {
		name    string
		account int64
		paper   string
		kind    error
	}{
		{"unknown paper", alice.ID, "2999.99999", quire.ErrNotFound},
		{"hostile paper id", alice.ID, "2501.00002\x00", quire.ErrNotFound},
		{"unknown account", 987654, "2501.00002", quire.ErrNotFound},
	} {
		if _, _, err := s.SetVote(ctx(t), tc.account, tc.paper, true); !errors.Is(err, tc.kind) {
			t.Errorf("SetVote(%s) error = %v, want %v", tc.name, err, tc.kind)
		}
	}
}

// Community votes reorder lists: 2501.00003 (3 imported) overtakes
// 2501.00001 (10 imported) with eight votes.
func testVotesReorderLists(t *testing.T, s quire.Store) {
	seedDays(t, s)
	for i := range 8 {
		a := MustCreateAccount(t, s, fmt.Sprintf("voter%d", i))
		MustSetVote(t, s, a.ID, "2501.00003", true)
	}
	want := []string{"2501.00003:11:0", "2501.00002:10:2", "2501.00001:10:0"}
	if diff := cmp.Diff(want, dayItems(t, s, "2025-06-16")); diff != "" {
		t.Errorf("day list mismatch (-want +got):\n%s", diff)
	}
	// Over the week each paper shows its best entry plus the community's.
	w := quire.WeekPeriod(day("2025-06-16"))
	got, _ := find(t, s, quire.DailyFilter{From: w.From, To: w.To})
	wantWeek := []string{"2501.00001@2025-06-18", "2501.00003@2025-06-16", "2501.00002@2025-06-16", "2501.00004@2025-06-18"}
	if diff := cmp.Diff(wantWeek, got); diff != "" {
		t.Errorf("week list mismatch (-want +got):\n%s", diff)
	}
}

// A vote moves its paper up the change feed, with the displayed count.
func testVotesFeed(t *testing.T, s quire.Store) {
	seedDays(t, s)
	alice := MustCreateAccount(t, s, "alice")
	last := lastSeq(MustFindPaperChanges(t, s, 0, 100))
	MustSetVote(t, s, alice.ID, "2501.00001", true) // 25 imported on its best entry
	cs := MustFindPaperChanges(t, s, last, 100)
	if len(cs) != 1 || cs[0].Paper.ID != "2501.00001" || cs[0].Upvotes != 26 || cs[0].NumComments != 1 {
		t.Fatalf("feed after a vote = %+v, want 2501.00001 with 26 upvotes and 1 comment", cs)
	}
	// A vote that changes nothing does not move it.
	MustSetVote(t, s, alice.ID, "2501.00001", true)
	if cs := MustFindPaperChanges(t, s, cs[0].Seq, 100); len(cs) != 0 {
		t.Errorf("feed after an unchanged vote = %v, want none", changeIDs(cs))
	}
}

// testVotesConcurrent has many accounts vote and withdraw at once, each
// following its own sequence. Every SetVote must report whether it changed
// the account's vote, and the final count must be exact: the imported votes
// plus the accounts whose last action was a vote.
func testVotesConcurrent(t *testing.T, s quire.Store) {
	const accounts = 50
	seedDays(t, s) // 2501.00004: 7 imported upvotes
	const paper, imported = "2501.00004", 7
	ids := make([]int64, accounts)
	for i := range ids {
		ids[i] = MustCreateAccount(t, s, fmt.Sprintf("voter%02d", i)).ID
	}
	// Account i takes 1 to 5 steps; step j votes unless (i+j)%3 == 0.
	plan := func(i int) []bool {
		steps := make([]bool, 1+i%5)
		for j := range steps {
			steps[j] = (i+j)%3 != 0
		}
		return steps
	}
	errs := make(chan error, accounts)
	var wg sync.WaitGroup
	for i := range accounts {
		wg.Go(func() {
			state := false
			for j, on := range plan(i) {
				n, changed, err := s.SetVote(ctx(t), ids[i], paper, on)
				if err != nil {
					errs <- fmt.Errorf("account %d step %d: %w", i, j, err)
					return
				}
				if changed != (on != state) {
					errs <- fmt.Errorf("account %d step %d: SetVote(on=%v) changed = %v after %v", i, j, on, changed, state)
				}
				if n < imported || n > imported+accounts {
					errs <- fmt.Errorf("account %d step %d: count %d out of range", i, j, n)
				}
				state = on
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	want := imported
	var wantVoters []int64
	for i := range accounts {
		if p := plan(i); p[len(p)-1] {
			want++
			wantVoters = append(wantVoters, ids[i])
		}
	}
	counts, err := s.VoteCounts(ctx(t), []string{paper})
	if err != nil || counts[paper] != want {
		t.Errorf("VoteCounts after concurrent votes = %v, %v; want %d", counts, err, want)
	}
	var voters []int64
	for _, id := range ids {
		v, err := s.HasVoted(ctx(t), id, []string{paper})
		if err != nil {
			t.Fatal(err)
		}
		if v[paper] {
			voters = append(voters, id)
		}
	}
	if diff := cmp.Diff(wantVoters, voters); diff != "" {
		t.Errorf("voters mismatch (-want +got):\n%s", diff)
	}
	// The list and the feed agree with the count.
	for _, it := range dayItems(t, s, "2025-06-18") {
		if it[:len(paper)] == paper && it != fmt.Sprintf("%s:%d:0", paper, want) {
			t.Errorf("day list shows %s, want %d upvotes", it, want)
		}
	}
	for _, c := range MustFindPaperChanges(t, s, 0, 100) {
		if c.Paper.ID == paper && c.Upvotes != want {
			t.Errorf("feed shows %d upvotes, want %d", c.Upvotes, want)
		}
	}
}

package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire"
)

// readingListTests are the reading-list tests, registered in Run.
var readingListTests = []struct {
	name string
	fn   func(*testing.T, quire.Store)
}{
	{"ReadingListLifecycle", testReadingListLifecycle},
	{"ReadingListOwnerOnly", testReadingListOwnerOnly},
	{"ReadingListSaved", testReadingListSaved},
	{"ReadingListInvalid", testReadingListInvalid},
	{"ReadingListConcurrentSave", testReadingListConcurrentSave},
	{"ReadingListDOI", testReadingListDOI},
	{"ReadingListCap", testReadingListCap},
}

// runReadingLists runs the reading-list tests, each on a fresh store.
func runReadingLists(t *testing.T, newStore NewStore) {
	for _, tc := range readingListTests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

// MustCreateList creates a list and fails the test on error.
func MustCreateList(t *testing.T, s quire.Store, accountID int64, name string, public bool) *quire.ReadingList {
	t.Helper()
	l, err := s.CreateList(ctx(t), &quire.ReadingList{AccountID: accountID, Name: name, Public: public})
	if err != nil {
		t.Fatalf("CreateList(%q): %v", name, err)
	}
	return l
}

// MustSavePapers saves papers to a list and fails the test on error.
func MustSavePapers(t *testing.T, s quire.Store, l *quire.ReadingList, ids ...string) int {
	t.Helper()
	n, err := s.SavePapers(ctx(t), l.ID, l.AccountID, ids, ts("2025-07-01T10:00:00Z"))
	if err != nil {
		t.Fatalf("SavePapers(%d, %v): %v", l.ID, ids, err)
	}
	return n
}

// savedSummary is what the tests compare of a saved paper.
type savedSummary struct {
	ID, Title, Note string
	Read            bool
}

func mustSaved(t *testing.T, s quire.Store, listID int64) []savedSummary {
	t.Helper()
	saved, err := s.FindSavedPapers(ctx(t), listID)
	if err != nil {
		t.Fatalf("FindSavedPapers(%d): %v", listID, err)
	}
	out := []savedSummary{}
	for _, sp := range saved {
		if sp.Paper == nil || sp.Paper.ID != sp.PaperID {
			t.Fatalf("saved paper %s came without its record", sp.PaperID)
		}
		out = append(out, savedSummary{sp.PaperID, sp.Paper.Title, sp.Note, sp.Read()})
	}
	return out
}

func testReadingListLifecycle(t *testing.T, s quire.Store) {
	alice := MustCreateAccount(t, s, "alice")
	l, err := s.CreateList(ctx(t), &quire.ReadingList{AccountID: alice.ID, Name: "  To   read\n", Description: " Later. \r\n"})
	if err != nil {
		t.Fatal(err)
	}
	if l.ID == 0 || l.Owner != "alice" || l.Name != "To read" || l.Description != "Later." || l.Public ||
		l.Count != 0 || l.CreatedAt.IsZero() || !l.UpdatedAt.Equal(l.CreatedAt) {
		t.Errorf("CreateList = %+v, want a private, empty list named %q owned by alice", l, "To read")
	}
	got, err := s.FindList(ctx(t), l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(l, got); diff != "" {
		t.Errorf("FindList mismatch (-want +got):\n%s", diff)
	}
	// Names are unique per account whatever their case, and free across
	// accounts.
	if _, err := s.CreateList(ctx(t), &quire.ReadingList{AccountID: alice.ID, Name: "TO READ"}); !errors.Is(err, quire.ErrConflict) {
		t.Errorf("CreateList(same name, other case) error = %v, want ErrConflict", err)
	}
	bob := MustCreateAccount(t, s, "bob")
	MustCreateList(t, s, bob.ID, "To read", true)
	MustCreateList(t, s, alice.ID, "Agents", true)

	l.Name, l.Description, l.Public = "Reading group", "", true
	up, err := s.UpdateList(ctx(t), l)
	if err != nil {
		t.Fatal(err)
	}
	if up.Name != "Reading group" || !up.Public || up.Description != "" || up.UpdatedAt.Before(l.CreatedAt) {
		t.Errorf("UpdateList = %+v", up)
	}
	if _, err := s.UpdateList(ctx(t), &quire.ReadingList{ID: l.ID, AccountID: alice.ID, Name: "agents"}); !errors.Is(err, quire.ErrConflict) {
		t.Errorf("UpdateList(to another list's name) error = %v, want ErrConflict", err)
	}
	names := func(public bool) []string {
		t.Helper()
		ls, err := s.FindListsByAccount(ctx(t), alice.ID, public)
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, l := range ls {
			out = append(out, l.Name)
		}
		return out
	}
	if diff := cmp.Diff([]string{"Agents", "Reading group"}, names(false)); diff != "" {
		t.Errorf("FindListsByAccount mismatch (-want +got):\n%s", diff)
	}
	l.Public = false
	if _, err := s.UpdateList(ctx(t), l); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Agents"}, names(true)); diff != "" {
		t.Errorf("FindListsByAccount(public only) mismatch (-want +got):\n%s", diff)
	}

	MustUpsertPapers(t, s, numbered(2)...)
	MustSavePapers(t, s, l, "2501.00001")
	if err := s.DeleteList(ctx(t), l.ID, alice.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindList(ctx(t), l.ID); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("FindList(deleted) error = %v, want ErrNotFound", err)
	}
	if in, err := s.FindListsWithPaper(ctx(t), alice.ID, "2501.00001"); err != nil || len(in) != 0 {
		t.Errorf("FindListsWithPaper after delete = %v, %v; want empty", in, err)
	}
	// The name is free again.
	MustCreateList(t, s, alice.ID, "Reading group", false)
}

func testReadingListOwnerOnly(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, numbered(2)...)
	alice := MustCreateAccount(t, s, "alice")
	mallory := MustCreateAccount(t, s, "mallory")
	l := MustCreateList(t, s, alice.ID, "Mine", false)
	MustSavePapers(t, s, l, "2501.00001")
	for name, err := range map[string]error{
		"UpdateList": func() error {
			_, err := s.UpdateList(ctx(t), &quire.ReadingList{ID: l.ID, AccountID: mallory.ID, Name: "Hers"})
			return err
		}(),
		"DeleteList": s.DeleteList(ctx(t), l.ID, mallory.ID),
		"SavePapers": func() error {
			_, err := s.SavePapers(ctx(t), l.ID, mallory.ID, []string{"2501.00002"}, ts("2025-07-01T10:00:00Z"))
			return err
		}(),
		"RemovePaper":  s.RemovePaper(ctx(t), l.ID, mallory.ID, "2501.00001"),
		"SetSavedNote": s.SetSavedNote(ctx(t), l.ID, mallory.ID, "2501.00001", "mine now"),
		"SetSavedRead": s.SetSavedRead(ctx(t), l.ID, mallory.ID, "2501.00001", true, ts("2025-07-01T10:00:00Z")),
		"no such list": s.SetSavedNote(ctx(t), l.ID+1000, alice.ID, "2501.00001", "x"),
	} {
		if !errors.Is(err, quire.ErrNotFound) {
			t.Errorf("%s by another account: error = %v, want ErrNotFound", name, err)
		}
	}
	if diff := cmp.Diff([]savedSummary{{"2501.00001", "Paper number 1", "", false}}, mustSaved(t, s, l.ID)); diff != "" {
		t.Errorf("list after refused writes mismatch (-want +got):\n%s", diff)
	}
	// A disabled owner can no longer write.
	if err := s.SetAccountDisabled(ctx(t), alice.ID, true, quire.Moderation{}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSavedNote(ctx(t), l.ID, alice.ID, "2501.00001", "x"); !errors.Is(err, quire.ErrUnauthorized) {
		t.Errorf("SetSavedNote by a disabled account: error = %v, want ErrUnauthorized", err)
	}
	if _, err := s.CreateList(ctx(t), &quire.ReadingList{AccountID: alice.ID, Name: "New"}); !errors.Is(err, quire.ErrUnauthorized) {
		t.Errorf("CreateList by a disabled account: error = %v, want ErrUnauthorized", err)
	}
	if _, err := s.CreateList(ctx(t), &quire.ReadingList{AccountID: 9999, Name: "New"}); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("CreateList by an unknown account: error = %v, want ErrNotFound", err)
	}
}

func testReadingListSaved(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, numbered(3)...)
	MustUpsertPapers(t, s, paperOldStyle())
	alice := MustCreateAccount(t, s, "alice")
	l := MustCreateList(t, s, alice.ID, "Queue", false)
	other := MustCreateList(t, s, alice.ID, "Other", false)
	if n := MustSavePapers(t, s, l, "2501.00002", "2501.00001", "2501.00002"); n != 2 {
		t.Errorf("SavePapers(two papers, one twice) = %d, want 2", n)
	}
	// Saved later: first in the list.
	if _, err := s.SavePapers(ctx(t), l.ID, alice.ID, []string{paperOldStyle().ID}, ts("2025-07-02T10:00:00Z")); err != nil {
		t.Fatal(err)
	}
	if n := MustSavePapers(t, s, l, "2501.00001"); n != 0 {
		t.Errorf("SavePapers(saved again) = %d, want 0", n)
	}
	MustSavePapers(t, s, other, "2501.00001")
	// An unknown paper refuses the whole batch.
	if _, err := s.SavePapers(ctx(t), l.ID, alice.ID, []string{"2501.00003", "2999.99999"}, ts("2025-07-01T10:00:00Z")); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("SavePapers(unknown paper) error = %v, want ErrNotFound", err)
	}
	note := "  Read §3 first;\r\nthen <b>the</b> appendix.\x07 \n"
	if err := s.SetSavedNote(ctx(t), l.ID, alice.ID, "2501.00001", note); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSavedRead(ctx(t), l.ID, alice.ID, "2501.00002", true, ts("2025-07-03T10:00:00Z")); err != nil {
		t.Fatal(err)
	}
	want := []savedSummary{
		{"hep-th/9901001", "A paper with an old-style identifier", "", false},
		{"2501.00001", "Paper number 1", "Read §3 first;\nthen <b>the</b> appendix.", false},
		{"2501.00002", "Paper number 2", "", true},
	}
	if diff := cmp.Diff(want, mustSaved(t, s, l.ID)); diff != "" {
		t.Errorf("FindSavedPapers mismatch (-want +got):\n%s", diff)
	}
	saved, err := s.FindSavedPapers(ctx(t), l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !saved[2].ReadAt.Equal(ts("2025-07-03T10:00:00Z")) || !saved[1].SavedAt.Equal(ts("2025-07-01T10:00:00Z")) {
		t.Errorf("dates = saved %v, read %v; want 2025-07-01T10:00:00Z and 2025-07-03T10:00:00Z", saved[1].SavedAt, saved[2].ReadAt)
	}
	// Marking read again keeps the first date; unread clears it.
	if err := s.SetSavedRead(ctx(t), l.ID, alice.ID, "2501.00002", true, ts("2025-07-09T10:00:00Z")); err != nil {
		t.Fatal(err)
	}
	if saved, _ := s.FindSavedPapers(ctx(t), l.ID); !saved[2].ReadAt.Equal(ts("2025-07-03T10:00:00Z")) {
		t.Errorf("read again: ReadAt = %v, want the first date", saved[2].ReadAt)
	}
	if err := s.SetSavedRead(ctx(t), l.ID, alice.ID, "2501.00002", false, ts("2025-07-09T10:00:00Z")); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSavedRead(ctx(t), l.ID, alice.ID, "2501.00003", true, ts("2025-07-09T10:00:00Z")); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("SetSavedRead(paper not on the list) error = %v, want ErrNotFound", err)
	}
	in, err := s.FindListsWithPaper(ctx(t), alice.ID, "2501.00001")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[int64]bool{l.ID: true, other.ID: true}, in); diff != "" {
		t.Errorf("FindListsWithPaper mismatch (-want +got):\n%s", diff)
	}
	if err := s.RemovePaper(ctx(t), l.ID, alice.ID, "2501.00001"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemovePaper(ctx(t), l.ID, alice.ID, "2501.00001"); err != nil {
		t.Errorf("RemovePaper(again) = %v, want nil", err)
	}
	got, err := s.FindList(ctx(t), l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Count != 2 {
		t.Errorf("Count after removing one of three = %d, want 2", got.Count)
	}
	if got.UpdatedAt.Before(got.CreatedAt) {
		t.Errorf("UpdatedAt %v before CreatedAt %v", got.UpdatedAt, got.CreatedAt)
	}
}

func testReadingListInvalid(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, numbered(1)...)
	alice := MustCreateAccount(t, s, "alice")
	l := MustCreateList(t, s, alice.ID, "Queue", false)
	MustSavePapers(t, s, l, "2501.00001")
	long := make([]byte, quire.MaxListNoteLen+1)
	for i := range long {
		long[i] = 'a'
	}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"empty name", func() error {
			_, err := s.CreateList(ctx(t), &quire.ReadingList{AccountID: alice.ID, Name: " \n "})
			return err
		}()},
		{"NUL in name", func() error {
			_, err := s.CreateList(ctx(t), &quire.ReadingList{AccountID: alice.ID, Name: "a\x00b"})
			return err
		}()},
		{"long name", func() error {
			_, err := s.CreateList(ctx(t), &quire.ReadingList{AccountID: alice.ID, Name: string(long[:quire.MaxListNameLen+1])})
			return err
		}()},
		{"no owner", func() error { _, err := s.CreateList(ctx(t), &quire.ReadingList{Name: "x"}); return err }()},
		{"long note", s.SetSavedNote(ctx(t), l.ID, alice.ID, "2501.00001", string(long))},
		{"invalid UTF-8 note", s.SetSavedNote(ctx(t), l.ID, alice.ID, "2501.00001", "a\xffb")},
		{"year 10000", func() error {
			_, err := s.SavePapers(ctx(t), l.ID, alice.ID, []string{"2501.00001"}, ts("9999-12-31T23:00:00Z").AddDate(1, 0, 0))
			return err
		}()},
	} {
		if !errors.Is(tc.err, quire.ErrInvalid) {
			t.Errorf("%s: error = %v, want ErrInvalid", tc.name, tc.err)
		}
	}
	if _, err := s.SavePapers(ctx(t), l.ID, alice.ID, []string{"bad\x00id"}, ts("2025-07-01T10:00:00Z")); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("SavePapers(NUL id) error = %v, want ErrNotFound", err)
	}
	if err := s.SetSavedNote(ctx(t), l.ID, alice.ID, "bad\x00id", "x"); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("SetSavedNote(NUL id) error = %v, want ErrNotFound", err)
	}
	if in, err := s.FindListsWithPaper(ctx(t), alice.ID, "bad\x00id"); err != nil || len(in) != 0 {
		t.Errorf("FindListsWithPaper(NUL id) = %v, %v; want empty", in, err)
	}
	// The note survived the refusals.
	if got := mustSaved(t, s, l.ID); len(got) != 1 || got[0].Note != "" {
		t.Errorf("saved after refusals = %+v", got)
	}
}

// testReadingListConcurrentSave saves the same papers from many goroutines:
// each is added once, and the counts of new papers add up.
func testReadingListConcurrentSave(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, numbered(6)...)
	alice := MustCreateAccount(t, s, "alice")
	l := MustCreateList(t, s, alice.ID, "Queue", false)
	ids := []string{"2501.00001", "2501.00002", "2501.00003", "2501.00004", "2501.00005", "2501.00006"}
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			batch := []string{ids[i%6], ids[(i+1)%6], ids[(i+3)%6]}
			n, err := s.SavePapers(ctx(t), l.ID, alice.ID, batch, ts("2025-07-01T10:00:00Z"))
			if err != nil {
				t.Errorf("SavePapers(%v): %v", batch, err)
				return
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	if total != 6 || len(mustSaved(t, s, l.ID)) != 6 {
		t.Errorf("concurrent saves added %d papers, list holds %d; want 6 and 6", total, len(mustSaved(t, s, l.ID)))
	}
}

func testReadingListDOI(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, paperKaggle(), paperHF()) // paperHF has no DOI
	got, err := s.FindPaperIDsByDOI(ctx(t), []string{"10.1103/physrevd.76.013009", "10.1103/PhysRevD.76.013009",
		"10.9999/unknown", "", "bad\x00doi", "10.1103/PHYSREVD.76.013009 "})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"10.1103/physrevd.76.013009": "0704.0001", "10.1103/PhysRevD.76.013009": "0704.0001"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FindPaperIDsByDOI mismatch (-want +got):\n%s", diff)
	}
	if got, err := s.FindPaperIDsByDOI(ctx(t), nil); err != nil || len(got) != 0 {
		t.Errorf("FindPaperIDsByDOI(nil) = %v, %v; want empty", got, err)
	}
}

// testReadingListCap refuses a list past MaxListsPerAccount as a conflict
// (a limit that waiting does not lift), and a name freed by deleting a list
// may be used again.
func testReadingListCap(t *testing.T, s quire.Store) {
	alice := MustCreateAccount(t, s, "alice")
	var last *quire.ReadingList
	for i := range quire.MaxListsPerAccount {
		last = MustCreateList(t, s, alice.ID, fmt.Sprintf("List %d", i), false)
	}
	_, err := s.CreateList(ctx(t), &quire.ReadingList{AccountID: alice.ID, Name: "One too many"})
	if !errors.Is(err, quire.ErrConflict) {
		t.Fatalf("list %d: err = %v, want ErrConflict", quire.MaxListsPerAccount+1, err)
	}
	if err := s.DeleteList(ctx(t), last.ID, alice.ID); err != nil {
		t.Fatal(err)
	}
	MustCreateList(t, s, alice.ID, "One too many", false)
}

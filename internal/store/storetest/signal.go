package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
)

// signalTests are the tests of the personal feed's signals, registered in
// Run.
var signalTests = []struct {
	name string
	fn   func(*testing.T, quire.Store)
}{
	{"SignalsFind", testSignalsFind},
	{"SignalsRefused", testSignalsRefused},
	{"Interests", testInterests},
	{"EmbeddingsByPapers", testEmbeddingsByPapers},
}

// runSignals runs the signal tests, each on a fresh store.
func runSignals(t *testing.T, newStore NewStore) {
	for _, tc := range signalTests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

// MustFindSignals returns an account's signals and fails the test on error.
func MustFindSignals(t *testing.T, s quire.Store, accountID int64, limit int) []quire.Signal {
	t.Helper()
	sig, err := s.FindSignals(ctx(t), accountID, limit)
	if err != nil {
		t.Fatalf("FindSignals(%d, %d): %v", accountID, limit, err)
	}
	return sig
}

func testSignalsFind(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, numbered(5)...)
	alice := MustCreateAccount(t, s, "alice")
	bob := MustCreateAccount(t, s, "bob")
	c := ctx(t)
	if _, _, err := s.SetVote(c, alice.ID, "2501.00001", true); err != nil {
		t.Fatal(err)
	}
	// A paper on two of alice's lists is one signal, dated by its first save.
	MustSavePapers(t, s, MustCreateList(t, s, alice.ID, "A", false), "2501.00002")
	other := MustCreateList(t, s, alice.ID, "B", true)
	if _, err := s.SavePapers(c, other.ID, alice.ID, []string{"2501.00002"}, ts("2025-07-05T00:00:00Z")); err != nil {
		t.Fatal(err)
	}
	// A second view moves the mark forward; an older one leaves it.
	for _, at := range []string{"2025-07-02T00:00:00Z", "2025-07-03T00:00:00Z", "2025-07-01T00:00:00Z"} {
		if err := s.RecordOpened(c, alice.ID, "2501.00003", ts(at)); err != nil {
			t.Fatalf("RecordOpened(%s): %v", at, err)
		}
	}
	// Marking twice keeps the first time.
	for _, at := range []string{"2025-07-04T00:00:00Z", "2025-07-06T00:00:00Z"} {
		if err := s.SetNotInterested(c, alice.ID, "2501.00004", true, ts(at)); err != nil {
			t.Fatalf("SetNotInterested(%s): %v", at, err)
		}
	}
	if err := s.RecordOpened(c, bob.ID, "2501.00005", ts("2025-07-01T00:00:00Z")); err != nil {
		t.Fatal(err)
	}

	got := MustFindSignals(t, s, alice.ID, 0)
	if len(got) != 4 || got[0].Kind != quire.SignalUpvote || got[0].PaperID != "2501.00001" ||
		time.Since(got[0].At) > time.Hour || got[0].At.Location() != time.UTC {
		t.Fatalf("FindSignals = %+v, want the upvote first, dated now", got)
	}
	want := []quire.Signal{
		{PaperID: "2501.00004", Kind: quire.SignalNotInterested, At: ts("2025-07-04T00:00:00Z")},
		{PaperID: "2501.00003", Kind: quire.SignalOpened, At: ts("2025-07-03T00:00:00Z")},
		{PaperID: "2501.00002", Kind: quire.SignalSaved, At: ts("2025-07-01T10:00:00Z")},
	}
	if diff := cmp.Diff(want, got[1:]); diff != "" {
		t.Errorf("FindSignals(alice) mismatch (-want +got):\n%s", diff)
	}
	if got := MustFindSignals(t, s, alice.ID, 2); len(got) != 2 || got[1].PaperID != "2501.00004" {
		t.Errorf("FindSignals(limit 2) = %+v, want the two newest", got)
	}
	wantBob := []quire.Signal{{PaperID: "2501.00005", Kind: quire.SignalOpened, At: ts("2025-07-01T00:00:00Z")}}
	if diff := cmp.Diff(wantBob, MustFindSignals(t, s, bob.ID, 0)); diff != "" {
		t.Errorf("FindSignals(bob) mismatch (-want +got):\n%s", diff)
	}

	// Unmarking removes the signal; a hidden paper leaves the signals.
	if err := s.SetNotInterested(c, alice.ID, "2501.00004", false, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPaperHidden(c, "2501.00003", true, quire.Moderation{Reason: "spam"}); err != nil {
		t.Fatal(err)
	}
	got = MustFindSignals(t, s, alice.ID, 0)
	var ids []string
	for _, sg := range got {
		ids = append(ids, sg.PaperID)
	}
	if diff := cmp.Diff([]string{"2501.00001", "2501.00002"}, ids); diff != "" {
		t.Errorf("FindSignals after unmarking and hiding mismatch (-want +got):\n%s", diff)
	}
	if got := MustFindSignals(t, s, 999, 0); got == nil || len(got) != 0 {
		t.Errorf("FindSignals(unknown account) = %#v, want an empty slice", got)
	}
}

func testSignalsRefused(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, numbered(1)...)
	alice := MustCreateAccount(t, s, "alice")
	carol := MustCreateAccount(t, s, "carol")
	c := ctx(t)
	if err := s.SetAccountDisabled(c, carol.ID, true, quire.Moderation{Reason: "spam"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		account int64
		paper   string
		want    error
	}{
		{"unknown paper", alice.ID, "2501.99999", quire.ErrNotFound},
		{"malformed paper", alice.ID, "", quire.ErrNotFound},
		{"unknown account", 999, "2501.00001", quire.ErrNotFound},
		{"disabled account", carol.ID, "2501.00001", quire.ErrUnauthorized},
	} {
		if err := s.RecordOpened(c, tc.account, tc.paper, time.Time{}); !errors.Is(err, tc.want) {
			t.Errorf("%s: RecordOpened error = %v, want %v", tc.name, err, tc.want)
		}
		if err := s.SetNotInterested(c, tc.account, tc.paper, true, time.Time{}); !errors.Is(err, tc.want) {
			t.Errorf("%s: SetNotInterested error = %v, want %v", tc.name, err, tc.want)
		}
	}
	if err := s.RecordOpened(c, alice.ID, "2501.00001", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)); !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("RecordOpened(year 10000) error = %v, want ErrInvalid", err)
	}
	if got := MustFindSignals(t, s, alice.ID, 0); len(got) != 0 {
		t.Errorf("FindSignals after refused writes = %+v, want none", got)
	}
}

func testInterests(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, numbered(3)...)
	alice := MustCreateAccount(t, s, "alice")
	bob := MustCreateAccount(t, s, "bob")
	c := ctx(t)
	none, err := s.FindInterests(c, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !none.Empty() || !none.UpdatedAt.IsZero() {
		t.Errorf("FindInterests before any choice = %+v, want empty", none)
	}
	in := &quire.Interests{
		Categories: []string{"cs.CL", " cs.CL", "", "hep-th"},
		Authors:    []string{"Ada  Lovelace\n", "Ada Lovelace", "Alan Turing"},
		Papers:     []string{"2501.00002", "2501.00001"},
		UpdatedAt:  ts("2025-07-01T12:00:00Z"),
	}
	if err := s.SetInterests(c, alice.ID, in); err != nil {
		t.Fatal(err)
	}
	want := &quire.Interests{Categories: []string{"cs.CL", "hep-th"}, Authors: []string{"Ada Lovelace", "Alan Turing"},
		Papers: []string{"2501.00002", "2501.00001"}, UpdatedAt: ts("2025-07-01T12:00:00Z")}
	mustInterests := func(accountID int64, want *quire.Interests) {
		t.Helper()
		got, err := s.FindInterests(c, accountID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("FindInterests(%d) mismatch (-want +got):\n%s", accountID, diff)
		}
	}
	mustInterests(alice.ID, want)

	// Refused replacements leave the choices as they were.
	for _, tc := range []struct {
		name string
		in   quire.Interests
		want error
	}{
		{"bad category", quire.Interests{Categories: []string{"Computer Science"}}, quire.ErrInvalid},
		{"long author", quire.Interests{Authors: []string{string(make([]byte, 300))}}, quire.ErrInvalid},
		{"unknown seed", quire.Interests{Papers: []string{"2501.00003", "2501.99999"}}, quire.ErrNotFound},
		{"not text", quire.Interests{Authors: []string{"a\x00b"}}, quire.ErrInvalid},
	} {
		if err := s.SetInterests(c, alice.ID, &tc.in); !errors.Is(err, tc.want) {
			t.Errorf("%s: SetInterests error = %v, want %v", tc.name, err, tc.want)
		}
	}
	many := &quire.Interests{}
	for i := range quire.MaxInterests + 1 {
		many.Authors = append(many.Authors, "Author "+string(rune('A'+i%26))+string(rune('a'+i/26)))
	}
	if err := s.SetInterests(c, alice.ID, many); !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("SetInterests(%d authors) error = %v, want ErrInvalid", len(many.Authors), err)
	}
	if err := s.SetInterests(c, 999, &quire.Interests{}); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("SetInterests(unknown account) error = %v, want ErrNotFound", err)
	}
	mustInterests(alice.ID, want)
	mustInterests(bob.ID, &quire.Interests{Categories: []string{}, Authors: []string{}, Papers: []string{}})

	// Clearing keeps the date of the choice.
	if err := s.SetInterests(c, alice.ID, &quire.Interests{UpdatedAt: ts("2025-07-02T00:00:00Z")}); err != nil {
		t.Fatal(err)
	}
	mustInterests(alice.ID, &quire.Interests{Categories: []string{}, Authors: []string{}, Papers: []string{},
		UpdatedAt: ts("2025-07-02T00:00:00Z")})
}

func testEmbeddingsByPapers(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, numbered(3)...)
	mustUpsertEmbeddings(t, s, "m1", []quire.Embedding{
		{PaperID: "2501.00001", Vector: []byte{1, 2, 3}},
		{PaperID: "2501.00002", Vector: []byte{4, 5, 6}},
	})
	mustUpsertEmbeddings(t, s, "m2", []quire.Embedding{{PaperID: "2501.00003", Vector: []byte{7}}})
	got, err := s.FindEmbeddingsByPapers(ctx(t), "m1", []string{"2501.00002", "2501.00003", "2501.99999", "", "2501.00001", "2501.00002"})
	if err != nil {
		t.Fatal(err)
	}
	want := []quire.Embedding{{PaperID: "2501.00002", Vector: []byte{4, 5, 6}}, {PaperID: "2501.00001", Vector: []byte{1, 2, 3}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FindEmbeddingsByPapers mismatch (-want +got):\n%s", diff)
	}
	for _, model := range []string{"m3", ""} {
		got, err := s.FindEmbeddingsByPapers(ctx(t), model, []string{"2501.00001"})
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("FindEmbeddingsByPapers(%q) = %v, %v; want an empty slice", model, got, err)
		}
	}
}

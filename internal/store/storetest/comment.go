package storetest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"quire"
)

// MustAddComment stores a comment and fails the test on error.
func MustAddComment(t *testing.T, s quire.Store, c *quire.Comment) *quire.Comment {
	t.Helper()
	got, err := s.AddComment(ctx(t), c)
	if err != nil {
		t.Fatalf("AddComment(%+v): %v", c, err)
	}
	return got
}

// thread returns a paper's comments and fails the test on error.
func thread(t *testing.T, s quire.Store, paperID string) []*quire.Comment {
	t.Helper()
	cs, err := s.FindComments(ctx(t), paperID)
	if err != nil {
		t.Fatalf("FindComments(%s): %v", paperID, err)
	}
	return cs
}

func commentCount(t *testing.T, s quire.Store, paperID string) int {
	t.Helper()
	m, err := s.CommentCounts(ctx(t), []string{paperID})
	if err != nil {
		t.Fatalf("CommentCounts(%s): %v", paperID, err)
	}
	return m[paperID]
}

func testCommentThread(t *testing.T, s quire.Store) {
	seedDays(t, s) // 2501.00002 has 2 imported comments
	alice := MustCreateAccount(t, s, "alice")
	bob := MustCreateAccount(t, s, "bob")
	t0 := ts("2025-06-16T12:00:00Z")
	const paper = "2501.00002"
	top := MustAddComment(t, s, &quire.Comment{PaperID: paper, AccountID: alice.ID,
		Body: "Nice result.\r\n\r\n```go\nfmt.Println(\"x\")\n```\r\n\n", CreatedAt: t0})
	reply := MustAddComment(t, s, &quire.Comment{PaperID: paper, ParentID: top.ID, AccountID: bob.ID,
		Body: "Agreed — see §3 😀", CreatedAt: t0.Add(time.Minute)})
	// Clocks disagree: a reply stamped before its parent still follows it.
	nested := MustAddComment(t, s, &quire.Comment{PaperID: paper, ParentID: reply.ID, AccountID: alice.ID,
		Body: "'; DROP TABLE comments; --", CreatedAt: t0.Add(-time.Hour)})
	second := MustAddComment(t, s, &quire.Comment{PaperID: paper, AccountID: bob.ID,
		Body: "    indented code\nstays", CreatedAt: t0.Add(2 * time.Minute)})

	want := []*quire.Comment{
		{ID: top.ID, PaperID: paper, AccountID: alice.ID, Author: "alice",
			Body: "Nice result.\n\n```go\nfmt.Println(\"x\")\n```", CreatedAt: t0},
		{ID: reply.ID, PaperID: paper, ParentID: top.ID, AccountID: bob.ID, Author: "bob",
			Body: "Agreed — see §3 😀", CreatedAt: t0.Add(time.Minute)},
		{ID: nested.ID, PaperID: paper, ParentID: reply.ID, AccountID: alice.ID, Author: "alice",
			Body: "'; DROP TABLE comments; --", CreatedAt: t0.Add(-time.Hour)},
		{ID: second.ID, PaperID: paper, AccountID: bob.ID, Author: "bob",
			Body: "    indented code\nstays", CreatedAt: t0.Add(2 * time.Minute)},
	}
	if diff := cmp.Diff(want, []*quire.Comment{top, reply, nested, second}); diff != "" {
		t.Errorf("AddComment results mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, thread(t, s, paper)); diff != "" {
		t.Errorf("FindComments mismatch (-want +got):\n%s", diff)
	}
	got, err := s.FindComment(ctx(t), reply.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want[1], got); diff != "" {
		t.Errorf("FindComment mismatch (-want +got):\n%s", diff)
	}
	if _, err := s.FindComment(ctx(t), 987654); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("FindComment(unknown) error = %v, want ErrNotFound", err)
	}
	if cs := thread(t, s, "2501.00001"); cs == nil || len(cs) != 0 {
		t.Errorf("FindComments(no comments) = %v, want empty", cs)
	}
	// Counts: 2 imported + 4 here, in the list, the counts and the feed.
	if n := commentCount(t, s, paper); n != 6 {
		t.Errorf("CommentCounts = %d, want 6", n)
	}
	if diff := cmp.Diff([]string{"2501.00002:10:6", "2501.00001:10:0", "2501.00003:3:0"}, dayItems(t, s, "2025-06-16")); diff != "" {
		t.Errorf("day list mismatch (-want +got):\n%s", diff)
	}
	for _, c := range MustFindPaperChanges(t, s, 0, 100) {
		if c.Paper.ID == paper && c.NumComments != 6 {
			t.Errorf("feed shows %d comments, want 6", c.NumComments)
		}
	}
}

func testCommentAuthorOnly(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, paperHF())
	paper := paperHF().ID
	alice := MustCreateAccount(t, s, "alice")
	bob := MustCreateAccount(t, s, "bob")
	t0 := ts("2025-06-16T12:00:00Z")
	c := MustAddComment(t, s, &quire.Comment{PaperID: paper, AccountID: alice.ID, Body: "First version", CreatedAt: t0})
	MustAddComment(t, s, &quire.Comment{PaperID: paper, AccountID: bob.ID, Body: "Other", CreatedAt: t0})

	if _, err := s.EditComment(ctx(t), c.ID, bob.ID, "Bob was here", t0); !errors.Is(err, quire.ErrUnauthorized) || quire.UserMessage(err) == "" {
		t.Errorf("EditComment(by another) error = %v, want ErrUnauthorized with a message", err)
	}
	if err := s.DeleteComment(ctx(t), c.ID, bob.ID, t0); !errors.Is(err, quire.ErrUnauthorized) {
		t.Errorf("DeleteComment(by another) error = %v, want ErrUnauthorized", err)
	}
	if _, err := s.EditComment(ctx(t), 987654, alice.ID, "x", t0); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("EditComment(unknown) error = %v, want ErrNotFound", err)
	}
	edited, err := s.EditComment(ctx(t), c.ID, alice.ID, "Second version\r\n", t0.Add(time.Hour))
	if err != nil {
		t.Fatalf("EditComment: %v", err)
	}
	if edited.Body != "Second version" || !edited.EditedAt.Equal(t0.Add(time.Hour)) || !edited.CreatedAt.Equal(t0) || edited.Author != "alice" {
		t.Errorf("EditComment = %+v", edited)
	}
	if _, err := s.EditComment(ctx(t), c.ID, alice.ID, " \n ", t0); !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("EditComment(blank) error = %v, want ErrInvalid", err)
	}
	if n := commentCount(t, s, paper); n != 2 {
		t.Errorf("CommentCounts before deleting = %d, want 2", n)
	}

	if err := s.DeleteComment(ctx(t), c.ID, alice.ID, t0.Add(2*time.Hour)); err != nil {
		t.Fatalf("DeleteComment: %v", err)
	}
	if err := s.DeleteComment(ctx(t), c.ID, alice.ID, t0.Add(3*time.Hour)); err != nil {
		t.Errorf("DeleteComment(again) error = %v, want nil", err)
	}
	got, err := s.FindComment(ctx(t), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Body != "" || !got.DeletedAt.Equal(t0.Add(2*time.Hour)) || got.Visible() {
		t.Errorf("deleted comment = %+v, want no body, deleted at the first deletion", got)
	}
	if n := commentCount(t, s, paper); n != 1 {
		t.Errorf("CommentCounts after deleting = %d, want 1", n)
	}
	if _, err := s.EditComment(ctx(t), c.ID, alice.ID, "Back", t0); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("EditComment(deleted) error = %v, want ErrNotFound", err)
	}
	if _, err := s.AddComment(ctx(t), &quire.Comment{PaperID: paper, ParentID: c.ID, AccountID: bob.ID, Body: "Reply"}); !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("AddComment(reply to deleted) error = %v, want ErrInvalid", err)
	}
	// The deleted comment keeps its place in the thread.
	if cs := thread(t, s, paper); len(cs) != 2 || cs[0].ID != c.ID {
		t.Errorf("thread after deleting = %+v, want both comments, the deleted one first", cs)
	}
}

func testCommentInvalid(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, paperHF(), paperKaggle())
	alice := MustCreateAccount(t, s, "alice")
	onOther := MustAddComment(t, s, &quire.Comment{PaperID: paperKaggle().ID, AccountID: alice.ID, Body: "Elsewhere"})
	long := strings.Repeat("é", quire.MaxCommentBytes/2) // exactly the limit, in bytes
	if c := MustAddComment(t, s, &quire.Comment{PaperID: paperHF().ID, AccountID: alice.ID, Body: long}); c.Body != long {
		t.Errorf("AddComment(longest body) stored %d bytes, want %d", len(c.Body), len(long))
	}
	for _, tc := range []struct {
		name string
		c    quire.Comment
		kind error
	}{
		{"too long", quire.Comment{Body: long + "x"}, quire.ErrInvalid},
		{"megabyte", quire.Comment{Body: strings.Repeat("spam ", 200000)}, quire.ErrInvalid},
		{"NUL", quire.Comment{Body: "nul\x00byte"}, quire.ErrInvalid},
		{"invalid UTF-8", quire.Comment{Body: "bad \xff\xfe"}, quire.ErrInvalid},
		{"blank", quire.Comment{Body: " \r\n\t "}, quire.ErrInvalid},
		{"parent on another paper", quire.Comment{Body: "x", ParentID: onOther.ID}, quire.ErrInvalid},
		{"unknown parent", quire.Comment{Body: "x", ParentID: 987654}, quire.ErrInvalid},
		{"negative parent", quire.Comment{Body: "x", ParentID: -1}, quire.ErrInvalid},
		{"unknown paper", quire.Comment{Body: "x", PaperID: "2999.99999"}, quire.ErrNotFound},
		{"unknown account", quire.Comment{Body: "x", AccountID: 987654}, quire.ErrNotFound},
	} {
		c := tc.c
		if c.PaperID == "" {
			c.PaperID = paperHF().ID
		}
		if c.AccountID == 0 {
			c.AccountID = alice.ID
		}
		_, err := s.AddComment(ctx(t), &c)
		if !errors.Is(err, tc.kind) {
			t.Errorf("AddComment(%s) error = %v, want %v", tc.name, err, tc.kind)
		}
		if tc.kind == quire.ErrInvalid && quire.UserMessage(err) == "" {
			t.Errorf("AddComment(%s) error %v has no message for users", tc.name, err)
		}
	}
	if msg := quire.UserMessage(firstErr(s.AddComment(ctx(t), &quire.Comment{PaperID: paperHF().ID, AccountID: alice.ID, Body: long + "x"}))); !strings.Contains(msg, "20000") {
		t.Errorf("message for a long comment = %q, want it to give the limit", msg)
	}
	// Control characters other than tab and newline become spaces.
	c := MustAddComment(t, s, &quire.Comment{PaperID: paperHF().ID, AccountID: alice.ID, Body: "bell\a\tand\x1bescape"})
	if c.Body != "bell \tand escape" {
		t.Errorf("AddComment(control characters) stored %q", c.Body)
	}
	if n := commentCount(t, s, paperHF().ID); n != 2 {
		t.Errorf("CommentCounts after refusals = %d, want 2", n)
	}
}

func firstErr[T any](_ T, err error) error { return err }

func testCommentHidden(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, paperHF())
	paper := paperHF().ID
	alice := MustCreateAccount(t, s, "alice")
	mod := MustCreateAccount(t, s, "mod")
	t0 := ts("2025-06-16T12:00:00Z")
	c := MustAddComment(t, s, &quire.Comment{PaperID: paper, AccountID: alice.ID, Body: "Buy my stuff", CreatedAt: t0})
	gone := MustAddComment(t, s, &quire.Comment{PaperID: paper, AccountID: alice.ID, Body: "Oops", CreatedAt: t0})
	if err := s.DeleteComment(ctx(t), gone.ID, alice.ID, t0); err != nil {
		t.Fatal(err)
	}
	m := quire.Moderation{ActorID: mod.ID, Reason: "spam", At: t0.Add(time.Hour)}
	if err := s.SetCommentHidden(ctx(t), c.ID, true, m); err != nil {
		t.Fatalf("SetCommentHidden: %v", err)
	}
	if n := commentCount(t, s, paper); n != 0 {
		t.Errorf("CommentCounts after hiding = %d, want 0", n)
	}
	got, err := s.FindComment(ctx(t), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The body stays for moderators; readers are shown that it is hidden.
	if got.Body != "Buy my stuff" || !got.HiddenAt.Equal(t0.Add(time.Hour)) || got.Visible() {
		t.Errorf("hidden comment = %+v", got)
	}
	if _, err := s.EditComment(ctx(t), c.ID, alice.ID, "Edited", t0); !errors.Is(err, quire.ErrConflict) {
		t.Errorf("EditComment(hidden) error = %v, want ErrConflict", err)
	}
	if _, err := s.AddComment(ctx(t), &quire.Comment{PaperID: paper, ParentID: c.ID, AccountID: mod.ID, Body: "x"}); !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("AddComment(reply to hidden) error = %v, want ErrInvalid", err)
	}
	// Hiding or showing a deleted comment changes no count.
	if err := s.SetCommentHidden(ctx(t), gone.ID, true, m); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCommentHidden(ctx(t), c.ID, false, m); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCommentHidden(ctx(t), gone.ID, false, m); err != nil {
		t.Fatal(err)
	}
	if n := commentCount(t, s, paper); n != 1 {
		t.Errorf("CommentCounts after showing again = %d, want 1", n)
	}
	if err := s.SetCommentHidden(ctx(t), 987654, true, m); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("SetCommentHidden(unknown) error = %v, want ErrNotFound", err)
	}
	log := mustListAudit(t, s)
	want := []*quire.AuditEntry{
		{ActorID: mod.ID, Actor: "mod", Action: quire.ActionUnhide, TargetKind: quire.TargetComment, TargetID: quire.IDTargetID(gone.ID), Reason: "spam", At: t0.Add(time.Hour)},
		{ActorID: mod.ID, Actor: "mod", Action: quire.ActionUnhide, TargetKind: quire.TargetComment, TargetID: quire.IDTargetID(c.ID), Reason: "spam", At: t0.Add(time.Hour)},
		{ActorID: mod.ID, Actor: "mod", Action: quire.ActionHide, TargetKind: quire.TargetComment, TargetID: quire.IDTargetID(gone.ID), Reason: "spam", At: t0.Add(time.Hour)},
		{ActorID: mod.ID, Actor: "mod", Action: quire.ActionHide, TargetKind: quire.TargetComment, TargetID: quire.IDTargetID(c.ID), Reason: "spam", At: t0.Add(time.Hour)},
	}
	if diff := cmp.Diff(want, log, cmpopts.IgnoreFields(quire.AuditEntry{}, "ID")); diff != "" {
		t.Errorf("audit log mismatch (-want +got):\n%s", diff)
	}
}

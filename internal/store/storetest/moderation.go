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

// mustListAudit returns the first hundred audit entries.
func mustListAudit(t *testing.T, s quire.Store) []*quire.AuditEntry {
	t.Helper()
	log, err := s.ListAudit(ctx(t), 100, 0)
	if err != nil {
		t.Fatalf("ListAudit: %v", err)
	}
	return log
}

func testHidePaper(t *testing.T, s quire.Store) {
	seedDays(t, s)
	mod := MustCreateAccount(t, s, "mod")
	t0 := ts("2025-06-20T09:00:00Z")
	hide := quire.Moderation{ActorID: mod.ID, Reason: "  not a\npaper ", At: t0}
	last := lastSeq(MustFindPaperChanges(t, s, 0, 100))
	if err := s.SetPaperHidden(ctx(t), "2501.00001", true, hide); err != nil {
		t.Fatalf("SetPaperHidden: %v", err)
	}
	// Hiding twice is one action.
	if err := s.SetPaperHidden(ctx(t), "2501.00001", true, hide); err != nil {
		t.Fatalf("SetPaperHidden(again): %v", err)
	}
	// The paper leaves every list, whatever the period, sort or page.
	if diff := cmp.Diff([]string{"2501.00002:10:2", "2501.00003:3:0"}, dayItems(t, s, "2025-06-16")); diff != "" {
		t.Errorf("day list mismatch (-want +got):\n%s", diff)
	}
	w := quire.WeekPeriod(day("2025-06-16"))
	for _, f := range []quire.DailyFilter{
		{From: w.From, To: w.To},
		{Sort: quire.SortNew},
		{Limit: 1},
		{Submitter: "akhaliq"},
	} {
		got, _ := find(t, s, f)
		for _, id := range got {
			if id[:10] == "2501.00001" {
				t.Errorf("FindDailyItems(%+v) lists the hidden paper: %v", f, got)
			}
		}
	}
	// Its page is still reachable, and says it is hidden.
	if _, err := s.FindPaperByID(ctx(t), "2501.00001"); err != nil {
		t.Errorf("FindPaperByID(hidden) error = %v, want the paper", err)
	}
	hidden, err := s.FindHiddenPapers(ctx(t), []string{"2501.00001", "2501.00002", "2999.99999"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]time.Time{"2501.00001": t0}, hidden); diff != "" {
		t.Errorf("FindHiddenPapers mismatch (-want +got):\n%s", diff)
	}
	if cs := MustFindPaperChanges(t, s, last, 100); len(cs) != 1 || cs[0].Paper.ID != "2501.00001" {
		t.Errorf("feed after hiding = %v, want 2501.00001", changeIDs(cs))
	}

	if err := s.SetPaperHidden(ctx(t), "2501.00001", false, quire.Moderation{ActorID: mod.ID, At: t0.Add(time.Hour)}); err != nil {
		t.Fatalf("SetPaperHidden(false): %v", err)
	}
	if diff := cmp.Diff([]string{"2501.00002:10:2", "2501.00001:10:0", "2501.00003:3:0"}, dayItems(t, s, "2025-06-16")); diff != "" {
		t.Errorf("day list after showing again mismatch (-want +got):\n%s", diff)
	}
	if hidden, err := s.FindHiddenPapers(ctx(t), []string{"2501.00001"}); err != nil || len(hidden) != 0 {
		t.Errorf("FindHiddenPapers after showing = %v, %v; want none", hidden, err)
	}
	want := []*quire.AuditEntry{
		{ActorID: mod.ID, Actor: "mod", Action: quire.ActionUnhide, TargetKind: quire.TargetPaper, TargetID: "2501.00001", At: t0.Add(time.Hour)},
		{ActorID: mod.ID, Actor: "mod", Action: quire.ActionHide, TargetKind: quire.TargetPaper, TargetID: "2501.00001", Reason: "not a paper", At: t0},
	}
	if diff := cmp.Diff(want, mustListAudit(t, s), cmpopts.IgnoreFields(quire.AuditEntry{}, "ID")); diff != "" {
		t.Errorf("audit log mismatch (-want +got):\n%s", diff)
	}
	for _, id := range []string{"2999.99999", "", "x\x00"} {
		if err := s.SetPaperHidden(ctx(t), id, true, hide); !errors.Is(err, quire.ErrNotFound) {
			t.Errorf("SetPaperHidden(%q) error = %v, want ErrNotFound", id, err)
		}
	}
}

func testHideEntry(t *testing.T, s quire.Store) {
	seedDays(t, s)
	mod := MustCreateAccount(t, s, "mod")
	m := quire.Moderation{ActorID: mod.ID, Reason: "duplicate", At: ts("2025-06-20T09:00:00Z")}
	// 2501.00001 is listed on the 16th (10 votes) and the 18th (25).
	if err := s.SetEntryHidden(ctx(t), day("2025-06-18"), "2501.00001", true, m); err != nil {
		t.Fatalf("SetEntryHidden: %v", err)
	}
	if diff := cmp.Diff([]string{"2501.00004:7:0"}, dayItems(t, s, "2025-06-18")); diff != "" {
		t.Errorf("day list mismatch (-want +got):\n%s", diff)
	}
	// Over the week, its other entry stands in.
	w := quire.WeekPeriod(day("2025-06-16"))
	got, _ := find(t, s, quire.DailyFilter{From: w.From, To: w.To})
	want := []string{"2501.00002@2025-06-16", "2501.00001@2025-06-16", "2501.00004@2025-06-18", "2501.00003@2025-06-16"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("week list mismatch (-want +got):\n%s", diff)
	}
	entries, err := s.FindDailyEntriesByPaper(ctx(t), "2501.00001")
	if err != nil || len(entries) != 1 || fmtDay(entries[0].Day) != "2025-06-16" {
		t.Errorf("FindDailyEntriesByPaper = %v, %v; want the entry of 2025-06-16 only", entries, err)
	}
	// The paper's counts come from its visible entry.
	if counts, err := s.VoteCounts(ctx(t), []string{"2501.00001"}); err != nil || counts["2501.00001"] != 10 {
		t.Errorf("VoteCounts = %v, %v; want 10", counts, err)
	}
	for _, c := range MustFindPaperChanges(t, s, 0, 100) {
		if c.Paper.ID == "2501.00001" && (c.Upvotes != 10 || c.NumComments != 0) {
			t.Errorf("feed counts = %d, %d; want 10, 0", c.Upvotes, c.NumComments)
		}
	}
	// A day whose only entries are hidden is not a day with entries.
	if err := s.SetEntryHidden(ctx(t), day("2025-06-18"), "2501.00004", true, m); err != nil {
		t.Fatal(err)
	}
	if prev, next, err := s.NeighbourDays(ctx(t), day("2025-06-16")); err != nil || fmtDay(prev) != "" || fmtDay(next) != "2025-06-23" {
		t.Errorf("NeighbourDays(2025-06-16) = %s, %s, %v; want none, 2025-06-23", fmtDay(prev), fmtDay(next), err)
	}
	if latest, err := s.LatestDay(ctx(t), day("2025-06-22")); err != nil || fmtDay(latest) != "2025-06-16" {
		t.Errorf("LatestDay(2025-06-22) = %s, %v; want 2025-06-16", fmtDay(latest), err)
	}
	if err := s.SetEntryHidden(ctx(t), day("2025-06-18"), "2501.00001", false, m); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"2501.00001:25:1"}, dayItems(t, s, "2025-06-18")); diff != "" {
		t.Errorf("day list after showing again mismatch (-want +got):\n%s", diff)
	}
	log := mustListAudit(t, s)
	if len(log) != 3 || log[2].TargetKind != quire.TargetEntry || log[2].TargetID != "2025-06-18/2501.00001" {
		t.Errorf("audit log = %+v, want 3 entry actions, the first on 2025-06-18/2501.00001", log)
	}
	if err := s.SetEntryHidden(ctx(t), day("2025-06-17"), "2501.00001", true, m); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("SetEntryHidden(unlisted day) error = %v, want ErrNotFound", err)
	}
}

func testDisableAccount(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, paperHF())
	alice := MustCreateAccount(t, s, "alice")
	mod := MustCreateAccount(t, s, "mod")
	t0 := ts("2025-06-16T12:00:00Z")
	MustCreateSession(t, s, alice.ID, "alice-cookie", t0)
	if _, err := s.CreateAPIToken(ctx(t), &quire.APIToken{AccountID: alice.ID, Name: "script",
		Hash: tokenHash("qt_alice"), Prefix: "qt_alice", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	c := MustAddComment(t, s, &quire.Comment{PaperID: paperHF().ID, AccountID: alice.ID, Body: "Hello"})

	if err := s.SetAccountDisabled(ctx(t), alice.ID, true, quire.Moderation{ActorID: mod.ID, Reason: "abuse", At: t0}); err != nil {
		t.Fatalf("SetAccountDisabled: %v", err)
	}
	got, err := s.FindAccountByID(ctx(t), alice.ID)
	if err != nil || !got.DisabledAt.Equal(t0) || !got.Disabled() {
		t.Errorf("disabled account = %+v, %v", got, err)
	}
	if sessionLive(t, s, "alice-cookie", t0) {
		t.Error("session of a disabled account is still found")
	}
	if _, _, err := s.FindAPIToken(ctx(t), tokenHash("qt_alice")); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("FindAPIToken(disabled account) error = %v, want ErrNotFound", err)
	}
	for name, err := range map[string]error{
		"SetVote":       second(s.SetVote(ctx(t), alice.ID, paperHF().ID, true)),
		"AddComment":    firstErr(s.AddComment(ctx(t), &quire.Comment{PaperID: paperHF().ID, AccountID: alice.ID, Body: "x"})),
		"EditComment":   firstErr(s.EditComment(ctx(t), c.ID, alice.ID, "y", t0)),
		"SubmitPaper":   firstErr(s.SubmitPaper(ctx(t), quire.Submission{PaperID: paperHF().ID, Day: t0, AccountID: alice.ID}, quire.SubmissionRules{MaxPerDay: 1})),
		"CreateSession": s.CreateSession(ctx(t), &quire.Session{TokenHash: tokenHash("new"), AccountID: alice.ID, ExpiresAt: t0.Add(time.Hour)}),
	} {
		if !errors.Is(err, quire.ErrUnauthorized) {
			t.Errorf("%s by a disabled account error = %v, want ErrUnauthorized", name, err)
		}
	}
	if err := s.SetAccountDisabled(ctx(t), alice.ID, false, quire.Moderation{ActorID: mod.ID, At: t0.Add(time.Hour)}); err != nil {
		t.Fatalf("SetAccountDisabled(false): %v", err)
	}
	if _, _, err := s.FindAPIToken(ctx(t), tokenHash("qt_alice")); err != nil {
		t.Errorf("FindAPIToken after enabling: %v", err)
	}
	// Sessions ended by disabling stay ended.
	if sessionLive(t, s, "alice-cookie", t0) {
		t.Error("session revived by enabling the account")
	}
	if _, _, err := s.SetVote(ctx(t), alice.ID, paperHF().ID, true); err != nil {
		t.Errorf("SetVote after enabling: %v", err)
	}
	log := mustListAudit(t, s)
	if len(log) != 2 || log[0].Action != quire.ActionEnable || log[1].Action != quire.ActionDisable ||
		log[1].TargetKind != quire.TargetAccount || log[1].TargetID != quire.IDTargetID(alice.ID) || log[1].Reason != "abuse" {
		t.Errorf("audit log = %+v, want disable then enable of alice", log)
	}
	if err := s.SetAccountDisabled(ctx(t), 987654, true, quire.Moderation{ActorID: mod.ID}); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("SetAccountDisabled(unknown) error = %v, want ErrNotFound", err)
	}
}

func second[A, B any](_ A, _ B, err error) error { return err }

func testSetAccountRole(t *testing.T, s quire.Store) {
	alice := MustCreateAccount(t, s, "alice")
	admin := MustCreateAccount(t, s, "admin")
	t0 := ts("2025-06-16T12:00:00Z")
	// An operator on the command line (actor 0) makes the first admin.
	if err := s.SetAccountRole(ctx(t), admin.ID, quire.RoleAdmin, quire.Moderation{Reason: "bootstrap", At: t0}); err != nil {
		t.Fatalf("SetAccountRole(admin): %v", err)
	}
	if err := s.SetAccountRole(ctx(t), alice.ID, quire.RoleModerator, quire.Moderation{ActorID: admin.ID, At: t0.Add(time.Minute)}); err != nil {
		t.Fatalf("SetAccountRole(moderator): %v", err)
	}
	if err := s.SetAccountRole(ctx(t), alice.ID, quire.RoleModerator, quire.Moderation{ActorID: admin.ID, At: t0.Add(time.Hour)}); err != nil {
		t.Fatalf("SetAccountRole(same role): %v", err)
	}
	if got, err := s.FindAccountByUsername(ctx(t), "alice"); err != nil || got.Role != quire.RoleModerator || !got.Role.CanModerate() {
		t.Errorf("alice after SetAccountRole = %+v, %v; want a moderator", got, err)
	}
	want := []*quire.AuditEntry{
		{ActorID: admin.ID, Actor: "admin", Action: "set-role:moderator", TargetKind: quire.TargetAccount, TargetID: quire.IDTargetID(alice.ID), At: t0.Add(time.Minute)},
		{Action: "set-role:admin", TargetKind: quire.TargetAccount, TargetID: quire.IDTargetID(admin.ID), Reason: "bootstrap", At: t0},
	}
	if diff := cmp.Diff(want, mustListAudit(t, s), cmpopts.IgnoreFields(quire.AuditEntry{}, "ID")); diff != "" {
		t.Errorf("audit log mismatch (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		name string
		id   int64
		role quire.Role
		m    quire.Moderation
		kind error
	}{
		{"unknown role", alice.ID, "root", quire.Moderation{ActorID: admin.ID}, quire.ErrInvalid},
		{"unknown account", 987654, quire.RoleMember, quire.Moderation{ActorID: admin.ID}, quire.ErrNotFound},
		{"unknown actor", alice.ID, quire.RoleMember, quire.Moderation{ActorID: 987654}, quire.ErrNotFound},
		{"long reason", alice.ID, quire.RoleMember, quire.Moderation{ActorID: admin.ID, Reason: strings.Repeat("x", quire.MaxReasonLen+1)}, quire.ErrInvalid},
	} {
		if err := s.SetAccountRole(ctx(t), tc.id, tc.role, tc.m); !errors.Is(err, tc.kind) {
			t.Errorf("SetAccountRole(%s) error = %v, want %v", tc.name, err, tc.kind)
		}
	}
	if got, _ := s.FindAccountByID(ctx(t), alice.ID); got.Role != quire.RoleModerator {
		t.Errorf("alice's role after refused changes = %q", got.Role)
	}
}

func testListAudit(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, numbered(5)...)
	mod := MustCreateAccount(t, s, "mod")
	t0 := ts("2025-06-16T12:00:00Z")
	// Hidden in this order, at times out of order: the log is newest first.
	order := []int{3, 1, 5, 2, 4}
	for _, i := range order {
		id := numbered(5)[i-1].ID
		if err := s.SetPaperHidden(ctx(t), id, true, quire.Moderation{ActorID: mod.ID, At: t0.Add(time.Duration(i) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for off := 0; off < 6; off += 2 {
		page, err := s.ListAudit(ctx(t), 2, off)
		if err != nil {
			t.Fatalf("ListAudit(2, %d): %v", off, err)
		}
		for _, e := range page {
			got = append(got, e.TargetID)
		}
	}
	want := []string{"2501.00005", "2501.00004", "2501.00003", "2501.00002", "2501.00001"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListAudit pages mismatch (-want +got):\n%s", diff)
	}
	if _, err := s.ListAudit(ctx(t), 0, 0); !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("ListAudit(limit 0) error = %v, want ErrInvalid", err)
	}
}

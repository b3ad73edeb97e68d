package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
)

func testDailyEntryRoundTrip(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, paperHF())
	want := &quire.DailyEntry{
		Day:          day("2026-08-21"),
		PaperID:      "2608.19880",
		Title:        "EnvHarness: Awakening $\\textit{Static}$ Worlds",
		SubmittedAt:  ts("2026-08-21T00:00:00Z"),
		Submitter:    quire.Submitter{Name: "taesiri", Fullname: "taesiri", AvatarURL: "https://example.org/a.jpeg"},
		Upvotes:      163,
		NumComments:  1,
		AISummary:    "EnvHarness and EnvRigger dynamically reshape static environments.",
		AIKeywords:   []string{"LLM agents", "EnvHarness"},
		ThumbnailURL: "https://example.org/2608.19880.png",
		Organization: quire.Organization{Name: "google", Fullname: "Google", AvatarURL: "https://example.org/google.png"},
	}
	if st := MustUpsertEntries(t, s, want); st != (quire.UpsertStats{Inserted: 1}) {
		t.Errorf("UpsertDailyEntries = %+v, want one inserted", st)
	}
	got, err := s.FindDailyEntriesByPaper(ctx(t), want.PaperID)
	if err != nil {
		t.Fatalf("FindDailyEntriesByPaper: %v", err)
	}
	if diff := cmp.Diff([]*quire.DailyEntry{want}, got); diff != "" {
		t.Errorf("FindDailyEntriesByPaper mismatch (-want +got):\n%s", diff)
	}
	items, more, err := s.FindDailyItems(ctx(t), quire.DailyFilter{From: want.Day, To: want.Day.AddDate(0, 0, 1)})
	if err != nil || more || len(items) != 1 {
		t.Fatalf("FindDailyItems = %d items, more %v, err %v; want 1 item", len(items), more, err)
	}
	if diff := cmp.Diff(quire.DailyItem{Entry: *want, Paper: *paperHF()}, *items[0]); diff != "" {
		t.Errorf("FindDailyItems item mismatch (-want +got):\n%s", diff)
	}
	if st := MustUpsertEntries(t, s, want); st != (quire.UpsertStats{Unchanged: 1}) {
		t.Errorf("UpsertDailyEntries again = %+v, want one unchanged", st)
	}
	// An older snapshot without the organization leaves it stored.
	older := *want
	older.Organization = quire.Organization{}
	older.AIKeywords = nil
	if st := MustUpsertEntries(t, s, &older); st != (quire.UpsertStats{Unchanged: 1}) {
		t.Errorf("UpsertDailyEntries without organization = %+v, want one unchanged", st)
	}
	if got, err := s.FindDailyEntriesByPaper(ctx(t), want.PaperID); err != nil || len(got) != 1 || got[0].Organization != want.Organization {
		t.Errorf("after an entry without organization: %+v, %v; want organization %+v kept", got, err, want.Organization)
	}
}

// testDailyEntryWithoutOrganization stores an entry without organization
// and reads it back as such; a later one that names it fills it in.
func testDailyEntryWithoutOrganization(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, paperHF())
	e := entry("2026-08-21", "2608.19880", 3, 0, "2026-08-21T01:00:00Z")
	MustUpsertEntries(t, s, e)
	got, err := s.FindDailyEntriesByPaper(ctx(t), e.PaperID)
	if err != nil || len(got) != 1 || got[0].Organization != (quire.Organization{}) {
		t.Fatalf("FindDailyEntriesByPaper = %+v, %v; want one entry without organization", got, err)
	}
	with := *e
	with.Organization = quire.Organization{Name: "google", Fullname: "Google"}
	if st := MustUpsertEntries(t, s, &with); st != (quire.UpsertStats{Updated: 1}) {
		t.Errorf("UpsertDailyEntries with organization = %+v, want one updated", st)
	}
	got, err = s.FindDailyEntriesByPaper(ctx(t), e.PaperID)
	if err != nil || len(got) != 1 || got[0].Organization != with.Organization {
		t.Errorf("FindDailyEntriesByPaper = %+v, %v; want organization %+v", got, err, with.Organization)
	}
}

// testFindDailyItemsOrganization lists an organization's entries, its
// handle compared without regard to case, newest first.
func testFindDailyItemsOrganization(t *testing.T, s quire.Store) {
	seedDays(t, s)
	org := func(d, id, name string) *quire.DailyEntry {
		e := entry(d, id, 0, 0, "")
		e.Organization = quire.Organization{Name: name, Fullname: name + " Labs"}
		return e
	}
	MustUpsertEntries(t, s,
		org("2025-06-16", "2501.00001", "Tencent-Hunyuan"),
		org("2025-06-18", "2501.00004", "Tencent-Hunyuan"),
		org("2025-06-16", "2501.00002", "google"),
	)
	got, _ := find(t, s, quire.DailyFilter{Organization: "tencent-hunyuan", Sort: quire.SortNew})
	if diff := cmp.Diff([]string{"2501.00004@2025-06-18", "2501.00001@2025-06-16"}, got); diff != "" {
		t.Errorf("organization=tencent-hunyuan mismatch (-want +got):\n%s", diff)
	}
	items, _, err := s.FindDailyItems(ctx(t), quire.DailyFilter{Organization: "google"})
	if err != nil || len(items) != 1 || items[0].Entry.Organization != (quire.Organization{Name: "google", Fullname: "google Labs"}) {
		t.Errorf("FindDailyItems(google) = %+v, %v; want one item with its organization", items, err)
	}
	if got, _ := find(t, s, quire.DailyFilter{Organization: "nobody' OR '1'='1"}); len(got) != 0 {
		t.Errorf("hostile organization matched %v", got)
	}
}

func testDailyEntriesNeedPaper(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, paperHF())
	st := MustUpsertEntries(t, s,
		entry("2026-08-21", "2608.19880", 1, 0, ""),
		entry("2026-08-21", "2608.00000", 1, 0, ""), // not in the catalogue
		&quire.DailyEntry{PaperID: "2608.19880"},    // no day
		&quire.DailyEntry{Day: day("2026-08-21")},   // no paper
	)
	if st != (quire.UpsertStats{Inserted: 1, Skipped: 3}) {
		t.Errorf("UpsertDailyEntries = %+v, want 1 inserted, 3 skipped", st)
	}
}

func testDailyEntriesLatestCounts(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, paperHF())
	first := entry("2026-08-21", "2608.19880", 5, 0, "2026-08-21T09:00:00Z")
	first.AISummary = "A summary."
	MustUpsertEntries(t, s, first)
	// A later snapshot has more votes and comments but no summary: counts
	// follow it, the summary stays.
	later := entry("2026-08-21", "2608.19880", 42, 3, "")
	if st := MustUpsertEntries(t, s, later); st != (quire.UpsertStats{Updated: 1}) {
		t.Errorf("UpsertDailyEntries(later) = %+v, want one updated", st)
	}
	got, err := s.FindDailyEntriesByPaper(ctx(t), "2608.19880")
	if err != nil || len(got) != 1 {
		t.Fatalf("FindDailyEntriesByPaper = %v, %v", got, err)
	}
	if got[0].Upvotes != 42 || got[0].NumComments != 3 || got[0].AISummary != "A summary." ||
		!got[0].SubmittedAt.Equal(ts("2026-08-21T09:00:00Z")) {
		t.Errorf("merged entry = %+v", got[0])
	}
}

// seedDays stores six papers on three days of one week:
//
//	2025-06-16 (Mon): 2501.00001 (10 votes), 2501.00002 (10 votes, 2 comments), 2501.00003 (3)
//	2025-06-18 (Wed): 2501.00004 (7), 2501.00001 again (25)
//	2025-06-23 (Mon, next week): 2501.00005 (1), 2501.00006 (0)
func seedDays(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, numbered(6)...)
	e := func(d, id string, up, com int, at string) *quire.DailyEntry { return entry(d, id, up, com, at) }
	bob := e("2025-06-16", "2501.00003", 3, 0, "2025-06-16T12:00:00Z")
	bob.Submitter = quire.Submitter{Name: "bob", Fullname: "Bob"}
	MustUpsertEntries(t, s,
		e("2025-06-16", "2501.00001", 10, 0, "2025-06-16T08:00:00Z"),
		e("2025-06-16", "2501.00002", 10, 2, "2025-06-16T09:00:00Z"),
		bob,
		e("2025-06-18", "2501.00004", 7, 0, "2025-06-18T08:00:00Z"),
		e("2025-06-18", "2501.00001", 25, 1, "2025-06-18T09:00:00Z"),
		e("2025-06-23", "2501.00005", 1, 0, "2025-06-23T08:00:00Z"),
		e("2025-06-23", "2501.00006", 0, 0, ""),
	)
}

func ids(items []*quire.DailyItem) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.Entry.PaperID+"@"+it.Entry.Day.Format(quire.DayLayout))
	}
	return out
}

func find(t *testing.T, s quire.Store, f quire.DailyFilter) ([]string, bool) {
	t.Helper()
	items, more, err := s.FindDailyItems(ctx(t), f)
	if err != nil {
		t.Fatalf("FindDailyItems(%+v): %v", f, err)
	}
	return ids(items), more
}

func testFindDailyItemsDay(t *testing.T, s quire.Store) {
	seedDays(t, s)
	p := quire.DayPeriod(day("2025-06-16"))
	got, more := find(t, s, quire.DailyFilter{From: p.From, To: p.To})
	want := []string{"2501.00002@2025-06-16", "2501.00001@2025-06-16", "2501.00003@2025-06-16"}
	if diff := cmp.Diff(want, got); diff != "" || more {
		t.Errorf("day list mismatch (-want +got):\n%s (more %v)", diff, more)
	}
	p = quire.DayPeriod(day("2025-06-17"))
	if got, _ := find(t, s, quire.DailyFilter{From: p.From, To: p.To}); len(got) != 0 {
		t.Errorf("empty day = %v, want none", got)
	}
}

func testFindDailyItemsSortNew(t *testing.T, s quire.Store) {
	seedDays(t, s)
	p := quire.DayPeriod(day("2025-06-16"))
	got, _ := find(t, s, quire.DailyFilter{From: p.From, To: p.To, Sort: quire.SortNew})
	want := []string{"2501.00003@2025-06-16", "2501.00002@2025-06-16", "2501.00001@2025-06-16"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sort=new mismatch (-want +got):\n%s", diff)
	}
	// Without a period, newest first across days; entries without a
	// submission time come last within their order.
	got, _ = find(t, s, quire.DailyFilter{Sort: quire.SortNew, Limit: 2})
	want = []string{"2501.00005@2025-06-23", "2501.00001@2025-06-18"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sort=new across days mismatch (-want +got):\n%s", diff)
	}
}

func testFindDailyItemsPaging(t *testing.T, s quire.Store) {
	seedDays(t, s)
	p := quire.DayPeriod(day("2025-06-16"))
	var all []string
	for off := 0; ; off += 2 {
		got, more := find(t, s, quire.DailyFilter{From: p.From, To: p.To, Offset: off, Limit: 2})
		all = append(all, got...)
		if !more {
			break
		}
		if off > 10 {
			t.Fatal("paging does not end")
		}
	}
	want := []string{"2501.00002@2025-06-16", "2501.00001@2025-06-16", "2501.00003@2025-06-16"}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("paged list mismatch (-want +got):\n%s", diff)
	}
	if got, more := find(t, s, quire.DailyFilter{From: p.From, To: p.To, Offset: 3, Limit: 2}); len(got) != 0 || more {
		t.Errorf("past the end = %v, more %v; want none", got, more)
	}
	if got, more := find(t, s, quire.DailyFilter{From: p.From, To: p.To, Limit: 3}); len(got) != 3 || more {
		t.Errorf("exact page = %v, more %v; want 3 and no more", got, more)
	}
}

func testFindDailyItemsPeriodDedupe(t *testing.T, s quire.Store) {
	seedDays(t, s)
	w := quire.WeekPeriod(day("2025-06-18"))
	got, _ := find(t, s, quire.DailyFilter{From: w.From, To: w.To})
	// 2501.00001 was listed twice this week; its best-voted entry counts.
	want := []string{"2501.00001@2025-06-18", "2501.00002@2025-06-16", "2501.00004@2025-06-18", "2501.00003@2025-06-16"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("week list mismatch (-want +got):\n%s", diff)
	}
	m := quire.MonthPeriod(day("2025-06-01"))
	got, _ = find(t, s, quire.DailyFilter{From: m.From, To: m.To})
	if len(got) != 6 {
		t.Errorf("month list = %v, want 6 papers", got)
	}
}

func testFindDailyItemsSubmitter(t *testing.T, s quire.Store) {
	seedDays(t, s)
	got, _ := find(t, s, quire.DailyFilter{Submitter: "bob"})
	if diff := cmp.Diff([]string{"2501.00003@2025-06-16"}, got); diff != "" {
		t.Errorf("submitter=bob mismatch (-want +got):\n%s", diff)
	}
	if got, _ := find(t, s, quire.DailyFilter{Submitter: "nobody' OR '1'='1"}); len(got) != 0 {
		t.Errorf("hostile submitter matched %v", got)
	}
}

func testFindDailyItemsBadSort(t *testing.T, s quire.Store) {
	_, _, err := s.FindDailyItems(ctx(t), quire.DailyFilter{Sort: "upvotes; DROP TABLE papers"})
	if !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("FindDailyItems(bad sort) error = %v, want ErrInvalid", err)
	}
}

func testFindDailyEntriesByPaper(t *testing.T, s quire.Store) {
	seedDays(t, s)
	got, err := s.FindDailyEntriesByPaper(ctx(t), "2501.00001")
	if err != nil {
		t.Fatal(err)
	}
	var days []string
	for _, e := range got {
		days = append(days, e.Day.Format(quire.DayLayout))
	}
	if diff := cmp.Diff([]string{"2025-06-18", "2025-06-16"}, days); diff != "" {
		t.Errorf("entry days mismatch (-want +got):\n%s", diff)
	}
	got, err = s.FindDailyEntriesByPaper(ctx(t), "2999.00001")
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("FindDailyEntriesByPaper(unlisted) = %v, %v; want empty, nil", got, err)
	}
}

func testLatestDay(t *testing.T, s quire.Store) {
	if _, err := s.LatestDay(ctx(t), day("2030-01-01")); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("LatestDay(empty store) error = %v, want ErrNotFound", err)
	}
	seedDays(t, s)
	for _, tc := range []struct{ on, want string }{
		{"2030-01-01", "2025-06-23"},
		{"2025-06-23", "2025-06-23"},
		{"2025-06-22", "2025-06-18"},
		{"2025-06-16", "2025-06-16"},
	} {
		got, err := s.LatestDay(ctx(t), day(tc.on))
		if err != nil || !got.Equal(day(tc.want)) {
			t.Errorf("LatestDay(%s) = %v, %v; want %s", tc.on, got, err, tc.want)
		}
	}
	if _, err := s.LatestDay(ctx(t), day("2025-06-15")); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("LatestDay(before all) error = %v, want ErrNotFound", err)
	}
}

func testNeighbourDays(t *testing.T, s quire.Store) {
	seedDays(t, s)
	for _, tc := range []struct{ on, prev, next string }{
		{"2025-06-18", "2025-06-16", "2025-06-23"},
		{"2025-06-16", "", "2025-06-18"},
		{"2025-06-23", "2025-06-18", ""},
		{"2025-06-20", "2025-06-18", "2025-06-23"},
	} {
		prev, next, err := s.NeighbourDays(ctx(t), day(tc.on))
		if err != nil {
			t.Fatalf("NeighbourDays(%s): %v", tc.on, err)
		}
		if f := fmtDay(prev); f != tc.prev {
			t.Errorf("NeighbourDays(%s) prev = %q, want %q", tc.on, f, tc.prev)
		}
		if f := fmtDay(next); f != tc.next {
			t.Errorf("NeighbourDays(%s) next = %q, want %q", tc.on, f, tc.next)
		}
	}
}

func fmtDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(quire.DayLayout)
}

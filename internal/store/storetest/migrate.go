package storetest

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire"
)

// LegacyPaperIDs are the papers a backend's migration test stores, in this
// order, in a database at schema 0001 (before the change feed), each titled
// "Paper " + id, with one daily entry of 2501.00002 on 2025-06-16 holding 7
// upvotes and 1 comment. It then migrates and calls CheckMigratedFeed.
var LegacyPaperIDs = []string{"2501.00003", "2501.00001", "2501.00002"}

// CheckMigratedFeed checks a store migrated from schema 0001 with the
// LegacyPaperIDs in it: they join the change feed in id order, at positions
// 1-3, with their counts, and later writes follow them.
func CheckMigratedFeed(t *testing.T, s quire.Store) {
	t.Helper()
	type change struct {
		Seq               int64
		ID                string
		Upvotes, Comments int
	}
	var feed []change
	for _, c := range MustFindPaperChanges(t, s, 0, 10) {
		feed = append(feed, change{c.Seq, c.Paper.ID, c.Upvotes, c.NumComments})
	}
	want := []change{{1, "2501.00001", 0, 0}, {2, "2501.00002", 7, 1}, {3, "2501.00003", 0, 0}}
	if diff := cmp.Diff(want, feed); diff != "" {
		t.Fatalf("feed after migrating mismatch (-want +got):\n%s", diff)
	}
	MustUpsertPapers(t, s, &quire.Paper{ID: "2501.00000", Title: "New"},
		&quire.Paper{ID: "2501.00001", Version: 1, Title: "Paper 2501.00001, version 1"})
	MustUpsertEntries(t, s, entry("2025-06-16", "2501.00003", 1, 0, ""))
	got := changeIDs(MustFindPaperChanges(t, s, 3, 10))
	// The two papers of one batch share a transaction: their order
	// between themselves is the backend's.
	if len(got) != 3 || got[2] != "2501.00003" ||
		!(got[0] == "2501.00000" && got[1] == "2501.00001" || got[0] == "2501.00001" && got[1] == "2501.00000") {
		t.Errorf("feed after the migrated papers = %v, want 2501.00000 and 2501.00001, then 2501.00003", got)
	}
}

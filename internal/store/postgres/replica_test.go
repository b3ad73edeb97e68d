package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/hfdaily"
	"quire/internal/store/postgres"
	"quire/internal/store/storetest"
	"quire/internal/testenv"
)

// dailyFixture is one day of Hugging Face's daily list, as its API served it.
const dailyFixture = "../../../testdata/hf/daily_papers_2025-06-16.json"

var fixtureDay = time.Date(2025, 6, 16, 0, 0, 0, 0, time.UTC)

// loadDay returns the fixture's papers and their entries, in list order.
func loadDay(tb testing.TB) ([]*quire.Paper, []*quire.DailyEntry) {
	tb.Helper()
	b, err := os.ReadFile(dailyFixture)
	if err != nil {
		tb.Fatal(err)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		tb.Fatalf("%s: %v", dailyFixture, err)
	}
	var papers []*quire.Paper
	var entries []*quire.DailyEntry
	for _, it := range items {
		p, e, err := hfdaily.ParseItem(it, fixtureDay)
		if err != nil {
			tb.Fatalf("%s: %v", dailyFixture, err)
		}
		papers, entries = append(papers, p), append(entries, e)
	}
	return papers, entries
}

// replicated is one database seen through two stores: primary reads
// everything from the primary, routed sends the reads that may lag to a
// streaming replica.
type replicated struct {
	url             string
	primary, routed *postgres.DB
	replica         *testenv.Replica
	logs            *testenv.LogBuffer // routed's log
	ids             []string           // the fixture's papers
	// The fixture's last paper and entry, left out of the database.
	later      *quire.Paper
	laterEntry *quire.DailyEntry
	alice      *quire.Account // has voted and commented on ids[0]
}

// mustOpenURL opens a store on url, closed when tb ends.
func mustOpenURL(tb testing.TB, url string) *postgres.DB {
	tb.Helper()
	db, err := postgres.Open(tb.Context(), url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// mustReplicate fills a new database with the fixture day but its last
// paper, a vote and a comment, starts a replica that has caught up with it,
// and opens the two stores.
func mustReplicate(t *testing.T) *replicated {
	t.Helper()
	url := testenv.PostgresURL(t)
	r := &replicated{url: url, primary: mustOpenURL(t, url), logs: new(testenv.LogBuffer)}
	if _, err := r.primary.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	papers, entries := loadDay(t)
	for _, p := range papers {
		r.ids = append(r.ids, p.ID)
	}
	last := len(papers) - 1
	r.later, r.laterEntry = papers[last], entries[last]
	storetest.MustUpsertPapers(t, r.primary, papers[:last]...)
	storetest.MustUpsertEntries(t, r.primary, entries[:last]...)
	r.alice = storetest.MustCreateAccount(t, r.primary, "alice")
	storetest.MustSetVote(t, r.primary, r.alice.ID, r.ids[0], true)
	storetest.MustAddComment(t, r.primary, &quire.Comment{PaperID: r.ids[0], AccountID: r.alice.ID,
		Body: "The depth maps in figure 3 are convincing.", CreatedAt: fixtureDay.Add(9 * time.Hour)})

	r.replica = testenv.StartReplica(t, url)
	r.replica.CatchUp(t)
	r.routed = mustOpenURL(t, url)
	logger := slog.New(slog.NewTextHandler(r.logs, nil))
	if err := r.routed.UseReplica(t.Context(), r.replica.URL, logger); err != nil {
		t.Fatal(err)
	}
	return r
}

// routedReads are the reads UseReplica sends to the replica, over the
// papers ids, each returning what it read.
func routedReads(ids []string) map[string]func(context.Context, *postgres.DB) (any, error) {
	day := quire.DailyFilter{From: fixtureDay, To: fixtureDay.AddDate(0, 0, 1)}
	type page struct {
		Items []*quire.DailyItem
		More  bool
	}
	return map[string]func(context.Context, *postgres.DB) (any, error){
		"FindPaperByID": func(ctx context.Context, db *postgres.DB) (any, error) { return db.FindPaperByID(ctx, ids[0]) },
		"FindPapersByIDs": func(ctx context.Context, db *postgres.DB) (any, error) {
			return db.FindPapersByIDs(ctx, ids)
		},
		"FindDailyItems(day)": func(ctx context.Context, db *postgres.DB) (any, error) {
			items, more, err := db.FindDailyItems(ctx, day)
			return page{items, more}, err
		},
		"FindDailyItems(new, all days, paged)": func(ctx context.Context, db *postgres.DB) (any, error) {
			items, more, err := db.FindDailyItems(ctx, quire.DailyFilter{Sort: quire.SortNew, Limit: 4, Offset: 2})
			return page{items, more}, err
		},
		"FindDailyEntriesByPaper": func(ctx context.Context, db *postgres.DB) (any, error) {
			return db.FindDailyEntriesByPaper(ctx, ids[0])
		},
		"LatestDay": func(ctx context.Context, db *postgres.DB) (any, error) {
			return db.LatestDay(ctx, fixtureDay.AddDate(1, 0, 0))
		},
		"NeighbourDays": func(ctx context.Context, db *postgres.DB) (any, error) {
			prev, next, err := db.NeighbourDays(ctx, fixtureDay.AddDate(0, 0, -3))
			return []time.Time{prev, next}, err
		},
		"FindComments": func(ctx context.Context, db *postgres.DB) (any, error) { return db.FindComments(ctx, ids[0]) },
		"VoteCounts":   func(ctx context.Context, db *postgres.DB) (any, error) { return db.VoteCounts(ctx, ids) },
		"CommentCounts": func(ctx context.Context, db *postgres.DB) (any, error) {
			return db.CommentCounts(ctx, ids)
		},
	}
}

// checkSameReads checks that every routed read of db answers as the same
// read on the primary store want.
func checkSameReads(t *testing.T, want, db *postgres.DB, ids []string) {
	t.Helper()
	for name, read := range routedReads(ids) {
		w, err := read(t.Context(), want)
		if err != nil {
			t.Fatalf("%s on the primary: %v", name, err)
		}
		got, err := read(t.Context(), db)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("%s differs from the primary's (-primary +routed):\n%s", name, diff)
		}
	}
}

// papersAmong returns the ids of the stored papers among ids, as routed
// reads see them.
func papersAmong(t *testing.T, db *postgres.DB, ids ...string) []string {
	t.Helper()
	papers, err := db.FindPapersByIDs(t.Context(), ids)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, p := range papers {
		found = append(found, p.ID)
	}
	return found
}

// TestReplicaRouting proves which reads go to the replica: with its replay
// paused, the routed reads keep showing the database as it was while the
// writes and the primary's reads go on; once it resumes they catch up.
func TestReplicaRouting(t *testing.T) {
	ctx := t.Context()
	r := mustReplicate(t)
	checkSameReads(t, r.primary, r.routed, r.ids)

	r.replica.PauseReplay(t)
	// Writes go to the primary and succeed.
	if st, err := r.routed.UpsertPapers(ctx, []*quire.Paper{r.later}); err != nil || st.Inserted != 1 {
		t.Fatalf("UpsertPapers = %+v, %v; want 1 inserted", st, err)
	}
	if st, err := r.routed.UpsertDailyEntries(ctx, []*quire.DailyEntry{r.laterEntry}); err != nil || st.Inserted != 1 {
		t.Fatalf("UpsertDailyEntries = %+v, %v; want 1 inserted", st, err)
	}
	bob := storetest.MustCreateAccount(t, r.routed, "bob")
	if n, changed := storetest.MustSetVote(t, r.routed, bob.ID, r.ids[0], true); !changed || n < 2 {
		t.Errorf("SetVote = %d, %v; want a change and at least both votes counted", n, changed)
	}
	reply := storetest.MustAddComment(t, r.routed, &quire.Comment{PaperID: r.ids[0], AccountID: bob.ID,
		Body: "Agreed.", CreatedAt: fixtureDay.Add(10 * time.Hour)})

	// The routed reads do not see them.
	if found := papersAmong(t, r.routed, r.later.ID); len(found) != 0 {
		t.Errorf("FindPapersByIDs(%s) found %v on a replica that replays nothing", r.later.ID, found)
	}
	items, _, err := r.routed.FindDailyItems(ctx, quire.DailyFilter{From: fixtureDay, To: fixtureDay.AddDate(0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != len(r.ids)-1 {
		t.Errorf("FindDailyItems(day) has %d items, want the %d from before the pause", len(items), len(r.ids)-1)
	}
	comments, err := r.routed.FindComments(ctx, r.ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(comments) != 1 {
		t.Errorf("FindComments shows %d comments, want the 1 from before the pause", len(comments))
	}
	for _, counts := range []struct {
		name            string
		routed, primary func(context.Context, []string) (map[string]int, error)
	}{
		{"VoteCounts", r.routed.VoteCounts, r.primary.VoteCounts},
		{"CommentCounts", r.routed.CommentCounts, r.primary.CommentCounts},
	} {
		shown, err := counts.routed(ctx, r.ids[:1])
		if err != nil {
			t.Fatal(err)
		}
		now, err := counts.primary(ctx, r.ids[:1])
		if err != nil {
			t.Fatal(err)
		}
		if shown[r.ids[0]]+1 != now[r.ids[0]] {
			t.Errorf("%s: routed %d, primary %d; want the routed one a step behind", counts.name, shown[r.ids[0]], now[r.ids[0]])
		}
	}

	// The reads that stay on the primary see them.
	changes := storetest.MustFindPaperChanges(t, r.routed, 0, 100)
	if !slices.ContainsFunc(changes, func(c *quire.PaperChange) bool { return c.Paper.ID == r.later.ID }) {
		t.Errorf("the change feed lacks %s, written during the pause", r.later.ID)
	}
	if c, err := r.routed.FindComment(ctx, reply.ID); err != nil || c.Body != "Agreed." {
		t.Errorf("FindComment(%d) = %+v, %v; want bob's reply", reply.ID, c, err)
	}
	if voted, err := r.routed.HasVoted(ctx, bob.ID, r.ids[:1]); err != nil || !voted[r.ids[0]] {
		t.Errorf("HasVoted(bob) = %v, %v; want his vote", voted, err)
	}
	// A paper missing on the replica is looked up on the primary: a paper
	// just fetched and stored shows at once.
	if p, err := r.routed.FindPaperByID(ctx, r.later.ID); err != nil || p.Title != r.later.Title {
		t.Errorf("FindPaperByID(%s) = %+v, %v; want the paper stored during the pause", r.later.ID, p, err)
	}
	if _, err := r.routed.FindPaperByID(ctx, "2506.99999"); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("FindPaperByID(unknown) = %v, want not found", err)
	}

	r.replica.ResumeReplay(t)
	deadline := time.Now().Add(time.Minute)
	for len(papersAmong(t, r.routed, r.later.ID)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the routed read does not see %s a minute after replay resumed", r.later.ID)
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.replica.CatchUp(t)
	checkSameReads(t, r.primary, r.routed, r.ids)
	if strings.Contains(r.logs.String(), "replica failed") {
		t.Errorf("reads fell back to the primary:\n%s", r.logs)
	}
}

// TestReplicaDown stops the replica under a store that reads from it: the
// reads still answer, from the primary, with a warning, and the writes go
// on. A replica that is down when the store starts is no error either.
func TestReplicaDown(t *testing.T) {
	ctx := t.Context()
	r := mustReplicate(t)
	checkSameReads(t, r.primary, r.routed, r.ids)

	r.replica.Stop(t)
	checkSameReads(t, r.primary, r.routed, r.ids)
	if !strings.Contains(r.logs.String(), "level=WARN msg=\"postgres: the read replica failed; reading from the primary\"") {
		t.Errorf("no warning that the replica failed:\n%s", r.logs)
	}
	if st, err := r.routed.UpsertPapers(ctx, []*quire.Paper{r.later}); err != nil || st.Inserted != 1 {
		t.Fatalf("UpsertPapers = %+v, %v; want 1 inserted", st, err)
	}
	if found := papersAmong(t, r.routed, r.later.ID); len(found) != 1 {
		t.Errorf("FindPapersByIDs(%s) = %v after the write, want it", r.later.ID, found)
	}

	logs := new(testenv.LogBuffer)
	db := mustOpenURL(t, r.url)
	if err := db.UseReplica(ctx, r.replica.URL, slog.New(slog.NewTextHandler(logs, nil))); err != nil {
		t.Fatalf("UseReplica(a replica that is down) = %v, want no error", err)
	}
	if !strings.Contains(logs.String(), "read replica failed") {
		t.Errorf("no warning that the replica is down:\n%s", logs)
	}
	checkSameReads(t, r.primary, db, r.ids)
}

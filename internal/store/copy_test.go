package store_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/store"
	"quire/internal/store/postgres"
	"quire/internal/store/sqlite"
	"quire/internal/store/storetest"
	"quire/internal/testenv"
)

var hubTime = time.Date(2026, 6, 16, 12, 0, 0, 0, time.UTC)

// MustHub builds a SQLite hub with rows in every table and returns its
// path and the open store.
func MustHub(t *testing.T) (string, *sqlite.DB) {
	t.Helper()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "hub.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var papers []*quire.Paper
	var entries []*quire.DailyEntry
	for i := range 40 {
		p := &quire.Paper{
			ID: fmt.Sprintf("2506.%05d", i+1), Version: 2,
			Title:       fmt.Sprintf("Paper %d on “sparse” attention", i+1),
			Authors:     []string{"Ada Lovelace", fmt.Sprintf("Author %d", i)},
			Abstract:    "We study attention.\n\nA second paragraph with a \\ and a \"quote\".",
			Categories:  []string{"cs.CL", "cs.LG"},
			PublishedAt: hubTime.Add(-time.Duration(i) * time.Hour),
			UpdatedAt:   hubTime.Add(-time.Duration(i) * time.Minute),
			Versions:    []quire.Version{{N: 1, CreatedAt: hubTime.Add(-48 * time.Hour)}, {N: 2, CreatedAt: hubTime.Add(-time.Hour)}},
			CodeURL:     "https://github.com/example/code",
		}
		papers = append(papers, p)
		entries = append(entries, &quire.DailyEntry{
			Day: quire.TruncateDay(hubTime.AddDate(0, 0, -i%5)), PaperID: p.ID, Title: p.Title,
			SubmittedAt: hubTime.Add(-time.Duration(i) * time.Hour),
			Submitter:   quire.Submitter{Name: "akhaliq", Fullname: "AK"},
			Upvotes:     i, NumComments: i % 3, AISummary: "A summary.", AIKeywords: []string{"attention", "sparsity"},
		})
		if i%2 == 0 { // half the entries name an organization, half leave it NULL
			entries[i].Organization = quire.Organization{Name: "google", Fullname: "Google", AvatarURL: "https://example.org/g.png"}
		}
	}
	storetest.MustUpsertPapers(t, db, papers...)
	storetest.MustUpsertEntries(t, db, entries...)
	storetest.MustMarkWithdrawn(t, db, hubTime, papers[39].ID)

	alice := storetest.MustCreateAccount(t, db, "alice")
	bob := storetest.MustCreateAccount(t, db, "bob")
	storetest.MustCreateSession(t, db, alice.ID, "cookie-alice", hubTime)
	if _, err := db.CreateAPIToken(ctx, &quire.APIToken{AccountID: bob.ID, Name: "script",
		Hash: []byte("0123456789abcdef0123456789abcdef"), Prefix: "qk_abcdefg", CreatedAt: hubTime}); err != nil {
		t.Fatal(err)
	}
	for i, p := range papers[:12] {
		storetest.MustSetVote(t, db, alice.ID, p.ID, true)
		if i%2 == 0 {
			storetest.MustSetVote(t, db, bob.ID, p.ID, true)
		}
	}
	c := storetest.MustAddComment(t, db, &quire.Comment{PaperID: papers[0].ID, AccountID: alice.ID, Body: "Nice *result*.", CreatedAt: hubTime})
	storetest.MustAddComment(t, db, &quire.Comment{PaperID: papers[0].ID, ParentID: c.ID, AccountID: bob.ID, Body: "Agreed.", CreatedAt: hubTime.Add(time.Minute)})
	spam := storetest.MustAddComment(t, db, &quire.Comment{PaperID: papers[1].ID, AccountID: bob.ID, Body: "Buy now", CreatedAt: hubTime})
	if err := db.SetCommentHidden(ctx, spam.ID, true, quire.Moderation{ActorID: alice.ID, Reason: "spam", At: hubTime}); err != nil {
		t.Fatal(err)
	}
	sub := storetest.MustSubscribeActive(t, db, "reader@example.org", quire.Daily, hubTime)
	storetest.MustEnqueueDigests(t, db, &quire.Digest{SubscriptionID: sub.ID, PeriodKey: "2026-06-16",
		PaperIDs: []string{papers[0].ID, papers[1].ID}, Sections: []quire.DigestSection{{Title: "Trending", Count: 2}},
		NextAttemptAt: hubTime, CreatedAt: hubTime})
	if err := db.SaveModel(ctx, &quire.Model{Name: "hash-v1", Kind: "hash", Data: []byte{0, 1, 2, 0xff}, CreatedAt: hubTime}); err != nil {
		t.Fatal(err)
	}
	var vecs []quire.Embedding
	for _, p := range papers {
		vecs = append(vecs, quire.Embedding{PaperID: p.ID, Vector: []byte(p.ID + "\x00\xfe")})
	}
	if err := db.UpsertEmbeddings(ctx, "hash-v1", vecs); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSetting(ctx, "search.model", "hash-v1"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.HitRateLimit(ctx, "login:alice", time.Minute, 5, hubTime); err != nil {
		t.Fatal(err)
	}
	storetest.MustAcquireLease(t, db, "harvest", "node-1", time.Hour, hubTime)
	if _, err := db.PutSearchSnapshot(ctx, quire.SearchSnapshot{Seq: 1}, strings.NewReader("index")); err != nil {
		t.Fatal(err)
	}
	if err := db.PutSimilarPapers(ctx, []quire.SimilarPapers{{PaperID: papers[0].ID, Model: "m", K: 1, ComputedAt: hubTime,
		Neighbours: []quire.Neighbour{{PaperID: papers[1].ID, Score: 0.5}}}}); err != nil {
		t.Fatal(err)
	}
	l := storetest.MustCreateList(t, db, alice.ID, "To read", true)
	storetest.MustSavePapers(t, db, l, papers[2].ID, papers[3].ID)
	storetest.MustCreateFollow(t, db, &quire.Follow{AccountID: alice.ID, Kind: quire.FollowAuthor, Name: "Ada Lovelace", CoAuthor: "Author 1", Digest: true})
	storetest.MustCreateFollow(t, db, &quire.Follow{AccountID: bob.ID, Kind: quire.FollowCategory, Name: "cs.CL"})
	for _, err := range []error{
		db.RecordOpened(ctx, alice.ID, papers[0].ID, hubTime),
		db.SetNotInterested(ctx, alice.ID, papers[1].ID, true, hubTime),
		db.SetInterests(ctx, bob.ID, &quire.Interests{Categories: []string{"cs.CL"}, Authors: []string{"Ada Lovelace"}, Papers: []string{papers[0].ID}}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return path, db
}

// MustTarget opens a new PostgreSQL database for a copy.
func MustTarget(t *testing.T) (string, *postgres.DB) {
	t.Helper()
	url := testenv.PostgresURL(t)
	db, err := store.OpenCopyTarget(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return url, db
}

// schemaTables lists a SQLite file's tables straight from its catalogue.
func schemaTables(t *testing.T, path string) []string {
	t.Helper()
	c, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rows, err := c.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	return names
}

func TestCopyResumesAndMatches(t *testing.T) {
	ctx := t.Context()
	path, src := MustHub(t)
	_, dst := MustTarget(t)
	plan, err := store.PlanCopy(ctx, src, dst)
	if err != nil {
		t.Fatal(err)
	}

	// Every table of the schema is copied or skipped on purpose, and the
	// hub above fills every copied one, so that its copy is tested.
	var planned []string
	for _, tb := range plan.Tables {
		planned = append(planned, tb.Name)
	}
	for _, name := range schemaTables(t, path) {
		if !slices.Contains(planned, name) && store.SkippedTables[name] == "" {
			t.Errorf("table %s is neither copied nor in store.SkippedTables", name)
		}
		if n, _ := src.CountRows(ctx, name); n == 0 {
			t.Errorf("table %s is empty in MustHub: add rows to it, so that its copy is tested", name)
		}
	}
	for _, pair := range [][2]string{{"papers", "daily_entries"}, {"accounts", "votes"}, {"subscriptions", "digests"}} {
		if slices.Index(planned, pair[0]) > slices.Index(planned, pair[1]) {
			t.Errorf("plan order %v puts %s before %s, which it references", planned, pair[1], pair[0])
		}
	}

	// The copy is interrupted twice, each time in the middle of a table:
	// after the second batch of papers (keyed by text) and after the
	// third of daily entries (keyed by day and paper), and resumed.
	stop := errors.New("interrupted")
	stopAt := func(table string, batch int) func(string, int64, int64) error {
		n := 0
		return func(t string, _, _ int64) error {
			if t == table {
				if n++; n == batch {
					return stop
				}
			}
			return nil
		}
	}
	opts := store.CopyOptions{BatchSize: 7, Source: store.SourceName(path)}
	for _, at := range []struct {
		table string
		batch int
	}{{"papers", 2}, {"daily_entries", 3}} {
		opts.OnBatch = stopAt(at.table, at.batch)
		if _, err := store.Copy(ctx, src, dst, plan, opts); !errors.Is(err, stop) {
			t.Fatalf("Copy interrupted in %s = %v, want %v", at.table, err, stop)
		}
		if cp, err := dst.CopyCheckpoint(ctx); err != nil || cp == nil {
			t.Fatalf("CopyCheckpoint after an interruption = %s, %v; want one", cp, err)
		}
		if n, err := dst.CountRows(ctx, at.table); err != nil || n != int64(7*at.batch) {
			t.Fatalf("target's %s after %d batches of 7: %d rows, %v", at.table, at.batch, n, err)
		}
	}

	// Another source may not resume it.
	other := opts
	other.Source, other.OnBatch = "/elsewhere/quire.db", nil
	if _, err := store.Copy(ctx, src, dst, plan, other); !errors.Is(err, quire.ErrInvalid) || !strings.Contains(err.Error(), "interrupted copy") {
		t.Errorf("Copy from another source = %v, want an error about the interrupted copy", err)
	}

	opts.OnBatch = nil
	counts, err := store.Copy(ctx, src, dst, plan, opts)
	if err != nil {
		t.Fatalf("resumed Copy: %v", err)
	}
	for _, c := range counts {
		switch {
		case c.Skipped != "" && c.Target != 0:
			t.Errorf("skipped table %s has %d rows in the target", c.Table, c.Target)
		case c.Skipped == "" && (c.Source != c.Target || c.Source == 0):
			t.Errorf("table %s: source %d rows, target %d", c.Table, c.Source, c.Target)
		}
	}
	if cp, err := dst.CopyCheckpoint(ctx); err != nil || cp != nil {
		t.Errorf("CopyCheckpoint after the copy = %s, %v; want none", cp, err)
	}
	checkSameHub(t, src, dst)
	checkNewRows(t, src, dst)

	// A finished copy is not run again over itself.
	if _, err := store.Copy(ctx, src, dst, plan, opts); !errors.Is(err, quire.ErrInvalid) || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("Copy into the copied database = %v, want a not-empty error", err)
	}
}

// checkSameHub compares what the store API reads from both databases.
func checkSameHub(t *testing.T, src, dst quire.Store) {
	t.Helper()
	ctx := t.Context()
	read := func(what string, f func(s quire.Store) (any, error)) {
		t.Helper()
		want, err := f(src)
		if err != nil {
			t.Fatalf("%s on the source: %v", what, err)
		}
		got, err := f(dst)
		if err != nil {
			t.Fatalf("%s on the copy: %v", what, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s mismatch (-source +copy):\n%s", what, diff)
		}
	}
	read("FindPaperChanges", func(s quire.Store) (any, error) { return s.FindPaperChanges(ctx, 0, 1000) })
	read("FindDailyItems", func(s quire.Store) (any, error) {
		items, _, err := s.FindDailyItems(ctx, quire.DailyFilter{})
		return items, err
	})
	read("FindDailyEntriesByPaper", func(s quire.Store) (any, error) { return s.FindDailyEntriesByPaper(ctx, "2506.00001") })
	read("FindComments", func(s quire.Store) (any, error) { return s.FindComments(ctx, "2506.00001") })
	read("VoteCounts", func(s quire.Store) (any, error) {
		return s.VoteCounts(ctx, []string{"2506.00001", "2506.00002", "2506.00020"})
	})
	read("ListAccounts", func(s quire.Store) (any, error) { return s.ListAccounts(ctx, 10, 0) })
	read("FindSession", func(s quire.Store) (any, error) {
		sess, a, err := s.FindSession(ctx, storetestHash("cookie-alice"), hubTime.Add(time.Hour))
		return []any{sess, a}, err
	})
	read("FindAPIToken", func(s quire.Store) (any, error) {
		tok, a, err := s.FindAPIToken(ctx, []byte("0123456789abcdef0123456789abcdef"))
		return []any{tok, a}, err
	})
	read("ListAudit", func(s quire.Store) (any, error) { return s.ListAudit(ctx, 10, 0) })
	read("FindSubscriptionByEmail", func(s quire.Store) (any, error) { return s.FindSubscriptionByEmail(ctx, "reader@example.org") })
	read("FindDigest", func(s quire.Store) (any, error) { return s.FindDigest(ctx, 1) })
	read("FindGivenPapers", func(s quire.Store) (any, error) {
		return s.FindGivenPapers(ctx, 1, []string{"2506.00001", "2506.00002", "2506.00003"})
	})
	read("FindModel", func(s quire.Store) (any, error) { return s.FindModel(ctx, "hash-v1") })
	read("FindEmbeddings", func(s quire.Store) (any, error) { return s.FindEmbeddings(ctx, "hash-v1", "", 100) })
	read("Setting", func(s quire.Store) (any, error) { return s.Setting(ctx, "search.model") })
}

// checkNewRows writes new rows to the copy, which must take keys and
// change-feed positions after the copied ones.
func checkNewRows(t *testing.T, src, dst quire.Store) {
	t.Helper()
	ctx := t.Context()
	carol := storetest.MustCreateAccount(t, dst, "carol")
	if carol.ID != 3 {
		t.Errorf("new account's id = %d, want 3 (after the two copied)", carol.ID)
	}
	c := storetest.MustAddComment(t, dst, &quire.Comment{PaperID: "2506.00005", AccountID: carol.ID, Body: "New.", CreatedAt: hubTime})
	if c.ID != 4 {
		t.Errorf("new comment's id = %d, want 4", c.ID)
	}
	sub := storetest.MustSubscribe(t, dst, "new@example.org", quire.Weekly, hubTime)
	if sub.ID != 2 {
		t.Errorf("new subscription's id = %d, want 2", sub.ID)
	}
	before, err := src.FindPaperChanges(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	last := before[len(before)-1].Seq
	storetest.MustSetVote(t, dst, carol.ID, "2506.00030", true)
	// The comment and the vote move their papers up the feed, past every
	// copied position.
	after, err := dst.FindPaperChanges(ctx, last, 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range after {
		ids = append(ids, c.Paper.ID)
	}
	if diff := cmp.Diff([]string{"2506.00005", "2506.00030"}, ids); diff != "" {
		t.Errorf("FindPaperChanges(%d) after writes to the copy mismatch (-want +got):\n%s", last, diff)
	}
}

func storetestHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func TestCopyErrors(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("these are not the papers you are looking for"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(dir, "old.db")
	db, err := sqlite.Open(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.MigrateTo(ctx, "0003_community.sql"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, tc := range []struct {
		name, from, want string
	}{
		{"missing", filepath.Join(dir, "nope.db"), "does not exist"},
		{"not SQLite", text, "is not a SQLite database"},
		{"PostgreSQL", "postgres://quire@127.0.0.1:1/quire", "must be a SQLite file"},
		{"outdated", old, "quire migrate"},
	} {
		t.Run("source "+tc.name, func(t *testing.T) {
			db, err := store.OpenCopySource(ctx, tc.from)
			if err == nil {
				db.Close()
			}
			if !errors.Is(err, quire.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("OpenCopySource(%s) = %v, want an invalid error with %q", tc.from, err, tc.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "nope.db")); err == nil {
				t.Errorf("OpenCopySource created the missing file")
			}
		})
	}
	t.Run("target SQLite", func(t *testing.T) {
		if _, err := store.OpenCopyTarget(ctx, old); !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("OpenCopyTarget(SQLite file) = %v, want an invalid error", err)
		}
	})
	t.Run("target half migrated", func(t *testing.T) {
		url := testenv.PostgresURL(t)
		pg, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer pg.Close()
		if _, err := pg.MigrateTo(ctx, "0002_search.sql"); err != nil {
			t.Fatal(err)
		}
		if db, err := store.OpenCopyTarget(ctx, url); err == nil || !strings.Contains(err.Error(), "not up to date") {
			if err == nil {
				db.Close()
			}
			t.Errorf("OpenCopyTarget(half migrated) = %v, want a not-up-to-date error", err)
		}
	})
	t.Run("target not empty", func(t *testing.T) {
		_, src := MustHub(t)
		_, dst := MustTarget(t)
		storetest.MustCreateAccount(t, dst, "squatter")
		plan, err := store.PlanCopy(ctx, src, dst)
		if err != nil {
			t.Fatal(err)
		}
		_, err = store.Copy(ctx, src, dst, plan, store.CopyOptions{Source: "hub"})
		if !errors.Is(err, quire.ErrInvalid) || !strings.Contains(err.Error(), "accounts has 1 rows") {
			t.Errorf("Copy into a database with an account = %v, want a not-empty error naming accounts", err)
		}
	})
}

// TestBackupWhileWriting backs a hub up while another connection keeps
// writing to it, as a running server would.
func TestBackupWhileWriting(t *testing.T) {
	ctx := t.Context()
	path, src := MustHub(t)
	before, err := src.CountPapers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	writer, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	wctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; wctx.Err() == nil; i++ {
			p := &quire.Paper{ID: fmt.Sprintf("2507.%05d", i+1), Title: "Written during the backup", Authors: []string{"W. Riter"}}
			if _, err := writer.UpsertPapers(wctx, []*quire.Paper{p}); err != nil && wctx.Err() == nil {
				t.Errorf("writing during the backup: %v", err)
				return
			}
		}
	})
	dest := filepath.Join(t.TempDir(), "backup.db")
	var calls int
	err = store.Backup(ctx, path, dest, func(done, total int64) {
		calls++
		if done > total || total <= 0 {
			t.Errorf("progress(%d, %d)", done, total)
		}
	})
	stop()
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if calls == 0 {
		t.Error("Backup reported no progress")
	}
	b, err := sqlite.Open(ctx, dest)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if pending, err := b.PendingMigrations(ctx); err != nil || len(pending) > 0 {
		t.Errorf("the backup's pending migrations = %v, %v", pending, err)
	}
	n, err := b.CountPapers(ctx)
	after, _ := src.CountPapers(ctx)
	if err != nil || n < before || n > after {
		t.Errorf("the backup holds %d papers, %v; want between %d and %d", n, err, before, after)
	}
	checkSameHubExceptPapers(t, src, b)

	if err := store.Backup(ctx, path, dest, nil); !errors.Is(err, quire.ErrInvalid) || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("Backup over an existing file = %v, want an exists-already error", err)
	}
	if err := store.Backup(ctx, "postgres://quire@127.0.0.1:1/quire", dest+"2", nil); !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("Backup of PostgreSQL = %v, want an invalid error", err)
	}
}

// checkSameHubExceptPapers compares the community's tables, which the
// writer of TestBackupWhileWriting does not touch.
func checkSameHubExceptPapers(t *testing.T, src, dst quire.Store) {
	t.Helper()
	ctx := t.Context()
	for _, f := range []func(s quire.Store) (any, error){
		func(s quire.Store) (any, error) { return s.FindComments(ctx, "2506.00001") },
		func(s quire.Store) (any, error) { return s.ListAccounts(ctx, 10, 0) },
		func(s quire.Store) (any, error) { return s.FindDigest(ctx, 1) },
	} {
		want, err1 := f(src)
		got, err2 := f(dst)
		if err1 != nil || err2 != nil {
			t.Fatalf("reading: %v, %v", err1, err2)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("backup mismatch (-source +backup):\n%s", diff)
		}
	}
}

package search_test

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/embedding"
	"quire/internal/ingest"
	"quire/internal/search"
	"quire/internal/store"
	"quire/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// fixtureFiles are real records: arXiv listings (with categories and code
// links), the arXiv snapshot sample (2007 physics and maths, with versions
// and dates) and three daily lists.
var fixtureFiles = []string{
	"../../testdata/arxiv/listings_sample.jsonl",
	"../../testdata/arxiv/kaggle_sample_200.jsonl",
	"../../testdata/hf/daily_papers_2024-06-03.json",
	"../../testdata/hf/daily_papers_2025-06-16.json",
	"../../testdata/hf/daily_papers_2026-08-21.json",
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// MustCatalogue opens a migrated store at dsn and imports the fixtures.
func MustCatalogue(tb testing.TB, dsn string) store.DB {
	tb.Helper()
	db, _, err := store.OpenMigrated(tb.Context(), dsn, store.MigrateAlways)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	im := &ingest.Importer{Store: db, Logger: quiet}
	for _, f := range fixtureFiles {
		if _, err := im.ImportFile(tb.Context(), f); err != nil {
			tb.Fatal(err)
		}
	}
	return db
}

func sqlitePath(tb testing.TB) string { return filepath.Join(tb.TempDir(), "quire.db") }

// MustModel trains the built-in model on the catalogue and makes it the one
// in use.
func MustModel(tb testing.TB, db store.DB) *embedding.Model {
	tb.Helper()
	m, err := search.TrainBuiltin(tb.Context(), db, embedding.TrainOptions{Dim: 64, MinCount: 2, Workers: 1, Seed: 1}, quiet)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// MustEngine builds an engine over db, as `quire serve` does at start.
func MustEngine(tb testing.TB, db store.DB, emb embedding.Embedder, snapshot string) *search.Engine {
	tb.Helper()
	return mustEngineWith(tb, db, search.Options{Embedder: emb, SnapshotPath: snapshot, Logger: quiet})
}

// mustEngineWith builds an engine over s with opts, as MustEngine does.
func mustEngineWith(tb testing.TB, s search.Store, opts search.Options) *search.Engine {
	tb.Helper()
	e, err := search.New(s, opts)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := e.LoadVectors(tb.Context()); err != nil {
		tb.Fatal(err)
	}
	if _, err := e.Sync(tb.Context()); err != nil {
		tb.Fatal(err)
	}
	if err := e.BuildVectors(tb.Context()); err != nil {
		tb.Fatal(err)
	}
	return e
}

// answerAlike checks that engine b ranks as engine a does, in every mode,
// for query and two queries of the fixtures.
func answerAlike(t *testing.T, a, b *search.Engine, query string) {
	t.Helper()
	for _, mode := range []search.Mode{search.Lexical, search.Semantic, search.Hybrid} {
		for _, q := range []string{query, "diphoton production at hadron colliders", "large language model reasoning"} {
			r := search.Request{Query: q, Mode: mode, Limit: 20}
			if diff := cmp.Diff(ids(mustSearch(t, a, r).Results), ids(mustSearch(t, b, r).Results)); diff != "" {
				t.Errorf("%s %q: answers differ (-first +second):\n%s", mode, q, diff)
			}
		}
	}
}

func mustSearch(tb testing.TB, e *search.Engine, r search.Request) *search.Response {
	tb.Helper()
	resp, err := e.Search(tb.Context(), r)
	if err != nil {
		tb.Fatalf("Search(%+v): %v", r, err)
	}
	return resp
}

func ids(rs []search.Result) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.PaperID)
	}
	return out
}

func papersOf(tb testing.TB, db store.DB, rs []search.Result) []*quire.Paper {
	tb.Helper()
	ps, err := db.FindPapersByIDs(tb.Context(), ids(rs))
	if err != nil {
		tb.Fatal(err)
	}
	if len(ps) != len(rs) {
		tb.Fatalf("FindPapersByIDs returned %d of %d results", len(ps), len(rs))
	}
	return ps
}

func text(p *quire.Paper) string {
	return strings.ToLower(p.Title + " " + p.Abstract)
}

// TestQuerySyntax checks each element of the query language against the
// catalogue itself: every result must satisfy what the query asked.
func TestQuerySyntax(t *testing.T) {
	db := MustCatalogue(t, sqlitePath(t))
	e := MustEngine(t, db, nil, "")
	for _, tc := range []struct {
		query string
		check func(p *quire.Paper) bool
	}{
		{`"language models"`, func(p *quire.Paper) bool { return strings.Contains(text(p), "language model") }},
		{`diffusion -video`, func(p *quire.Paper) bool {
			return strings.Contains(text(p), "diffus") && !strings.Contains(text(p), "video")
		}},
		{`quark*`, func(p *quire.Paper) bool { return strings.Contains(text(p), "quark") }},
		{`cat:hep-ph`, func(p *quire.Paper) bool { return slices.Contains(p.Categories, "hep-ph") }},
		{`cat:cs`, func(p *quire.Paper) bool {
			return slices.ContainsFunc(p.Categories, func(c string) bool { return strings.HasPrefix(c, "cs.") })
		}},
		{`model year:2026`, func(p *quire.Paper) bool { return p.PublishedAt.Year() == 2026 }},
		{`learning has:code`, func(p *quire.Paper) bool { return p.CodeURL != "" }},
		{`author:nadolsky`, func(p *quire.Paper) bool { return slices.Contains(p.Authors, "P. M. Nadolsky") }},
		{`author:"C.-P. Yuan"`, func(p *quire.Paper) bool { return slices.Contains(p.Authors, "C.-P. Yuan") }},
	} {
		t.Run(tc.query, func(t *testing.T) {
			resp := mustSearch(t, e, search.Request{Query: tc.query, Limit: 100})
			if len(resp.Results) == 0 {
				t.Fatalf("no results")
			}
			for _, p := range papersOf(t, db, resp.Results) {
				if !tc.check(p) {
					t.Errorf("result %s (%q) does not satisfy the query", p.ID, p.Title)
				}
			}
		})
	}
}

// TestHostileQueries: nothing a visitor types may fail the search.
func TestHostileQueries(t *testing.T) {
	db := MustCatalogue(t, sqlitePath(t))
	e := MustEngine(t, db, nil, "")
	for _, q := range []string{
		``, `"`, `"unbalanced quote`, `-`, `*`, `:`, `author:`, `cat:`, `year:99999`, `date:2025-02-30`,
		`the of and a`, strings.Repeat("transformer ", 1000), strings.Repeat("x", 10000),
		"\x00\x01\x02 control \x1b[31m", `'; DROP TABLE papers; --`, `" OR 1=1 --`, `-"" -* **** ::::`,
		`author:"` + strings.Repeat("a", 5000), "\xff\xfe invalid utf8",
	} {
		if _, err := e.Search(t.Context(), search.Request{Query: q}); err != nil {
			t.Errorf("Search(%.40q): %v", q, err)
		}
	}
}

func TestPaging(t *testing.T) {
	db := MustCatalogue(t, sqlitePath(t))
	e := MustEngine(t, db, nil, "")
	all := mustSearch(t, e, search.Request{Query: "model data", Limit: 30})
	var paged []string
	for off := 0; off < 30; off += 7 {
		resp := mustSearch(t, e, search.Request{Query: "model data", Offset: off, Limit: 7})
		paged = append(paged, ids(resp.Results)...)
	}
	if diff := cmp.Diff(ids(all.Results), paged[:min(len(paged), 30)]); diff != "" {
		t.Errorf("pages differ from one long page (-long +paged):\n%s", diff)
	}
	for _, r := range []search.Request{{Query: "x", Limit: 101}, {Query: "x", Offset: -1}, {Query: "x", Order: "bogus"}, {Query: "x", Mode: "bogus"}} {
		if _, err := e.Search(t.Context(), r); err == nil {
			t.Errorf("Search(%+v) accepted bad paging", r)
		}
	}
}

func TestOrders(t *testing.T) {
	db := MustCatalogue(t, sqlitePath(t))
	e := MustEngine(t, db, nil, "")
	resp := mustSearch(t, e, search.Request{Query: "model", Order: search.ByUpvotes, Limit: 20})
	if !slices.IsSortedFunc(resp.Results, func(a, b search.Result) int { return b.Upvotes - a.Upvotes }) {
		t.Errorf("order=upvotes is not sorted: %v", resp.Results)
	}
	resp = mustSearch(t, e, search.Request{Query: "cat:hep-ph", Limit: 50})
	ps := papersOf(t, db, resp.Results)
	if !slices.IsSortedFunc(ps, func(a, b *quire.Paper) int { return b.PublishedAt.Compare(a.PublishedAt) / 1 }) {
		// Filters alone list the newest first (day granularity).
		for i := 1; i < len(ps); i++ {
			if ps[i].PublishedAt.Truncate(24 * time.Hour).After(ps[i-1].PublishedAt.Truncate(24 * time.Hour)) {
				t.Errorf("filter-only results are not newest first at %d", i)
			}
		}
	}
}

func TestSnippet(t *testing.T) {
	db := MustCatalogue(t, sqlitePath(t))
	e := MustEngine(t, db, nil, "")
	resp := mustSearch(t, e, search.Request{Query: "photon pairs"})
	if len(resp.Results) == 0 {
		t.Fatal("no results")
	}
	p := papersOf(t, db, resp.Results[:1])[0]
	segs := e.Snippet(p.Abstract, resp.Terms, 240)
	var b strings.Builder
	marked := 0
	for _, s := range segs {
		if s.Match {
			marked++
			b.WriteString("[" + s.Text + "]")
		} else {
			b.WriteString(s.Text)
		}
	}
	if marked == 0 || len(b.String()) > 300 {
		t.Errorf("snippet %q: want highlighted matches within about 240 bytes", b.String())
	}
	for _, s := range segs {
		if s.Match && !strings.Contains(strings.ToLower(s.Text), "photon") && !strings.Contains(strings.ToLower(s.Text), "pair") {
			t.Errorf("highlighted %q, which the query did not ask for", s.Text)
		}
	}
}

// TestFollowAndSnapshot: an engine follows imports through the change feed,
// and one loaded from a snapshot answers as the one that wrote it.
func TestFollowAndSnapshot(t *testing.T) {
	db := MustCatalogue(t, sqlitePath(t))
	m := MustModel(t, db)
	snap := filepath.Join(t.TempDir(), "search.idx")
	e := MustEngine(t, db, m, snap)
	before := mustSearch(t, e, search.Request{Query: "zebrafishomics regenerome", Mode: search.Lexical})
	if len(before.Results) != 0 {
		t.Fatalf("fixture unexpectedly matches: %v", before.Results)
	}
	novel := &quire.Paper{ID: "2601.99999", Title: "Zebrafish fin regeneration atlas", Abstract: "We map zebrafishomics regenerome.", Authors: []string{"A. Fish"}}
	if _, err := db.UpsertPapers(t.Context(), []*quire.Paper{novel}); err != nil {
		t.Fatal(err)
	}
	if n, err := e.Sync(t.Context()); err != nil || n != 1 {
		t.Fatalf("Sync = %d, %v; want the one new paper", n, err)
	}
	after := mustSearch(t, e, search.Request{Query: "zebrafishomics regenerome", Mode: search.Lexical})
	if diff := cmp.Diff([]string{"2601.99999"}, ids(after.Results)); diff != "" {
		t.Errorf("new paper not found (-want +got):\n%s", diff)
	}
	if err := e.Save(); err != nil {
		t.Fatal(err)
	}
	loaded, err := search.New(db, search.Options{Embedder: m, SnapshotPath: snap, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	vectors, err := loaded.Load(t.Context())
	if err != nil || !vectors {
		t.Fatalf("Load = %v, %v; want vectors", vectors, err)
	}
	answerAlike(t, e, loaded, "zebrafishomics regenerome")
	if n, err := loaded.Sync(t.Context()); err != nil || n != 0 {
		t.Errorf("Sync after Load = %d, %v; want nothing new", n, err)
	}

	// The same catalogue without the new paper, as a backup from before
	// it, is behind the snapshot: loading it would skip changes.
	older := MustCatalogue(t, sqlitePath(t))
	stale, err := search.New(older, search.Options{Embedder: m, SnapshotPath: snap, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stale.Load(t.Context()); err == nil || !strings.Contains(err.Error(), "ahead of the database") {
		t.Errorf("Load of a snapshot ahead of its database = %v, want it refused", err)
	}
}

// TestNeedsSave checks when a snapshot is worth writing: when the engine
// has none of its own, or enough changed since it read or wrote one.
func TestNeedsSave(t *testing.T) {
	db := MustCatalogue(t, sqlitePath(t))
	snap := filepath.Join(t.TempDir(), "search.idx")
	e := MustEngine(t, db, nil, snap)
	if !e.NeedsSave(1 << 30) {
		t.Error("an engine built from the database does not need saving")
	}
	if err := e.Save(); err != nil {
		t.Fatal(err)
	}
	if e.NeedsSave(1) {
		t.Error("an engine needs saving right after Save")
	}
	for i, id := range []string{"2601.90001", "2601.90002", "2601.90003"} {
		p := &quire.Paper{ID: id, Title: fmt.Sprintf("Paper %d", i), Abstract: "An abstract.", Authors: []string{"A. Author"}}
		if _, err := db.UpsertPapers(t.Context(), []*quire.Paper{p}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !e.NeedsSave(3) || e.NeedsSave(4) {
		t.Errorf("after 3 changes NeedsSave(3), NeedsSave(4) = %v, %v; want true, false", e.NeedsSave(3), e.NeedsSave(4))
	}
	loaded, err := search.New(db, search.Options{SnapshotPath: snap, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loaded.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	if loaded.NeedsSave(1) {
		t.Error("a freshly loaded engine needs saving")
	}
	if n, err := loaded.Sync(t.Context()); err != nil || n != 3 || !loaded.NeedsSave(3) {
		t.Errorf("loaded engine: Sync = %d, %v, NeedsSave(3) = %v; want the 3 changes, true", n, err, loaded.NeedsSave(3))
	}
	if MustEngine(t, db, nil, "").NeedsSave(0) {
		t.Error("an engine without a snapshot path needs saving")
	}
}

func TestSimilar(t *testing.T) {
	db := MustCatalogue(t, sqlitePath(t))
	m := MustModel(t, db)
	e := MustEngine(t, db, m, "")
	rs, err := e.Similar(t.Context(), "0704.0001", 5)
	if err != nil || len(rs) != 5 {
		t.Fatalf("Similar = %v, %v; want 5 papers", rs, err)
	}
	if slices.Contains(ids(rs), "0704.0001") {
		t.Error("a paper is listed as similar to itself")
	}
	if _, err := e.Similar(t.Context(), "2999.00000", 5); err == nil {
		t.Error("Similar of an unknown paper succeeded")
	}

	// Answers kept for the next pages are the answers a fresh engine
	// gives, for fewer neighbours too.
	again, err := e.Similar(t.Context(), "0704.0001", 5)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ids(rs), ids(again)); diff != "" {
		t.Errorf("Similar asked again (-first +again):\n%s", diff)
	}
	fewer, err := e.Similar(t.Context(), "0704.0001", 3)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := MustEngine(t, db, m, "").Similar(t.Context(), "0704.0001", 3)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ids(fresh), ids(fewer)); diff != "" {
		t.Errorf("Similar(3) after Similar(5) (-fresh engine +kept):\n%s", diff)
	}
	if diff := cmp.Diff(ids(rs)[:3], ids(fewer)); diff != "" {
		t.Errorf("Similar(3) is not the first three of Similar(5) (-5 +3):\n%s", diff)
	}
}

// TestBackendsAgree runs the same searches over the same catalogue on
// SQLite and PostgreSQL, with the same stored model: the results must be the
// same papers in the same order.
func TestBackendsAgree(t *testing.T) {
	lite := MustCatalogue(t, sqlitePath(t))
	pg := MustCatalogue(t, testenv.PostgresURL(t))
	m := MustModel(t, lite)
	copyModel(t, lite, pg)
	el, ep := MustEngine(t, lite, m, ""), MustEngine(t, pg, m, "")
	for _, mode := range []search.Mode{search.Lexical, search.Semantic, search.Hybrid} {
		for _, q := range []string{"language models", `"language models" -vision`, "quark gluon", "cat:cs year:2025",
			"neural rendering of scenes", "author:nadolsky", "has:code agents", "scal*"} {
			for _, order := range []search.Order{search.ByRelevance, search.ByDate, search.ByUpvotes} {
				r := search.Request{Query: q, Mode: mode, Order: order, Limit: 50}
				a, b := mustSearch(t, el, r), mustSearch(t, ep, r)
				if diff := cmp.Diff(ids(a.Results), ids(b.Results)); diff != "" {
					t.Errorf("%s %q %s: backends differ (-sqlite +postgres):\n%s", mode, q, order, diff)
				}
			}
		}
	}
}

func copyModel(t *testing.T, from, to store.DB) {
	name, err := from.Setting(t.Context(), search.SettingModel)
	if err != nil {
		t.Fatal(err)
	}
	m, err := from.FindModel(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	if err := to.SaveModel(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	if err := to.SetSetting(t.Context(), search.SettingModel, name); err != nil {
		t.Fatal(err)
	}
}

// TestStopWordsOnly: a query whose words are all stop words finds nothing
// rather than listing the catalogue; filters alone do list.
func TestStopWordsOnly(t *testing.T) {
	db := MustCatalogue(t, sqlitePath(t))
	e := MustEngine(t, db, nil, "")
	for _, q := range []string{"the", `"the of"`, "the -model", "zzzunknown*"} {
		if resp := mustSearch(t, e, search.Request{Query: q}); len(resp.Results) != 0 {
			t.Errorf("Search(%q) = %d results, want none", q, len(resp.Results))
		}
	}
	if resp := mustSearch(t, e, search.Request{Query: "cat:hep-ph"}); len(resp.Results) == 0 {
		t.Error("a filter alone found nothing")
	}
}

// Similar papers found by one engine are stored and reused by another over
// the same database (another node, or this one restarted), unless they
// come from another model or have expired.
func TestSimilarShared(t *testing.T) {
	db := MustCatalogue(t, sqlitePath(t))
	m := MustModel(t, db)
	first := MustEngine(t, db, m, "")
	want, err := first.Similar(t.Context(), "0704.0001", 5)
	if err != nil || len(want) != 5 {
		t.Fatalf("Similar = %v, %v; want 5 papers", want, err)
	}
	var stored *quire.SimilarPapers
	deadline := time.Now().Add(10 * time.Second)
	for stored == nil {
		if s, err := db.FindSimilarPapers(t.Context(), "0704.0001"); err == nil {
			stored = s
		} else if time.Now().After(deadline) {
			t.Fatalf("the similar papers found were not stored: %v", err)
		} else {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if stored.Model != m.Name() || stored.K != 5 || len(stored.Neighbours) != 5 || stored.Neighbours[0].PaperID != want[0].PaperID {
		t.Fatalf("stored %+v, want model %s and the 5 papers found", stored, m.Name())
	}
	second := MustEngine(t, db, m, "")
	got, err := second.Similar(t.Context(), "0704.0001", 3)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want[:3], got); diff != "" {
		t.Errorf("another engine's Similar(3) (-first engine +second):\n%s", diff)
	}

	// Proof that a stored answer is read rather than found again: one
	// written by hand is what a third engine shows; one of another model,
	// or expired, is not.
	deadline = time.Now().Add(10 * time.Second)
	planted := []quire.Neighbour{{PaperID: want[4].PaperID, Score: 0.5}, {PaperID: want[3].PaperID, Score: 0.25}}
	for _, c := range []struct {
		name  string
		model string
		age   time.Duration
		used  bool
	}{
		{"same model, fresh", m.Name(), time.Minute, true},
		{"another model", "quire-static-64-other", time.Minute, false},
		{"expired", m.Name(), time.Hour, false},
	} {
		set := quire.SimilarPapers{PaperID: "0704.0001", Model: c.model, K: 2, Neighbours: planted,
			ComputedAt: time.Now().Add(-c.age)}
		if err := db.PutSimilarPapers(t.Context(), []quire.SimilarPapers{set}); err != nil {
			t.Fatal(err)
		}
		got, err := MustEngine(t, db, m, "").Similar(t.Context(), "0704.0001", 2)
		if err != nil {
			t.Fatal(err)
		}
		wantIDs := ids(want[:2])
		if c.used {
			wantIDs = []string{want[4].PaperID, want[3].PaperID}
		}
		if diff := cmp.Diff(wantIDs, ids(got)); diff != "" {
			t.Errorf("%s: Similar(2) (-want +got):\n%s", c.name, diff)
		}
		if !c.used {
			// The engine stores what it found instead, before the
			// next case plants its own.
			for {
				s, err := db.FindSimilarPapers(t.Context(), "0704.0001")
				if err == nil && s.Model == m.Name() && time.Since(s.ComputedAt) < time.Minute {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s: the engine did not store what it found: %+v, %v", c.name, s, err)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
	}
}

package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/api"
	"quire/internal/hfdaily"
	"quire/internal/store"
	"quire/internal/testenv"
)

// hfDay is the recorded Hugging Face response the upstream tests replay.
const hfDay = "2026-08-21"

// replayHF answers GET /api/daily_papers?date= like Hugging Face: the
// recorded response for hfDay (its first item's upvotes raised by bump),
// an empty list for other days, and 404 for the days in fail.
type replayHF struct {
	t    *testing.T
	mu   sync.Mutex
	days []string
	bump atomic.Int32
	fail map[string]bool
}

func (h *replayHF) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	day := r.URL.Query().Get("date")
	h.mu.Lock()
	h.days = append(h.days, day)
	fail := h.fail[day]
	h.mu.Unlock()
	if fail {
		http.NotFound(w, r)
		return
	}
	if day != hfDay {
		w.Write([]byte("[]"))
		return
	}
	b, err := os.ReadFile("../../testdata/hf/daily_papers_" + hfDay + ".json")
	if err != nil {
		h.t.Error(err)
		return
	}
	var items []map[string]any
	if err := json.Unmarshal(b, &items); err != nil {
		h.t.Error(err)
		return
	}
	p := items[0]["paper"].(map[string]any)
	p["upvotes"] = p["upvotes"].(float64) + float64(h.bump.Load())
	json.NewEncoder(w).Encode(items)
}

// requested returns and forgets the days asked for so far.
func (h *replayHF) requested() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	d := h.days
	h.days = nil
	return d
}

func upstreamClient(t *testing.T, url string) *hfdaily.Client {
	t.Helper()
	c, err := hfdaily.NewClient(hfdaily.ClientOptions{URL: url, MinInterval: time.Millisecond, Backoff: time.Millisecond, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func openTestStore(t *testing.T, dsn string) store.DB {
	t.Helper()
	db, _, err := store.OpenMigrated(t.Context(), dsn, store.MigrateAlways)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func dayList(t *testing.T, db quire.DailyStore, day string) map[string]int {
	t.Helper()
	d := mustParseDay(t, day)
	items, _, err := db.FindDailyItems(t.Context(), quire.DailyFilter{From: d, To: d.AddDate(0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]int, len(items))
	for _, it := range items {
		out[it.Paper.ID] = it.Entry.Upvotes
	}
	return out
}

func mustParseDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := quire.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var quietLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestFollowUpstream merges the recorded day, resumes after the saved
// day, reads the latest days again to pick up moved counts, changes
// nothing when read twice, and resumes a run that failed midway.
func TestFollowUpstream(t *testing.T) {
	ctx := t.Context()
	hf := &replayHF{t: t, fail: map[string]bool{}}
	srv := httptest.NewServer(hf)
	defer srv.Close()
	c := upstreamClient(t, srv.URL+"/api/daily_papers")
	db := openTestStore(t, filepath.Join(t.TempDir(), "quire.db"))
	now := func() time.Time { return time.Date(2026, 8, 23, 15, 0, 0, 0, time.UTC) }

	// The first run reads the last week.
	days, err := followUpstream(ctx, db, c, upstreamOptions{now: now}, quietLogger)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-08-17", "2026-08-18", "2026-08-19", "2026-08-20", "2026-08-21", "2026-08-22", "2026-08-23"}
	if diff := cmp.Diff(want, hf.requested()); diff != "" {
		t.Errorf("days read (-want +got):\n%s", diff)
	}
	listed := dayList(t, db, hfDay)
	if len(listed) != 17 || len(days) != 7 || days[4].Entries.Inserted != 17 {
		t.Fatalf("the day lists %d papers (%d days merged), want the recorded 17", len(listed), len(days))
	}
	if v, _ := db.Setting(ctx, upstreamKey); v != "2026-08-23" {
		t.Errorf("saved position %q, want 2026-08-23", v)
	}

	// The next run reads the latest three days again: nothing changed.
	days, err = followUpstream(ctx, db, c, upstreamOptions{now: now}, quietLogger)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"2026-08-21", "2026-08-22", "2026-08-23"}, hf.requested()); diff != "" {
		t.Errorf("days read again (-want +got):\n%s", diff)
	}
	if st := days[0].Entries; st.Unchanged != 17 || st.Inserted+st.Updated != 0 {
		t.Errorf("reading the day twice: %+v, want 17 unchanged", st)
	}

	// Upvotes moved upstream: the next run takes the new count.
	hf.bump.Store(5)
	if _, err := followUpstream(ctx, db, c, upstreamOptions{now: now}, quietLogger); err != nil {
		t.Fatal(err)
	}
	moved := dayList(t, db, hfDay)
	changed := 0
	for id, n := range moved {
		if n != listed[id] {
			changed++
			if n != listed[id]+5 {
				t.Errorf("%s: %d upvotes, want %d", id, n, listed[id]+5)
			}
		}
	}
	if changed != 1 || len(moved) != 17 {
		t.Errorf("%d of %d entries changed, want 1 of 17", changed, len(moved))
	}

	// A run that fails on a day keeps the days before it and resumes.
	db2 := openTestStore(t, filepath.Join(t.TempDir(), "quire.db"))
	hf.fail["2026-08-22"] = true
	if _, err := followUpstream(ctx, db2, c, upstreamOptions{now: now}, quietLogger); err == nil || !strings.Contains(err.Error(), "2026-08-22") {
		t.Fatalf("err = %v, want one naming the failed day", err)
	}
	if v, _ := db2.Setting(ctx, upstreamKey); v != "2026-08-21" {
		t.Errorf("saved position after the failure %q, want 2026-08-21", v)
	}
	if n := len(dayList(t, db2, hfDay)); n != 17 {
		t.Errorf("the day before the failure lists %d papers, want 17", n)
	}
	hf.fail = map[string]bool{}
	hf.requested()
	if _, err := followUpstream(ctx, db2, c, upstreamOptions{now: now}, quietLogger); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"2026-08-21", "2026-08-22", "2026-08-23"}, hf.requested()); diff != "" {
		t.Errorf("days read on resuming (-want +got):\n%s", diff)
	}
}

func TestUpstreamDaysRefusesBadRanges(t *testing.T) {
	db := openTestStore(t, filepath.Join(t.TempDir(), "quire.db"))
	now := func() time.Time { return time.Date(2026, 8, 23, 15, 0, 0, 0, time.UTC) }
	for _, o := range []upstreamOptions{
		{from: time.Date(2026, 8, 25, 0, 0, 0, 0, time.UTC), now: now},
		{from: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), now: now},
	} {
		if _, _, err := upstreamDays(t.Context(), db, o); err == nil {
			t.Errorf("upstreamDays(from %s) accepted it", o.from.Format(quire.DayLayout))
		}
	}
	if err := db.SetSetting(t.Context(), upstreamKey, "last tuesday"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := upstreamDays(t.Context(), db, upstreamOptions{now: now}); err == nil {
		t.Error("an unreadable saved position was accepted")
	}
}

// TestFollowUpstreamQuire follows another Quire's API: the day's list of
// the follower then matches the upstream's, in the same API shape.
func TestFollowUpstreamQuire(t *testing.T) {
	dir := t.TempDir()
	// The upstream hub holds the recorded day.
	up := openTestStore(t, filepath.Join(dir, "upstream.db"))
	mustRun(t, "import", "--db", filepath.Join(dir, "upstream.db"), "../../testdata/hf/daily_papers_"+hfDay+".json")
	upSrv := httptest.NewServer(api.New(up, api.Options{}))
	defer upSrv.Close()

	down := filepath.Join(dir, "follower.db")
	out := mustRun(t, "sync", "--db", down, "--migrate", "--sets", "none", "--upstream", upSrv.URL+"/api/daily_papers",
		"--from", hfDay, "--until", hfDay)
	if !strings.Contains(out, "upstream "+hfDay+": 17 listed, 17 papers new, 17 entries new or changed") {
		t.Errorf("quire sync printed %q", out)
	}
	db := openTestStore(t, down)
	downSrv := httptest.NewServer(api.New(db, api.Options{}))
	defer downSrv.Close()
	daily := func(base string) []map[string]any {
		resp, err := http.Get(base + "/api/daily_papers?date=" + hfDay)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var items []map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&items); err != nil {
			t.Fatal(err)
		}
		return items
	}
	summary := func(items []map[string]any) []string {
		var s []string
		for _, it := range items {
			p := it["paper"].(map[string]any)
			s = append(s, fmt.Sprintf("%v %v %v %v", p["id"], p["title"], p["upvotes"], len(p["authors"].([]any))))
		}
		return s
	}
	want, got := daily(upSrv.URL), daily(downSrv.URL)
	if len(want) != 17 {
		t.Fatalf("the upstream lists %d papers", len(want))
	}
	if diff := cmp.Diff(summary(want), summary(got)); diff != "" {
		t.Errorf("the follower's list differs from the upstream's (-upstream +follower):\n%s", diff)
	}
}

func TestSyncNeedsSomethingToDo(t *testing.T) {
	env := Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	err := Run(t.Context(), env, []string{"sync", "--db", filepath.Join(t.TempDir(), "q.db"), "--sets", "none"})
	if err == nil || !strings.Contains(err.Error(), "Nothing to sync") {
		t.Errorf("err = %v", err)
	}
}

func TestUpstreamSchedulersPostgres(t *testing.T) {
	testUpstreamSchedulers(t, testenv.PostgresURL(t))
}

func TestUpstreamSchedulersSQLite(t *testing.T) {
	testUpstreamSchedulers(t, filepath.Join(t.TempDir(), "quire.db"))
}

// testUpstreamSchedulers runs two nodes' schedulers on one database: one
// merges, the other then finds the run done; an hour later one merges
// again.
func testUpstreamSchedulers(t *testing.T, dsn string) {
	hf := &replayHF{t: t}
	srv := httptest.NewServer(hf)
	defer srv.Close()
	c := upstreamClient(t, srv.URL+"/api/daily_papers")
	var clock atomic.Int64
	clock.Store(time.Date(2026, 8, 23, 15, 0, 0, 0, time.UTC).UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	scheds := make([]*upstreamScheduler, 2)
	for i := range scheds {
		scheds[i] = &upstreamScheduler{db: openTestStore(t, dsn), client: c, interval: time.Hour, check: time.Minute,
			holder: fmt.Sprintf("node%d", i), now: now, logger: quietLogger}
	}
	for round, want := range []string{"10", "00", "10"} {
		if round == 2 {
			clock.Add(int64(time.Hour))
		}
		var got string
		for _, s := range scheds {
			ran, err := s.tick(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			got += map[bool]string{true: "1", false: "0"}[ran]
		}
		if got != want {
			t.Errorf("round %d: nodes ran %s, want %s", round, got, want)
		}
	}
	if n := len(dayList(t, scheds[1].db.(quire.DailyStore), hfDay)); n != 17 {
		t.Errorf("the day lists %d papers after the scheduled runs, want 17", n)
	}
}

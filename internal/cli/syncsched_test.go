package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/arxiv"
	"quire/internal/digest"
	"quire/internal/store"
	"quire/internal/testenv"
)

// heldOAI serves the recorded three-page harvest of
// internal/arxiv/testdata/oai whatever the from date (an incremental
// harvest gets the same pages again), and holds the second page until
// the test has seen waitFor lease refusals: the harvest in progress then
// overlaps every other node's attempt.
type heldOAI struct {
	*httptest.Server
	refused chan struct{}
	waitFor atomic.Int32
	// firstPages counts the harvests begun.
	firstPages atomic.Int32
}

func startHeldOAI(t *testing.T) *heldOAI {
	o := &heldOAI{refused: make(chan struct{}, 64)}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var name string
		switch r.URL.Query().Get("resumptionToken") {
		case "":
			o.firstPages.Add(1)
			name = "arxiv_page1.xml"
		case "6960524|1001":
			for range o.waitFor.Load() {
				select {
				case <-o.refused:
				case <-r.Context().Done():
					return
				case <-time.After(30 * time.Second):
					http.Error(w, "no other node tried to harvest meanwhile", http.StatusBadRequest)
					return
				}
			}
			name = "arxiv_page2.xml"
		case "6960524|2001":
			name = "arxiv_page3.xml"
		default:
			name = "error_badResumptionToken.xml"
		}
		serveOAIFixture(w, name)
	}))
	t.Cleanup(o.Close)
	return o
}

// leaseSpan is a time during which a node held the sync lease, widened
// to be safe: from before its AcquireLease call to after its release.
type leaseSpan struct {
	node       string
	start, end time.Time
}

// leaseLog records, for every node of a test, when each held the lease.
type leaseLog struct {
	mu    sync.Mutex
	spans []leaseSpan
	// unleased lists writes to the catalogue made without the lease.
	unleased []string
	renewals int
}

// recordingStore is one node's store: it records in log when the node
// holds the sync lease, and tells oai of each refusal.
type recordingStore struct {
	store.DB
	node    string
	log     *leaseLog
	oai     *heldOAI
	holding bool
	since   time.Time
}

func (s *recordingStore) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration, now time.Time) (bool, error) {
	before := time.Now()
	ok, err := s.DB.AcquireLease(ctx, name, holder, ttl, now)
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	switch {
	case err != nil:
	case ok && s.holding:
		s.log.renewals++
	case ok:
		s.holding, s.since = true, before
	case s.holding:
		// Lost to another node: this node held it until now at most.
		s.holding = false
		s.log.spans = append(s.log.spans, leaseSpan{s.node, s.since, time.Now()})
	default:
		s.oai.refused <- struct{}{}
	}
	return ok, err
}

func (s *recordingStore) ReleaseLease(ctx context.Context, name, holder string) error {
	err := s.DB.ReleaseLease(ctx, name, holder)
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	if s.holding {
		s.holding = false
		s.log.spans = append(s.log.spans, leaseSpan{s.node, s.since, time.Now()})
	}
	return err
}

func (s *recordingStore) UpsertPapers(ctx context.Context, papers []*quire.Paper) (quire.UpsertStats, error) {
	s.checkHolding()
	return s.DB.UpsertPapers(ctx, papers)
}

func (s *recordingStore) MarkWithdrawn(ctx context.Context, paperIDs []string, at time.Time) (int, error) {
	s.checkHolding()
	return s.DB.MarkWithdrawn(ctx, paperIDs, at)
}

// checkHolding records a write to the catalogue without the lease.
func (s *recordingStore) checkHolding() {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	if !s.holding {
		s.log.unleased = append(s.log.unleased, s.node)
	}
}

func TestSyncSchedulersPostgres(t *testing.T) {
	testSyncSchedulers(t, testenv.PostgresURL(t))
}

func TestSyncSchedulersSQLite(t *testing.T) {
	testSyncSchedulers(t, filepath.Join(t.TempDir(), "quire.db"))
}

// testSyncSchedulers runs three nodes' schedulers against one database:
// on two days, all three find the harvest due at once, one takes the lease
// and harvests while the others are refused, and the catalogue ends as one
// harvest makes it. No two nodes ever hold the lease at the same time.
func testSyncSchedulers(t *testing.T, dsn string) {
	const nodes = 3
	ctx := t.Context()
	oai := startHeldOAI(t)
	day1 := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	var clock atomic.Int64
	now := func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
	}

	var log leaseLog
	scheds := make([]*syncScheduler, nodes)
	for i := range nodes {
		// Each node has its own connection, as separate processes would.
		db, _, err := store.OpenMigrated(ctx, dsn, store.MigrateAlways)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		node := fmt.Sprintf("node%d", i)
		scheds[i] = &syncScheduler{
			db: &recordingStore{DB: db, node: node, log: &log, oai: oai},
			harvest: harvestOptions{sets: []string{"all"}, prefix: arxiv.PrefixArXiv, url: oai.URL,
				interval: 10 * time.Millisecond, contact: "http://quire.test"},
			at:      digest.Clock{Hour: 3},
			zone:    time.UTC,
			holder:  node + "/" + leaseHolder(),
			ttl:     time.Minute,
			now:     now,
			started: day1.Add(2*time.Hour + 59*time.Minute),
			logger:  logger.With("node", node),
		}
	}
	// tickAll runs every node's check at once and returns whether each
	// harvested; others waits the harvest in progress for the other nodes.
	tickAll := func(at time.Time, others int32) []bool {
		clock.Store(at.UnixNano())
		oai.waitFor.Store(others)
		ran := make([]bool, nodes)
		var wg sync.WaitGroup
		for i, s := range scheds {
			wg.Go(func() {
				var err error
				if ran[i], err = s.tick(ctx); err != nil {
					t.Errorf("node %d at %v: %v", i, at, err)
				}
			})
		}
		wg.Wait()
		return ran
	}
	count := func(ran []bool) int {
		n := 0
		for _, r := range ran {
			if r {
				n++
			}
		}
		return n
	}

	// Before the sync time nothing is due, on a database never harvested.
	if n := count(tickAll(day1.Add(2*time.Hour+59*time.Minute+30*time.Second), 0)); n != 0 {
		t.Errorf("before 03:00: %d nodes harvested, want none", n)
	}
	for _, step := range []struct {
		what string
		at   time.Time
		want int
	}{
		{"at 03:00 on the first day", day1.Add(3*time.Hour + 30*time.Second), 1},
		{"again later that day", day1.Add(9 * time.Hour), 0},
		{"at 03:00 on the next day", day1.Add(27*time.Hour + 5*time.Minute), 1},
	} {
		others := int32(0)
		if step.want == 1 {
			others = nodes - 1
		}
		if n := count(tickAll(step.at, others)); n != step.want {
			t.Errorf("%s: %d nodes harvested, want %d", step.what, n, step.want)
		}
	}
	if n := oai.firstPages.Load(); n != 2 {
		t.Errorf("%d harvests began at the endpoint, want 2", n)
	}

	log.mu.Lock()
	defer log.mu.Unlock()
	if len(log.spans) != 2 {
		var holders []string
		for _, sp := range log.spans {
			holders = append(holders, sp.node)
		}
		t.Errorf("the lease was held %d times (by %v), want 2", len(log.spans), holders)
	}
	slices.SortFunc(log.spans, func(a, b leaseSpan) int { return a.start.Compare(b.start) })
	for i := 1; i < len(log.spans); i++ {
		if prev, cur := log.spans[i-1], log.spans[i]; cur.start.Before(prev.end) {
			t.Errorf("%s took the lease before %s released it", cur.node, prev.node)
		}
	}
	if len(log.unleased) > 0 {
		t.Errorf("nodes %v wrote papers without holding the lease", log.unleased)
	}
	// Each harvest renews the lease after each of its three pages.
	if log.renewals < 6 {
		t.Errorf("the lease was renewed %d times in two harvests of three pages, want at least 6", log.renewals)
	}

	// The catalogue is what one plain harvest makes.
	ref := MustOpenUserDB(t, filepath.Join(t.TempDir(), "ref.db"))
	if _, err := ref.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := harvest(ctx, ref, harvestOptions{sets: []string{"all"}, prefix: arxiv.PrefixArXiv,
		url: replayOAI(t, nil).URL, interval: 10 * time.Millisecond}, logger, nil); err != nil {
		t.Fatal(err)
	}
	want := mustCatalogue(t, ref)
	if len(want) == 0 {
		t.Fatal("the reference harvest stored no papers")
	}
	db := MustOpenUserDB(t, dsn)
	if diff := cmp.Diff(want, mustCatalogue(t, db)); diff != "" {
		t.Errorf("catalogue after the scheduled harvests mismatch (-want +got):\n%s", diff)
	}
}

// mustCatalogue returns every paper of db in id order.
func mustCatalogue(t *testing.T, db quire.Store) []quire.Paper {
	t.Helper()
	cs, err := db.FindPaperChanges(t.Context(), 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var out []quire.Paper
	for _, c := range cs {
		out = append(out, c.Paper)
	}
	slices.SortFunc(out, func(a, b quire.Paper) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func TestLatestAt(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip(err)
	}
	at := digest.Clock{Hour: 3}
	for _, tc := range []struct {
		now, want string
		zone      *time.Location
	}{
		{"2026-11-27T03:00:00Z", "2026-11-27T03:00:00Z", time.UTC},
		{"2026-11-27T02:59:59Z", "2026-11-26T03:00:00Z", time.UTC},
		{"2026-11-27T23:00:00Z", "2026-11-27T03:00:00Z", time.UTC},
		{"2026-01-01T00:30:00Z", "2025-12-31T03:00:00Z", time.UTC},
		// 03:00 in Paris is 02:00 UTC in winter and 01:00 in summer.
		{"2026-11-27T02:30:00Z", "2026-11-27T02:00:00Z", paris},
		{"2026-11-27T01:30:00Z", "2026-11-26T02:00:00Z", paris},
		{"2026-07-01T01:30:00Z", "2026-07-01T01:00:00Z", paris},
	} {
		now, _ := time.Parse(time.RFC3339, tc.now)
		if got := latestAt(now, at, tc.zone).UTC().Format(time.RFC3339); got != tc.want {
			t.Errorf("latestAt(%s, 03:00, %s) = %s, want %s", tc.now, tc.zone, got, tc.want)
		}
	}
}

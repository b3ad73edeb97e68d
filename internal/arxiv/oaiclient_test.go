package arxiv

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
)

// oaiRoutes maps the query of a request, without the verb, to the fixture
// that answers it: the replayed three-page arXiv-format harvest.
var oaiRoutes = map[string]string{
	"metadataPrefix=arXiv":                 "arxiv_page1.xml",
	"resumptionToken=6960524%7C1001":       "arxiv_page2.xml",
	"resumptionToken=6960524%7C2001":       "arxiv_page3.xml",
	"from=2009-06-23&metadataPrefix=arXiv": "arxiv_from_2009-06-23.xml",
}

// replayOAI answers ListRecords requests from routes and anything else
// with a badArgument error, as an OAI-PMH repository does.
func replayOAI(tb testing.TB, routes map[string]string) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		name := "error_badArgument.xml"
		if q.Get("verb") == "ListRecords" {
			q.Del("verb")
			if n, ok := routes[q.Encode()]; ok {
				name = n
			}
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.Write(MustReadOAIFixture(tb, name))
	}
}

// sleeper records the waits a harvester asks for instead of waiting.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

// MustHarvester returns a harvester of s in the arXiv format whose waits go
// to sl, changed by opts.
func MustHarvester(tb testing.TB, s *apiServer, sl *sleeper, opts HarvesterOptions) *Harvester {
	tb.Helper()
	opts.BaseURL = s.URL + "/oai"
	if opts.Prefix == "" {
		opts.Prefix = PrefixArXiv
	}
	if opts.Contact == "" {
		opts.Contact = "ops@quire.example"
	}
	if opts.MinInterval == 0 {
		opts.MinInterval = time.Nanosecond
	}
	if opts.Backoff == 0 {
		opts.Backoff = time.Second
	}
	opts.Sleep = sl.sleep
	h, err := NewHarvester(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// memSettings is a Settings in memory.
type memSettings struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *memSettings) Setting(_ context.Context, key string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	if !ok {
		return "", quire.NotFoundf("no setting %s", key)
	}
	return v, nil
}

func (s *memSettings) SetSetting(ctx context.Context, key, value string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]string{}
	}
	s.m[key] = value
	return nil
}

// catalogue stands for the store: papers by id, merged as a store does,
// and the ids seen deleted or withdrawn.
type catalogue struct {
	papers    map[string]*quire.Paper
	withdrawn map[string]bool
}

func newCatalogue() *catalogue {
	return &catalogue{papers: map[string]*quire.Paper{}, withdrawn: map[string]bool{}}
}

func (c *catalogue) store(page *OAIPage) {
	for _, p := range page.Papers {
		if old := c.papers[p.ID]; old != nil {
			m, _ := quire.Merge(old, p)
			p = &m
		}
		c.papers[p.ID] = p
	}
	for _, id := range slices.Concat(page.Deleted, page.Withdrawn) {
		c.withdrawn[id] = true
	}
}

func (c *catalogue) diff(want *catalogue) string {
	return cmp.Diff(want.papers, c.papers) + cmp.Diff(want.withdrawn, c.withdrawn)
}

// queries returns the queries of the requests s received, without the verb.
func (s *apiServer) queries() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, r := range s.requests {
		q := r.URL.Query()
		q.Del("verb")
		out = append(out, q.Encode())
	}
	return out
}

// uninterrupted runs the replayed harvest in one go.
func uninterrupted(t *testing.T) *catalogue {
	t.Helper()
	s := newAPIServer(t, replayOAI(t, oaiRoutes))
	h := MustHarvester(t, s, &sleeper{}, HarvesterOptions{})
	cat := newCatalogue()
	if _, err := h.Run(t.Context(), &memSettings{}, func(_ context.Context, page *OAIPage) error {
		cat.store(page)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return cat
}

func TestHarvesterHarvest(t *testing.T) {
	s := newAPIServer(t, replayOAI(t, oaiRoutes))
	h := MustHarvester(t, s, &sleeper{}, HarvesterOptions{})
	var got []string
	var cps []Checkpoint
	cp, err := h.Harvest(t.Context(), h.Start(), func(_ context.Context, page *OAIPage, next Checkpoint) error {
		got = append(got, ids(page.Papers)...)
		cps = append(cps, next)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"0704.0004", "0704.0079", "0704.0113", "0704.0191", "0704.0132",
		"0704.0063", "0704.0031", "0704.0106", "0704.0196", "0704.0175",
		"0704.0057", "0704.0166", "0704.0199", "0704.0200", "0704.0156",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("papers mismatch (-want +got):\n%s", diff)
	}
	wantCPs := []Checkpoint{
		{Prefix: "arXiv", Token: "6960524|1001", LastDatestamp: "2007-09-03", Pages: 1, Records: 5},
		{Prefix: "arXiv", Token: "6960524|2001", LastDatestamp: "2009-06-23", Pages: 2, Records: 10},
		{Prefix: "arXiv", LastDatestamp: "2015-05-13", Pages: 3, Records: 15},
	}
	if diff := cmp.Diff(wantCPs, cps); diff != "" {
		t.Errorf("checkpoints mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantCPs[2], cp); diff != "" || !cp.Done() {
		t.Errorf("final checkpoint mismatch (-want +got):\n%s", diff)
	}
	wantQ := []string{"metadataPrefix=arXiv", "resumptionToken=6960524%7C1001", "resumptionToken=6960524%7C2001"}
	if diff := cmp.Diff(wantQ, s.queries()); diff != "" {
		t.Errorf("requests mismatch (-want +got):\n%s", diff)
	}
	r := s.request(t, 1)
	if ua := r.UserAgent(); ua != "Quire (research-paper hub; +ops@quire.example)" || r.URL.Path != "/oai" {
		t.Errorf("request %s with User-Agent %q", r.URL.Path, ua)
	}
}

// TestHarvesterResumesAtEveryPage interrupts the replayed harvest after
// each page in turn, by a failing store or a cancelled context, and
// resumes it with a new Harvester from the saved checkpoint: the catalogue
// must end exactly as after an uninterrupted run.
func TestHarvesterResumesAtEveryPage(t *testing.T) {
	want := uninterrupted(t)
	if len(want.papers) != 15 || !want.withdrawn["0704.0156"] {
		t.Fatalf("uninterrupted run stored %d papers, withdrawn %v", len(want.papers), want.withdrawn)
	}
	for _, how := range []string{"store fails", "context cancelled"} {
		for k := 1; k <= 3; k++ {
			t.Run(fmt.Sprintf("%s after page %d", how, k), func(t *testing.T) {
				s := newAPIServer(t, replayOAI(t, oaiRoutes))
				settings := &memSettings{}
				cat := newCatalogue()
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				errStore := errors.New("store is down")
				pages := 0
				_, err := MustHarvester(t, s, &sleeper{}, HarvesterOptions{}).Run(ctx, settings, func(_ context.Context, page *OAIPage) error {
					pages++
					if pages == k && how == "store fails" {
						// Part of the page may be stored before a failure.
						cat.store(&OAIPage{Papers: page.Papers[:2]})
						return errStore
					}
					cat.store(page)
					if pages == k {
						cancel()
					}
					return nil
				})
				switch {
				case how == "store fails" && !errors.Is(err, errStore):
					t.Fatalf("first run: %v; want the store's error", err)
				case how == "context cancelled" && k < 3 && !errors.Is(err, context.Canceled):
					t.Fatalf("first run: %v; want context.Canceled", err)
				case how == "context cancelled" && k == 3 && err != nil:
					t.Fatalf("first run: %v; want the harvest complete", err)
				}
				saved, err := LoadCheckpoint(t.Context(), settings, CheckpointKey(PrefixArXiv, ""))
				if k == 1 && how == "store fails" {
					if !errors.Is(err, quire.ErrNotFound) {
						t.Fatalf("checkpoint after a failed first page: %+v, %v", saved, err)
					}
				} else if err != nil {
					t.Fatal(err)
				}
				if saved.Done() {
					// Nothing is left to resume.
					if d := cat.diff(want); d != "" {
						t.Errorf("catalogue differs from an uninterrupted run:\n%s", d)
					}
					return
				}
				before := s.count()
				cp, err := MustHarvester(t, s, &sleeper{}, HarvesterOptions{}).Run(t.Context(), settings, func(_ context.Context, page *OAIPage) error {
					cat.store(page)
					return nil
				})
				if err != nil {
					t.Fatalf("resumed run: %v", err)
				}
				if d := cat.diff(want); d != "" {
					t.Errorf("catalogue differs from an uninterrupted run:\n%s", d)
				}
				if !cp.Done() || cp.Pages != 3 || cp.Records != 15 {
					t.Errorf("final checkpoint %+v; want 3 pages, 15 records, done", cp)
				}
				// The resumed run starts at the first page not yet
				// recorded as stored, never earlier.
				wantFirst := []string{"metadataPrefix=arXiv", "resumptionToken=6960524%7C1001", "resumptionToken=6960524%7C2001"}[saved.Pages]
				if got := s.queries()[before]; got != wantFirst {
					t.Errorf("resumed run first asked for %s; want %s", got, wantFirst)
				}
			})
		}
	}
}

// TestHarvesterExpiredToken resumes with a token that the repository no
// longer accepts: the harvest restarts from the last datestamp.
func TestHarvesterExpiredToken(t *testing.T) {
	want := uninterrupted(t)
	routes := maps.Clone(oaiRoutes)
	routes["resumptionToken=6960524%7C2001"] = "error_badResumptionToken.xml"
	s := newAPIServer(t, replayOAI(t, routes))
	settings := &memSettings{}
	cat := newCatalogue()
	for _, name := range []string{"arxiv_page1.xml", "arxiv_page2.xml"} {
		cat.store(MustParseOAIFixture(t, name))
	}
	saved := Checkpoint{Prefix: PrefixArXiv, Token: "6960524|2001", LastDatestamp: "2009-06-23", Pages: 2, Records: 10}
	if err := SaveCheckpoint(t.Context(), settings, CheckpointKey(PrefixArXiv, ""), saved); err != nil {
		t.Fatal(err)
	}
	cp, err := MustHarvester(t, s, &sleeper{}, HarvesterOptions{}).Run(t.Context(), settings, func(_ context.Context, page *OAIPage) error {
		cat.store(page)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := cat.diff(want); d != "" {
		t.Errorf("catalogue differs from an uninterrupted run:\n%s", d)
	}
	wantQ := []string{"resumptionToken=6960524%7C2001", "from=2009-06-23&metadataPrefix=arXiv"}
	if diff := cmp.Diff(wantQ, s.queries()); diff != "" {
		t.Errorf("requests mismatch (-want +got):\n%s", diff)
	}
	wantCP := Checkpoint{Prefix: PrefixArXiv, From: "2009-06-23", LastDatestamp: "2015-05-13", Pages: 3, Records: 16}
	if diff := cmp.Diff(wantCP, cp); diff != "" {
		t.Errorf("checkpoint mismatch (-want +got):\n%s", diff)
	}
}

// TestHarvesterRunIncremental runs again after a finished harvest: the
// next one asks for records from the last datestamp on.
func TestHarvesterRunIncremental(t *testing.T) {
	s := newAPIServer(t, replayOAI(t, oaiRoutes))
	settings := &memSettings{}
	done := Checkpoint{Prefix: PrefixArXiv, LastDatestamp: "2009-06-23", Pages: 2, Records: 10}
	if err := SaveCheckpoint(t.Context(), settings, CheckpointKey(PrefixArXiv, ""), done); err != nil {
		t.Fatal(err)
	}
	var got []string
	cp, err := MustHarvester(t, s, &sleeper{}, HarvesterOptions{}).Run(t.Context(), settings, func(_ context.Context, page *OAIPage) error {
		got = append(got, ids(page.Papers)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"0704.0175", "0704.0057", "0704.0166", "0704.0199", "0704.0200", "0704.0156"}, got); diff != "" {
		t.Errorf("papers mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"from=2009-06-23&metadataPrefix=arXiv"}, s.queries()); diff != "" {
		t.Errorf("requests mismatch (-want +got):\n%s", diff)
	}
	saved, err := LoadCheckpoint(t.Context(), settings, CheckpointKey(PrefixArXiv, ""))
	if err != nil || saved != cp || !cp.Done() || cp.LastDatestamp != "2015-05-13" {
		t.Errorf("saved checkpoint %+v (%v), returned %+v", saved, err, cp)
	}
}

func TestHarvesterNoRecordsMatch(t *testing.T) {
	s := newAPIServer(t, replayOAI(t, map[string]string{"from=2026-11-27&metadataPrefix=arXiv&set=cs": "error_noRecordsMatch.xml"}))
	h := MustHarvester(t, s, &sleeper{}, HarvesterOptions{Set: "cs", From: "2026-11-27"})
	calls := 0
	cp, err := h.Harvest(t.Context(), h.Start(), func(_ context.Context, page *OAIPage, _ Checkpoint) error {
		calls++
		if page.Records != 0 || len(page.Papers) != 0 {
			t.Errorf("page %+v; want an empty page", page)
		}
		return nil
	})
	want := Checkpoint{Set: "cs", Prefix: PrefixArXiv, From: "2026-11-27", Pages: 1}
	if err != nil || calls != 1 || cp != want || !cp.Done() {
		t.Errorf("Harvest = %+v, %v after %d pages; want %+v done after 1 empty page", cp, err, calls, want)
	}
}

func TestHarvesterOAIErrors(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		want    error
	}{
		{"error_badArgument.xml", ErrBadArgument},
		{"error_cannotDisseminateFormat.xml", ErrCannotDisseminateFormat},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			s := newAPIServer(t, replayOAI(t, map[string]string{"metadataPrefix=arXiv&set=physics%3Ahep-th": tc.fixture}))
			sl := &sleeper{}
			h := MustHarvester(t, s, sl, HarvesterOptions{Set: "physics:hep-th"})
			cp, err := h.Harvest(t.Context(), h.Start(), func(context.Context, *OAIPage, Checkpoint) error {
				t.Error("page callback called")
				return nil
			})
			if !errors.Is(err, tc.want) || !errors.Is(err, quire.ErrInvalid) || quire.UserMessage(err) == "" {
				t.Errorf("Harvest error = %v; want %v of kind quire.ErrInvalid", err, tc.want)
			}
			if s.count() != 1 || len(sl.waits) != 0 || cp != h.Start() {
				t.Errorf("%d requests, waits %v, checkpoint %+v; want one request, no retry", s.count(), sl.waits, cp)
			}
		})
	}
}

// TestHarvesterRetryAfter: a 503 with Retry-After is waited out, for the
// time asked, through the harvester's sleeper.
func TestHarvesterRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		name       string
		header     func() string
		minW, maxW time.Duration
	}{
		{"seconds", func() string { return "1" }, time.Second, time.Second},
		{"HTTP date", func() string { return time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat) }, 60 * time.Second, 90 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page1 := replayOAI(t, oaiRoutes)
			s := newAPIServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n == 1 {
					w.Header().Set("Retry-After", tc.header())
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				page1(n, w, r)
			})
			sl := &sleeper{}
			h := MustHarvester(t, s, sl, HarvesterOptions{})
			cp, err := h.Harvest(t.Context(), h.Start(), func(context.Context, *OAIPage, Checkpoint) error { return nil })
			if err != nil || cp.Records != 15 {
				t.Fatalf("Harvest = %+v, %v", cp, err)
			}
			if len(sl.waits) != 1 || sl.waits[0] < tc.minW || sl.waits[0] > tc.maxW {
				t.Errorf("waits %v; want one wait of %v to %v", sl.waits, tc.minW, tc.maxW)
			}
			if got := s.queries()[:2]; got[0] != got[1] {
				t.Errorf("retried %s with %s", got[0], got[1])
			}
		})
	}
}

func TestHarvesterRetryAfterTooLong(t *testing.T) {
	s := newAPIServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	sl := &sleeper{}
	h := MustHarvester(t, s, sl, HarvesterOptions{MaxRetryAfter: 10 * time.Minute})
	_, err := h.Harvest(t.Context(), h.Start(), func(context.Context, *OAIPage, Checkpoint) error { return nil })
	if !errors.Is(err, ErrUnreachable) || !errors.Is(err, quire.ErrUnavailable) || !strings.Contains(err.Error(), "1h0m0s") {
		t.Errorf("Harvest error = %v; want ErrUnreachable naming the pause", err)
	}
	if s.count() != 1 || len(sl.waits) != 0 {
		t.Errorf("%d requests, waits %v; want one request and no wait", s.count(), sl.waits)
	}
}

// TestHarvesterRetries: network errors, server errors and truncated bodies
// are retried with growing backoff; a truncated body every time is a bad
// response after MaxAttempts.
func TestHarvesterRetries(t *testing.T) {
	truncated := MustReadOAIFixture(t, "truncated.xml")
	full := MustReadOAIFixture(t, "arxiv_page1.xml")
	fail := map[string]func(tb testing.TB, w http.ResponseWriter){
		"dropped connection": dropConnection,
		"server error": func(_ testing.TB, w http.ResponseWriter) {
			w.WriteHeader(http.StatusBadGateway)
		},
		"truncated body": func(_ testing.TB, w http.ResponseWriter) {
			w.Write(truncated)
		},
		"connection lost mid-body": func(tb testing.TB, w http.ResponseWriter) {
			// Promise the whole page, send part of it, and hang up.
			w.Header().Set("Content-Length", fmt.Sprint(len(full)))
			w.Write(full[:len(full)/2])
			w.(http.Flusher).Flush()
			dropConnection(tb, w)
		},
	}
	for name, failure := range fail {
		t.Run(name, func(t *testing.T) {
			ok := replayOAI(t, oaiRoutes)
			s := newAPIServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n <= 2 {
					failure(t, w)
					return
				}
				ok(n, w, r)
			})
			sl := &sleeper{}
			h := MustHarvester(t, s, sl, HarvesterOptions{Backoff: 4 * time.Second})
			cp, err := h.Harvest(t.Context(), h.Start(), func(context.Context, *OAIPage, Checkpoint) error { return nil })
			if err != nil || cp.Records != 15 || s.count() != 5 {
				t.Fatalf("Harvest = %+v, %v after %d requests; want 15 records after 5", cp, err, s.count())
			}
			// backoff draws from the upper half of base·2^(n-1).
			if len(sl.waits) != 2 || sl.waits[0] < 2*time.Second || sl.waits[0] > 4*time.Second ||
				sl.waits[1] < 4*time.Second || sl.waits[1] > 8*time.Second {
				t.Errorf("waits %v; want 2-4s then 4-8s", sl.waits)
			}
		})
	}
	t.Run("always truncated", func(t *testing.T) {
		s := newAPIServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.Write(truncated) })
		h := MustHarvester(t, s, &sleeper{}, HarvesterOptions{MaxAttempts: 3})
		_, err := h.Harvest(t.Context(), h.Start(), func(context.Context, *OAIPage, Checkpoint) error { return nil })
		if !errors.Is(err, ErrBadResponse) || !errors.Is(err, quire.ErrUnavailable) || s.count() != 3 {
			t.Errorf("Harvest error = %v after %d requests; want ErrBadResponse after 3", err, s.count())
		}
	})
	t.Run("always down", func(t *testing.T) {
		s := newAPIServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
		h := MustHarvester(t, s, &sleeper{}, HarvesterOptions{MaxAttempts: 2})
		_, err := h.Harvest(t.Context(), h.Start(), func(context.Context, *OAIPage, Checkpoint) error { return nil })
		if !errors.Is(err, ErrUnreachable) || s.count() != 2 {
			t.Errorf("Harvest error = %v after %d requests; want ErrUnreachable after 2", err, s.count())
		}
	})
}

// TestHarvesterMalformedRecord: a record that cannot be read is reported
// with its page and does not stop the harvest.
func TestHarvesterMalformedRecord(t *testing.T) {
	s := newAPIServer(t, replayOAI(t, map[string]string{"metadataPrefix=arXiv": "arxiv_malformed_record.xml"}))
	h := MustHarvester(t, s, &sleeper{}, HarvesterOptions{})
	var pages []*OAIPage
	cp, err := h.Harvest(t.Context(), h.Start(), func(_ context.Context, page *OAIPage, _ Checkpoint) error {
		pages = append(pages, page)
		return nil
	})
	if err != nil || len(pages) != 1 || !cp.Done() || cp.Records != 4 {
		t.Fatalf("Harvest = %+v, %v, %d pages", cp, err, len(pages))
	}
	if len(pages[0].Papers) != 3 || len(pages[0].Malformed) != 1 || pages[0].Malformed[0].Identifier != "oai:arXiv.org:0704.0049" {
		t.Errorf("page has papers %q and malformed %v", ids(pages[0].Papers), pages[0].Malformed)
	}
}

// TestHarvesterSpacing: requests are spaced by MinInterval, through the
// sleeper.
func TestHarvesterSpacing(t *testing.T) {
	s := newAPIServer(t, replayOAI(t, oaiRoutes))
	sl := &sleeper{}
	h := MustHarvester(t, s, sl, HarvesterOptions{MinInterval: time.Hour})
	if _, err := h.Harvest(t.Context(), h.Start(), func(context.Context, *OAIPage, Checkpoint) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if len(sl.waits) != 2 {
		t.Fatalf("waits %v; want two, between three requests", sl.waits)
	}
	for _, w := range sl.waits {
		if w < 59*time.Minute || w > time.Hour {
			t.Errorf("waited %v between requests; want about an hour", w)
		}
	}
}

func TestHarvesterCancelled(t *testing.T) {
	s := newAPIServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	ctx, cancel := context.WithCancel(t.Context())
	h := MustHarvester(t, s, &sleeper{}, HarvesterOptions{})
	h.sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	_, err := h.Harvest(ctx, h.Start(), func(context.Context, *OAIPage, Checkpoint) error { return nil })
	if !errors.Is(err, context.Canceled) || s.count() != 1 {
		t.Errorf("Harvest error = %v after %d requests; want context.Canceled after 1", err, s.count())
	}
}

func TestNewHarvesterInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts HarvesterOptions
		want string
	}{
		{"negative", HarvesterOptions{Timeout: -1}, "must not be negative"},
		{"base URL", HarvesterOptions{BaseURL: "ftp://oaipmh.arxiv.org/oai"}, "not an http(s) URL"},
		{"query in base URL", HarvesterOptions{BaseURL: "https://oaipmh.arxiv.org/oai?verb=Identify"}, "not an http(s) URL"},
		{"format", HarvesterOptions{Prefix: "oai_dc"}, "cannot be read"},
		{"set", HarvesterOptions{Set: "cs&verb=Identify"}, "not an OAI set"},
		{"empty set part", HarvesterOptions{Set: "physics:"}, "not an OAI set"},
		{"from", HarvesterOptions{From: "2026-11"}, "from date"},
		{"until", HarvesterOptions{Until: "2026-11-27T00:00:00Z"}, "until date"},
		{"from after until", HarvesterOptions{From: "2026-11-27", Until: "2026-11-01"}, "after until"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := NewHarvester(tc.opts)
			if h != nil || !errors.Is(err, quire.ErrInvalid) || !strings.Contains(quire.UserMessage(err), tc.want) {
				t.Errorf("NewHarvester(%+v) = %v, %v; want an error saying %q", tc.opts, h, err, tc.want)
			}
		})
	}
	h, err := NewHarvester(HarvesterOptions{})
	if err != nil || h.baseURL != DefaultOAIURL || h.prefix != PrefixArXivRaw {
		t.Errorf("NewHarvester defaults: %+v, %v", h, err)
	}
}

func TestCheckpointSaveLoad(t *testing.T) {
	settings := &memSettings{}
	key := CheckpointKey(PrefixArXivRaw, "physics:hep-th")
	if key != "arxiv.oai.arXivRaw.physics:hep-th" || CheckpointKey(PrefixArXiv, "") != "arxiv.oai.arXiv.all" {
		t.Errorf("CheckpointKey = %q", key)
	}
	if _, err := LoadCheckpoint(t.Context(), settings, key); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("LoadCheckpoint of nothing: %v; want quire.ErrNotFound", err)
	}
	want := Checkpoint{Set: "physics:hep-th", Prefix: PrefixArXivRaw, From: "2026-11-01", Until: "2026-11-27", Token: "a|b c", LastDatestamp: "2026-11-03", Pages: 4, Records: 4000}
	if err := SaveCheckpoint(t.Context(), settings, key, want); err != nil {
		t.Fatal(err)
	}
	got, err := LoadCheckpoint(t.Context(), settings, key)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LoadCheckpoint mismatch (-want +got):\n%s", diff)
	}
	if got.Done() {
		t.Error("a checkpoint with a token is Done")
	}
	got.Token = ""
	next := got.Next()
	if !got.Done() || next != (Checkpoint{Set: "physics:hep-th", Prefix: PrefixArXivRaw, From: "2026-11-03"}) {
		t.Errorf("Next() = %+v", next)
	}
	for _, bad := range []string{`{`, `[]`, `{"prefix":""}`, `{"prefix":"arXiv","pages":-1}`, `{"prefix":"arXiv","from":"yesterday"}`} {
		settings.m[key] = bad
		if _, err := LoadCheckpoint(t.Context(), settings, key); !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("LoadCheckpoint(%s) = %v; want quire.ErrInvalid", bad, err)
		}
	}
}

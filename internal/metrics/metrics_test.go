package metrics

import (
	"bufio"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// scrape serves reg's handler once and returns the exposition lines grouped
// by family name (the name in each "# HELP" line), failing on any line that
// does not belong to the family before it.
func scrape(tb testing.TB, reg *Registry) map[string][]string {
	tb.Helper()
	rec := httptest.NewRecorder()
	reg.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		tb.Fatalf("GET /metrics: status %d", rec.Code)
	}
	if got := rec.Header().Get("Content-Type"); got != ContentType {
		tb.Fatalf("Content-Type = %q, want %q", got, ContentType)
	}
	fams := make(map[string][]string)
	var cur string
	sc := bufio.NewScanner(rec.Body)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "# HELP "); ok {
			cur, _, _ = strings.Cut(rest, " ")
			if _, dup := fams[cur]; dup {
				tb.Fatalf("family %s written twice", cur)
			}
		}
		if cur == "" || (!strings.HasPrefix(line, "# ") && !strings.HasPrefix(line, cur)) {
			tb.Fatalf("line %q outside its family (current %q)", line, cur)
		}
		fams[cur] = append(fams[cur], line)
	}
	return fams
}

func TestExposition(t *testing.T) {
	reg := NewRegistry()
	requests := reg.Counter("quire_test_requests_total", "Requests served.", "route", "code")
	requests.With("GET /papers/{id}", "200").Inc()
	requests.With("GET /papers/{id}", "200").Add(2)
	requests.With("GET /", "404").Add(0.5)
	requests.With("GET /", "404").Add(-3) // ignored: counters only go up
	requests.With(`a "quoted" \ back`+"\nslash", "500").Inc()

	reg.Counter("quire_test_plain_total", "A counter without labels.")

	depth := reg.Gauge("quire_test_queue_depth", "Jobs waiting.", "queue")
	depth.With("embed").Set(7)
	depth.With("embed").Dec()
	depth.With("mail").Add(2.25)

	papers := 0
	reg.GaugeFunc("quire_papers_total", "Papers in the catalogue.", func() float64 { return float64(papers) })
	papers = 1234567

	dur := reg.Histogram("quire_test_duration_seconds", "Handling time.\nSecond line with \\.", []float64{0.1, 1, 10}, "route")
	for _, v := range []float64{0.05, 0.1, 0.3, 1, 42, math.NaN()} {
		dur.With("GET /").Observe(v)
	}

	want := map[string][]string{
		"quire_test_requests_total": {
			"# HELP quire_test_requests_total Requests served.",
			"# TYPE quire_test_requests_total counter",
			`quire_test_requests_total{route="GET /",code="404"} 0.5`,
			`quire_test_requests_total{route="GET /papers/{id}",code="200"} 3`,
			`quire_test_requests_total{route="a \"quoted\" \\ back\nslash",code="500"} 1`,
		},
		"quire_test_plain_total": {
			"# HELP quire_test_plain_total A counter without labels.",
			"# TYPE quire_test_plain_total counter",
			"quire_test_plain_total 0",
		},
		"quire_test_queue_depth": {
			"# HELP quire_test_queue_depth Jobs waiting.",
			"# TYPE quire_test_queue_depth gauge",
			`quire_test_queue_depth{queue="embed"} 6`,
			`quire_test_queue_depth{queue="mail"} 2.25`,
		},
		"quire_papers_total": {
			"# HELP quire_papers_total Papers in the catalogue.",
			"# TYPE quire_papers_total gauge",
			"quire_papers_total 1234567",
		},
		"quire_test_duration_seconds": {
			`# HELP quire_test_duration_seconds Handling time.\nSecond line with \\.`,
			"# TYPE quire_test_duration_seconds histogram",
			`quire_test_duration_seconds_bucket{route="GET /",le="0.1"} 2`,
			`quire_test_duration_seconds_bucket{route="GET /",le="1"} 4`,
			`quire_test_duration_seconds_bucket{route="GET /",le="10"} 4`,
			`quire_test_duration_seconds_bucket{route="GET /",le="+Inf"} 5`,
			`quire_test_duration_seconds_sum{route="GET /"} 43.45`,
			`quire_test_duration_seconds_count{route="GET /"} 5`,
		},
	}
	got := scrape(t, reg)
	for name, lines := range want {
		if diff := cmp.Diff(lines, got[name]); diff != "" {
			t.Errorf("family %s mismatch (-want +got):\n%s", name, diff)
		}
	}
}

func TestFamiliesSorted(t *testing.T) {
	reg := NewRegistry()
	reg.Counter("quire_b_total", "b").With().Inc()
	reg.Counter("quire_a_total", "a").With().Inc()
	reg.Gauge("quire_unused", "A labelled family with no children is omitted.", "x")

	rec := httptest.NewRecorder()
	reg.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	var names []string
	for line := range strings.Lines(rec.Body.String()) {
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			names = append(names, strings.Fields(rest)[0])
		}
	}
	want := []string{
		"go_gc_cycles_total", "go_goroutines", "go_memstats_heap_alloc_bytes", "go_memstats_sys_bytes",
		"quire_a_total", "quire_b_total",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("family order mismatch (-want +got):\n%s", diff)
	}
}

func TestRuntimeGauges(t *testing.T) {
	got := scrape(t, NewRegistry())
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "go_memstats_sys_bytes"} {
		lines := got[name]
		if len(lines) != 3 {
			t.Fatalf("family %s: got %q, want HELP, TYPE and one sample", name, lines)
		}
		var v float64
		if _, err := fmt.Sscanf(lines[2], name+" %g", &v); err != nil || v <= 0 {
			t.Errorf("%s sample %q: want a positive value (err %v)", name, lines[2], err)
		}
	}
}

func TestRegisterSameDefinitionTwice(t *testing.T) {
	reg := NewRegistry()
	a := reg.Counter("quire_x_total", "x", "l")
	b := reg.Counter("quire_x_total", "x", "l")
	a.With("v").Inc()
	b.With("v").Inc()
	if got := a.With("v").Value(); got != 2 {
		t.Errorf("shared counter = %v, want 2", got)
	}
	h1 := reg.Histogram("quire_h_seconds", "h", nil, "l")
	h2 := reg.Histogram("quire_h_seconds", "h", DefBuckets, "l")
	h1.With("v").Observe(1)
	if got := h2.With("v").Count(); got != 1 {
		t.Errorf("shared histogram count = %d, want 1", got)
	}
}

func TestRegisterPanics(t *testing.T) {
	tests := []struct {
		name string
		reg  func(r *Registry)
		want string
	}{
		{"bad metric name", func(r *Registry) { r.Counter("2xx_total", "h") }, `invalid metric name "2xx_total"`},
		{"bad label name", func(r *Registry) { r.Counter("a_total", "h", "a-b") }, `invalid label name "a-b"`},
		{"reserved label", func(r *Registry) { r.Counter("a_total", "h", "__name") }, `invalid label name "__name"`},
		{"le on histogram", func(r *Registry) { r.Histogram("a_seconds", "h", nil, "le") }, `"le" is reserved`},
		{"duplicate label", func(r *Registry) { r.Gauge("a", "h", "x", "x") }, `duplicate label name "x"`},
		{"unsorted buckets", func(r *Registry) { r.Histogram("a_seconds", "h", []float64{1, 0.5}) }, "buckets must be increasing"},
		{"conflicting type", func(r *Registry) { r.Counter("a", "h"); r.Gauge("a", "h") }, "registered twice with different definitions"},
		{"conflicting labels", func(r *Registry) { r.Counter("a", "h", "x"); r.Counter("a", "h", "y") }, "registered twice"},
		{"func twice", func(r *Registry) { r.GaugeFunc("a", "h", zero); r.GaugeFunc("a", "h", zero) }, "registered twice"},
		{"nil func", func(r *Registry) { r.CounterFunc("a_total", "h", nil) }, "a_total: nil function"},
		{"label arity", func(r *Registry) { r.Counter("a_total", "h", "x", "y").With("1") }, "got 1 label values, want 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.Contains(msg, tc.want) {
					t.Errorf("panic = %q, want it to contain %q", msg, tc.want)
				}
			}()
			tc.reg(NewRegistry())
		})
	}
}

func zero() float64 { return 0 }

func TestConcurrentUpdates(t *testing.T) {
	reg := NewRegistry()
	c := reg.Counter("quire_c_total", "c", "route")
	h := reg.Histogram("quire_h_seconds", "h", []float64{0.5}, "route")
	g := reg.Gauge("quire_g", "g")
	const workers, each = 8, 1000
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			route := fmt.Sprint("r", w%2)
			for i := range each {
				c.With(route).Inc()
				c.With(route).Add(0.5)
				h.With(route).Observe(float64(i%2) * 0.75) // half 0, half 0.75
				g.With().Add(1)
			}
		})
		// Scrape while the workers run, so the race detector sees reads and
		// writes together.
		scrape(t, reg)
	}
	wg.Wait()

	want := []string{
		"# HELP quire_h_seconds h",
		"# TYPE quire_h_seconds histogram",
		`quire_h_seconds_bucket{route="r0",le="0.5"} 2000`,
		`quire_h_seconds_bucket{route="r0",le="+Inf"} 4000`,
		`quire_h_seconds_sum{route="r0"} 1500`,
		`quire_h_seconds_count{route="r0"} 4000`,
		`quire_h_seconds_bucket{route="r1",le="0.5"} 2000`,
		`quire_h_seconds_bucket{route="r1",le="+Inf"} 4000`,
		`quire_h_seconds_sum{route="r1"} 1500`,
		`quire_h_seconds_count{route="r1"} 4000`,
	}
	got := scrape(t, reg)
	if diff := cmp.Diff(want, got["quire_h_seconds"]); diff != "" {
		t.Errorf("histogram mismatch (-want +got):\n%s", diff)
	}
	wantC := []string{
		"# HELP quire_c_total c",
		"# TYPE quire_c_total counter",
		`quire_c_total{route="r0"} 6000`,
		`quire_c_total{route="r1"} 6000`,
	}
	if diff := cmp.Diff(wantC, got["quire_c_total"]); diff != "" {
		t.Errorf("counter mismatch (-want +got):\n%s", diff)
	}
	if got := g.With().Value(); got != workers*each {
		t.Errorf("gauge = %v, want %d", got, workers*each)
	}
}

// TestHotPathDoesNotAllocate guards the per-request cost: once a child
// exists, finding and updating it must not allocate.
func TestHotPathDoesNotAllocate(t *testing.T) {
	reg := NewRegistry()
	c := reg.Counter("quire_c_total", "c", "route", "method", "code")
	h := reg.Histogram("quire_h_seconds", "h", nil, "route", "method")
	route, method, code := "GET /papers/{id}", "GET", "200"
	c.With(route, method, code).Inc()
	h.With(route, method).Observe(0.01)
	allocs := testing.AllocsPerRun(100, func() {
		c.With(route, method, code).Inc()
		h.With(route, method).Observe(0.01)
	})
	if allocs != 0 {
		t.Errorf("With+Inc+Observe allocated %v times per run, want 0", allocs)
	}
}

func TestFloatFormat(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{3, "3"},
		{-2, "-2"},
		{0.005, "0.005"},
		{2.5, "2.5"},
		{1e20, "1e+20"},
		{math.Inf(1), "+Inf"},
		{math.Inf(-1), "-Inf"},
		{math.NaN(), "NaN"},
	}
	for _, tc := range tests {
		if got := string(appendFloat(nil, tc.in)); got != tc.want {
			t.Errorf("appendFloat(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func BenchmarkCounterWith(b *testing.B) {
	c := NewRegistry().Counter("quire_c_total", "c", "route", "method", "code")
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.With("GET /papers/{id}", "GET", "200").Inc()
		}
	})
}

func BenchmarkHistogramObserve(b *testing.B) {
	h := NewRegistry().Histogram("quire_h_seconds", "h", nil, "route", "method")
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h.With("GET /papers/{id}", "GET").Observe(0.003)
		}
	})
}

package middleware

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire/internal/metrics"
)

// scrapeLines returns the exposition lines that start with prefix.
func scrapeLines(tb testing.TB, reg *metrics.Registry, prefix string) []string {
	tb.Helper()
	rec := httptest.NewRecorder()
	reg.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	var lines []string
	sc := bufio.NewScanner(rec.Body)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), prefix) {
			lines = append(lines, sc.Text())
		}
	}
	return lines
}

// TestMetricsRoutes serves requests through a real ServeMux, including a mux
// mounted inside it directly and one mounted through http.StripPrefix, and
// checks the route labels that come out.
func TestMetricsRoutes(t *testing.T) {
	reg := metrics.NewRegistry()
	logger, _ := newTestLogger()
	h := Chain(testMux(), Metrics(reg), Recover(logger))

	requests := []struct{ method, target string }{
		{"GET", "/papers/2401.00001"},
		{"GET", "/papers/2401.00002"},
		{"GET", "/papers/2401.00002"},
		{"GET", "/"},
		{"GET", "/api/papers/2401.00001"}, // the inner mux's pattern wins
		{"GET", "/api/unknown"},           // the inner mux matches nothing
		{"GET", "/feeds/feed.xml"},        // StripPrefix copies the request
		{"GET", "/nowhere"},
		{"GET", "/static"}, // redirected to /static/, labelled with that pattern
		{"DELETE", "/papers/2401.00001"},
		{"PROPFIND", "/papers/2401.00001"},
		{"GET", "/boom"},
	}
	for _, r := range requests {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(r.method, r.target, nil))
	}

	want := []string{
		`quire_http_requests_total{route="/feeds/",method="GET",code="200"} 1`,
		`quire_http_requests_total{route="GET /api/papers/{id}",method="GET",code="200"} 1`,
		`quire_http_requests_total{route="GET /boom",method="GET",code="500"} 1`,
		`quire_http_requests_total{route="GET /papers/{id}",method="GET",code="200"} 3`,
		`quire_http_requests_total{route="GET /static/",method="GET",code="307"} 1`,
		`quire_http_requests_total{route="GET /{$}",method="GET",code="200"} 1`,
		`quire_http_requests_total{route="unmatched",method="DELETE",code="405"} 1`,
		`quire_http_requests_total{route="unmatched",method="GET",code="404"} 2`,
		`quire_http_requests_total{route="unmatched",method="OTHER",code="405"} 1`,
	}
	if diff := cmp.Diff(want, scrapeLines(t, reg, "quire_http_requests_total{")); diff != "" {
		t.Errorf("request counter mismatch (-want +got):\n%s", diff)
	}
	wantCounts := []string{
		`quire_http_request_duration_seconds_count{route="/feeds/",method="GET"} 1`,
		`quire_http_request_duration_seconds_count{route="GET /api/papers/{id}",method="GET"} 1`,
		`quire_http_request_duration_seconds_count{route="GET /boom",method="GET"} 1`,
		`quire_http_request_duration_seconds_count{route="GET /papers/{id}",method="GET"} 3`,
		`quire_http_request_duration_seconds_count{route="GET /static/",method="GET"} 1`,
		`quire_http_request_duration_seconds_count{route="GET /{$}",method="GET"} 1`,
		`quire_http_request_duration_seconds_count{route="unmatched",method="DELETE"} 1`,
		`quire_http_request_duration_seconds_count{route="unmatched",method="GET"} 2`,
		`quire_http_request_duration_seconds_count{route="unmatched",method="OTHER"} 1`,
	}
	if diff := cmp.Diff(wantCounts, scrapeLines(t, reg, "quire_http_request_duration_seconds_count{")); diff != "" {
		t.Errorf("duration histogram counts mismatch (-want +got):\n%s", diff)
	}
	// Every request falls in the +Inf bucket, whatever it took.
	infs := scrapeLines(t, reg, "quire_http_request_duration_seconds_bucket{")
	var n int
	for _, l := range infs {
		if strings.Contains(l, `le="+Inf"`) {
			n++
		}
	}
	if n != len(wantCounts) {
		t.Errorf("got %d +Inf buckets, want %d", n, len(wantCounts))
	}
}

// TestMetricsTwice checks that two servers built on one registry (as tests
// do) share the families instead of panicking on a duplicate.
func TestMetricsTwice(t *testing.T) {
	reg := metrics.NewRegistry()
	a := Metrics(reg)(testMux())
	b := Metrics(reg)(testMux())
	a.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/healthz", nil))
	b.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/healthz", nil))
	want := []string{`quire_http_requests_total{route="GET /healthz",method="GET",code="200"} 2`}
	if diff := cmp.Diff(want, scrapeLines(t, reg, "quire_http_requests_total{")); diff != "" {
		t.Errorf("request counter mismatch (-want +got):\n%s", diff)
	}
}

// TestMetricsOnServer runs the chain on a real server, so the request the
// mux sees is the one the server made.
func TestMetricsOnServer(t *testing.T) {
	reg := metrics.NewRegistry()
	srv := httptest.NewServer(Chain(testMux(), Metrics(reg)))
	defer srv.Close()
	for _, path := range []string{"/papers/1", "/api/papers/2", "/missing"} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	want := []string{
		`quire_http_requests_total{route="GET /api/papers/{id}",method="GET",code="200"} 1`,
		`quire_http_requests_total{route="GET /papers/{id}",method="GET",code="200"} 1`,
		`quire_http_requests_total{route="unmatched",method="GET",code="404"} 1`,
	}
	if diff := cmp.Diff(want, scrapeLines(t, reg, "quire_http_requests_total{")); diff != "" {
		t.Errorf("request counter mismatch (-want +got):\n%s", diff)
	}
}

func BenchmarkChain(b *testing.B) {
	logger, _ := newTestLogger()
	reg := metrics.NewRegistry()
	h := Chain(testMux(), RequestLog(logger), Metrics(reg), Recover(logger),
		SecureHeaders(SecureOptions{}), BodyLimit(1<<20))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/papers/2401.00001", nil))
		}
	})
}

package middleware

import (
	"net/http"
	"strconv"
	"time"

	"quire/internal/metrics"
)

// Metrics counts requests in quire_http_requests_total{route,method,code}
// and times them in quire_http_request_duration_seconds{route,method}.
//
// The route label is the ServeMux pattern that matched (such as
// "GET /papers/{id}"), read from r.Pattern after the handler returns: the
// mux sets it on the very request it is given. Requests no pattern matched
// are labelled "unmatched". The raw path is never used, since every paper
// id would become a series of its own. Two consequences follow: no
// middleware between Metrics and the mux may replace the request (with
// r.WithContext, say), and a mux mounted through http.StripPrefix, which
// copies the request, reports the outer mux's prefix pattern.
func Metrics(reg *metrics.Registry) func(http.Handler) http.Handler {
	requests := reg.Counter("quire_http_requests_total",
		"HTTP requests served, by route pattern, method and status code.",
		"route", "method", "code")
	duration := reg.Histogram("quire_http_request_duration_seconds",
		"Time taken to serve HTTP requests, by route pattern and method.",
		metrics.DefBuckets, "route", "method")
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rw := WrapWriter(w)
			completed := false
			defer func() {
				route, method := routeLabel(r), methodLabel(r.Method)
				requests.With(route, method, codeLabel(finalStatus(rw, completed))).Inc()
				duration.With(route, method).Observe(time.Since(start).Seconds())
			}()
			next.ServeHTTP(rw, r)
			completed = true
		})
	}
}

func routeLabel(r *http.Request) string {
	if r.Pattern == "" {
		return "unmatched"
	}
	return r.Pattern
}

// methodLabel keeps the label's values to the standard methods; clients
// may send any token as a method.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

// codeLabels holds the status codes as strings so that labelling a request
// does not allocate.
var codeLabels = func() (s [500]string) {
	for i := range s {
		s[i] = strconv.Itoa(100 + i)
	}
	return s
}()

func codeLabel(code int) string {
	if code >= 100 && code < 600 {
		return codeLabels[code-100]
	}
	return strconv.Itoa(code)
}

// Package middleware holds the HTTP middleware that wraps Quire's handlers:
// panic recovery, request logging, metrics, security headers and request
// body limits, plus a ResponseWriter that records what was written.
//
// A server typically chains them like this, so that the log and the metrics
// see the 500 that Recover writes, and so that nothing between Metrics and
// the ServeMux replaces the *http.Request whose Pattern the mux sets:
//
//	h := middleware.Chain(mux,
//		middleware.RequestLog(logger),
//		middleware.Metrics(reg),
//		middleware.Recover(logger),
//		middleware.SecureHeaders(middleware.SecureOptions{HTTPS: cfg.HTTPS}),
//		middleware.BodyLimit(1<<20),
//	)
package middleware

import "net/http"

// Chain wraps h in mw. The first middleware listed is the outermost: it sees
// the request first and the response last.
func Chain(h http.Handler, mw ...func(http.Handler) http.Handler) http.Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

package middleware

import "net/http"

// BodyLimit caps request bodies at n bytes. A request whose Content-Length
// already exceeds n is answered 413 straight away, before any handler runs.
// Other bodies (chunked, or with no length) are wrapped in
// http.MaxBytesReader, so reading past n fails with an *http.MaxBytesError,
// which handlers should answer with 413 too. n <= 0 allows no body at all.
//
// The body is replaced on the request itself rather than on a copy, so
// that the ServeMux's r.Pattern stays visible to Metrics and RequestLog.
func BodyLimit(n int64) func(http.Handler) http.Handler {
	n = max(n, 0)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > n {
				// Tell the client to stop sending, and the server not to
				// keep reading a body it will not use.
				w.Header().Set("Connection", "close")
				http.Error(w, "Request body too large.", http.StatusRequestEntityTooLarge)
				return
			}
			if r.Body != nil && r.Body != http.NoBody {
				// MaxBytesReader tells the server's own writer to close the
				// connection once the limit is hit; it finds that writer by
				// type, so hand it the innermost one.
				r.Body = http.MaxBytesReader(innermost(w), r.Body, n)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// innermost unwraps w down to the writer the server created.
func innermost(w http.ResponseWriter) http.ResponseWriter {
	for {
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return w
		}
		w = u.Unwrap()
	}
}

package middleware

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// RequestLog logs one structured line per request after it is served:
// method, path, route pattern, status, bytes, duration and remote address.
// Server errors (5xx) are logged at error level and everything else at
// info, except health probes and static assets, which are logged at debug
// level unless they fail, so they do not drown the rest.
//
// A request whose handler panics through RequestLog (no Recover inside it,
// or http.ErrAbortHandler) is logged at error level with aborted=true.
func RequestLog(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rw := WrapWriter(w)
			completed := false
			defer func() {
				status := finalStatus(rw, completed)
				level := slog.LevelInfo
				switch {
				case !completed || status >= 500:
					level = slog.LevelError
				case quietPath(r.URL.Path):
					level = slog.LevelDebug
				}
				ctx := r.Context()
				if !logger.Enabled(ctx, level) {
					return
				}
				attrs := []slog.Attr{
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.String("route", r.Pattern),
					slog.Int("status", status),
					slog.Int64("bytes", rw.BytesWritten()),
					slog.Duration("duration", time.Since(start)),
					slog.String("remote", r.RemoteAddr),
				}
				if !completed {
					attrs = append(attrs, slog.Bool("aborted", true))
				}
				logger.LogAttrs(ctx, level, "request", attrs...)
			}()
			next.ServeHTTP(rw, r)
			completed = true
		})
	}
}

// quietPath reports whether requests for path are routine enough to log at
// debug level.
func quietPath(path string) bool {
	switch path {
	case "/healthz", "/readyz", "/favicon.ico", "/robots.txt":
		return true
	}
	return strings.HasPrefix(path, "/static/")
}

// finalStatus is the status the client received. A panic that escapes the
// handler before a header was sent makes the server drop the connection;
// that counts as a server error, not as the 200 an empty response implies.
func finalStatus(rw *ResponseWriter, completed bool) int {
	if !completed && !rw.WroteHeader() {
		return http.StatusInternalServerError
	}
	return rw.Status()
}

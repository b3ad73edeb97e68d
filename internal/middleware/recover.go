package middleware

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// Recover turns a panic in a handler into a plain-text 500 "Internal
// error." and logs the panic value with its stack at error level, so that
// one bad request neither kills the process nor leaves a silent dropped
// connection.
//
// Two cases do not become a 500. http.ErrAbortHandler propagates, since a
// handler panics with it precisely to have the server abort the response.
// And when the handler had already sent its header, a 500 can no longer be
// sent: Recover then logs the panic and aborts with http.ErrAbortHandler
// itself, so the client sees a broken response rather than a truncated one
// that looks complete.
func Recover(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rw := WrapWriter(w)
			defer func() {
				p := recover()
				if p == nil {
					return
				}
				if err, ok := p.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(p)
				}
				logger.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
					slog.String("panic", fmt.Sprint(p)),
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.String("route", r.Pattern),
					slog.String("stack", string(debug.Stack())),
				)
				if rw.WroteHeader() {
					panic(http.ErrAbortHandler)
				}
				// Headers the handler set for the response it meant to send
				// must not describe the error page.
				h := rw.Header()
				for _, k := range []string{"Cache-Control", "ETag", "Last-Modified", "Content-Disposition"} {
					h.Del(k)
				}
				h.Set("Cache-Control", "no-store")
				http.Error(rw, "Internal error.", http.StatusInternalServerError)
			}()
			next.ServeHTTP(rw, r)
		})
	}
}

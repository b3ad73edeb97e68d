// Package httperr maps Quire's error kinds to HTTP statuses and to messages
// that are safe to show to users. The web pages and the JSON API share it so
// that both surfaces answer the same error with the same status.
package httperr

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"quire"
)

// Status returns the HTTP status for err's kind: 404 for quire.ErrNotFound,
// 400 for quire.ErrInvalid, 409 for quire.ErrConflict, 401 for
// quire.ErrUnauthorized, 429 for quire.ErrRateLimited, 503 for
// quire.ErrUnavailable and 500 otherwise.
func Status(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, quire.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, quire.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, quire.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, quire.ErrUnauthorized):
		// There are no accounts yet, so every refusal means "not signed in".
		return http.StatusUnauthorized
	case errors.Is(err, quire.ErrRateLimited):
		return http.StatusTooManyRequests
	case errors.Is(err, quire.ErrUnavailable):
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// Message returns the text to show for err: its user-facing message when it
// has one (see quire.UserMessage), otherwise a generic sentence for status.
// An internal error's own text is never returned.
func Message(err error, status int) string {
	if msg := quire.UserMessage(err); msg != "" && (status < 500 || status == http.StatusServiceUnavailable) {
		return msg
	}
	switch status {
	case http.StatusNotFound:
		return "Not found."
	case http.StatusBadRequest:
		return "The request is not valid."
	case http.StatusConflict:
		return "The request conflicts with the current state."
	case http.StatusUnauthorized:
		return "You are not allowed to do this."
	case http.StatusTooManyRequests:
		return "Too many requests; please try again later."
	case http.StatusServiceUnavailable:
		return "This is not available yet; please try again in a moment."
	default:
		return "Something went wrong on our side. Please try again later."
	}
}

// Log records err at a level that matches status: error for 5xx, info for
// everything else. A request the client abandoned is logged at info, since
// nothing went wrong on the server.
func Log(logger *slog.Logger, r *http.Request, status int, err error) {
	level := slog.LevelInfo
	if status >= 500 && !errors.Is(err, context.Canceled) {
		level = slog.LevelError
	}
	logger.LogAttrs(r.Context(), level, "request failed",
		slog.Int("status", status),
		slog.String("error", err.Error()),
		slog.Group("request",
			slog.String("method", r.Method),
			slog.String("uri", r.URL.RequestURI()),
		),
	)
}

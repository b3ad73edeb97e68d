package httperr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"quire"
)

func TestStatusAndMessage(t *testing.T) {
	internal := errors.New("FindPaperByID: sql: database is locked")
	for _, tc := range []struct {
		name    string
		err     error
		status  int
		message string
	}{
		{"not found with message", fmt.Errorf("web: %w", quire.NotFoundf("Paper not found")), 404, "Paper not found"},
		{"bare not found", fmt.Errorf("FindPaperByID(%q): %w", "x", quire.ErrNotFound), 404, "Not found."},
		{"invalid", quire.Invalidf("limit must be between 1 and 100"), 400, "limit must be between 1 and 100"},
		{"conflict", quire.ErrConflict, 409, "The request conflicts with the current state."},
		{"unauthorized", quire.ErrUnauthorized, 401, "You are not allowed to do this."},
		{"rate limited", fmt.Errorf("x: %w", quire.ErrRateLimited), 429, "Too many requests; please try again later."},
		{"internal", internal, 500, "Something went wrong on our side. Please try again later."},
		{"canceled", context.Canceled, 500, "Something went wrong on our side. Please try again later."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status := Status(tc.err)
			if status != tc.status {
				t.Errorf("Status(%v) = %d, want %d", tc.err, status, tc.status)
			}
			if got := Message(tc.err, status); got != tc.message {
				t.Errorf("Message(%v) = %q, want %q", tc.err, got, tc.message)
			}
		})
	}
	if got := Status(nil); got != http.StatusOK {
		t.Errorf("Status(nil) = %d", got)
	}
}

func TestLogLevel(t *testing.T) {
	for _, tc := range []struct {
		status int
		err    error
		level  string
	}{
		{500, errors.New("disk full"), "level=ERROR"},
		{404, quire.ErrNotFound, "level=INFO"},
		{400, quire.Invalidf("bad"), "level=INFO"},
		{500, fmt.Errorf("query: %w", context.Canceled), "level=INFO"},
	} {
		var buf bytes.Buffer
		logger := slog.New(slog.NewTextHandler(&buf, nil))
		r := httptest.NewRequest(http.MethodGet, "/papers/x?y=1", nil)
		Log(logger, r, tc.status, tc.err)
		out := buf.String()
		if !strings.Contains(out, tc.level) || !strings.Contains(out, "request.uri=\"/papers/x?y=1\"") {
			t.Errorf("Log(%d, %v) wrote %q, want %s and the request", tc.status, tc.err, out, tc.level)
		}
	}
}

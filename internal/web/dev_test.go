package web

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"quire"
)

// noStore fails every call; the error page needs no store.
type noStore struct{ Store }

// TestDevReloads edits a template between two requests: Dev shows the edit,
// the default mode keeps what it parsed at start.
func TestDevReloads(t *testing.T) {
	files := withFile(t, "templates/error.html", `{{define "content"}}<p>first</p>{{end}}`).(fstest.MapFS)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	now := func() time.Time { return time.Date(2025, 6, 16, 0, 0, 0, 0, time.UTC) }
	dev, err := New(noStore{}, Options{Dev: true, FS: files, Logger: logger, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	prod, err := New(noStore{}, Options{FS: files, Logger: logger, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	get := func(h http.Handler) string {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/no/such/page", nil))
		if rec.Code != http.StatusNotFound {
			t.Fatalf("status %d", rec.Code)
		}
		return rec.Body.String()
	}
	if !strings.Contains(get(dev), "first") || !strings.Contains(get(prod), "first") {
		t.Fatal("error page does not use the given files")
	}
	files["templates/error.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}<p>second</p>{{end}}`)}
	if !strings.Contains(get(dev), "second") {
		t.Error("Dev did not pick up the edited template")
	}
	if !strings.Contains(get(prod), "first") {
		t.Error("without Dev the template changed under a running server")
	}
}

// TestInternalErrorHidden checks that a store failure becomes a generic 500
// page that does not leak the error's text.
func TestInternalErrorHidden(t *testing.T) {
	h, err := New(failingStore{}, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/papers/date/2025-06-16", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", rec.Code)
	}
	body := rec.Body.String()
	if strings.Contains(body, "disk I/O") {
		t.Error("the page shows the internal error")
	}
	if !strings.Contains(body, "Something went wrong") {
		t.Error("the page does not say something went wrong")
	}
}

// failingStore answers every list query with an internal error.
type failingStore struct{ Store }

func (failingStore) FindDailyItems(ctx context.Context, f quire.DailyFilter) ([]*quire.DailyItem, bool, error) {
	return nil, false, errors.New("FindDailyItems: disk I/O error")
}

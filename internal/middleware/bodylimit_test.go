package middleware

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// echoLength reads the whole body and reports its length, or 413 when the
// limit cut it short.
func echoLength(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		http.Error(w, "Request body too large.", http.StatusRequestEntityTooLarge)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fmt.Fprintf(w, "read %d", len(b))
}

func TestBodyLimit(t *testing.T) {
	tests := []struct {
		name          string
		limit         int64
		body          string
		contentLength int64 // -1: unknown, as with chunked encoding
		wantCode      int
		wantBody      string
		wantHandler   bool
	}{
		{"under the limit", 10, "short", 5, 200, "read 5", true},
		{"exactly the limit", 5, "12345", 5, 200, "read 5", true},
		{"declared length over the limit", 4, "12345", 5, 413, "Request body too large.\n", false},
		{"unknown length over the limit", 4, "12345", -1, 413, "Request body too large.\n", true},
		{"unknown length under the limit", 10, "12345", -1, 200, "read 5", true},
		{"no body", 4, "", 0, 200, "read 0", true},
		{"zero limit refuses a body", 0, "x", 1, 413, "Request body too large.\n", false},
		{"negative limit acts as zero", -1, "x", -1, 413, "Request body too large.\n", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			called := false
			h := BodyLimit(tc.limit)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				called = true
				echoLength(w, r)
			}))
			var body io.Reader
			if tc.body != "" {
				// A plain io.Reader, so that NewRequest does not set the length.
				body = io.MultiReader(strings.NewReader(tc.body))
			}
			req := httptest.NewRequest("POST", "/papers/1/comments", body)
			req.ContentLength = tc.contentLength
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.wantCode || rec.Body.String() != tc.wantBody || called != tc.wantHandler {
				t.Errorf("got %d %q (handler called: %v), want %d %q (%v)",
					rec.Code, rec.Body.String(), called, tc.wantCode, tc.wantBody, tc.wantHandler)
			}
		})
	}
}

// TestBodyLimitOnServer sends an oversized body to a real server: the
// declared length is refused before the handler runs, and the server closes
// the connection rather than read the rest.
func TestBodyLimitOnServer(t *testing.T) {
	called := false
	srv := httptest.NewServer(Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called = true
		echoLength(w, r)
	}), BodyLimit(1024)))
	defer srv.Close()

	res, err := http.Post(srv.URL, "text/plain", strings.NewReader(strings.Repeat("x", 4096)))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusRequestEntityTooLarge || string(body) != "Request body too large.\n" {
		t.Errorf("got %d %q, want 413", res.StatusCode, body)
	}
	if !res.Close {
		t.Error("response does not close the connection")
	}
	if called {
		t.Error("handler ran for a body declared too large")
	}

	// Without a declared length the limit applies while reading, and the
	// handler turns it into a 413.
	req, _ := http.NewRequest("POST", srv.URL, io.MultiReader(strings.NewReader(strings.Repeat("y", 4096))))
	res2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res2.Body.Close()
	if res2.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked oversized body: status %d, want 413", res2.StatusCode)
	}
}

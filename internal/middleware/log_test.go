package middleware

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testMux is a small site: a page, a static file, a health probe, a handler
// that fails and a JSON API mounted as a second mux.
func testMux() *http.ServeMux {
	api := http.NewServeMux()
	api.HandleFunc("GET /api/papers/{id}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"id":"`+r.PathValue("id")+`"}`)
	})
	stripped := http.NewServeMux()
	stripped.HandleFunc("GET /feed.xml", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<rss/>")
	})

	mux := http.NewServeMux()
	mux.HandleFunc("GET /papers/{id}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "paper "+r.PathValue("id"))
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "home")
	})
	mux.HandleFunc("GET /static/", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "body{}")
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("fail") {
			http.Error(w, "database down", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("POST /papers/{id}/upvote", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Sign in to vote.", http.StatusUnauthorized)
	})
	mux.HandleFunc("GET /boom", func(w http.ResponseWriter, r *http.Request) {
		panic("boom")
	})
	mux.Handle("/api/", api)
	mux.Handle("/feeds/", http.StripPrefix("/feeds", stripped))
	return mux
}

func TestRequestLog(t *testing.T) {
	tests := []struct {
		method, target string
		want           map[string]any
	}{
		{"GET", "/papers/2401.00001", map[string]any{
			"level": "INFO", "msg": "request", "method": "GET", "path": "/papers/2401.00001",
			"route": "GET /papers/{id}", "status": 200.0, "bytes": 16.0, "remote": "192.0.2.1:1234",
		}},
		{"GET", "/api/papers/2401.00001", map[string]any{
			"level": "INFO", "msg": "request", "method": "GET", "path": "/api/papers/2401.00001",
			"route": "GET /api/papers/{id}", "status": 200.0, "bytes": 19.0, "remote": "192.0.2.1:1234",
		}},
		{"POST", "/papers/x/upvote", map[string]any{
			"level": "INFO", "msg": "request", "method": "POST", "path": "/papers/x/upvote",
			"route": "POST /papers/{id}/upvote", "status": 401.0, "bytes": 17.0, "remote": "192.0.2.1:1234",
		}},
		{"GET", "/nowhere", map[string]any{
			"level": "INFO", "msg": "request", "method": "GET", "path": "/nowhere",
			"route": "", "status": 404.0, "bytes": 19.0, "remote": "192.0.2.1:1234",
		}},
		{"GET", "/boom", map[string]any{
			"level": "ERROR", "msg": "request", "method": "GET", "path": "/boom",
			"route": "GET /boom", "status": 500.0, "bytes": 16.0, "remote": "192.0.2.1:1234",
		}},
		{"GET", "/healthz", map[string]any{
			"level": "DEBUG", "msg": "request", "method": "GET", "path": "/healthz",
			"route": "GET /healthz", "status": 200.0, "bytes": 2.0, "remote": "192.0.2.1:1234",
		}},
		{"GET", "/healthz?fail=1", map[string]any{
			"level": "ERROR", "msg": "request", "method": "GET", "path": "/healthz",
			"route": "GET /healthz", "status": 503.0, "bytes": 14.0, "remote": "192.0.2.1:1234",
		}},
		{"GET", "/static/app.css", map[string]any{
			"level": "DEBUG", "msg": "request", "method": "GET", "path": "/static/app.css",
			"route": "GET /static/", "status": 200.0, "bytes": 6.0, "remote": "192.0.2.1:1234",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			logger, logs := newTestLogger()
			// Recover sits inside RequestLog, so the log sees its 500; its
			// own record goes to a second logger.
			quiet, _ := newTestLogger()
			h := Chain(testMux(), RequestLog(logger), Recover(quiet))
			req := httptest.NewRequest(tc.method, tc.target, nil)
			req.RemoteAddr = "192.0.2.1:1234"
			h.ServeHTTP(httptest.NewRecorder(), req)

			recs := records(t, logs)
			if len(recs) != 1 {
				t.Fatalf("got %d records, want 1: %v", len(recs), recs)
			}
			got := recs[0]
			if d, ok := got["duration"].(float64); !ok || d < 0 {
				t.Errorf("duration = %v, want a non-negative number of nanoseconds", got["duration"])
			}
			delete(got, "duration")
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("log record mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRequestLogAborted checks that a panic escaping the handler is still
// logged, as a server error, and still propagates.
func TestRequestLogAborted(t *testing.T) {
	logger, logs := newTestLogger()
	h := RequestLog(logger)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	if p := propagated(h, httptest.NewRecorder(), httptest.NewRequest("GET", "/papers/1", nil)); p != http.ErrAbortHandler {
		t.Errorf("panic value = %v, want http.ErrAbortHandler", p)
	}
	recs := records(t, logs)
	if len(recs) != 1 {
		t.Fatalf("got %d records, want 1", len(recs))
	}
	if got := recs[0]; got["level"] != "ERROR" || got["status"] != 500.0 || got["aborted"] != true {
		t.Errorf("record = %v, want level ERROR, status 500, aborted true", got)
	}
}

// TestRequestLogInfoLevel checks what a production logger at info level
// keeps: the page view, not the health probe.
func TestRequestLogInfoLevel(t *testing.T) {
	var buf logBuffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	h := RequestLog(logger)(testMux())
	for _, target := range []string{"/healthz", "/static/app.css", "/papers/2401.00001"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", target, nil))
	}
	var paths []string
	for _, r := range records(t, &buf) {
		paths = append(paths, fmt.Sprint(r["path"]))
	}
	if diff := cmp.Diff([]string{"/papers/2401.00001"}, paths); diff != "" {
		t.Errorf("logged paths mismatch (-want +got):\n%s", diff)
	}
}

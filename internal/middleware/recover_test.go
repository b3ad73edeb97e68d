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

func TestRecover(t *testing.T) {
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		wantCode int
		wantBody string
		wantLog  string // substring of the logged panic value; "" for no log
	}{
		{
			name:     "no panic",
			handler:  func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "fine") },
			wantCode: 200,
			wantBody: "fine",
		},
		{
			name: "panic with a string",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Cache-Control", "max-age=3600")
				panic("paper index out of range")
			},
			wantCode: 500,
			wantBody: "Internal error.\n",
			wantLog:  "paper index out of range",
		},
		{
			name: "panic with an error",
			handler: func(w http.ResponseWriter, r *http.Request) {
				var m map[string]int
				m["boom"]++ // a real runtime panic: assignment to a nil map
			},
			wantCode: 500,
			wantBody: "Internal error.\n",
			wantLog:  "assignment to entry in nil map",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			logger, logs := newTestLogger()
			rec := httptest.NewRecorder()
			Recover(logger)(tc.handler).ServeHTTP(rec, httptest.NewRequest("GET", "/papers/1", nil))

			if rec.Code != tc.wantCode || rec.Body.String() != tc.wantBody {
				t.Errorf("got %d %q, want %d %q", rec.Code, rec.Body.String(), tc.wantCode, tc.wantBody)
			}
			recs := records(t, logs)
			if tc.wantLog == "" {
				if len(recs) != 0 {
					t.Errorf("logged %v, want nothing", recs)
				}
				return
			}
			if got := rec.Header().Get("Content-Type"); got != "text/plain; charset=utf-8" {
				t.Errorf("Content-Type = %q, want text/plain", got)
			}
			if got := rec.Header().Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", got)
			}
			if len(recs) != 1 {
				t.Fatalf("got %d log records, want 1: %v", len(recs), recs)
			}
			r := recs[0]
			if r["level"] != "ERROR" || !strings.Contains(fmt.Sprint(r["panic"]), tc.wantLog) ||
				r["path"] != "/papers/1" || r["method"] != "GET" {
				t.Errorf("log record = %v, want level ERROR, panic containing %q, method and path", r, tc.wantLog)
			}
			// The stack must lead to the handler that panicked.
			if stack := fmt.Sprint(r["stack"]); !strings.Contains(stack, "middleware.TestRecover") {
				t.Errorf("logged stack does not show the panicking handler:\n%s", stack)
			}
		})
	}
}

// propagated runs h and returns what it panicked with, if anything.
func propagated(h http.Handler, w http.ResponseWriter, r *http.Request) (p any) {
	defer func() { p = recover() }()
	h.ServeHTTP(w, r)
	return nil
}

func TestRecoverAborts(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		wantLog bool
	}{
		{
			name:    "ErrAbortHandler propagates",
			handler: func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) },
		},
		{
			name: "wrapped ErrAbortHandler propagates",
			handler: func(w http.ResponseWriter, r *http.Request) {
				panic(fmt.Errorf("proxy: client went away: %w", http.ErrAbortHandler))
			},
		},
		{
			name: "panic after the header was sent aborts",
			handler: func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, "<html>half a page")
				panic("template failed")
			},
			wantLog: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			logger, logs := newTestLogger()
			p := propagated(Recover(logger)(tc.handler), httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
			if err, ok := p.(error); !ok || !errors.Is(err, http.ErrAbortHandler) {
				t.Errorf("panic value = %v, want http.ErrAbortHandler", p)
			}
			if got := len(records(t, logs)); (got == 1) != tc.wantLog {
				t.Errorf("got %d log records, want logged = %v", got, tc.wantLog)
			}
		})
	}
}

// TestRecoverAbortOnServer checks what a client sees when a handler panics
// after sending part of its response: an error, not a short body that looks
// complete.
func TestRecoverAbortOnServer(t *testing.T) {
	logger, _ := newTestLogger()
	srv := httptest.NewServer(Recover(logger)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<html>half a page")
		w.(http.Flusher).Flush()
		panic("template failed")
	})))
	defer srv.Close()

	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err == nil {
		t.Errorf("reading the body succeeded with %q; want an error for the aborted response", body)
	}
}

package middleware

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestResponseWriterRecords(t *testing.T) {
	tests := []struct {
		name        string
		handler     func(w http.ResponseWriter)
		wantStatus  int
		wantWrote   bool
		wantBytes   int64
		wantRecCode int
	}{
		{"nothing written", func(w http.ResponseWriter) {}, 200, false, 0, 200},
		{"write only", func(w http.ResponseWriter) { io.WriteString(w, "hello") }, 200, true, 5, 200},
		{"header then body", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, "no such paper")
		}, 404, true, 13, 404},
		{"second WriteHeader ignored", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusCreated)
			w.WriteHeader(http.StatusInternalServerError)
		}, 201, true, 0, 201},
		{"early hints then final", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusAccepted)
		}, 202, true, 0, 0}, // httptest.ResponseRecorder keeps the 103
		{"ReadFrom", func(w http.ResponseWriter) {
			w.(io.ReaderFrom).ReadFrom(strings.NewReader("abcdef"))
		}, 200, true, 6, 200},
		{"Flush sends the header", func(w http.ResponseWriter) { w.(http.Flusher).Flush() }, 200, true, 0, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			rw := WrapWriter(rec)
			tc.handler(rw)
			if rw.Status() != tc.wantStatus || rw.WroteHeader() != tc.wantWrote || rw.BytesWritten() != tc.wantBytes {
				t.Errorf("Status, WroteHeader, BytesWritten = %d, %v, %d; want %d, %v, %d",
					rw.Status(), rw.WroteHeader(), rw.BytesWritten(), tc.wantStatus, tc.wantWrote, tc.wantBytes)
			}
			if tc.wantRecCode != 0 && rec.Code != tc.wantRecCode {
				t.Errorf("underlying status = %d, want %d", rec.Code, tc.wantRecCode)
			}
			if int64(rec.Body.Len()) != tc.wantBytes {
				t.Errorf("underlying body has %d bytes, want %d", rec.Body.Len(), tc.wantBytes)
			}
		})
	}
}

func TestWrapWriterReuses(t *testing.T) {
	rw := WrapWriter(httptest.NewRecorder())
	if WrapWriter(rw) != rw {
		t.Error("WrapWriter(*ResponseWriter) made a second wrapper")
	}
}

func TestResponseWriterFlush(t *testing.T) {
	rec := httptest.NewRecorder()
	WrapWriter(rec).Flush()
	if !rec.Flushed {
		t.Error("Flush did not reach the underlying writer")
	}
}

// TestResponseController checks, on a real server connection, that
// http.ResponseController reaches the connection's writer through the
// wrapper (through two layers of it, as middlewares stack).
func TestResponseController(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw := &ResponseWriter{ResponseWriter: WrapWriter(w)}
		rc := http.NewResponseController(rw)
		if err := rc.SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
			http.Error(w, "SetWriteDeadline: "+err.Error(), http.StatusInternalServerError)
			return
		}
		if err := rc.EnableFullDuplex(); err != nil {
			http.Error(w, "EnableFullDuplex: "+err.Error(), http.StatusInternalServerError)
			return
		}
		io.WriteString(rw, "first ")
		if err := rc.Flush(); err != nil {
			http.Error(w, "Flush: "+err.Error(), http.StatusInternalServerError)
			return
		}
		io.WriteString(rw, "second")
	}))
	defer srv.Close()

	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || string(body) != "first second" {
		t.Errorf("got %d %q, want 200 %q", res.StatusCode, body, "first second")
	}
	// A flushed response cannot carry a Content-Length.
	if res.ContentLength != -1 {
		t.Errorf("ContentLength = %d, want -1 (chunked after Flush)", res.ContentLength)
	}
}

package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeJSON writes v as the response body with the given status. It encodes
// into a buffer first, so that an encoding failure can still become a clean
// 500 instead of a truncated body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			bufPool.Put(buf)
		}
	}()
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		// Every value written here is built from plain structs, so this
		// cannot happen short of a programming error.
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":"Something went wrong on our side. Please try again later."}` + "\n")
	}
	writeJSONBytes(w, status, buf.Bytes())
}

// writeJSONBytes writes an encoded JSON body.
func writeJSONBytes(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

// recordingWriter passes a response through and keeps a copy of its status
// and body, for the cache.
type recordingWriter struct {
	http.ResponseWriter
	status int
	body   []byte
}

func (rw *recordingWriter) WriteHeader(status int) {
	rw.status = status
	rw.ResponseWriter.WriteHeader(status)
}

func (rw *recordingWriter) Write(p []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	rw.body = append(rw.body, p...)
	return rw.ResponseWriter.Write(p)
}

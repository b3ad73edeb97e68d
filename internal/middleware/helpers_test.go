package middleware

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"
)

// logBuffer collects JSON log records, safely across goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// newTestLogger returns a debug-level JSON logger and its output.
func newTestLogger() (*slog.Logger, *logBuffer) {
	b := new(logBuffer)
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// records decodes the logged records, dropping "time".
func (b *logBuffer) records(tb testing.TB) []map[string]any {
	tb.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var recs []map[string]any
	dec := json.NewDecoder(bytes.NewReader(b.buf.Bytes()))
	for dec.More() {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			tb.Fatalf("decoding log: %v\n%s", err, b.buf.String())
		}
		delete(m, "time")
		recs = append(recs, m)
	}
	return recs
}

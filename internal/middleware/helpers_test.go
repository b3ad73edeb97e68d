package middleware

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"

	"quire/internal/testenv"
)

// logBuffer collects JSON log records, safely across goroutines.
type logBuffer = testenv.LogBuffer

// newTestLogger returns a debug-level JSON logger and its output.
func newTestLogger() (*slog.Logger, *logBuffer) {
	b := new(logBuffer)
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// records decodes the logged records, dropping "time".
func records(tb testing.TB, b *logBuffer) []map[string]any {
	tb.Helper()
	out := b.Bytes()
	var recs []map[string]any
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			tb.Fatalf("decoding log: %v\n%s", err, out)
		}
		delete(m, "time")
		recs = append(recs, m)
	}
	return recs
}

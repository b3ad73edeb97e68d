package ingest_test

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"runtime"
	"testing"
	"time"

	"quire/internal/ingest"
)

// FuzzImport feeds arbitrary bytes to the format detection and parsers of a
// dry-run import: any input must give a summary or an error, never a panic.
func FuzzImport(f *testing.F) {
	for _, path := range []string{listings, kaggle, dayFile} {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), 4096)])
	}
	f.Add([]byte("[1, {\"paper\": null}, \"x\"]"))
	f.Add([]byte("{\"date\": \"2025-02-30\", \"papers\": [{}]}\n{"))
	f.Add([]byte("\x1f\x8b\x08\x00garbage"))
	f.Add([]byte("\x28\xb5\x2f\xfdgarbage"))
	im := &ingest.Importer{DryRun: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Workers: 1}
	f.Fuzz(func(t *testing.T, data []byte) {
		watchdog := time.AfterFunc(5*time.Second, func() {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			panic("import hung:\n" + string(buf[:n]))
		})
		defer watchdog.Stop()
		sum, err := im.Import(t.Context(), "fuzz.jsonl", bytes.NewReader(data), int64(len(data)))
		if err == nil && sum.Skipped > sum.Read {
			t.Errorf("skipped %d of %d records", sum.Skipped, sum.Read)
		}
	})
}

package arxiv

import (
	"bytes"
	"os"
	"testing"
)

// MustReadLines returns the non-empty lines of a JSON-lines file.
func MustReadLines(tb testing.TB, path string) [][]byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var lines [][]byte
	for _, l := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		tb.Fatalf("%s has no lines", path)
	}
	return lines
}

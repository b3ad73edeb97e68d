package hfdaily

import (
	"bytes"
	"os"
	"testing"
)

func TestSniff(t *testing.T) {
	day, err := os.ReadFile("../../testdata/hf/days_sample.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	firstDay := bytes.SplitN(day, []byte("\n"), 2)[0]
	for _, tc := range []struct {
		name string
		line []byte
		want Format
	}{
		{"day line", firstDay, FormatDayLine},
		{"day line with BOM", append([]byte("\xef\xbb\xbf"), firstDay...), FormatDayLine},
		{"item", MustReadItems(t, fixtures[1])[0], FormatItem},
		{"arXiv listing", []byte(`{"listing_date": "2025-03-18", "id": "2503.11731", "authors": ["A"], "title": "t"}`), FormatUnknown},
		{"date without papers", []byte(`{"date": "2025-06-16"}`), FormatUnknown},
		{"paper not an object", []byte(`{"paper": "2506.11924"}`), FormatUnknown},
		{"array", []byte(`[{"paper": {}}]`), FormatUnknown},
		{"not JSON", []byte("date,papers"), FormatUnknown},
		{"empty", nil, FormatUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sniff(tc.line); got != tc.want {
				t.Errorf("Sniff(%.60q) = %v; want %v", tc.line, got, tc.want)
			}
		})
	}
}

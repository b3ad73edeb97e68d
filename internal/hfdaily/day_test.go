package hfdaily

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"quire"
)

// checkDay parses one archive line and all its items, and checks that each
// entry lands on the line's day in list order.
func checkDay(t *testing.T, line []byte) (items int) {
	t.Helper()
	day, raws, err := ParseDayLine(line)
	if err != nil {
		t.Fatalf("ParseDayLine: %v", err)
	}
	var head struct {
		Date   string
		Papers []struct{ Paper struct{ ID string } }
	}
	if err := json.Unmarshal(line, &head); err != nil {
		t.Fatal(err)
	}
	if day.Format(quire.DayLayout) != head.Date || len(raws) != len(head.Papers) {
		t.Fatalf("ParseDayLine = %v, %d items; the line says %s, %d", day, len(raws), head.Date, len(head.Papers))
	}
	for i, raw := range raws {
		p, e, err := ParseItem(raw, day)
		if err != nil {
			t.Errorf("%s item %d: %v", head.Date, i, err)
			continue
		}
		if p.ID != head.Papers[i].Paper.ID || !e.Day.Equal(day) {
			t.Errorf("%s item %d: paper %s on %v; want %s", head.Date, i, p.ID, e.Day, head.Papers[i].Paper.ID)
		}
	}
	return len(raws)
}

func TestParseDayLineSample(t *testing.T) {
	data, err := os.ReadFile("../../testdata/hf/days_sample.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		n += checkDay(t, line)
	}
	if n == 0 {
		t.Fatal("no items in the sample")
	}
}

// TestParseDayLineArchive parses every item of the whole daily-papers
// archive, when the shared data is present.
func TestParseDayLineArchive(t *testing.T) {
	const path = "../../../shared/data/hf-daily/daily_papers_by_day.jsonl.zst"
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s not present", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if testing.Short() {
		t.Skip("reads 50 MB")
	}
	zr, err := zstd.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	r := bufio.NewReaderSize(zr, 1<<20)
	days, items := 0, 0
	for {
		line, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			if days == 0 && Sniff(line) != FormatDayLine {
				t.Fatalf("Sniff(first line) = %v; want %v", Sniff(line), FormatDayLine)
			}
			items += checkDay(t, line)
			days++
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	// The archive's README counts 580 days and 9,881 items.
	if days != 580 || items != 9881 {
		t.Errorf("read %d days, %d items; want 580, 9881", days, items)
	}
}

func TestParseDayLineInvalid(t *testing.T) {
	for _, tc := range []struct {
		name, line, want string
	}{
		{"empty", "", "not valid JSON"},
		{"truncated", `{"date": "2025-06-16", "papers": [{"paper"`, "not valid JSON"},
		{"no date", `{"papers": []}`, "has no date"},
		{"bad date", `{"date": "2025-02-30", "papers": []}`, "YYYY-MM-DD"},
		{"no papers", `{"date": "2025-06-16"}`, "no papers list"},
		{"papers not a list", `{"date": "2025-06-16", "papers": {}}`, `field "papers" should be an array`},
		{"an item, not a day", `{"paper": {"id": "2506.11924"}}`, "has no date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ParseDayLine([]byte(tc.line))
			if !errors.Is(err, quire.ErrInvalid) || !strings.Contains(quire.UserMessage(err), tc.want) {
				t.Errorf("ParseDayLine(%q) error %v; want kind ErrInvalid mentioning %q", tc.line, err, tc.want)
			}
		})
	}
	// An empty day is valid.
	if day, items, err := ParseDayLine([]byte(`{"date":"2025-06-16","papers":[]}`)); err != nil || len(items) != 0 || day.IsZero() {
		t.Errorf("empty day: %v, %d items, %v", day, len(items), err)
	}
}

func TestDayFromFilename(t *testing.T) {
	for _, tc := range []struct {
		name string
		want string // "" when there is no date
	}{
		{"daily_papers_2025-06-16.json", "2025-06-16"},
		{"/data/2024/daily_papers_2024-06-03.json", "2024-06-03"},
		{"2026-08-21.json", "2026-08-21"},
		{"papers-2025-02-30-then-2025-03-01.json", "2025-03-01"}, // first real date
		{"12025-06-16.json", ""},
		{"2025-06-160.json", ""},
		{"2025-06-16/papers.json", ""}, // only the base name counts
		{"papers.json", ""},
		{"", ""},
	} {
		got, ok := DayFromFilename(tc.name)
		if tc.want == "" {
			if ok {
				t.Errorf("DayFromFilename(%q) = %v; want none", tc.name, got)
			}
			continue
		}
		want, _ := time.Parse(quire.DayLayout, tc.want)
		if !ok || !got.Equal(want) {
			t.Errorf("DayFromFilename(%q) = %v, %v; want %v", tc.name, got, ok, want)
		}
	}
}

func FuzzParseDayLine(f *testing.F) {
	// A real item in a day of its own: whole archive lines are large
	// enough to slow the fuzzer down.
	item := MustReadItems(f, fixtures[0])[5]
	f.Add([]byte(`{"date":"2024-06-03","papers":[` + string(item) + `]}`))
	f.Add([]byte(`{"date":"2025-06-16","papers":[{"paper":{"id":"2506.11924","title":"t"}},{}]}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		day, items, err := ParseDayLine(line)
		if err != nil {
			if !errors.Is(err, quire.ErrInvalid) || quire.UserMessage(err) == "" {
				t.Fatalf("error %v has no user message", err)
			}
			return
		}
		if day.IsZero() || day != quire.TruncateDay(day) {
			t.Fatalf("day %v is not a whole day", day)
		}
		for _, raw := range items {
			if p, e, err := ParseItem(raw, day); err == nil && (!e.Day.Equal(day) || e.PaperID != p.ID) {
				t.Fatalf("item on %v for %s; want %v", e.Day, e.PaperID, day)
			}
		}
	})
}

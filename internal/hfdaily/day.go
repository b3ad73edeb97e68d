package hfdaily

import (
	"encoding/json"
	"path/filepath"
	"time"

	"quire"
)

// dayLine is one line of the daily-papers archive.
type dayLine struct {
	Date   string            `json:"date"`
	Papers []json.RawMessage `json:"papers"`
}

// ParseDayLine parses one line of the by-day archive,
// {"date":"YYYY-MM-DD","papers":[<API item>, …]}, into the day and its raw
// items, in list order. Items are left for ParseItem, so that one bad item
// does not lose the rest of the day.
func ParseDayLine(line []byte) (day time.Time, items []json.RawMessage, err error) {
	var d dayLine
	if err := json.Unmarshal(line, &d); err != nil {
		return time.Time{}, nil, jsonError("daily-papers day", err)
	}
	if d.Date == "" {
		return time.Time{}, nil, quire.Invalidf("daily-papers day has no date")
	}
	day, err = quire.ParseDay(d.Date)
	if err != nil {
		return time.Time{}, nil, err
	}
	if d.Papers == nil {
		return time.Time{}, nil, quire.Invalidf("daily-papers day %s has no papers list", d.Date)
	}
	return day, d.Papers, nil
}

// DayFromFilename finds the first YYYY-MM-DD date in the base name of a
// file, such as daily_papers_2025-06-16.json, for files that hold one day's
// list.
func DayFromFilename(name string) (time.Time, bool) {
	name = filepath.Base(name)
	const n = len(quire.DayLayout)
	for i := 0; i+n <= len(name); i++ {
		if !isDateAt(name, i) {
			continue
		}
		// Not part of a longer run of digits.
		if i > 0 && isDigit(name[i-1]) || i+n < len(name) && isDigit(name[i+n]) {
			continue
		}
		if t, err := time.Parse(quire.DayLayout, name[i:i+n]); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// isDateAt reports whether s has the shape dddd-dd-dd at i.
func isDateAt(s string, i int) bool {
	for j := 0; j < 10; j++ {
		c := s[i+j]
		if j == 4 || j == 7 {
			if c != '-' {
				return false
			}
		} else if !isDigit(c) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

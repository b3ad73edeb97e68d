package query

import (
	"strconv"
	"strings"
	"time"
)

// parseCategory checks an arXiv category and gives it arXiv's casing:
// archives are lowercase (cs, hep-th, cond-mat), two-letter subject classes
// uppercase (cs.CL, math.AG, astro-ph.CO) and longer ones lowercase
// (physics.optics, cond-mat.stat-mech). "cs.*" means the archive cs.
func parseCategory(v string) (string, bool) {
	v = strings.TrimSuffix(strings.TrimSuffix(v, "*"), ".")
	archive, class, hasClass := strings.Cut(v, ".")
	archive = strings.ToLower(archive)
	if !isCategoryPart(archive) {
		return "", false
	}
	if !hasClass {
		return archive, true
	}
	if !isCategoryPart(class) {
		return "", false
	}
	if len(class) == 2 {
		class = strings.ToUpper(class)
	} else {
		class = strings.ToLower(class)
	}
	return archive + "." + class, true
}

// isCategoryPart reports whether s is an archive or subject class name:
// ASCII letters in hyphen-separated groups, at most 20 bytes.
func isCategoryPart(s string) bool {
	if s == "" || len(s) > 20 || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; (c < 'a' || c > 'z') && s[i] != '-' {
			return false
		}
	}
	return true
}

// parseDates reads the value of year:, date:, after: or before: as the
// range [from, to), one end possibly open (zero).
func parseDates(name, v string) (from, to time.Time, ok bool) {
	switch name {
	case "after":
		from, _, ok = parseDay(v)
		return from, time.Time{}, ok
	case "before":
		to, _, ok = parseDay(v)
		return time.Time{}, to, ok
	}
	lo, hi, isRange := strings.Cut(v, "..")
	if !isRange {
		hi = lo
	}
	var loEnd, hiStart time.Time
	if lo != "" {
		if from, loEnd, ok = parseEnd(name, lo); !ok {
			return time.Time{}, time.Time{}, false
		}
	}
	if hi != "" {
		if hiStart, to, ok = parseEnd(name, hi); !ok {
			return time.Time{}, time.Time{}, false
		}
	}
	if lo == "" && hi == "" {
		return time.Time{}, time.Time{}, false
	}
	if !from.IsZero() && !to.IsZero() && hiStart.Before(from) {
		// Written backwards (year:2025..2023): take the ends in order.
		from, to = hiStart, loEnd
	}
	if !to.IsZero() && to.Year() > 9999 {
		return time.Time{}, time.Time{}, false
	}
	return from, to, true
}

// parseEnd reads one end of a year: (years only) or date: range.
func parseEnd(name, v string) (start, end time.Time, ok bool) {
	if name == "year" && len(v) != 4 {
		return time.Time{}, time.Time{}, false
	}
	return parseDay(v)
}

// parseDay reads YYYY, YYYY-MM or YYYY-MM-DD as the first day of that
// year, month or day, and the first day after it.
func parseDay(v string) (start, end time.Time, ok bool) {
	parts := strings.Split(v, "-")
	if len(parts) > 3 || len(parts[0]) != 4 {
		return time.Time{}, time.Time{}, false
	}
	nums := [3]int{0, 1, 1}
	for i, s := range parts {
		if i > 0 && len(s) != 2 {
			return time.Time{}, time.Time{}, false
		}
		n, err := strconv.Atoi(s)
		if err != nil || s[0] == '+' || s[0] == '-' {
			return time.Time{}, time.Time{}, false
		}
		nums[i] = n
	}
	y, m, d := nums[0], time.Month(nums[1]), nums[2]
	if y < 1000 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, time.Time{}, false
	}
	start = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if start.Day() != d {
		return time.Time{}, time.Time{}, false // 2025-02-30
	}
	switch len(parts) {
	case 1:
		end = start.AddDate(1, 0, 0)
	case 2:
		end = start.AddDate(0, 1, 0)
	default:
		end = start.AddDate(0, 0, 1)
	}
	return start, end, true
}

// datePieces returns the canonical text of a date range: the shortest of
// year:, date:, after: and before: that parses back to exactly from and to.
func datePieces(from, to time.Time) []string {
	switch {
	case from.IsZero() && to.IsZero():
		return nil
	case to.IsZero():
		return []string{"after:" + short(from)}
	case from.IsZero():
		return []string{"before:" + short(to)}
	case !to.After(from):
		return []string{"after:" + short(from), "before:" + short(to)}
	case isYearStart(from) && isYearStart(to):
		return []string{"year:" + span(from, to.AddDate(-1, 0, 0), "2006")}
	case from.Day() == 1 && to.Day() == 1:
		return []string{"date:" + span(from, to.AddDate(0, -1, 0), "2006-01")}
	default:
		return []string{"date:" + span(from, to.AddDate(0, 0, -1), "2006-01-02")}
	}
}

// span formats the units first and last, as one unit when they are equal.
func span(first, last time.Time, layout string) string {
	if first.Equal(last) {
		return first.Format(layout)
	}
	return first.Format(layout) + ".." + last.Format(layout)
}

// short formats a day as YYYY, YYYY-MM or YYYY-MM-DD, as short as it goes.
func short(t time.Time) string {
	switch {
	case isYearStart(t):
		return t.Format("2006")
	case t.Day() == 1:
		return t.Format("2006-01")
	}
	return t.Format("2006-01-02")
}

func isYearStart(t time.Time) bool {
	return t.Month() == time.January && t.Day() == 1
}

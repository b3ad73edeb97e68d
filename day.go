package quire

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DayLayout is the format of days in URLs, the API and storage.
const DayLayout = "2006-01-02"

// TruncateDay returns midnight UTC of t's UTC day.
func TruncateDay(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParseDay parses "YYYY-MM-DD", rejecting impossible dates such as 2025-02-30.
func ParseDay(s string) (time.Time, error) {
	t, err := time.Parse(DayLayout, s)
	if err != nil {
		return time.Time{}, Invalidf("%q is not a date of the form YYYY-MM-DD", clip(s))
	}
	return t, nil
}

// Period is a span of days that a list covers: one day, an ISO week or a
// calendar month. From is inclusive and To exclusive, both at midnight UTC.
type Period struct {
	Kind PeriodKind
	From time.Time
	To   time.Time
}

// PeriodKind names the span of a Period.
type PeriodKind string

// The kinds of period a list can cover.
const (
	PeriodDay   PeriodKind = "day"
	PeriodWeek  PeriodKind = "week"
	PeriodMonth PeriodKind = "month"
)

// DayPeriod is the period of the single day containing t.
func DayPeriod(t time.Time) Period {
	d := TruncateDay(t)
	return Period{Kind: PeriodDay, From: d, To: d.AddDate(0, 0, 1)}
}

// WeekPeriod is the ISO week (Monday to Sunday) containing t.
func WeekPeriod(t time.Time) Period {
	d := TruncateDay(t)
	offset := (int(d.Weekday()) + 6) % 7 // days since Monday
	from := d.AddDate(0, 0, -offset)
	return Period{Kind: PeriodWeek, From: from, To: from.AddDate(0, 0, 7)}
}

// MonthPeriod is the calendar month containing t.
func MonthPeriod(t time.Time) Period {
	d := TruncateDay(t)
	from := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
	return Period{Kind: PeriodMonth, From: from, To: from.AddDate(0, 1, 0)}
}

// ParseWeek parses an ISO week "YYYY-Www" (e.g. "2025-W07").
func ParseWeek(s string) (Period, error) {
	bad := Invalidf("%q is not an ISO week of the form YYYY-Www", clip(s))
	year, week, ok := strings.Cut(s, "-W")
	if !ok || len(year) != 4 || len(week) != 2 {
		return Period{}, bad
	}
	y, err1 := strconv.Atoi(year)
	w, err2 := strconv.Atoi(week)
	if err1 != nil || err2 != nil || y < 1 || w < 1 || w > 53 {
		return Period{}, bad
	}
	// January 4th is always in ISO week 1.
	p := WeekPeriod(time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC))
	p.From = p.From.AddDate(0, 0, 7*(w-1))
	p.To = p.From.AddDate(0, 0, 7)
	if yy, ww := p.From.ISOWeek(); yy != y || ww != w {
		return Period{}, Invalidf("%d has no ISO week %d", y, w)
	}
	return p, nil
}

// ParseMonth parses "YYYY-MM".
func ParseMonth(s string) (Period, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return Period{}, Invalidf("%q is not a month of the form YYYY-MM", clip(s))
	}
	return MonthPeriod(t), nil
}

// String formats p as it appears in URLs: "2025-06-16", "2025-W25", "2025-06".
func (p Period) String() string {
	switch p.Kind {
	case PeriodWeek:
		y, w := p.From.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case PeriodMonth:
		return p.From.Format("2006-01")
	default:
		return p.From.Format(DayLayout)
	}
}

// Prev and Next are the periods of the same kind just before and after p.
func (p Period) Prev() Period { return p.shift(-1) }

// Next is the period of the same kind just after p.
func (p Period) Next() Period { return p.shift(1) }

func (p Period) shift(n int) Period {
	switch p.Kind {
	case PeriodWeek:
		return WeekPeriod(p.From.AddDate(0, 0, 7*n))
	case PeriodMonth:
		return MonthPeriod(p.From.AddDate(0, n, 0))
	default:
		return DayPeriod(p.From.AddDate(0, 0, n))
	}
}

// Contains reports whether day t falls in p.
func (p Period) Contains(t time.Time) bool {
	return !t.Before(p.From) && t.Before(p.To)
}

// clip shortens hostile input before it is echoed in an error message.
func clip(s string) string {
	const max = 40
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}

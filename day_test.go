package quire

import (
	"errors"
	"testing"
	"time"
)

func TestParsePeriods(t *testing.T) {
	for _, tc := range []struct {
		in       string
		parse    func(string) (Period, error)
		from, to string
	}{
		{"2025-W25", ParseWeek, "2025-06-16", "2025-06-23"},
		{"2025-W01", ParseWeek, "2024-12-30", "2025-01-06"},
		{"2026-W53", ParseWeek, "2026-12-28", "2027-01-04"},
		{"2025-06", ParseMonth, "2025-06-01", "2025-07-01"},
		{"2024-02", ParseMonth, "2024-02-01", "2024-03-01"},
	} {
		p, err := tc.parse(tc.in)
		if err != nil {
			t.Errorf("parse(%q): %v", tc.in, err)
			continue
		}
		if got := p.From.Format(DayLayout); got != tc.from {
			t.Errorf("parse(%q).From = %s, want %s", tc.in, got, tc.from)
		}
		if got := p.To.Format(DayLayout); got != tc.to {
			t.Errorf("parse(%q).To = %s, want %s", tc.in, got, tc.to)
		}
		if got := p.String(); got != tc.in {
			t.Errorf("parse(%q).String() = %q", tc.in, got)
		}
	}
}

func TestParseBad(t *testing.T) {
	for _, tc := range []struct {
		in    string
		parse func(string) error
	}{
		{"2025-02-30", func(s string) error { _, err := ParseDay(s); return err }},
		{"2025-13-01", func(s string) error { _, err := ParseDay(s); return err }},
		{"yesterday", func(s string) error { _, err := ParseDay(s); return err }},
		{"2025-W54", func(s string) error { _, err := ParseWeek(s); return err }},
		{"2025-W53", func(s string) error { _, err := ParseWeek(s); return err }}, // 2025 has 52 weeks
		{"2025-W00", func(s string) error { _, err := ParseWeek(s); return err }},
		{"2025W10", func(s string) error { _, err := ParseWeek(s); return err }},
		{"2025-00", func(s string) error { _, err := ParseMonth(s); return err }},
		{"2025-6", func(s string) error { _, err := ParseMonth(s); return err }},
	} {
		err := tc.parse(tc.in)
		if !errors.Is(err, ErrInvalid) || UserMessage(err) == "" {
			t.Errorf("parse(%q) error = %v, want a user-facing ErrInvalid", tc.in, err)
		}
	}
}

func TestPeriodNavigation(t *testing.T) {
	d := time.Date(2025, 3, 5, 15, 4, 0, 0, time.UTC) // a Wednesday
	for _, tc := range []struct {
		p               Period
		prev, cur, next string
	}{
		{DayPeriod(d), "2025-03-04", "2025-03-05", "2025-03-06"},
		{WeekPeriod(d), "2025-W09", "2025-W10", "2025-W11"},
		{MonthPeriod(d), "2025-02", "2025-03", "2025-04"},
		{MonthPeriod(time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC)), "2024-12", "2025-01", "2025-02"},
	} {
		if got := tc.p.Prev().String(); got != tc.prev {
			t.Errorf("%s.Prev() = %s, want %s", tc.cur, got, tc.prev)
		}
		if got := tc.p.String(); got != tc.cur {
			t.Errorf("String() = %s, want %s", got, tc.cur)
		}
		if got := tc.p.Next().String(); got != tc.next {
			t.Errorf("%s.Next() = %s, want %s", tc.cur, got, tc.next)
		}
		if !tc.p.Contains(TruncateDay(d)) && tc.p.Kind != PeriodMonth {
			t.Errorf("%s does not contain %v", tc.cur, d)
		}
	}
}

func TestUserMessageHidesInternal(t *testing.T) {
	if got := UserMessage(errors.New("pq: connection refused")); got != "" {
		t.Errorf("UserMessage(internal) = %q, want empty", got)
	}
	err := Invalidf("bad id %q", "x")
	Wrap(&err, "FindPaperByID")
	if got := UserMessage(err); got != `bad id "x"` || !errors.Is(err, ErrInvalid) {
		t.Errorf("UserMessage(wrapped) = %q, is invalid %v", got, errors.Is(err, ErrInvalid))
	}
	if long := UserMessage(Invalidf("%q", clip(string(make([]byte, 10000))))); len(long) > 300 {
		t.Errorf("clipped message is %d bytes", len(long))
	}
}

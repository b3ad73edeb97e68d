package web

import (
	"fmt"
	"time"

	"quire"
)

// periodPath is the URL of the list page of p.
func periodPath(p quire.Period) string {
	switch p.Kind {
	case quire.PeriodWeek:
		return "/papers/week/" + p.String()
	case quire.PeriodMonth:
		return "/papers/month/" + p.String()
	default:
		return "/papers/date/" + p.String()
	}
}

// periodLabel names p in a phrase: "Jun 16, 2025", "week 25 of 2025", "June 2025".
func periodLabel(p quire.Period) string {
	switch p.Kind {
	case quire.PeriodWeek:
		y, w := p.From.ISOWeek()
		return fmt.Sprintf("week %d of %d", w, y)
	case quire.PeriodMonth:
		return p.From.Format("January 2006")
	default:
		return formatDate(p.From)
	}
}

// periodPhrase is periodLabel with a preposition: "on Jun 16, 2025".
func periodPhrase(p quire.Period) string {
	switch p.Kind {
	case quire.PeriodWeek, quire.PeriodMonth:
		return "in " + periodLabel(p)
	default:
		return "on " + periodLabel(p)
	}
}

// periodHeading is the heading of a list and the span it covers.
func periodHeading(p quire.Period) (heading, sub string) {
	switch p.Kind {
	case quire.PeriodWeek:
		y, w := p.From.ISOWeek()
		last := p.To.Add(-24 * time.Hour)
		return fmt.Sprintf("Week %d, %d", w, y), formatDate(p.From) + " – " + formatDate(last)
	case quire.PeriodMonth:
		return p.From.Format("January 2006"), ""
	default:
		return formatDate(p.From), p.From.Weekday().String()
	}
}

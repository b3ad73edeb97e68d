package api

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"

	"quire"
)

// Page sizes of GET /api/daily_papers.
const (
	defaultLimit = 50
	maxLimit     = 100
)

// dailyParams are the query parameters of GET /api/daily_papers.
type dailyParams struct {
	filter quire.DailyFilter
	page   int
}

// parseDailyParams validates q. Empty values count as absent, as HTML forms
// send them.
func parseDailyParams(q url.Values) (dailyParams, error) {
	var p dailyParams
	var periods []string
	var period quire.Period
	if s := q.Get("date"); s != "" {
		day, err := quire.ParseDay(s)
		if err != nil {
			return p, err
		}
		period, periods = quire.DayPeriod(day), append(periods, "date")
	}
	if s := q.Get("week"); s != "" {
		w, err := quire.ParseWeek(s)
		if err != nil {
			return p, err
		}
		period, periods = w, append(periods, "week")
	}
	if s := q.Get("month"); s != "" {
		m, err := quire.ParseMonth(s)
		if err != nil {
			return p, err
		}
		period, periods = m, append(periods, "month")
	}
	if len(periods) > 1 {
		return p, quire.Invalidf("give at most one of date, week and month (got %s and %s)", periods[0], periods[1])
	}
	p.filter.From, p.filter.To = period.From, period.To

	// A list of one period is ranked; the whole archive reads newest first.
	p.filter.Sort = quire.SortNew
	if len(periods) == 1 {
		p.filter.Sort = quire.SortUpvotes
	}
	switch s := q.Get("sort"); s {
	case "":
	case "trending":
		p.filter.Sort = quire.SortUpvotes
	case "publishedAt":
		p.filter.Sort = quire.SortNew
	default:
		return p, quire.Invalidf("sort must be %q or %q, not %q", "trending", "publishedAt", clip(s))
	}

	p.filter.Submitter = q.Get("submitter")

	limit, err := intParam(q, "limit", defaultLimit)
	if err != nil {
		return p, err
	}
	if limit < 1 || limit > maxLimit {
		return p, quire.Invalidf("limit must be between 1 and %d, not %d", maxLimit, limit)
	}
	page, err := intParam(q, "p", 0)
	if err != nil {
		return p, err
	}
	if page < 0 {
		return p, quire.Invalidf("p must not be negative, not %d", page)
	}
	if page > math.MaxInt32/maxLimit {
		return p, quire.Invalidf("p is too large")
	}
	p.page = page
	p.filter.Limit = limit
	p.filter.Offset = page * limit
	return p, nil
}

func intParam(q url.Values, name string, def int) (int, error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, quire.Invalidf("%s must be a whole number, not %q", name, clip(s))
	}
	return n, nil
}

// dailyPapers serves GET /api/daily_papers.
func (h *Handler) dailyPapers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	params, err := parseDailyParams(q)
	if err != nil {
		return err
	}
	items, more, err := h.store.FindDailyItems(r.Context(), params.filter)
	if err != nil {
		return err
	}
	out := make([]DailyPaper, len(items))
	for i, it := range items {
		out[i] = newDailyPaper(it)
	}
	if more {
		q.Set("p", strconv.Itoa(params.page+1))
		next := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		w.Header().Set("Link", fmt.Sprintf("<%s>; rel=\"next\"", next.String()))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"quire"
)

// pageSize is the number of papers per page of a list.
const pageSize = 50

// ListPage is the data of list.html: the papers of a day, week or month.
type ListPage struct {
	BasePage
	Heading    string
	Subheading string
	// Notice explains why the page shows something other than what was
	// asked for, such as an earlier day on the home page.
	Notice string
	// Tabs switch between the day, week and month around this period.
	Tabs []Link
	// Prev and Next are the neighbouring periods.
	Prev, Next Link
	// Sorts switch between the orders of the list.
	Sorts []Link
	Cards []Card
	// PrevPage and NextPage page through a long list ("" when none).
	PrevPage, NextPage string
	PageNumber         int
	// EmptyStore is set when nothing has been imported yet.
	EmptyStore bool
	// EmptyMessage is shown when the period has no papers.
	EmptyMessage string
	// Ranked is set for a ranking that spans periods (trending): there is
	// no neighbouring period, tab or order to switch to.
	Ranked bool
}

// home serves GET /: the newest day with papers, today or earlier.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) error {
	lq, err := parseListQuery(r.URL.Query())
	if err != nil {
		return err
	}
	today := quire.TruncateDay(h.now())
	day, ok, err := h.latestDay(r.Context(), today)
	if err != nil {
		return err
	}
	if !ok {
		page := &ListPage{BasePage: h.base("Daily Papers", "Trending arXiv papers, day by day.", "day"), EmptyStore: true}
		return h.render(w, r, http.StatusOK, "list.html", page)
	}
	notice := ""
	if !day.Equal(today) {
		notice = "No papers yet today — showing " + formatDate(day) + "."
	}
	return h.serveList(w, r, quire.DayPeriod(day), lq, "/", notice)
}

// latestDay is the day the home page shows: the newest day with papers on or
// before today, or failing that the first one after it (an archive imported
// from a clock ahead of ours). ok is false when there are no lists at all.
func (h *Handler) latestDay(ctx context.Context, today time.Time) (day time.Time, ok bool, err error) {
	day, err = h.store.LatestDay(ctx, today)
	if err == nil {
		return day, true, nil
	}
	if !errors.Is(err, quire.ErrNotFound) {
		return time.Time{}, false, err
	}
	_, next, err := h.store.NeighbourDays(ctx, today)
	return next, err == nil && !next.IsZero(), err
}

// latestPeriod serves GET /papers/week and /papers/month: a redirect to the
// week or month of the newest list, so the header's links always lead to
// papers even when the hub has none this week.
func (h *Handler) latestPeriod(period func(time.Time) quire.Period) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		today := quire.TruncateDay(h.now())
		day, ok, err := h.latestDay(r.Context(), today)
		if err != nil {
			return err
		}
		if !ok {
			day = today
		}
		http.Redirect(w, r, periodPath(period(day)), http.StatusFound)
		return nil
	}
}

// dayList serves GET /papers/date/{date}.
func (h *Handler) dayList(w http.ResponseWriter, r *http.Request) error {
	day, err := quire.ParseDay(r.PathValue("date"))
	if err != nil {
		return err
	}
	return h.serveListPath(w, r, quire.DayPeriod(day))
}

// weekList serves GET /papers/week/{week}.
func (h *Handler) weekList(w http.ResponseWriter, r *http.Request) error {
	p, err := quire.ParseWeek(r.PathValue("week"))
	if err != nil {
		return err
	}
	return h.serveListPath(w, r, p)
}

// monthList serves GET /papers/month/{month}.
func (h *Handler) monthList(w http.ResponseWriter, r *http.Request) error {
	p, err := quire.ParseMonth(r.PathValue("month"))
	if err != nil {
		return err
	}
	return h.serveListPath(w, r, p)
}

func (h *Handler) serveListPath(w http.ResponseWriter, r *http.Request, p quire.Period) error {
	lq, err := parseListQuery(r.URL.Query())
	if err != nil {
		return err
	}
	return h.serveList(w, r, p, lq, periodPath(p), "")
}

// serveList renders the papers of period p. It costs two store queries: the
// page of papers, and for a day the neighbouring days with papers.
func (h *Handler) serveList(w http.ResponseWriter, r *http.Request, p quire.Period, lq listQuery, base, notice string) error {
	ctx := r.Context()
	items, more, err := h.store.FindDailyItems(ctx, quire.DailyFilter{
		From:   p.From,
		To:     p.To,
		Sort:   lq.sort,
		Offset: (lq.page - 1) * pageSize,
		Limit:  pageSize,
	})
	if err != nil {
		return err
	}

	page := &ListPage{
		Notice:     notice,
		PageNumber: lq.page,
		Cards:      make([]Card, len(items)),
	}
	for i, it := range items {
		page.Cards[i] = newCard(it)
	}
	if err := h.fillVotes(r, page.Cards); err != nil {
		return err
	}

	// Neighbours keep the sort order but start at the first page.
	first := listQuery{sort: lq.sort, page: 1}
	switch p.Kind {
	case quire.PeriodDay:
		prev, next, err := h.store.NeighbourDays(ctx, p.From)
		if err != nil {
			return err
		}
		if !prev.IsZero() {
			page.Prev = Link{Label: formatDate(prev), Href: first.href(periodPath(quire.DayPeriod(prev)))}
		}
		if !next.IsZero() {
			page.Next = Link{Label: formatDate(next), Href: first.href(periodPath(quire.DayPeriod(next)))}
		}
	default:
		page.Prev = Link{Label: periodLabel(p.Prev()), Href: first.href(periodPath(p.Prev()))}
		page.Next = Link{Label: periodLabel(p.Next()), Href: first.href(periodPath(p.Next()))}
	}

	page.Heading, page.Subheading = periodHeading(p)
	title := "Daily Papers"
	if base != "/" {
		title = "Papers of " + periodLabel(p)
	}
	page.BasePage = h.base(title, "Trending arXiv papers of "+periodLabel(p)+", ranked by the community.", string(p.Kind))
	page.Tabs = []Link{
		{Label: "Daily", Href: periodPath(quire.DayPeriod(p.From)), Active: p.Kind == quire.PeriodDay},
		{Label: "Weekly", Href: periodPath(quire.WeekPeriod(p.From)), Active: p.Kind == quire.PeriodWeek},
		{Label: "Monthly", Href: periodPath(quire.MonthPeriod(p.From)), Active: p.Kind == quire.PeriodMonth},
	}
	page.Sorts = []Link{
		{Label: "Most upvoted", Href: listQuery{sort: quire.SortUpvotes, page: 1}.href(base), Active: lq.sort == quire.SortUpvotes},
		{Label: "Newest", Href: listQuery{sort: quire.SortNew, page: 1}.href(base), Active: lq.sort == quire.SortNew},
	}
	if lq.page > 1 {
		page.PrevPage = listQuery{sort: lq.sort, page: lq.page - 1}.href(base)
	}
	if more {
		page.NextPage = listQuery{sort: lq.sort, page: lq.page + 1}.href(base)
	}
	if len(items) == 0 {
		page.EmptyMessage = fmt.Sprintf("No papers were listed %s.", periodPhrase(p))
		if lq.page > 1 {
			page.EmptyMessage = "This list has fewer pages."
		}
	}
	return h.render(w, r, http.StatusOK, "list.html", page)
}

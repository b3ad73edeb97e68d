package api

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"quire"
	"quire/internal/trending"
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
	// trending ranks the papers listed in the last trending.Window by
	// trending.Rank instead of the filter's sort.
	trending bool
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
		if len(periods) > 0 {
			return p, quire.Invalidf("sort=trending ranks the papers of the last %d days; leave out %s", int(trending.Window/(24*time.Hour)), periods[0])
		}
		p.trending = true
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

// dailyPapers serves GET /api/daily_papers, from the cache when it holds
// the answer: it depends on the query alone, not on who asks. Counts may
// lag the votes by the cache's few seconds, as on the pages.
func (h *Handler) dailyPapers(w http.ResponseWriter, r *http.Request) error {
	if h.cache == nil {
		return h.dailyPapersFresh(w, r)
	}
	key := r.URL.RequestURI()
	if b, ok := h.cache.Get(key); ok {
		link, body, _ := bytes.Cut(b, []byte{0})
		if len(link) > 0 {
			w.Header().Set("Link", string(link))
		}
		writeJSONBytes(w, http.StatusOK, body)
		return nil
	}
	rec := &recordingWriter{ResponseWriter: w}
	if err := h.dailyPapersFresh(rec, r); err != nil {
		return err
	}
	if rec.status == http.StatusOK {
		// The Link header, a NUL (which JSON never holds unescaped),
		// the body.
		h.cache.Put(key, append(append([]byte(w.Header().Get("Link")), 0), rec.body...))
	}
	return nil
}

// dailyPapersFresh answers GET /api/daily_papers from the store.
func (h *Handler) dailyPapersFresh(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	params, err := parseDailyParams(q)
	if err != nil {
		return err
	}
	var items []*quire.DailyItem
	var more bool
	if params.trending {
		items, more, err = h.trendingItems(r.Context(), params.filter)
	} else {
		items, more, err = h.store.FindDailyItems(r.Context(), params.filter)
	}
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

// maxTrendingCandidates bounds the entries ranked for sort=trending. A week
// of daily lists holds a few hundred; past this many, the least-voted are
// left out, which could not rank anyway.
const maxTrendingCandidates = 5000

// trendingItems returns the page of f (its offset and limit, its submitter)
// of the papers listed within trending.Window before now, ranked by
// trending.Rank, and whether more follow.
func (h *Handler) trendingItems(ctx context.Context, f quire.DailyFilter) ([]*quire.DailyItem, bool, error) {
	now := h.now()
	cands, _, err := h.store.FindDailyItems(ctx, quire.DailyFilter{
		From: quire.TruncateDay(trending.WindowStart(now)),
		// Days after today hold nothing in a live deployment, but an
		// imported archive or a clock set back could list papers there;
		// they have not been seen yet, so they cannot trend.
		To:        quire.TruncateDay(now).Add(24 * time.Hour),
		Submitter: f.Submitter,
		Sort:      quire.SortUpvotes,
		Limit:     maxTrendingCandidates,
	})
	if err != nil {
		return nil, false, err
	}
	byID := make(map[string]*quire.DailyItem, len(cands))
	ranked := make([]trending.Item, len(cands))
	for i, it := range cands {
		byID[it.Paper.ID] = it
		ranked[i] = trending.FromEntry(&it.Entry)
	}
	ranked = trending.Rank(ranked, now)
	if f.Offset >= len(ranked) {
		return []*quire.DailyItem{}, false, nil
	}
	end := min(f.Offset+f.Limit, len(ranked))
	items := make([]*quire.DailyItem, 0, end-f.Offset)
	for _, it := range ranked[f.Offset:end] {
		items = append(items, byID[it.ID])
	}
	return items, end < len(ranked), nil
}

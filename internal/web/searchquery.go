package web

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"quire"
	"quire/internal/search"
)

// searchPageSize is the number of results per page of a search.
const searchPageSize = 20

// maxSearchPage is the last page of results: the engine pages no deeper
// than search.MaxOffset.
const maxSearchPage = search.MaxOffset/searchPageSize + 1

// maxCategories bounds the categories of one search.
const maxCategories = 16

// searchQuery holds the parameters of the search page: as typed, so that
// the form shows them back, and checked, as the request to the engine.
type searchQuery struct {
	q        string
	cat      string // arXiv categories, separated by spaces or commas
	from, to string // a year (2024) or a day (2024-06-01), both ends inclusive
	hasCode  bool
	sort     string // "" (relevance), "date" or "upvotes"
	mode     string // "" (the engine's default), "hybrid", "lexical" or "semantic"
	page     int    // from 1

	req search.Request // the parameters checked and converted
}

// parseSearchQuery validates the parameters of GET /papers. Empty values
// count as absent, as HTML forms send them.
func parseSearchQuery(v url.Values) (searchQuery, error) {
	sq := searchQuery{
		q:    v.Get("q"),
		cat:  strings.TrimSpace(v.Get("cat")),
		from: strings.TrimSpace(v.Get("from")),
		to:   strings.TrimSpace(v.Get("to")),
		page: 1,
	}
	var err error
	r := &sq.req
	r.Query = sq.q
	if r.Categories, err = parseCategories(sq.cat); err != nil {
		return sq, err
	}
	if r.From, err = parseDateBound("from", sq.from, false); err != nil {
		return sq, err
	}
	if r.To, err = parseDateBound("to", sq.to, true); err != nil {
		return sq, err
	}
	if !r.From.IsZero() && !r.To.IsZero() && !r.From.Before(r.To) {
		return sq, quire.Invalidf("The date range from %s to %s is empty.", clip(sq.from), clip(sq.to))
	}
	switch s := v.Get("has_code"); s {
	case "", "0", "false", "off":
	case "1", "true", "on":
		sq.hasCode, r.HasCode = true, true
	default:
		return sq, quire.Invalidf("has_code is a checkbox: 1 or nothing, not %q.", clip(s))
	}
	switch s := v.Get("sort"); s {
	case "", "relevance":
		r.Order = search.ByRelevance
	case "date", "new", "newest":
		sq.sort, r.Order = "date", search.ByDate
	case "upvotes":
		sq.sort, r.Order = "upvotes", search.ByUpvotes
	default:
		return sq, quire.Invalidf("Results can be sorted by relevance (the default), date or upvotes, not %q.", clip(s))
	}
	switch s := v.Get("mode"); s {
	case "":
	case "hybrid", "lexical", "semantic":
		sq.mode, r.Mode = s, search.Mode(s)
	default:
		return sq, quire.Invalidf("The search mode can be hybrid, lexical or semantic, not %q.", clip(s))
	}
	if s := v.Get("p"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return sq, quire.Invalidf("The page number %q is not valid.", clip(s))
		}
		if n > maxSearchPage {
			return sq, quire.Invalidf("Search results go up to page %d; try a more precise query.", maxSearchPage)
		}
		sq.page = n
	}
	r.Offset, r.Limit = (sq.page-1)*searchPageSize, searchPageSize
	return sq, nil
}

// asked reports whether the visitor asked for anything: words or a filter.
func (sq searchQuery) asked() bool {
	return strings.TrimSpace(sq.q) != "" || sq.cat != "" || sq.from != "" || sq.to != "" || sq.hasCode
}

// href is the URL of this search at page n, leaving out defaults.
func (sq searchQuery) href(n int) string {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", sq.q)
	set("cat", sq.cat)
	set("from", sq.from)
	set("to", sq.to)
	if sq.hasCode {
		v.Set("has_code", "1")
	}
	set("sort", sq.sort)
	set("mode", sq.mode)
	if n > 1 {
		v.Set("p", strconv.Itoa(n))
	}
	return "/papers?" + v.Encode()
}

// categoryRE matches an arXiv archive (cs, hep-th) or category (cs.CL,
// cond-mat.stat-mech).
var categoryRE = regexp.MustCompile(`^[A-Za-z]+(-[A-Za-z]+)*(\.[A-Za-z]+(-[A-Za-z]+)*)?$`)

// parseCategories splits the category field: names separated by spaces or
// commas, each possibly written cat:cs.CL as in the query language.
func parseCategories(s string) ([]string, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	if len(fields) > maxCategories {
		return nil, quire.Invalidf("A search can name at most %d categories.", maxCategories)
	}
	for i, f := range fields {
		f = strings.TrimPrefix(f, "cat:")
		if len(f) > 40 || !categoryRE.MatchString(f) {
			return nil, quire.Invalidf("%q is not an arXiv category such as cs.CL or hep-th.", clip(fields[i]))
		}
		fields[i] = f
	}
	return fields, nil
}

// parseDateBound reads a from or to field: a year (2024) or a day
// (2024-06-01). Both ends are inclusive as typed, so the end of a range is
// returned as the start of the next year or day (search requests take it
// exclusive).
func parseDateBound(name, s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if len(s) == 4 {
		y, err := strconv.Atoi(s)
		if err != nil || y < 1 || y > 9998 || s[0] == '+' {
			return time.Time{}, quire.Invalidf("%s: %q is not a year such as 2024.", name, clip(s))
		}
		t := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		if end {
			t = t.AddDate(1, 0, 0)
		}
		return t, nil
	}
	t, err := time.Parse(quire.DayLayout, s)
	if err != nil || t.Year() < 1 || t.Year() > 9998 {
		return time.Time{}, quire.Invalidf("%s: %q is not a year (2024) or a day (2024-06-01).", name, clip(s))
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

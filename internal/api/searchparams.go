package api

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"quire"
	"quire/internal/search"
)

// Page sizes of GET /api/papers/search and GET /api/papers/{id}/similar.
const (
	defaultSearchLimit  = 20
	defaultSimilarLimit = 10
)

// Limits on the filters of one search.
const (
	maxFilters    = 16
	maxAuthorName = 100
)

// searchParams are the query parameters of GET /api/papers/search.
type searchParams struct {
	req  search.Request
	page int
}

// parseSearchParams validates q. Empty values count as absent, as HTML
// forms send them.
func parseSearchParams(q url.Values) (searchParams, error) {
	var p searchParams
	r := &p.req
	r.Query = q.Get("q")
	limit, err := intParam(q, "limit", defaultSearchLimit)
	if err != nil {
		return p, err
	}
	if limit < 1 || limit > search.MaxLimit {
		return p, quire.Invalidf("limit must be between 1 and %d, not %d", search.MaxLimit, limit)
	}
	page, err := intParam(q, "p", 0)
	if err != nil {
		return p, err
	}
	if page < 0 {
		return p, quire.Invalidf("p must not be negative, not %d", page)
	}
	if page > search.MaxOffset/limit {
		return p, quire.Invalidf("p can be at most %d with limit=%d: results start no deeper than %d", search.MaxOffset/limit, limit, search.MaxOffset)
	}
	p.page, r.Offset, r.Limit = page, page*limit, limit

	switch s := q.Get("mode"); s {
	case "":
	case "hybrid", "lexical", "semantic":
		r.Mode = search.Mode(s)
	default:
		return p, quire.Invalidf("mode must be hybrid, lexical or semantic, not %q", clip(s))
	}
	switch s := q.Get("sort"); s {
	case "", "relevance":
	case "date", "upvotes":
		r.Order = search.Order(s)
	default:
		return p, quire.Invalidf("sort must be relevance, date or upvotes, not %q", clip(s))
	}
	if r.Categories, err = categoryParams(q["cat"]); err != nil {
		return p, err
	}
	if r.Authors, err = authorParams(q["author"]); err != nil {
		return p, err
	}
	if r.From, err = dateParam(q, "from", false); err != nil {
		return p, err
	}
	if r.To, err = dateParam(q, "to", true); err != nil {
		return p, err
	}
	if !r.From.IsZero() && !r.To.IsZero() && !r.From.Before(r.To) {
		return p, quire.Invalidf("from (%s) is after to (%s)", clip(q.Get("from")), clip(q.Get("to")))
	}
	if r.HasCode, err = boolParam(q, "has_code"); err != nil {
		return p, err
	}
	return p, nil
}

// categoryRE matches an arXiv archive (cs, hep-th) or category (cs.CL,
// cond-mat.stat-mech).
var categoryRE = regexp.MustCompile(`^[A-Za-z]+(-[A-Za-z]+)*(\.[A-Za-z]+(-[A-Za-z]+)*)?$`)

// categoryParams reads cat parameters, each one category or several
// separated by commas.
func categoryParams(values []string) ([]string, error) {
	var cats []string
	for _, v := range values {
		for c := range strings.SplitSeq(v, ",") {
			c = strings.TrimSpace(c)
			if c == "" {
				continue
			}
			if len(c) > 40 || !categoryRE.MatchString(c) {
				return nil, quire.Invalidf("cat: %q is not an arXiv category such as cs.CL or hep-th", clip(c))
			}
			cats = append(cats, c)
		}
	}
	if len(cats) > maxFilters {
		return nil, quire.Invalidf("cat: at most %d categories", maxFilters)
	}
	return cats, nil
}

// authorParams reads author parameters, one name each, as the query
// language keeps them: lowercased.
func authorParams(values []string) ([]string, error) {
	var names []string
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if len(v) > maxAuthorName || !utf8.ValidString(v) || strings.ContainsFunc(v, func(r rune) bool {
			return r == '"' || unicode.IsControl(r)
		}) || !strings.ContainsFunc(v, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			return nil, quire.Invalidf("author: %q is not a name", clip(v))
		}
		names = append(names, strings.ToLower(v))
	}
	if len(names) > maxFilters {
		return nil, quire.Invalidf("author: at most %d names", maxFilters)
	}
	return names, nil
}

// dateParam reads from or to: a year (2024) or a day (2024-06-01), both
// ends inclusive. The end of a range is returned as the start of the next
// year or day, since search requests take it exclusive.
func dateParam(q url.Values, name string, end bool) (time.Time, error) {
	s := q.Get(name)
	if s == "" {
		return time.Time{}, nil
	}
	var t time.Time
	if y, err := strconv.Atoi(s); err == nil && len(s) == 4 && s[0] != '+' && s[0] != '-' {
		t = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		if end {
			t = t.AddDate(1, 0, 0)
		}
	} else if d, err := time.Parse(quire.DayLayout, s); err == nil {
		t = d
		if end {
			t = t.AddDate(0, 0, 1)
		}
	} else {
		return t, quire.Invalidf("%s must be a year (2024) or a day (2024-06-01), not %q", name, clip(s))
	}
	if t.Year() < 1 || t.Year() > 9999 {
		return time.Time{}, quire.Invalidf("%s: %q is out of range", name, clip(s))
	}
	return t, nil
}

func boolParam(q url.Values, name string) (bool, error) {
	switch s := q.Get(name); s {
	case "", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	default:
		return false, quire.Invalidf("%s must be true or false, not %q", name, clip(s))
	}
}

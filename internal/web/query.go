package web

import (
	"net/url"
	"strconv"
	"unicode/utf8"

	"quire"
)

// listQuery holds the query parameters of a list page.
type listQuery struct {
	sort quire.DailySort
	page int // from 1
}

func parseListQuery(q url.Values) (listQuery, error) {
	lq := listQuery{sort: quire.SortUpvotes, page: 1}
	switch s := q.Get("sort"); s {
	case "", "upvotes":
	case "new":
		lq.sort = quire.SortNew
	default:
		return lq, quire.Invalidf("The list can be sorted by upvotes (the default) or with sort=new, not %q.", clip(s))
	}
	if s := q.Get("p"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100000 {
			return lq, quire.Invalidf("The page number %q is not valid.", clip(s))
		}
		lq.page = n
	}
	return lq, nil
}

// href is the URL of the list at base with these parameters, leaving out
// defaults so that the plain URL stays canonical.
func (lq listQuery) href(base string) string {
	v := url.Values{}
	if lq.sort == quire.SortNew {
		v.Set("sort", "new")
	}
	if lq.page > 1 {
		v.Set("p", strconv.Itoa(lq.page))
	}
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

// clip shortens a client-supplied string before it is echoed back.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

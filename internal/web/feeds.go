package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"quire"
	"quire/internal/feed"
	"quire/internal/search"
)

// The feeds of the site. Every list has an Atom and an RSS feed at its
// page's path followed by /feed.atom or /feed.rss (the home page's are
// /feed.atom and /feed.rss); the bare week and month paths give the newest
// week's and month's lists, as their pages do:
//
//	/feed.atom                              the newest day's list
//	/papers/date/{date}/feed.atom           one day's list
//	/papers/week/feed.atom                  the newest week's list
//	/papers/week/{week}/feed.atom           one week's list
//	/papers/month/feed.atom                 the newest month's list
//	/papers/month/{month}/feed.atom         one month's list
//	/papers/trending/feed.atom              trending papers
//	/papers/feed.atom?q=…&cat=…             a search, with the search page's parameters
//	/authors/{name}/feed.atom               papers by an author (the search's author: filter)
//	/categories/{cat}/feed.atom             papers in an arXiv category (cat:)
//
// Lists keep their order (sort=new is accepted); a search feed is newest
// first unless its sort parameter says otherwise.

// feedFormat is one of the two feed formats.
type feedFormat struct {
	ext         string
	contentType string
	label       string
	write       func(io.Writer, *feed.Feed) error
}

var feedFormats = []feedFormat{
	{"atom", "application/atom+xml; charset=utf-8", "Atom", feed.WriteAtom},
	{"rss", "application/rss+xml; charset=utf-8", "RSS", feed.WriteRSS},
}

// feedBuilder makes the feed of a request with site-relative URLs; serveFeed
// makes them absolute.
type feedBuilder func(r *http.Request) (*feed.Feed, error)

// feedRoutes registers the feeds: each under base.atom and base.rss.
func (h *Handler) feedRoutes() {
	h.feedRoute("/feed", h.latestFeed(quire.DayPeriod))
	h.feedRoute("/papers/date/{date}/feed", h.periodFeed("date", parseDayPeriod))
	h.feedRoute("/papers/week/feed", h.latestFeed(quire.WeekPeriod))
	h.feedRoute("/papers/week/{week}/feed", h.periodFeed("week", quire.ParseWeek))
	h.feedRoute("/papers/month/feed", h.latestFeed(quire.MonthPeriod))
	h.feedRoute("/papers/month/{month}/feed", h.periodFeed("month", quire.ParseMonth))
	h.feedRoute("/papers/trending/feed", h.trendingFeed)
	h.feedRoute("/papers/feed", h.searchFeed)
	h.feedRoute("/authors/{name}/feed", h.authorFeed)
	h.feedRoute("/categories/{cat}/feed", h.categoryFeed)
}

func (h *Handler) feedRoute(base string, build feedBuilder) {
	for _, ff := range feedFormats {
		h.handle("GET "+base+"."+ff.ext, h.serveFeed(ff, build))
	}
}

// serveFeed answers with the feed build makes, in format ff. Feeds are the
// same for every reader, so they are cached for visitors and members
// alike. The ETag is a hash of the document and Last-Modified the newest
// entry's time; http.ServeContent answers conditional requests with 304.
func (h *Handler) serveFeed(ff feedFormat, build feedBuilder) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		origin := h.origin(r)
		key := "feed\x00" + origin + "\x00" + r.URL.RequestURI()
		body, modified, ok := h.cachedFeed(key)
		if !ok {
			f, err := build(r)
			if err != nil {
				return err
			}
			absolutize(f, origin)
			var buf bytes.Buffer
			if err := ff.write(&buf, f); err != nil {
				return err
			}
			body, modified = buf.Bytes(), f.Newest()
			h.cacheFeed(key, body, modified)
		}
		sum := sha256.Sum256(body)
		hd := w.Header()
		hd.Set("Content-Type", ff.contentType)
		hd.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
		http.ServeContent(w, r, "", modified, bytes.NewReader(body))
		return nil
	}
}

// cachedFeed and cacheFeed keep feeds in the page cache: the entry is the
// newest entry's time in Unix seconds (8 bytes) followed by the document.
func (h *Handler) cachedFeed(key string) (body []byte, modified time.Time, ok bool) {
	if h.cache == nil {
		return nil, time.Time{}, false
	}
	b, ok := h.cache.Get(key)
	if !ok || len(b) < 8 {
		return nil, time.Time{}, false
	}
	if s := int64(binary.BigEndian.Uint64(b)); s != 0 {
		modified = time.Unix(s, 0).UTC()
	}
	return b[8:], modified, true
}

func (h *Handler) cacheFeed(key string, body []byte, modified time.Time) {
	if h.cache == nil {
		return
	}
	var s int64
	if !modified.IsZero() {
		s = modified.Unix()
	}
	h.cache.Put(key, append(binary.BigEndian.AppendUint64(nil, uint64(s)), body...))
}

// origin is the scheme and host that feeds' absolute URLs start with: the
// configured public URL when there is one, else the request's.
func (h *Handler) origin(r *http.Request) string {
	if h.comm != nil && h.comm.opts.BaseURL != "" {
		return h.comm.opts.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// absolutize prefixes f's site-relative URLs with origin. Entry ids are the
// papers' page URLs, so a paper keeps its id in every feed and across
// imports.
func absolutize(f *feed.Feed, origin string) {
	abs := func(s *string) {
		if strings.HasPrefix(*s, "/") {
			*s = origin + *s
		}
	}
	abs(&f.ID)
	abs(&f.Self)
	abs(&f.Alternate)
	for i := range f.Entries {
		abs(&f.Entries[i].ID)
		abs(&f.Entries[i].Link)
	}
}

// newFeed starts the feed served at r's address that mirrors the page at
// alternate; the page's address is also the feed's id.
func newFeed(r *http.Request, title, subtitle, alternate string) *feed.Feed {
	self := r.URL.Path
	if r.URL.RawQuery != "" {
		self += "?" + r.URL.RawQuery
	}
	return &feed.Feed{
		ID:        alternate,
		Title:     title + " · Quire",
		Subtitle:  subtitle,
		Self:      self,
		Alternate: alternate,
		Author:    "Quire",
	}
}

// latestFeed serves the feed of the newest day, week or month with papers.
func (h *Handler) latestFeed(period func(time.Time) quire.Period) feedBuilder {
	return func(r *http.Request) (*feed.Feed, error) {
		lq, err := parseListQuery(r.URL.Query())
		if err != nil {
			return nil, err
		}
		today := quire.TruncateDay(h.now())
		day, ok, err := h.latestDay(r.Context(), today)
		if err != nil {
			return nil, err
		}
		if !ok {
			day = today
		}
		p := period(day)
		alternate := periodPath(p)
		title := "Papers of " + periodLabel(p)
		switch p.Kind {
		case quire.PeriodDay:
			alternate, title = "/", "Daily Papers"
		case quire.PeriodWeek:
			title = "Weekly Papers"
		case quire.PeriodMonth:
			title = "Monthly Papers"
		}
		f := newFeed(r, title, "The newest "+string(p.Kind)+"'s trending arXiv papers, ranked by the community.", alternate)
		// The feed stays the same feed while the period moves on.
		f.ID = strings.TrimSuffix(r.URL.Path, path.Ext(r.URL.Path))
		return f, h.fillListFeed(r, f, p, lq)
	}
}

// periodFeed serves the feed of one day, week or month, named by the path
// value key.
func (h *Handler) periodFeed(key string, parse func(string) (quire.Period, error)) feedBuilder {
	return func(r *http.Request) (*feed.Feed, error) {
		lq, err := parseListQuery(r.URL.Query())
		if err != nil {
			return nil, err
		}
		p, err := parse(r.PathValue(key))
		if err != nil {
			return nil, err
		}
		f := newFeed(r, "Papers of "+periodLabel(p), "Trending arXiv papers of "+periodLabel(p)+", ranked by the community.", periodPath(p))
		return f, h.fillListFeed(r, f, p, lq)
	}
}

func parseDayPeriod(s string) (quire.Period, error) {
	day, err := quire.ParseDay(s)
	if err != nil {
		return quire.Period{}, err
	}
	return quire.DayPeriod(day), nil
}

// fillListFeed adds the first feed.MaxEntries papers of period p, in the
// list's order.
func (h *Handler) fillListFeed(r *http.Request, f *feed.Feed, p quire.Period, lq listQuery) error {
	items, _, err := h.store.FindDailyItems(r.Context(), quire.DailyFilter{
		From:  p.From,
		To:    p.To,
		Sort:  lq.sort,
		Limit: feed.MaxEntries,
	})
	if err != nil {
		return err
	}
	for _, it := range items {
		f.Entries = append(f.Entries, itemEntry(it))
	}
	return nil
}

// trendingFeed serves the papers of the trending page, in its order.
func (h *Handler) trendingFeed(r *http.Request) (*feed.Feed, error) {
	ranked, err := h.trendingItems(r.Context())
	if err != nil {
		return nil, err
	}
	f := newFeed(r, "Trending papers", "The papers readers upvote and discuss most this week.", "/papers/trending")
	for _, it := range ranked[:min(len(ranked), feed.MaxEntries)] {
		f.Entries = append(f.Entries, itemEntry(it))
	}
	return f, nil
}

// searchFeed serves a search: the parameters of the search page, newest
// first unless sort says otherwise. The page number is ignored: a feed is
// the newest papers.
func (h *Handler) searchFeed(r *http.Request) (*feed.Feed, error) {
	sq, err := parseSearchQuery(r.URL.Query())
	if err != nil {
		return nil, err
	}
	if !sq.asked() {
		return nil, quire.Invalidf("A search feed needs words or a filter, as in /papers/feed.atom?q=diffusion.")
	}
	if r.URL.Query().Get("sort") == "" {
		sq.req.Order = search.ByDate
	}
	alternate := sq.href(1)
	title := "Search: " + clip(strings.TrimSpace(sq.q))
	if strings.TrimSpace(sq.q) == "" {
		title = "Search results"
	}
	f := newFeed(r, title, "arXiv papers matching a search.", alternate)
	return f, h.fillSearchFeed(r, f, sq.req, "")
}

// maxAuthorName bounds the name of an author feed.
const maxAuthorName = 100

// authorFeed serves the newest papers by an author, found as the search's
// author: filter finds them. An author with no paper here is not found.
func (h *Handler) authorFeed(r *http.Request) (*feed.Feed, error) {
	name := strings.Join(strings.Fields(r.PathValue("name")), " ")
	if name == "" || len(name) > maxAuthorName || !utf8.ValidString(name) || strings.ContainsFunc(name, isControl) {
		return nil, quire.Invalidf("%q is not an author's name.", clip(name))
	}
	f := newFeed(r, "Papers by "+name, "The newest arXiv papers by "+name+".", authorPath(name))
	req := search.Request{Authors: []string{name}, Order: search.ByDate}
	return f, h.fillSearchFeed(r, f, req, "There are no papers by "+clip(name)+" here.")
}

// categoryFeed serves the newest papers in an arXiv category. A category
// with no paper here is not found.
func (h *Handler) categoryFeed(r *http.Request) (*feed.Feed, error) {
	raw := r.PathValue("cat")
	cats, err := parseCategories(raw)
	if err != nil {
		return nil, err
	}
	if len(cats) != 1 {
		return nil, quire.Invalidf("%q is not an arXiv category such as cs.CL or hep-th.", clip(raw))
	}
	cat := cats[0]
	f := newFeed(r, "Papers in "+cat, "The newest arXiv papers in "+cat+".", categoryPath(cat))
	req := search.Request{Categories: []string{cat}, Order: search.ByDate}
	return f, h.fillSearchFeed(r, f, req, "There are no papers in "+cat+" here.")
}

// fillSearchFeed adds the first feed.MaxEntries results of req. When
// notFound is set, no result at all means the feed's subject is unknown,
// and notFound says so.
func (h *Handler) fillSearchFeed(r *http.Request, f *feed.Feed, req search.Request, notFound string) error {
	if h.search == nil {
		return errSearchOff
	}
	req.Offset, req.Limit = 0, feed.MaxEntries
	ctx := r.Context()
	resp, err := h.search.Search(ctx, req)
	if err != nil {
		return err
	}
	if len(resp.Results) == 0 && notFound != "" {
		return quire.NotFoundf("%s", notFound)
	}
	ids := make([]string, len(resp.Results))
	for i, res := range resp.Results {
		ids[i] = res.PaperID
	}
	papers, err := h.store.FindPapersByIDs(ctx, ids)
	if err != nil {
		return err
	}
	byID := make(map[string]*quire.Paper, len(papers))
	for _, p := range papers {
		byID[p.ID] = p
	}
	for _, id := range ids {
		// A paper that left the store since it was indexed, or that
		// arXiv withdrew (the index holds every paper), is skipped.
		if p, ok := byID[id]; ok && !p.Withdrawn() {
			f.Entries = append(f.Entries, paperEntry(p, ""))
		}
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0) }

// summaryBytes is the length of the abstract an entry gives.
const summaryBytes = 600

// itemEntry is the entry of a paper on a daily list.
func itemEntry(it *quire.DailyItem) feed.Entry {
	e := paperEntry(&it.Paper, it.DisplayTitle())
	if e.Published.IsZero() {
		e.Published = it.Entry.SubmittedAt
	}
	if e.Published.IsZero() {
		e.Published = it.Entry.Day
	}
	if it.Entry.SubmittedAt.After(e.Updated) {
		e.Updated = it.Entry.SubmittedAt
	}
	if e.Published.After(e.Updated) {
		e.Updated = e.Published
	}
	return e
}

// paperEntry is the entry of paper p, titled title ("": the paper's own).
func paperEntry(p *quire.Paper, title string) feed.Entry {
	if title == "" {
		title = p.Title
	}
	e := feed.Entry{
		ID:         paperPath(p.ID),
		Title:      strings.Join(strings.Fields(title), " "),
		Link:       paperPath(p.ID),
		Summary:    snippet(strings.Join(strings.Fields(p.Abstract), " "), summaryBytes),
		Authors:    p.Authors,
		Categories: p.Categories,
		Published:  p.PublishedAt,
		Updated:    p.UpdatedAt,
	}
	if e.Published.After(e.Updated) {
		e.Updated = e.Published
	}
	return e
}

// FeedLink announces one of a page's feeds in its <head>.
type FeedLink struct {
	Title string
	// Format is "atom" or "rss": the layout writes the media type
	// application/{Format}+xml itself, since html/template would escape
	// the plus sign of a whole type given as data.
	Format string
	Href   string
}

// feedLinks are the feeds of the page data renders for r: those of a list,
// of a search, or of an author or a category. Other pages have none.
func feedLinks(data any, r *http.Request) []FeedLink {
	var bases []string // paths without the extension, in order
	var names []string
	switch d := data.(type) {
	case *ListPage:
		up := r.URL.Path
		switch {
		case up == "/":
			bases, names = []string{"/feed"}, []string{"Daily Papers"}
		case up == "/papers/trending":
			bases, names = []string{"/papers/trending/feed"}, []string{"Trending papers"}
		case strings.HasPrefix(up, "/papers/date/"):
			bases, names = []string{up + "/feed", "/feed"}, []string{"This day’s papers", "Daily Papers"}
		case strings.HasPrefix(up, "/papers/week/"):
			bases, names = []string{up + "/feed", "/papers/week/feed"}, []string{"This week’s papers", "Weekly Papers"}
		case strings.HasPrefix(up, "/papers/month/"):
			bases, names = []string{up + "/feed", "/papers/month/feed"}, []string{"This month’s papers", "Monthly Papers"}
		}
	case *TopicPage:
		bases, names = []string{d.FeedBase}, []string{d.Heading}
	case *SearchPage:
		if !d.Searched {
			return nil
		}
		sq, err := parseSearchQuery(r.URL.Query())
		if err != nil {
			return nil
		}
		q := strings.TrimPrefix(sq.href(1), "/papers")
		bases, names = []string{"/papers/feed"}, []string{"This search"}
		var links []FeedLink
		for _, ff := range feedFormats {
			links = append(links, FeedLink{Title: names[0] + " (" + ff.label + ")", Format: ff.ext, Href: bases[0] + "." + ff.ext + q})
		}
		return links
	}
	var links []FeedLink
	for i, b := range bases {
		for _, ff := range feedFormats {
			links = append(links, FeedLink{Title: names[i] + " (" + ff.label + ")", Format: ff.ext, Href: b + "." + ff.ext})
		}
	}
	return links
}

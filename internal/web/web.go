// Package web serves Quire's HTML pages: the daily, weekly and monthly lists
// of papers, trending papers, search, and a page per paper with the papers
// most like it. Pages are rendered on the server from html/template files
// embedded in the binary and work without JavaScript.
//
// With Options.Community set, members sign up and log in (server-side
// sessions: the cookie holds a random token, the store its SHA-256), upvote,
// submit arXiv papers to the day's list and discuss them. Every
// state-changing request passes auth.CSRF; sign-up, log-in, votes,
// submissions and comments are rate limited through the store's shared
// counters. Pages shown to visitors hold no form token and no per-account
// state, so the page cache may keep them; pages of signed-in members and
// every form are sent with "Cache-Control: private, no-store" and never
// cached.
package web

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"quire"
	"quire/internal/pagecache"
	"quire/internal/search"
)

// Store is the part of quire.Store the pages read.
type Store interface {
	FindPaperByID(ctx context.Context, id string) (*quire.Paper, error)
	FindDailyItems(ctx context.Context, f quire.DailyFilter) (items []*quire.DailyItem, more bool, err error)
	FindDailyEntriesByPaper(ctx context.Context, paperID string) ([]*quire.DailyEntry, error)
	LatestDay(ctx context.Context, onOrBefore time.Time) (time.Time, error)
	NeighbourDays(ctx context.Context, day time.Time) (prev, next time.Time, err error)
	FindPapersByIDs(ctx context.Context, ids []string) ([]*quire.Paper, error)
}

// Searcher is the search engine the pages use. Its methods return errors of
// kind quire.ErrUnavailable while the index is still loading.
type Searcher interface {
	Search(ctx context.Context, r search.Request) (*search.Response, error)
	Similar(ctx context.Context, paperID string, k int) ([]search.Result, error)
	Snippet(text string, terms map[string]bool, maxBytes int) []search.Segment
}

// Options configure a Handler. The zero value is usable.
type Options struct {
	// Now returns the current time; nil means time.Now. It decides which
	// day is "today".
	Now func() time.Time
	// Logger receives failed requests; nil means slog.Default().
	Logger *slog.Logger
	// Dev re-reads templates and static files on every request, so that
	// edits show without a restart.
	Dev bool
	// CacheTTL is how long a rendered page is reused; zero means
	// DefaultCacheTTL and a negative value turns the cache off. Dev turns it
	// off too.
	CacheTTL time.Duration
	// Cache, when set, keeps the pages instead of a cache of their own
	// made from CacheTTL: the server shares one with the API, so that a
	// write through either purges both.
	Cache *pagecache.Cache
	// Search answers /papers?q= and fills the "Similar papers" of paper
	// pages; nil turns both off (the search page then answers 503).
	Search Searcher
	// FS holds the templates/ and static/ directories; nil means the copy
	// embedded in the binary. In development, os.DirFS("internal/web") lets
	// Dev pick up edits without rebuilding.
	FS fs.FS
	// Community turns on accounts, votes, submissions and comments; nil
	// serves a read-only site.
	Community *CommunityOptions
}

// Handler serves the HTML pages. Mount it at "/": its routes are full paths.
type Handler struct {
	store  Store
	search Searcher // nil when search is off
	now    func() time.Time
	logger *slog.Logger
	dev    bool
	fsys   fs.FS
	site   *site            // parsed templates and static files; re-read per request in Dev
	cache  *pagecache.Cache // nil when off
	comm   *community       // nil when accounts are off
	mux    *http.ServeMux
}

// New returns a Handler that reads from store. It fails when a template does
// not parse or a template file is not used by any page.
func New(store Store, opts Options) (*Handler, error) {
	h := &Handler{store: store, search: opts.Search, now: opts.Now, logger: opts.Logger, dev: opts.Dev, fsys: opts.FS}
	if h.now == nil {
		h.now = time.Now
	}
	if h.logger == nil {
		h.logger = slog.Default()
	}
	if h.fsys == nil {
		h.fsys = embedded
	}
	s, err := loadSite(h.fsys)
	if err != nil {
		return nil, err
	}
	h.site = s
	ttl := opts.CacheTTL
	if ttl == 0 {
		ttl = DefaultCacheTTL
	}
	switch {
	case h.dev:
	case opts.Cache != nil:
		h.cache = opts.Cache
	case ttl > 0:
		// The cache's clock is the real one: Options.Now may be frozen.
		h.cache = pagecache.New(ttl, time.Now)
	}
	if opts.Community != nil {
		if h.comm, err = newCommunity(*opts.Community, h); err != nil {
			return nil, err
		}
	}
	h.mux = http.NewServeMux()
	h.routes()
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}

// currentSite returns the templates and static files to use for a request.
func (h *Handler) currentSite() (*site, error) {
	if !h.dev {
		return h.site, nil
	}
	return loadSite(h.fsys)
}

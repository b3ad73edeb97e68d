// Package api serves Quire's JSON API. Its paths, parameters and response
// shapes follow Hugging Face's papers API (GET /api/daily_papers,
// GET /api/papers/{id}, GET /api/papers/search), so clients written for that
// API work against Quire. Writes (votes, comments, submissions) are
// authorised by personal API tokens only, never by cookies, so they need no
// CSRF protection. docs/api.md documents every endpoint.
package api

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"time"

	"quire"
	"quire/internal/arxiv"
	"quire/internal/auth"
	"quire/internal/pagecache"
	"quire/internal/search"
)

// Store is the part of quire.Store the API uses: reads for every endpoint,
// and the community writes for the ones an API token authorises.
type Store interface {
	FindPaperByID(ctx context.Context, id string) (*quire.Paper, error)
	FindDailyItems(ctx context.Context, f quire.DailyFilter) (items []*quire.DailyItem, more bool, err error)
	FindDailyEntriesByPaper(ctx context.Context, paperID string) ([]*quire.DailyEntry, error)
	FindPapersByIDs(ctx context.Context, ids []string) ([]*quire.Paper, error)
	FindHiddenPapers(ctx context.Context, paperIDs []string) (map[string]time.Time, error)
	FindPaperChanges(ctx context.Context, afterSeq int64, limit int) ([]*quire.PaperChange, error)
	UpsertPapers(ctx context.Context, papers []*quire.Paper) (quire.UpsertStats, error)

	FindAPIToken(ctx context.Context, hash []byte) (*quire.APIToken, *quire.Account, error)
	TouchAPIToken(ctx context.Context, tokenID int64, at time.Time) error
	SetVote(ctx context.Context, accountID int64, paperID string, on bool) (count int, changed bool, err error)
	AddComment(ctx context.Context, c *quire.Comment) (*quire.Comment, error)
	FindComments(ctx context.Context, paperID string) ([]*quire.Comment, error)
	SubmitPaper(ctx context.Context, s quire.Submission, r quire.SubmissionRules) (*quire.DailyEntry, error)
	auth.RateCounter
}

// Searcher is the search engine the API uses. Its methods return errors of
// kind quire.ErrUnavailable while the index is still loading.
type Searcher interface {
	Search(ctx context.Context, r search.Request) (*search.Response, error)
	Similar(ctx context.Context, paperID string, k int) ([]search.Result, error)
}

// Options configure a Handler. The zero value is usable.
type Options struct {
	// Logger receives failed requests; nil means slog.Default().
	Logger *slog.Logger
	// Search answers the search and similar-papers endpoints; nil makes
	// them answer 503.
	Search Searcher

	// ArXiv fetches submitted papers that are not in the catalogue yet;
	// nil makes such submissions answer 503 (papers in the catalogue can
	// still be submitted).
	ArXiv *arxiv.APIClient
	// SubmitMaxAge is how long after its first version appeared on arXiv
	// a paper may be submitted: DefaultSubmitMaxAge when zero, no limit
	// when negative.
	SubmitMaxAge time.Duration
	// SubmitPerDay is how many papers one account may put on one day's
	// list; DefaultSubmitPerDay when zero or less.
	SubmitPerDay int
	// NewAccountDelay is how old an account must be to submit papers:
	// DefaultNewAccountDelay when zero, none when negative.
	NewAccountDelay time.Duration
	// Limits bound how often one account may vote, comment and submit;
	// zero (or unusable) rates take the defaults (see DefaultLimits).
	Limits Limits
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Cache, when set, keeps daily-list responses for its few seconds
	// (shared with the pages): the most requested reads, the same for
	// every caller. nil keeps nothing.
	Cache *pagecache.Cache
}

// Defaults of Options.
const (
	DefaultSubmitMaxAge    = quire.DefaultSubmitMaxAge
	DefaultSubmitPerDay    = quire.DefaultSubmitPerDay
	DefaultNewAccountDelay = quire.DefaultNewAccountDelay
)

// Rate is Limit events per Window (a whole number of seconds).
type Rate struct {
	Limit  int
	Window time.Duration
}

// Limits are the rates at which one account may write through the API,
// whichever of its tokens it uses. They are counted in the store, so every
// node of a deployment shares them.
type Limits struct {
	Votes, Comments, Submissions Rate
}

// DefaultLimits are generous for a person and for a script acting for one,
// and stop floods.
var DefaultLimits = Limits{
	Votes:       Rate{Limit: 60, Window: time.Minute},
	Comments:    Rate{Limit: 10, Window: 10 * time.Minute},
	Submissions: Rate{Limit: 20, Window: time.Hour},
}

// Handler serves the API under /api/. Mount it on a mux at "/api/" without
// stripping the prefix: its routes are full paths.
type Handler struct {
	store  Store
	search Searcher // nil when search is off
	arxiv  *arxiv.APIClient
	logger *slog.Logger
	mux    *http.ServeMux
	now    func() time.Time

	submitMaxAge    time.Duration // negative: no limit
	submitPerDay    int
	newAccountDelay time.Duration // negative: none
	voteLimit       *auth.CounterLimiter
	commentLimit    *auth.CounterLimiter
	submitLimit     *auth.CounterLimiter

	touches touches
	cache   *pagecache.Cache // nil: none
}

// New returns a Handler that reads from and writes to store.
func New(store Store, opts Options) *Handler {
	h := &Handler{
		store:           store,
		search:          opts.Search,
		arxiv:           opts.ArXiv,
		logger:          opts.Logger,
		now:             opts.Now,
		submitMaxAge:    cmp.Or(opts.SubmitMaxAge, DefaultSubmitMaxAge),
		submitPerDay:    opts.SubmitPerDay,
		newAccountDelay: cmp.Or(opts.NewAccountDelay, DefaultNewAccountDelay),
		cache:           opts.Cache,
	}
	if h.logger == nil {
		h.logger = slog.Default()
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.submitPerDay < 1 {
		h.submitPerDay = DefaultSubmitPerDay
	}
	limiter := func(name string, r, def Rate) *auth.CounterLimiter {
		// A rate the counters cannot keep (no events, or a window that is
		// not whole seconds) would fail every request; the default stands
		// in for it.
		if r.Limit < 1 || r.Window < time.Second || r.Window%time.Second != 0 {
			r = def
		}
		return &auth.CounterLimiter{Counter: store, Name: name, Limit: r.Limit, Window: r.Window, Now: h.now}
	}
	h.voteLimit = limiter("api-vote", opts.Limits.Votes, DefaultLimits.Votes)
	h.commentLimit = limiter("api-comment", opts.Limits.Comments, DefaultLimits.Comments)
	h.submitLimit = limiter("api-submit", opts.Limits.Submissions, DefaultLimits.Submissions)
	h.mux = http.NewServeMux()
	h.routes()
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}

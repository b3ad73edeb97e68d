package api

import (
	"net/http"
	"time"

	"quire"
	"quire/internal/auth"
	"quire/internal/foryou"
)

// For you: the token's account's personal feed (internal/foryou), the API
// twin of the /for-you page. Marks and choices are made on the site.
//
//	GET /api/for-you?limit=30

// ForYou is the answer of GET /api/for-you.
type ForYou struct {
	// Personal says the papers are picked from the account's signals or
	// cold-start choices; otherwise they are the most upvoted recent ones.
	Personal      bool          `json:"personal"`
	Signals       int           `json:"signals"`
	NotInterested int           `json:"notInterested"`
	Interests     Interests     `json:"interests"`
	Papers        []ForYouPaper `json:"papers"`
}

// Interests are an account's cold-start choices.
type Interests struct {
	Categories []string `json:"categories"`
	Authors    []string `json:"authors"`
	Papers     []string `json:"papers"`
}

// ForYouPaper is a daily-list item with its personal score and the reason
// it was picked: "follow", "model", "category", "author" or "popular".
type ForYouPaper struct {
	DailyPaper
	Score  float64 `json:"score"`
	Reason string  `json:"reason"`
}

// Limits of GET /api/for-you.
const (
	forYouDefault = 30
	forYouMax     = 100
)

// forYouAPI serves the personal feed.
type forYouAPI struct {
	h     *Handler
	rec   *foryou.Recommender
	limit *auth.CounterLimiter
}

// forYouRoutes registers GET /api/for-you when the store keeps signals.
func (h *Handler) forYouRoutes() {
	st, ok := h.store.(interface {
		quire.SignalStore
		foryou.Store
	})
	if !ok {
		return
	}
	a := &forYouAPI{h: h, rec: &foryou.Recommender{Store: st, Model: foryou.EngineModel(h.search), Now: h.now},
		// Each request trains a small model: a bound keeps a script from
		// spending the server's time.
		limit: &auth.CounterLimiter{Counter: h.store, Name: "api-foryou", Limit: 60, Window: time.Minute, Now: h.now}}
	h.handle("GET /api/for-you", a.feed)
}

// feed serves GET /api/for-you.
func (a *forYouAPI) feed(w http.ResponseWriter, r *http.Request) error {
	_, acct, err := a.h.authenticate(r)
	if err != nil {
		return err
	}
	n, err := intParam(r.URL.Query(), "limit", forYouDefault)
	if err != nil {
		return err
	}
	if n < 1 || n > forYouMax {
		return quire.Invalidf("limit must be between 1 and %d", forYouMax)
	}
	if err := a.h.limit(r.Context(), a.limit, acct); err != nil {
		return err
	}
	f, err := a.rec.Feed(r.Context(), acct.ID, n)
	if err != nil {
		return err
	}
	out := ForYou{Personal: f.Personal, Signals: f.Signals, NotInterested: f.NotInterested,
		Interests: Interests{Categories: f.Interests.Categories, Authors: f.Interests.Authors, Papers: f.Interests.Papers},
		Papers:    make([]ForYouPaper, 0, len(f.Items))}
	for _, it := range f.Items {
		out.Papers = append(out.Papers, ForYouPaper{DailyPaper: newDailyPaper(it.DailyItem), Score: it.Score, Reason: it.Because})
	}
	w.Header().Set("Cache-Control", "private, no-store")
	writeJSON(w, http.StatusOK, out)
	return nil
}

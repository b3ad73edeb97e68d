package web

import (
	"errors"
	"net/http"

	"quire"
)

// routes registers every page.
func (h *Handler) routes() {
	h.handle("GET /{$}", h.cached(h.home))
	h.handle("GET /papers/date/{date}", h.cached(h.dayList))
	h.handle("GET /papers/week", h.latestPeriod(quire.WeekPeriod))
	h.handle("GET /papers/week/{week}", h.cached(h.weekList))
	h.handle("GET /papers/month", h.latestPeriod(quire.MonthPeriod))
	h.handle("GET /papers/month/{month}", h.cached(h.monthList))
	h.handle("GET /papers", h.searchPage)
	h.handle("GET /papers/{id...}", h.cached(h.paper))
	h.handle("GET /static/{hash}/{name}", h.static)
	h.handle("GET /favicon.ico", h.favicon)
	// Everything else gets the site's 404 page rather than the mux's
	// plain-text one.
	h.handle("/", h.notFound)
}

// handlerFunc is an HTTP handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (h *Handler) handle(pattern string, fn handlerFunc) {
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.serveError(w, r, err)
		}
	})
}

// errMethod answers a request whose method no route accepts. Every page is
// read-only, so only GET and HEAD are ever allowed.
var errMethod = errors.New("method not allowed")

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		return errMethod
	}
	return quire.NotFoundf("There is no page at this address.")
}

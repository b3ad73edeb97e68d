package api

import (
	"net/http"
	"unicode/utf8"

	"quire"
)

// routes registers every endpoint of the API.
func (h *Handler) routes() {
	h.handle("GET /api/daily_papers", h.dailyPapers)
	h.handle("GET /api/papers/search", h.searchPapers)
	// Old-style ids hold a slash (hep-th/9901001), so the paper handler
	// also serves {id}/similar.
	h.handle("GET /api/papers/{id...}", h.paper)
	// Anything else under /api/ answers in JSON too, not with the mux's
	// plain-text 404.
	h.handle("/api/", h.notFound)
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

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		return errMethod
	}
	return quire.NotFoundf("No API endpoint at %s", clip(r.URL.Path))
}

// clip shortens a client-supplied string before it is echoed back.
func clip(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

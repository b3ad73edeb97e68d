package api

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"quire"
)

// routes registers every endpoint of the API.
func (h *Handler) routes() {
	h.handle("GET /api/openapi.json", h.openAPI)
	h.handle("GET /api/daily_papers", h.dailyPapers)
	h.handle("GET /api/papers", h.listPapers)
	h.handle("GET /api/papers/search", h.searchPapers)
	// Old-style ids hold a slash (hep-th/9901001), so the paper handler
	// also serves {id}/similar and {id}/comments.
	h.handle("GET /api/papers/{id...}", h.paper)

	// Writes, authorised by an API token (see authenticate).
	h.handle("POST /api/papers/submit", h.submitPaper)
	// {id}/upvote and {id}/comments, for the same reason as above.
	h.handle("POST /api/papers/{id...}", h.paperWrite)
	h.handle("DELETE /api/papers/{id...}", h.paperDelete) // {id}/upvote

	// Reading lists (lists.go).
	h.listRoutes()
	// The personal feed (foryou.go).
	h.forYouRoutes()
	// Follows (follows.go).
	h.followRoutes()
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

// notFound answers a request no route takes: 405 with the methods the path
// takes, when it takes any, or 404.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) error {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != "/api/" && m != r.Method {
			allow = append(allow, m)
			if m == http.MethodGet {
				allow = append(allow, http.MethodHead)
			}
		}
	}
	if len(allow) > 0 && r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		return errMethod
	}
	return noEndpoint(r)
}

func noEndpoint(r *http.Request) error {
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

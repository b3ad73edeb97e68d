// Package api serves Quire's JSON API. Its paths, parameters and response
// shapes follow Hugging Face's papers API (GET /api/daily_papers,
// GET /api/papers/{id}, GET /api/papers/search), so clients written for that
// API work against Quire. docs/api.md documents every endpoint.
package api

import (
	"context"
	"log/slog"
	"net/http"

	"quire"
	"quire/internal/search"
)

// Store is the part of quire.Store the API reads.
type Store interface {
	FindPaperByID(ctx context.Context, id string) (*quire.Paper, error)
	FindDailyItems(ctx context.Context, f quire.DailyFilter) (items []*quire.DailyItem, more bool, err error)
	FindDailyEntriesByPaper(ctx context.Context, paperID string) ([]*quire.DailyEntry, error)
	FindPapersByIDs(ctx context.Context, ids []string) ([]*quire.Paper, error)
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
}

// Handler serves the API under /api/. Mount it on a mux at "/api/" without
// stripping the prefix: its routes are full paths.
type Handler struct {
	store  Store
	search Searcher // nil when search is off
	logger *slog.Logger
	mux    *http.ServeMux
}

// New returns a Handler that reads from store.
func New(store Store, opts Options) *Handler {
	h := &Handler{store: store, search: opts.Search, logger: opts.Logger}
	if h.logger == nil {
		h.logger = slog.Default()
	}
	h.mux = http.NewServeMux()
	h.routes()
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}

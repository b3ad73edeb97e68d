package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"quire"
	"quire/internal/arxiv"
	"quire/internal/search"
)

// errSearchOff answers searches on a Handler built without a Searcher.
var errSearchOff = quire.Unavailablef("Search is not available on this server.")

// searchPapers serves GET /api/papers/search.
func (h *Handler) searchPapers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	params, err := parseSearchParams(q)
	if err != nil {
		return err
	}
	if h.search == nil {
		return errSearchOff
	}
	ctx := r.Context()
	resp, err := h.search.Search(ctx, params.req)
	if err != nil {
		return err
	}
	out, err := h.searchResults(ctx, resp.Results)
	if err != nil {
		return err
	}
	if resp.More {
		q.Set("p", strconv.Itoa(params.page+1))
		next := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		w.Header().Set("Link", fmt.Sprintf("<%s>; rel=\"next\"", next.String()))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// similarPapers serves GET /api/papers/{id}/similar.
func (h *Handler) similarPapers(w http.ResponseWriter, r *http.Request, raw string) error {
	id, _, err := arxiv.ParseID(raw)
	if err != nil {
		return err // of kind quire.ErrInvalid, with a message for users
	}
	limit, err := intParam(r.URL.Query(), "limit", defaultSimilarLimit)
	if err != nil {
		return err
	}
	if limit < 1 || limit > search.MaxLimit {
		return quire.Invalidf("limit must be between 1 and %d, not %d", search.MaxLimit, limit)
	}
	if h.search == nil {
		return errSearchOff
	}
	ctx := r.Context()
	results, err := h.search.Similar(ctx, id, limit)
	if err != nil {
		return err // of kind quire.ErrNotFound for a paper the index does not hold
	}
	out, err := h.searchResults(ctx, results)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// searchResults makes the items of results, reading their papers in one
// store query. A result whose paper has left the store since it was
// indexed, that moderators hid, or that arXiv withdrew, is skipped. The
// slice is never nil, so that no results encode as [].
func (h *Handler) searchResults(ctx context.Context, results []search.Result) ([]SearchResult, error) {
	out := make([]SearchResult, 0, len(results))
	if len(results) == 0 {
		return out, nil
	}
	ids := make([]string, len(results))
	for i, res := range results {
		ids[i] = res.PaperID
	}
	papers, err := h.store.FindPapersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	hidden, err := h.store.FindHiddenPapers(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*quire.Paper, len(papers))
	for _, p := range papers {
		byID[p.ID] = p
	}
	for _, res := range results {
		if _, gone := hidden[res.PaperID]; gone {
			continue
		}
		if p, ok := byID[res.PaperID]; ok && !p.Withdrawn() {
			out = append(out, newSearchResult(p, res.Upvotes))
		}
	}
	return out, nil
}

package api

import (
	"errors"
	"net/http"
	"strings"

	"quire"
	"quire/internal/arxiv"
)

// paper serves GET /api/papers/{id}, GET /api/papers/{id}/similar and
// GET /api/papers/{id}/comments. Any id form that arxiv.ParseID accepts is
// looked up under its canonical id.
func (h *Handler) paper(w http.ResponseWriter, r *http.Request) error {
	raw := r.PathValue("id")
	if rest, ok := strings.CutSuffix(raw, "/similar"); ok {
		return h.similarPapers(w, r, rest)
	}
	if rest, ok := strings.CutSuffix(raw, "/comments"); ok {
		return h.comments(w, r, rest)
	}
	id, _, err := arxiv.ParseID(raw)
	if err != nil {
		return err // of kind quire.ErrInvalid, with a message for users
	}
	ctx := r.Context()
	p, err := h.store.FindPaperByID(ctx, id)
	if err != nil {
		if errors.Is(err, quire.ErrNotFound) {
			return quire.NotFoundf("Paper not found")
		}
		return err
	}
	entries, err := h.store.FindDailyEntriesByPaper(ctx, id)
	if err != nil {
		return err
	}
	var newest *quire.DailyEntry
	if len(entries) > 0 {
		newest = entries[0]
	}
	out := newPaper(p, newest)
	addExtensions(&out, p)
	writeJSON(w, http.StatusOK, out)
	return nil
}

package web

import (
	"net/http"
)

// fillPaperCommunity adds the upvote button and the comments to a paper
// page.
func (h *Handler) fillPaperCommunity(w http.ResponseWriter, r *http.Request, page *PaperPage) error {
	if !page.Listed {
		counts, err := h.comm.store.VoteCounts(r.Context(), []string{page.ID})
		if err != nil {
			return err
		}
		page.Upvotes = counts[page.ID]
	}
	cards := []Card{{ID: page.ID}}
	if err := h.fillVotes(r, cards); err != nil {
		return err
	}
	page.Vote = cards[0].Vote
	return h.fillThread(r, page)
}

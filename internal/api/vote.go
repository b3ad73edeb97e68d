package api

import (
	"net/http"

	"quire/internal/arxiv"
)

// VoteResult is the answer to POST and DELETE /api/papers/{id}/upvote.
type VoteResult struct {
	// Upvotes is the paper's displayed count afterwards (imported votes
	// plus Quire's own; see quire.VoteStore).
	Upvotes int `json:"upvotes"`
	// Upvoted says whether the token's account now votes for the paper.
	Upvoted bool `json:"upvoted"`
}

// vote serves POST (on) and DELETE (off) /api/papers/{id}/upvote. Voting
// twice, or withdrawing a vote never given, is not an error: the answer is
// the same state.
func (h *Handler) vote(w http.ResponseWriter, r *http.Request, rawID string, on bool) error {
	_, acct, err := h.authenticate(r)
	if err != nil {
		return err
	}
	id, _, err := arxiv.ParseID(rawID)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if err := h.limit(ctx, h.voteLimit, acct); err != nil {
		return err
	}
	count, _, err := h.store.SetVote(ctx, acct.ID, id, on)
	if err != nil {
		return writeRefusal(err)
	}
	writeJSON(w, http.StatusOK, VoteResult{Upvotes: count, Upvoted: on})
	return nil
}

// paperWrite serves POST /api/papers/{id}/upvote and
// POST /api/papers/{id}/comments. Old-style ids hold a slash, so the
// action is the path's last segment.
func (h *Handler) paperWrite(w http.ResponseWriter, r *http.Request) error {
	raw := r.PathValue("id")
	switch id, action := splitAction(raw); action {
	case "upvote":
		return h.vote(w, r, id, true)
	case "comments":
		return h.addComment(w, r, id)
	}
	return noEndpoint(r)
}

// paperDelete serves DELETE /api/papers/{id}/upvote.
func (h *Handler) paperDelete(w http.ResponseWriter, r *http.Request) error {
	if id, action := splitAction(r.PathValue("id")); action == "upvote" {
		return h.vote(w, r, id, false)
	}
	return noEndpoint(r)
}

// splitAction splits "2506.11924/upvote" into the id and the action.
func splitAction(raw string) (id, action string) {
	for i := len(raw) - 1; i >= 0; i-- {
		if raw[i] == '/' {
			return raw[:i], raw[i+1:]
		}
	}
	return raw, ""
}

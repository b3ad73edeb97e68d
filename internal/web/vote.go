package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"quire"
)

// votePath is the action of a paper's upvote form.
func votePath(id string) string { return paperPath(id) + "/vote" }

// fillVotes gives cards their upvote buttons: forms with the reader's
// votes when signed in, links to the log-in page otherwise. back is the
// page to return to.
func (h *Handler) fillVotes(r *http.Request, cards []Card) error {
	if h.comm == nil || len(cards) == 0 {
		return nil
	}
	back := r.URL.RequestURI()
	a := currentAccount(r)
	if a == nil {
		for i := range cards {
			cards[i].Vote = VoteButton{Action: votePath(cards[i].ID), LoginHref: loginHref(back)}
		}
		return nil
	}
	ids := make([]string, len(cards))
	for i, c := range cards {
		ids[i] = c.ID
	}
	voted, err := h.comm.store.HasVoted(r.Context(), a.ID, ids)
	if err != nil {
		return err
	}
	token := h.comm.csrf.Token(r)
	for i := range cards {
		cards[i].Vote = VoteButton{Action: votePath(cards[i].ID), Return: back, Token: token, Voted: voted[cards[i].ID]}
	}
	return nil
}

// mayAct refuses accounts younger than the new-account delay, which keeps
// freshly made accounts from swinging votes and lists.
func (h *Handler) mayAct(a *quire.Account, what string) error {
	age := h.now().Sub(a.CreatedAt)
	if wait := h.comm.opts.NewAccountDelay - age; wait > 0 {
		return quire.Unauthorizedf("New accounts can %s %s after signing up; please try again in %s.",
			what, humanDuration(h.comm.opts.NewAccountDelay), humanDuration(wait))
	}
	return nil
}

// vote serves POST /papers/{id}/vote: it turns the reader's upvote on or
// off. A form is answered with a redirect back to its page, the page's
// script with {"upvotes": n, "voted": bool}.
func (h *Handler) vote(w http.ResponseWriter, r *http.Request) error {
	id, err := paperIDFromPath(r)
	if err != nil {
		return err
	}
	a := currentAccount(r)
	if err := h.mayAct(a, "vote"); err != nil {
		return forbidden(err)
	}
	ctx := r.Context()
	if err := allow(ctx, h.comm.vote, "account:"+quire.IDTargetID(a.ID)); err != nil {
		return err
	}
	count, voted, err := h.toggleVote(ctx, a.ID, id)
	if err != nil {
		return err
	}
	h.Purge()
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"upvotes": count, "voted": voted})
		return nil
	}
	http.Redirect(w, r, returnPath(r, paperPath(id)), http.StatusSeeOther)
	return nil
}

// toggleVote withdraws the account's vote for the paper if it has one and
// gives it otherwise.
func (h *Handler) toggleVote(ctx context.Context, accountID int64, id string) (count int, voted bool, err error) {
	has, err := h.comm.store.HasVoted(ctx, accountID, []string{id})
	if err != nil {
		return 0, false, err
	}
	voted = !has[id]
	count, _, err = h.comm.store.SetVote(ctx, accountID, id, voted)
	return count, voted, err
}

// forbiddenError is a refusal shown with 403: the reader is known but may
// not do this (yet).
type forbiddenError struct{ err error }

func (e *forbiddenError) Error() string { return e.err.Error() }
func (e *forbiddenError) Unwrap() error { return e.err }

func forbidden(err error) error { return &forbiddenError{err} }

// humanDuration writes d for readers: "5 minutes", "1 hour", "40 seconds",
// rounded up to the unit.
func humanDuration(d time.Duration) string {
	n, unit := int64((d+time.Second-1)/time.Second), "second"
	switch {
	case d > 90*time.Minute:
		n, unit = int64((d+time.Hour-1)/time.Hour), "hour"
	case d > 90*time.Second:
		n, unit = int64((d+time.Minute-1)/time.Minute), "minute"
	}
	if n != 1 {
		unit += "s"
	}
	return strconv.FormatInt(n, 10) + " " + unit
}

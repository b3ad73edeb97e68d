package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"quire"
	"quire/internal/arxiv"
)

// submitRequest is the body of POST /api/papers/submit.
type submitRequest struct {
	// ID is the paper: any form arxiv.ParseID accepts, an arXiv URL
	// included.
	ID string `json:"id"`
}

// submitPaper serves POST /api/papers/submit: it puts a paper on today's
// list (UTC) for the token's account and answers 201 with the new item. A
// paper not in the catalogue yet is fetched from arXiv first.
func (h *Handler) submitPaper(w http.ResponseWriter, r *http.Request) error {
	_, acct, err := h.authenticate(r)
	if err != nil {
		return err
	}
	var req submitRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	if req.ID == "" {
		return quire.Invalidf("Give the paper as {\"id\": \"2506.11924\"} (an arXiv id or URL).")
	}
	id, _, err := arxiv.ParseID(req.ID)
	if err != nil {
		return err
	}
	now := h.now()
	if h.newAccountDelay > 0 && now.Sub(acct.CreatedAt) < h.newAccountDelay {
		return forbidden(fmt.Sprintf("New accounts can submit papers %s after they are created; try again after %s.",
			humanDuration(h.newAccountDelay), formatTime(acct.CreatedAt.Add(h.newAccountDelay))), nil)
	}
	ctx := r.Context()
	// Counted before arXiv is asked, so that the limit also spares it.
	if err := h.limit(ctx, h.submitLimit, acct); err != nil {
		return err
	}
	p, err := h.findOrFetch(r, id)
	if err != nil {
		return err
	}
	if first := firstAppeared(p); h.submitMaxAge > 0 && !first.IsZero() && now.Sub(first) > h.submitMaxAge {
		return quire.Invalidf("Only papers that first appeared on arXiv in the last %s can be submitted; %s appeared on %s.",
			humanDuration(h.submitMaxAge), id, first.UTC().Format(quire.DayLayout))
	}
	day := quire.TruncateDay(now)
	e, err := h.store.SubmitPaper(ctx, quire.Submission{PaperID: id, Day: day, AccountID: acct.ID, At: now},
		quire.SubmissionRules{MaxPerDay: h.submitPerDay})
	if errors.Is(err, quire.ErrRateLimited) {
		// The daily allowance starts again with the next UTC day.
		return tooMany(quire.UserMessage(err), day.Add(24*time.Hour).Sub(now), err)
	}
	if err != nil {
		return writeRefusal(err)
	}
	writeJSON(w, http.StatusCreated, newDailyPaper(&quire.DailyItem{Entry: *e, Paper: *p}))
	return nil
}

// findOrFetch returns the paper from the catalogue or, when it is not
// there, from arXiv, storing it.
func (h *Handler) findOrFetch(r *http.Request, id string) (*quire.Paper, error) {
	ctx := r.Context()
	p, err := h.store.FindPaperByID(ctx, id)
	if !errors.Is(err, quire.ErrNotFound) {
		return p, err
	}
	if h.arxiv == nil {
		return nil, &apiError{status: http.StatusServiceUnavailable,
			msg: fmt.Sprintf("Paper %s is not in the catalogue, and this server is not set up to fetch papers from arXiv.", id)}
	}
	papers, err := h.arxiv.Fetch(ctx, id)
	if err != nil {
		return nil, err // of a kind with a message for users: not found, invalid or unavailable
	}
	stats, err := h.store.UpsertPapers(ctx, papers)
	if err != nil {
		return nil, err
	}
	if stats.Skipped > 0 {
		return nil, fmt.Errorf("arXiv's record of %s failed validation and was not stored", id)
	}
	return h.store.FindPaperByID(ctx, id)
}

// firstAppeared is when the paper's first version appeared on arXiv, zero
// when no source said.
func firstAppeared(p *quire.Paper) time.Time {
	if !p.PublishedAt.IsZero() {
		return p.PublishedAt
	}
	for _, v := range p.Versions {
		if v.N == 1 {
			return v.CreatedAt
		}
	}
	return time.Time{}
}

// humanDuration writes d in days, hours or minutes, as the rules are set.
func humanDuration(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		return plural(int64(d/(24*time.Hour)), "day")
	}
	if d >= time.Hour && d%time.Hour == 0 {
		return plural(int64(d/time.Hour), "hour")
	}
	if d >= time.Minute && d%time.Minute == 0 {
		return plural(int64(d/time.Minute), "minute")
	}
	return d.String()
}

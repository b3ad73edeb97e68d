package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"quire"
	"quire/internal/arxiv"
	"quire/internal/httperr"
)

// SubmitPage is the data of submit.html.
type SubmitPage struct {
	BasePage
	Token string
	// Value is the identifier as typed, kept after a refusal.
	Value string
	Error string
	// Rules describe the limits, for the form's help text.
	MaxAgeDays int
	PerDay     int
}

func (h *Handler) submitForm(r *http.Request) *SubmitPage {
	return &SubmitPage{
		BasePage:   h.base("Submit a paper", "", ""),
		Token:      h.comm.csrf.Token(r),
		MaxAgeDays: int(h.comm.opts.SubmitMaxAge.Hours() / 24),
		PerDay:     h.comm.opts.SubmitPerDay,
	}
}

// submitPage serves GET /submit.
func (h *Handler) submitPage(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, http.StatusOK, "submit.html", h.submitForm(r))
}

// submit serves POST /submit: it puts an arXiv paper on today's list,
// fetching it from arXiv first when the catalogue lacks it.
func (h *Handler) submit(w http.ResponseWriter, r *http.Request) error {
	page := h.submitForm(r)
	page.Value = strings.TrimSpace(r.PostFormValue("id"))
	fail := func(err error) error {
		msg := quire.UserMessage(err)
		if msg == "" {
			return err
		}
		status := statusOf(err)
		if status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "60")
		}
		if rl := (*rateLimited)(nil); errors.As(err, &rl) {
			h.setRetryAfter(w, rl)
		}
		page.Error = msg
		return h.render(w, r, status, "submit.html", page)
	}
	a := currentAccount(r)
	if err := h.mayAct(a, "submit papers"); err != nil {
		return fail(forbidden(err))
	}
	ctx := r.Context()
	if err := allow(ctx, h.comm.submit, "account:"+quire.IDTargetID(a.ID)); err != nil {
		return fail(err)
	}
	if page.Value == "" {
		return fail(quire.Invalidf("Please enter an arXiv identifier or link, such as 2506.11924 or https://arxiv.org/abs/2506.11924."))
	}
	id, _, err := arxiv.ParseID(page.Value)
	if err != nil {
		return fail(err)
	}
	p, err := h.findOrFetch(ctx, id)
	if err != nil {
		return fail(err)
	}
	now := h.now()
	if date := p.PublishedAt; !date.IsZero() && now.Sub(date) > h.comm.opts.SubmitMaxAge {
		return fail(quire.Invalidf("Paper %s appeared on arXiv on %s; only papers from the last %d days can be submitted.",
			id, formatDate(date), page.MaxAgeDays))
	}
	_, err = h.comm.store.SubmitPaper(ctx, quire.Submission{PaperID: id, Day: quire.TruncateDay(now), AccountID: a.ID, At: now},
		quire.SubmissionRules{MaxPerDay: h.comm.opts.SubmitPerDay})
	if err != nil {
		return fail(err)
	}
	h.Purge()
	http.Redirect(w, r, paperPath(id), http.StatusSeeOther)
	return nil
}

// findOrFetch returns the paper from the catalogue, or fetches it from
// arXiv and stores it.
func (h *Handler) findOrFetch(ctx context.Context, id string) (*quire.Paper, error) {
	p, err := h.store.FindPaperByID(ctx, id)
	if err == nil || !errors.Is(err, quire.ErrNotFound) {
		return p, err
	}
	if h.comm.opts.ArXiv == nil {
		return nil, quire.NotFoundf("Paper %s is not in the catalogue.", id)
	}
	papers, err := h.comm.opts.ArXiv.Fetch(ctx, id)
	switch {
	case errors.Is(err, quire.ErrNotFound) || err == nil && len(papers) == 0:
		return nil, quire.NotFoundf("arXiv has no paper %s. Please check the identifier.", id)
	case errors.Is(err, quire.ErrUnavailable):
		return nil, quire.Unavailablef("arXiv could not be reached just now; please try again later.")
	case errors.Is(err, quire.ErrInvalid):
		if quire.UserMessage(err) != "" {
			return nil, err
		}
		return nil, quire.Invalidf("arXiv does not accept %s as an identifier.", id)
	case err != nil:
		return nil, fmt.Errorf("fetching %s from arXiv: %w", id, err)
	}
	if _, err := h.comm.store.UpsertPapers(ctx, papers); err != nil {
		return nil, err
	}
	return h.store.FindPaperByID(ctx, id)
}

// statusOf is the status of a refusal shown on a form.
func statusOf(err error) int {
	if fe := (*forbiddenError)(nil); errors.As(err, &fe) {
		return http.StatusForbidden
	}
	return httperr.Status(err)
}

package web

import (
	"cmp"
	"errors"
	"net/http"
	"strings"

	"quire"
	"quire/internal/arxiv"
	"quire/internal/citation"
)

// PaperPage is the data of paper.html.
type PaperPage struct {
	BasePage
	ID      string
	Title   string
	Authors []string
	// Abstract is the abstract split into paragraphs.
	Abstract []string
	// AISummary and Keywords come from the paper's newest daily entry.
	AISummary string
	Keywords  []string
	// Listed is set when the paper was on a daily list; Upvotes and
	// Comments are then from its newest entry.
	Listed       bool
	Upvotes      int
	Comments     string
	Categories   []string
	Published    string
	PublishedISO string
	Updated      string
	UpdatedISO   string
	// Withdrawn is the day arXiv withdrew the paper, formatted; "" while
	// it stands.
	Withdrawn    string
	WithdrawnISO string
	// ArxivComments is the authors' comment on arXiv ("12 pages, 4 figures").
	ArxivComments string
	JournalRef    string
	// Links lead to the paper elsewhere: arXiv, PDF, code, project, DOI.
	Links []Link
	// Lists are the daily lists the paper appeared on, newest first.
	Lists []Link
	// Organization links the organization of the paper's newest daily
	// entry that names one; nil when none does.
	Organization *Link
	BibTeX       string
	// Similar are the papers nearest in meaning, from the search index;
	// empty while the index loads.
	Similar []Card
	// Vote is the upvote button and Thread the comments (with accounts
	// on).
	Vote   VoteButton
	Thread *Thread
	// Moderation holds the moderators' controls (nil for others).
	Moderation *PaperModeration
}

// paperPath is the URL of the page of the paper with canonical id.
func paperPath(id string) string { return "/papers/" + id }

// paper serves GET /papers/{id...}. Any form of id that arxiv.ParseID
// accepts (with a version, an arxiv.org URL) redirects to the canonical URL.
func (h *Handler) paper(w http.ResponseWriter, r *http.Request) error {
	raw := r.PathValue("id")
	if raw == "" {
		http.Redirect(w, r, "/", http.StatusFound)
		return nil
	}
	id, _, err := arxiv.ParseID(restoreScheme(raw))
	if err != nil {
		return err // of kind quire.ErrInvalid, with a message for users
	}
	if raw != id {
		http.Redirect(w, r, paperPath(id), http.StatusMovedPermanently)
		return nil
	}
	ctx := r.Context()
	p, err := h.store.FindPaperByID(ctx, id)
	if errors.Is(err, quire.ErrNotFound) {
		return quire.NotFoundf("There is no paper %s here. It may not have been imported yet.", id)
	}
	if err != nil {
		return err
	}
	entries, err := h.store.FindDailyEntriesByPaper(ctx, id)
	if err != nil {
		return err
	}
	h.recordOpened(r, id) // a signed-in reader's page is never cached
	page := newPaperPage(p, entries)
	page.BasePage = h.base(p.Title, snippet(strings.ReplaceAll(p.Abstract, "\n\n", " "), 200), "")
	if h.comm != nil {
		if err := h.fillPaperCommunity(w, r, page); err != nil {
			return err
		}
		if err := h.fillPaperModeration(r, page, entries); err != nil {
			return err
		}
	}
	var final bool
	if page.Similar, final = h.similarCards(ctx, id); !final {
		// Keep the page without its similar papers out of the cache, so
		// that they show as soon as the index can tell them.
		if cw, ok := w.(*cacheWriter); ok {
			w = cw.ResponseWriter
		}
	}
	if err := h.fillVotes(r, page.Similar); err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "paper.html", page)
}

// restoreScheme undoes the path cleaning that turns a pasted
// "https://arxiv.org/abs/…" into "https:/arxiv.org/abs/…".
func restoreScheme(s string) string {
	for _, scheme := range []string{"https:/", "http:/"} {
		if rest, ok := strings.CutPrefix(s, scheme); ok && !strings.HasPrefix(rest, "/") {
			return scheme + "/" + rest
		}
	}
	return s
}

func newPaperPage(p *quire.Paper, entries []*quire.DailyEntry) *PaperPage {
	page := &PaperPage{
		ID:            p.ID,
		Title:         p.Title,
		Authors:       p.Authors,
		Categories:    p.Categories,
		ArxivComments: p.Comments,
		JournalRef:    p.JournalRef,
		BibTeX:        citation.BibTeX(citation.Record{Paper: p}),
	}
	for _, para := range strings.Split(p.Abstract, "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			page.Abstract = append(page.Abstract, para)
		}
	}
	if !p.PublishedAt.IsZero() {
		page.Published, page.PublishedISO = formatDate(p.PublishedAt), p.PublishedAt.UTC().Format(quire.DayLayout)
	}
	if !p.UpdatedAt.IsZero() && quire.TruncateDay(p.UpdatedAt) != quire.TruncateDay(p.PublishedAt) {
		page.Updated, page.UpdatedISO = formatDate(p.UpdatedAt), p.UpdatedAt.UTC().Format(quire.DayLayout)
	}
	if p.Withdrawn() {
		page.Withdrawn, page.WithdrawnISO = formatDate(p.WithdrawnAt), p.WithdrawnAt.UTC().Format(quire.DayLayout)
	}
	if len(entries) > 0 {
		newest := entries[0]
		page.Listed = true
		page.Upvotes = newest.Upvotes
		page.Comments = plural(newest.NumComments, "comment")
		page.AISummary = newest.AISummary
		page.Keywords = newest.AIKeywords
	}
	for _, e := range entries {
		if o := e.Organization; o.Name != "" && page.Organization == nil {
			page.Organization = &Link{Label: cmp.Or(o.Fullname, o.Name), Href: organizationPath(o.Name)}
		}
		page.Lists = append(page.Lists, Link{
			Label: formatDate(e.Day) + " · " + plural(e.Upvotes, "upvote"),
			Href:  periodPath(quire.DayPeriod(e.Day)),
		})
	}
	page.Links = []Link{
		{Label: "arXiv page", Href: p.AbsURL()},
		{Label: "PDF", Href: p.PDFURL()},
	}
	if p.CodeURL != "" {
		page.Links = append(page.Links, Link{Label: "Code", Href: p.CodeURL})
	}
	if p.ProjectURL != "" {
		page.Links = append(page.Links, Link{Label: "Project page", Href: p.ProjectURL})
	}
	if p.DOI != "" {
		page.Links = append(page.Links, Link{Label: "DOI " + p.DOI, Href: "https://doi.org/" + p.DOI})
	}
	return page
}

package web

import (
	"context"
	"errors"
	"strings"
	"time"

	"quire"
	"quire/internal/search"
)

// snippetBytes is the length of the abstract a result card shows.
const snippetBytes = 300

// resultCards makes the cards of search results, reading their papers in
// one store query. With terms, the words they match are marked. A result
// whose paper has left the store since it was indexed, that moderators
// hid, or that arXiv withdrew (the index holds every paper), is skipped.
func (h *Handler) resultCards(ctx context.Context, results []search.Result, terms map[string]bool) ([]Card, error) {
	if len(results) == 0 {
		return nil, nil
	}
	ids := make([]string, len(results))
	for i, res := range results {
		ids[i] = res.PaperID
	}
	papers, err := h.store.FindPapersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	var hidden map[string]time.Time
	if h.comm != nil {
		if hidden, err = h.comm.store.FindHiddenPapers(ctx, ids); err != nil {
			return nil, err
		}
	}
	byID := make(map[string]*quire.Paper, len(papers))
	for _, p := range papers {
		byID[p.ID] = p
	}
	cards := make([]Card, 0, len(results))
	for _, res := range results {
		if _, gone := hidden[res.PaperID]; gone {
			continue
		}
		if p, ok := byID[res.PaperID]; ok && !p.Withdrawn() {
			cards = append(cards, h.resultCard(p, res.Upvotes, terms))
		}
	}
	return cards, nil
}

func (h *Handler) resultCard(p *quire.Paper, upvotes int, terms map[string]bool) Card {
	c := Card{
		ID:      p.ID,
		Href:    paperPath(p.ID),
		Title:   p.Title,
		Authors: plural(len(p.Authors), "author"),
		Upvotes: upvotes,
		CodeURL: p.CodeURL,
	}
	abstract := strings.ReplaceAll(p.Abstract, "\n\n", " ")
	if len(terms) > 0 {
		c.TitleMarks = h.search.Snippet(p.Title, terms, len(p.Title))
		c.SnippetMarks = h.search.Snippet(abstract, terms, snippetBytes)
	}
	if len(c.SnippetMarks) == 0 {
		c.Snippet = snippet(abstract, snippetBytes)
	}
	if !p.PublishedAt.IsZero() {
		c.Date, c.DateISO = formatDate(p.PublishedAt), p.PublishedAt.UTC().Format(quire.DayLayout)
	}
	return c
}

// similarCount is how many similar papers a paper page shows.
const similarCount = 6

// similarCards returns the cards of the papers most like paper id. ok is
// false when the answer is not final, because the search index is still
// loading or does not hold the paper yet, or failed: the section is then
// left out, and the page must not be cached.
func (h *Handler) similarCards(ctx context.Context, id string) (cards []Card, ok bool) {
	if h.search == nil {
		return nil, true
	}
	results, err := h.search.Similar(ctx, id, similarCount)
	if err == nil {
		cards, err = h.resultCards(ctx, results, nil)
	}
	switch {
	case err == nil:
		return cards, true
	case errors.Is(err, quire.ErrUnavailable), errors.Is(err, quire.ErrNotFound), ctx.Err() != nil:
	default:
		// A paper page is worth more than its neighbours: show it anyway.
		h.logger.Warn("finding similar papers", "paper", id, "error", err)
	}
	return nil, false
}

package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"quire"
	"quire/internal/auth"
)

// DigestPage is the data of digest.html: the web view of one digest, its
// papers in the sections and order they were mailed in, with today's
// upvote counts.
type DigestPage struct {
	BasePage
	Heading string
	// Period names the span the digest covers; PeriodHref is its list.
	Period     string
	PeriodHref string
	Sections   []DigestSectionView
}

// DigestSectionView is one titled run of a digest's papers.
type DigestSectionView struct {
	Title string
	Cards []Card
}

// digestView serves GET /digests/{id}?t=…: the "view in the browser" link
// of a digest mail. The token, signed for this digest alone, is the only
// key, so the page is private and kept out of caches and search engines.
func (h *Handler) digestView(w http.ResponseWriter, r *http.Request) error {
	privateNoStore(w)
	w.Header().Set("X-Robots-Tag", "noindex")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return quire.NotFoundf("There is no digest at this address.")
	}
	tokenID, err := h.comm.links.Verify(r.URL.Query().Get("t"), auth.PurposeViewDigest)
	if err == nil && tokenID != id {
		// A genuine link of another digest.
		err = auth.ErrTokenInvalid
	}
	if err != nil {
		return err
	}
	ctx := r.Context()
	d, err := h.comm.store.FindDigest(ctx, id)
	if errors.Is(err, quire.ErrNotFound) {
		return quire.NotFoundf("This digest no longer exists.")
	}
	if err != nil {
		return err
	}
	cards, err := h.digestCards(r, d.PaperIDs)
	if err != nil {
		return err
	}
	page := &DigestPage{}
	page.Heading, page.Period, page.PeriodHref = digestPeriod(d.PeriodKey)
	page.Sections = digestSections(d, cards)
	page.BasePage = h.base(page.Heading, "", "")
	return h.render(w, r, http.StatusOK, "digest.html", page)
}

// digestCards returns the cards of a digest's papers, in its order, keyed
// by paper ID; papers that have left the catalogue since are missing.
func (h *Handler) digestCards(r *http.Request, ids []string) (map[string]Card, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	ctx := r.Context()
	papers, err := h.store.FindPapersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	votes, err := h.comm.store.VoteCounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	comments, err := h.comm.store.CommentCounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	cards := make([]Card, 0, len(papers))
	for _, p := range papers {
		c := h.resultCard(p, votes[p.ID], nil)
		c.Comments = plural(comments[p.ID], "comment")
		cards = append(cards, c)
	}
	// One query for the reader's votes over every section.
	if err := h.fillVotes(r, cards); err != nil {
		return nil, err
	}
	byID := make(map[string]Card, len(cards))
	for _, c := range cards {
		byID[c.ID] = c
	}
	return byID, nil
}

// digestSections cuts a digest's papers into its sections: each takes the
// next Count papers. Papers beyond the counts, which a digest should not
// have, are shown in a last section rather than dropped.
func digestSections(d *quire.Digest, cards map[string]Card) []DigestSectionView {
	rest := d.PaperIDs
	take := func(title string, n int) DigestSectionView {
		n = min(max(n, 0), len(rest))
		s := DigestSectionView{Title: title}
		for _, id := range rest[:n] {
			if c, ok := cards[id]; ok {
				s.Cards = append(s.Cards, c)
			}
		}
		rest = rest[n:]
		return s
	}
	var out []DigestSectionView
	for _, sec := range d.Sections {
		out = append(out, take(sec.Title, sec.Count))
	}
	if len(rest) > 0 {
		title := "More papers"
		if len(d.Sections) == 0 {
			title = "Papers"
		}
		out = append(out, take(title, len(rest)))
	}
	return out
}

// digestPeriod names the period of a digest from its key ("daily:2026-11-26",
// "weekly:2026-W48"): the page's heading, the span, and the span's list.
func digestPeriod(key string) (heading, period, href string) {
	kind, span, _ := strings.Cut(key, ":")
	switch quire.Frequency(kind) {
	case quire.Daily:
		if day, err := quire.ParseDay(span); err == nil {
			p := quire.DayPeriod(day)
			return "Your daily digest", "Papers of " + periodLabel(p), periodPath(p)
		}
	case quire.Weekly:
		if p, err := quire.ParseWeek(span); err == nil {
			return "Your weekly digest", "Papers of " + periodLabel(p), periodPath(p)
		}
	}
	return "Your digest", "", ""
}

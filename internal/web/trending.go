package web

import (
	"context"
	"net/http"

	"quire"
	"quire/internal/trending"
)

// maxTrendingCandidates bounds the entries loaded for the trending page:
// a week of lists holds a few hundred papers.
const maxTrendingCandidates = 5000

// trendingList serves GET /papers/trending: the papers listed within
// trending.Window, ranked by trending.Rank.
func (h *Handler) trendingList(w http.ResponseWriter, r *http.Request) error {
	ranked, err := h.trendingItems(r.Context())
	if err != nil {
		return err
	}
	if len(ranked) > pageSize {
		ranked = ranked[:pageSize]
	}
	page := &ListPage{
		Heading:    "Trending papers",
		Subheading: "Upvotes and comments of the past week, newest counting most",
		Cards:      make([]Card, len(ranked)),
		Ranked:     true,
	}
	for i, it := range ranked {
		page.Cards[i] = newCard(it)
	}
	if err := h.fillVotes(r, page.Cards); err != nil {
		return err
	}
	if len(page.Cards) == 0 {
		page.EmptyMessage = "No papers were listed in the past week."
	}
	page.BasePage = h.base("Trending papers", "The papers readers upvote and discuss most this week.", "trending")
	return h.render(w, r, http.StatusOK, "list.html", page)
}

// trendingItems returns the papers listed within trending.Window, ranked
// by trending.Rank: the trending page and its feed.
func (h *Handler) trendingItems(ctx context.Context) ([]*quire.DailyItem, error) {
	now := h.now()
	items, _, err := h.store.FindDailyItems(ctx, quire.DailyFilter{
		From:  quire.TruncateDay(trending.WindowStart(now)),
		To:    quire.TruncateDay(now).AddDate(0, 0, 1),
		Sort:  quire.SortUpvotes,
		Limit: maxTrendingCandidates,
	})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*quire.DailyItem, len(items))
	cands := make([]trending.Item, len(items))
	for i, it := range items {
		byID[it.Paper.ID] = it
		cands[i] = trending.FromEntry(&it.Entry)
	}
	ranked := trending.Rank(cands, now)
	out := make([]*quire.DailyItem, len(ranked))
	for i, it := range ranked {
		out[i] = byID[it.ID]
	}
	return out, nil
}

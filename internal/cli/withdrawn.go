package cli

import (
	"context"
	"time"

	"quire"
	"quire/internal/arxiv"
)

// markWithdrawn marks the papers a harvested page reports withdrawn and
// returns how many it marked (papers Quire does not hold, and those
// already marked, are not counted). A paper whose record announces its
// withdrawal was withdrawn when its latest version appeared; a deleted
// record carries only its identifier and datestamp (the day of the
// deletion), so its datestamp says when, or failing that the page's latest
// datestamp or the response time.
func markWithdrawn(ctx context.Context, db interface {
	MarkWithdrawn(ctx context.Context, paperIDs []string, at time.Time) (int, error)
}, page *arxiv.OAIPage) (int, error) {
	if len(page.Deleted) == 0 && len(page.Withdrawn) == 0 {
		return 0, nil
	}
	pageDate := page.ResponseDate
	if d, err := time.Parse(quire.DayLayout, page.LastDatestamp); err == nil {
		pageDate = d
	}
	if pageDate.IsZero() {
		pageDate = time.Now()
	}
	updated := make(map[string]time.Time, len(page.Papers))
	for _, p := range page.Papers {
		updated[p.ID] = p.UpdatedAt
	}
	byDate := map[time.Time][]string{}
	for _, id := range page.Deleted {
		at := pageDate
		if d, err := time.Parse(quire.DayLayout, page.DeletedOn[id]); err == nil {
			at = d
		}
		byDate[at] = append(byDate[at], id)
	}
	for _, id := range page.Withdrawn {
		at := updated[id]
		if at.IsZero() {
			at = pageDate
		}
		byDate[at] = append(byDate[at], id)
	}
	total := 0
	for at, ids := range byDate {
		n, err := db.MarkWithdrawn(ctx, ids, at)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

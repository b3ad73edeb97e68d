package input

import (
	"context"
	"time"

	"quire"
)

// CheckFollowedPapers checks FollowedPapers' arguments: since must be set,
// or a member following a busy category would read the whole catalogue,
// and a page holds 1 to quire.MaxFollowedPapers papers.
func CheckFollowedPapers(since time.Time, limit int) error {
	if since.IsZero() {
		return quire.Invalidf("followed papers need a time to start from")
	}
	if err := CheckTime(since); err != nil {
		return err
	}
	if limit < 1 || limit > quire.MaxFollowedPapers {
		return quire.Invalidf("limit must be between 1 and %d, not %d", quire.MaxFollowedPapers, limit)
	}
	return nil
}

// FollowScanBatch is how many papers a store reads at a time when it looks
// for followed papers: matching happens in Go (quire.Follow.Matches), so
// that both backends compare names alike, newest first until the page is
// full.
const FollowScanBatch = 500

// MatchFollows returns the follows of fs that match p, whose daily
// entries are listed under the organizations orgs, or nil.
func MatchFollows(fs []*quire.Follow, p *quire.Paper, orgs []string) []*quire.Follow {
	var out []*quire.Follow
	for _, f := range fs {
		if f.Matches(p, orgs) {
			out = append(out, f)
		}
	}
	return out
}

// FillFollowed replaces the papers of matches, read with only their ids,
// authors and categories (and their entries' organizations), by the whole records of db, keeping their order.
// A paper that left the catalogue in between is dropped.
func FillFollowed(ctx context.Context, db interface {
	FindPapersByIDs(ctx context.Context, ids []string) ([]*quire.Paper, error)
}, matches []*quire.FollowedPaper) ([]*quire.FollowedPaper, error) {
	out := make([]*quire.FollowedPaper, 0, len(matches))
	if len(matches) == 0 {
		return out, nil
	}
	ids := make([]string, len(matches))
	for i, m := range matches {
		ids[i] = m.Paper.ID
	}
	papers, err := db.FindPapersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*quire.Paper, len(papers))
	for _, p := range papers {
		byID[p.ID] = p
	}
	for _, m := range matches {
		if p := byID[m.Paper.ID]; p != nil {
			out = append(out, &quire.FollowedPaper{Paper: p, Because: m.Because})
		}
	}
	return out, nil
}

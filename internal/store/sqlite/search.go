package sqlite

import (
	"context"

	"quire"
	"quire/internal/store/input"
)

// feedQuery reads the change feed: papers after a position, in position
// order, each with its displayed counts (see quire.VoteStore): those of its
// best-voted visible entry (most upvotes, then the latest day, as the lists
// choose it) plus the community's. The scan walks the seq index from the
// position and stops at the limit, looking up the entries of each paper it
// returns through daily_entries_paper, so a page costs the same at any depth.
var feedQuery = `SELECT p.seq, ` + prefixed("p") + `, coalesce(e.upvotes, 0) + p.vote_count,
		coalesce(e.num_comments, 0) + p.comment_count
	FROM papers p
	LEFT JOIN daily_entries e ON ` + bestEntry + `
	WHERE p.seq > ?
	ORDER BY p.seq
	LIMIT ?`

// FindPaperChanges returns at most limit papers changed after afterSeq, in
// Seq order (see quire.SearchStore).
func (db *DB) FindPaperChanges(ctx context.Context, afterSeq int64, limit int) (changes []*quire.PaperChange, err error) {
	defer quire.Wrap(&err, "FindPaperChanges(%d, %d)", afterSeq, limit)
	if err := input.CheckLimit(limit); err != nil {
		return nil, err
	}
	rows, err := db.queryRead(ctx, feedQuery, afterSeq, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	changes = make([]*quire.PaperChange, 0, min(limit, 1024))
	for rows.Next() {
		c := new(quire.PaperChange)
		var ps paperScan
		dest := append([]any{&c.Seq}, ps.dest()...)
		if err := rows.Scan(append(dest, &c.Upvotes, &c.NumComments)...); err != nil {
			return nil, err
		}
		p, err := ps.paper()
		if err != nil {
			return nil, err
		}
		c.Paper = *p
		changes = append(changes, c)
	}
	return changes, rows.Err()
}

// FindPapersByIDs returns the stored papers among ids, in the order of ids
// (see quire.SearchStore).
func (db *DB) FindPapersByIDs(ctx context.Context, ids []string) (papers []*quire.Paper, err error) {
	defer quire.Wrap(&err, "FindPapersByIDs(%d ids)", len(ids))
	want := input.LookupIDs(ids)
	papers = make([]*quire.Paper, 0, len(want))
	if len(want) == 0 {
		return papers, nil
	}
	// The ids travel as one JSON array, so that every call shares one
	// prepared statement and no call meets the limit on parameters.
	rows, err := db.queryRead(ctx, `SELECT `+paperColumns+` FROM papers
		WHERE id IN (SELECT value FROM json_each(?))`, jsonText(want))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := make(map[string]*quire.Paper, len(want))
	for rows.Next() {
		p, err := scanPaper(rows)
		if err != nil {
			return nil, err
		}
		found[p.ID] = p
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range want {
		if p, ok := found[id]; ok {
			papers = append(papers, p)
		}
	}
	return papers, nil
}

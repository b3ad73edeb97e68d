package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quire"
	"quire/internal/store/input"
)

// feedQuery reads the change feed: papers after a position, in position
// order, each with its displayed counts (see quire.VoteStore): those of its
// best-voted visible entry (most upvotes, then the latest day, as the lists
// choose it) plus the community's. The page is cut from the seq index
// first ("seq > 0" lets the planner use the partial index whatever $1 is),
// and only its papers look up their entries, through daily_entries_paper;
// a page costs the same at any depth.
var feedQuery = `SELECT p.seq, ` + columns("p", paperColumns) + `,
		coalesce(b.upvotes, 0) + p.vote_count, coalesce(b.num_comments, 0) + p.comment_count
	FROM (SELECT * FROM papers WHERE seq > $1 AND seq > 0 ORDER BY seq LIMIT $2) p
	LEFT JOIN LATERAL (SELECT e.upvotes, e.num_comments FROM daily_entries e
		WHERE e.paper_id = p.id AND e.hidden_at IS NULL ORDER BY e.upvotes DESC, e.day DESC LIMIT 1) b ON true
	ORDER BY p.seq`

// FindPaperChanges returns at most limit papers changed after afterSeq, in
// Seq order (see quire.SearchStore).
func (db *DB) FindPaperChanges(ctx context.Context, afterSeq int64, limit int) (changes []*quire.PaperChange, err error) {
	defer quire.Wrap(&err, "FindPaperChanges(%d, %d)", afterSeq, limit)
	if err := input.CheckLimit(limit); err != nil {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, feedQuery, afterSeq, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*quire.PaperChange, error) {
		c := new(quire.PaperChange)
		var ps paperScan
		dest := append([]any{&c.Seq}, ps.dest()...)
		if err := row.Scan(append(dest, &c.Upvotes, &c.NumComments)...); err != nil {
			return nil, err
		}
		p, err := ps.paper()
		if err != nil {
			return nil, err
		}
		c.Paper = *p
		return c, nil
	})
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
	var found map[string]*quire.Paper
	err = db.read.run(ctx, func(q querier) (ferr error) {
		found, ferr = findPapersByIDs(ctx, q, want)
		return ferr
	})
	if err != nil {
		return nil, err
	}
	for _, id := range want {
		if p, ok := found[id]; ok {
			papers = append(papers, p)
		}
	}
	return papers, nil
}

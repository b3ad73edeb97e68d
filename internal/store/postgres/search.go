package postgres

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"quire"
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
	if err := checkLimit(limit); err != nil {
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
	want := lookupIDs(ids)
	papers = make([]*quire.Paper, 0, len(want))
	if len(want) == 0 {
		return papers, nil
	}
	found, err := findPapersByIDs(ctx, db.pool, want)
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

// lookupIDs returns ids without repeats and without those no paper can have:
// stores keep ids normalised (quire.Paper.Normalize), so an id that
// normalisation would change is unknown (and may hold a NUL, which
// PostgreSQL would refuse as a parameter).
func lookupIDs(ids []string) []string {
	out := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if id == "" || seen[id] || quire.OneLine(id) != id {
			continue
		}
		seen[id] = true
		out = append(out, id)
	}
	return out
}

// storable reports whether s can be a stored name or key: non-empty text.
func storable(s string) bool { return s != "" && isText(s) }

// isText reports whether PostgreSQL keeps s as text: it refuses NUL and
// invalid UTF-8 (the SQLite backend applies the same rule, so the two
// agree).
func isText(s string) bool { return utf8.ValidString(s) && !strings.Contains(s, "\x00") }

// checkLimit refuses a page size below one: a feed or a vector scan without
// a bound would read the whole catalogue at once.
func checkLimit(limit int) error {
	if limit < 1 {
		return quire.Invalidf("limit must be at least 1, not %d", limit)
	}
	return nil
}

// checkPage checks a page size and a paging position; a position that is
// not text cannot come from an earlier page.
func checkPage(afterPaperID string, limit int) error {
	if err := checkLimit(limit); err != nil {
		return err
	}
	if !isText(afterPaperID) {
		return quire.Invalidf("paging position %q is not a paper id", afterPaperID)
	}
	return nil
}

package sqlite

import (
	"context"
	"strings"
	"unicode/utf8"

	"quire"
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
	if err := checkLimit(limit); err != nil {
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
	want := lookupIDs(ids)
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

// lookupIDs returns ids without repeats and without those no paper can have:
// stores keep ids normalised (quire.Paper.Normalize), so an id that
// normalisation would change is unknown.
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

// isText reports whether every backend keeps s as it is: PostgreSQL refuses
// NUL and invalid UTF-8 in text, and the backends must agree.
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

package sqlite

import (
	"context"
	"database/sql"

	"quire"
	"quire/internal/store/input"
)

// bestEntry is the join condition that picks a paper's best-voted visible
// entry (most upvotes, then the latest day, as lists choose it) for the
// papers row aliased p, as the entry aliased e; it probes
// daily_entries_paper once per paper.
const bestEntry = `e.rowid = (SELECT b.rowid FROM daily_entries b
	WHERE b.paper_id = p.id AND b.hidden_at IS NULL ORDER BY b.upvotes DESC, b.day DESC LIMIT 1)`

// totalsQuery reads the displayed counts of the papers in a JSON array of
// ids (see quire.VoteStore): the best visible entry's imported counts plus
// the community's.
const totalsQuery = `SELECT p.id, coalesce(e.upvotes, 0) + p.vote_count,
		coalesce(e.num_comments, 0) + p.comment_count
	FROM papers p
	LEFT JOIN daily_entries e ON ` + bestEntry + `
	WHERE p.id IN (SELECT value FROM json_each(?))`

// totals are a paper's displayed upvotes and comments.
type totals struct{ votes, comments int }

// findTotals returns the displayed counts of the known papers among ids.
func (db *DB) findTotals(ctx context.Context, ids []string) (map[string]totals, error) {
	want := input.LookupIDs(ids)
	if len(want) == 0 {
		return map[string]totals{}, nil
	}
	rows, err := db.queryRead(ctx, totalsQuery, jsonText(want))
	if err != nil {
		return nil, err
	}
	return scanTotals(rows)
}

// txTotals is one paper's displayed counts, read within a write.
func txTotals(ctx context.Context, tx *sql.Tx, id string) (totals, error) {
	rows, err := tx.QueryContext(ctx, totalsQuery, jsonText([]string{id}))
	if err != nil {
		return totals{}, err
	}
	m, err := scanTotals(rows)
	return m[id], err
}

func scanTotals(rows *sql.Rows) (map[string]totals, error) {
	defer rows.Close()
	m := map[string]totals{}
	for rows.Next() {
		var id string
		var t totals
		if err := rows.Scan(&id, &t.votes, &t.comments); err != nil {
			return nil, err
		}
		m[id] = t
	}
	return m, rows.Err()
}

// addCounts changes a paper's community counts by the given amounts and
// moves it up the change feed, whose counts include them. The write holds
// SQLite's only write lock, so the sums are exact.
func addCounts(ctx context.Context, tx *sql.Tx, paperID string, votes, comments int) error {
	if _, err := tx.ExecContext(ctx, `UPDATE papers SET vote_count = vote_count + ?,
		comment_count = comment_count + ? WHERE id = ?`, votes, comments, paperID); err != nil {
		return err
	}
	return bumpSeq(ctx, tx, []string{paperID})
}

// paperExists returns an error of kind quire.ErrNotFound unless the
// catalogue holds the paper.
func paperExists(ctx context.Context, tx *sql.Tx, id string) error {
	var ok bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM papers WHERE id = ?)`, id).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return errNoPaper
	}
	return nil
}

// errNoPaper is the error for a paper id the catalogue does not hold.
var errNoPaper = quire.NotFoundf("This paper is not in the catalogue.")

package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quire"
	"quire/internal/store/input"
)

// Community writes that change what the change feed reports (votes, visible
// comments, submissions, hidden papers and entries) give the paper a new
// position, so they take lockSeq (see seq.go) before anything else: lock
// order stays the same as for imports, and those writes take turns, which
// also keeps their read-then-write steps (a paper's counts, a comment's
// visibility) from interleaving.

// totalsQuery reads the displayed counts of the papers among $1 (see
// quire.VoteStore): the best visible entry's imported counts plus the
// community's.
const totalsQuery = `SELECT p.id, coalesce(b.upvotes, 0) + p.vote_count,
		coalesce(b.num_comments, 0) + p.comment_count
	FROM papers p
	LEFT JOIN LATERAL (SELECT e.upvotes, e.num_comments FROM daily_entries e
		WHERE e.paper_id = p.id AND e.hidden_at IS NULL ORDER BY e.upvotes DESC, e.day DESC LIMIT 1) b ON true
	WHERE p.id = ANY($1)`

// totals are a paper's displayed upvotes and comments.
type totals struct{ votes, comments int }

// findTotals returns the displayed counts of the known papers among ids.
func findTotals(ctx context.Context, q querier, ids []string) (map[string]totals, error) {
	want := input.LookupIDs(ids)
	m := make(map[string]totals, len(want))
	if len(want) == 0 {
		return m, nil
	}
	rows, err := q.Query(ctx, totalsQuery, want)
	if err != nil {
		return nil, err
	}
	var id string
	var t totals
	_, err = pgx.ForEachRow(rows, []any{&id, &t.votes, &t.comments}, func() error {
		m[id] = t
		return nil
	})
	return m, err
}

// addCounts changes a paper's community counts by the given amounts and
// gives it a new change-feed position, in one statement; tx holds lockSeq.
// The update locks the row, so concurrent changes add up.
func addCounts(ctx context.Context, tx pgx.Tx, paperID string, votes, comments int) error {
	_, err := tx.Exec(ctx, `UPDATE papers SET vote_count = vote_count + $1, comment_count = comment_count + $2,
		seq = `+nextSeq+` WHERE id = $3`, votes, comments, paperID)
	return err
}

// paperExists returns an error of kind quire.ErrNotFound unless the
// catalogue holds the paper.
func paperExists(ctx context.Context, tx pgx.Tx, id string) error {
	var ok bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM papers WHERE id = $1)`, id).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return errNoPaper
	}
	return nil
}

// errNoPaper is the error for a paper id the catalogue does not hold.
var errNoPaper = quire.NotFoundf("This paper is not in the catalogue.")

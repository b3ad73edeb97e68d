package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quire"
	"quire/internal/store/input"
)

// SetVote records or withdraws an account's vote for a paper and returns the
// paper's displayed upvotes (see quire.VoteStore).
func (db *DB) SetVote(ctx context.Context, accountID int64, paperID string, on bool) (count int, changed bool, err error) {
	defer quire.Wrap(&err, "SetVote(%d, %q, %v)", accountID, paperID, on)
	if !input.PaperIDOK(paperID) {
		return 0, false, errNoPaper
	}
	err = db.transact(ctx, func(tx pgx.Tx) error {
		if err := lockFeed(ctx, tx); err != nil {
			return err
		}
		if _, err := activeAccount(ctx, tx, accountID); err != nil {
			return err
		}
		if err := paperExists(ctx, tx, paperID); err != nil {
			return err
		}
		q, delta := `INSERT INTO votes (account_id, paper_id, created_at) VALUES ($1, $2, now())
			ON CONFLICT DO NOTHING`, 1
		if !on {
			q, delta = `DELETE FROM votes WHERE account_id = $1 AND paper_id = $2`, -1
		}
		tag, err := tx.Exec(ctx, q, accountID, paperID)
		if err != nil {
			return err
		}
		if changed = tag.RowsAffected() > 0; changed {
			if err := addCounts(ctx, tx, paperID, delta, 0); err != nil {
				return err
			}
		}
		t, err := findTotals(ctx, tx, []string{paperID})
		count = t[paperID].votes
		return err
	})
	if err != nil {
		return 0, false, err
	}
	return count, changed, nil
}

// VoteCounts returns the displayed upvotes of the known papers among
// paperIDs.
func (db *DB) VoteCounts(ctx context.Context, paperIDs []string) (_ map[string]int, err error) {
	defer quire.Wrap(&err, "VoteCounts(%d ids)", len(paperIDs))
	var t map[string]totals
	err = db.read.run(ctx, func(q querier) (ferr error) {
		t, ferr = findTotals(ctx, q, paperIDs)
		return ferr
	})
	if err != nil {
		return nil, err
	}
	m := make(map[string]int, len(t))
	for id, c := range t {
		m[id] = c.votes
	}
	return m, nil
}

// HasVoted returns which of paperIDs the account voted for.
func (db *DB) HasVoted(ctx context.Context, accountID int64, paperIDs []string) (_ map[string]bool, err error) {
	defer quire.Wrap(&err, "HasVoted(%d, %d ids)", accountID, len(paperIDs))
	voted := map[string]bool{}
	want := input.LookupIDs(paperIDs)
	if len(want) == 0 {
		return voted, nil
	}
	rows, err := db.pool.Query(ctx, `SELECT paper_id FROM votes WHERE account_id = $1 AND paper_id = ANY($2)`, accountID, want)
	if err != nil {
		return nil, err
	}
	var id string
	_, err = pgx.ForEachRow(rows, []any{&id}, func() error {
		voted[id] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	return voted, nil
}

package sqlite

import (
	"context"
	"database/sql"
	"time"

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
	err = db.transact(ctx, func(tx *sql.Tx) error {
		if _, err := activeAccount(ctx, tx, accountID); err != nil {
			return err
		}
		if err := paperExists(ctx, tx, paperID); err != nil {
			return err
		}
		var res sql.Result
		var err error
		delta := 1
		if on {
			res, err = tx.ExecContext(ctx, `INSERT INTO votes (account_id, paper_id, created_at) VALUES (?, ?, ?)
				ON CONFLICT DO NOTHING`, accountID, paperID, time.Now().Unix())
		} else {
			delta = -1
			res, err = tx.ExecContext(ctx, `DELETE FROM votes WHERE account_id = ? AND paper_id = ?`, accountID, paperID)
		}
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if changed = n > 0; changed {
			if err := addCounts(ctx, tx, paperID, delta, 0); err != nil {
				return err
			}
		}
		t, err := txTotals(ctx, tx, paperID)
		count = t.votes
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
	t, err := db.findTotals(ctx, paperIDs)
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
	rows, err := db.queryRead(ctx, `SELECT paper_id FROM votes
		WHERE account_id = ? AND paper_id IN (SELECT value FROM json_each(?))`, accountID, jsonText(want))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		voted[id] = true
	}
	return voted, rows.Err()
}

package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quire"
)

// SubmitPaper puts a paper on a day's list for an account, within the rules
// (see quire.SubmissionStore). It takes lockEntries, as imports do, so that
// its checks and its insert cannot interleave with another submission or an
// import adding the same entry; submissions are rare enough to take turns.
func (db *DB) SubmitPaper(ctx context.Context, s quire.Submission, r quire.SubmissionRules) (_ *quire.DailyEntry, err error) {
	defer quire.Wrap(&err, "SubmitPaper(%q, account %d)", s.PaperID, s.AccountID)
	e, err := quire.PrepareSubmission(s, r)
	if err != nil {
		return nil, err
	}
	err = db.transact(ctx, func(tx pgx.Tx) error {
		if err := lock(ctx, tx, lockEntries); err != nil {
			return err
		}
		if err := lockFeed(ctx, tx); err != nil {
			return err
		}
		name, err := activeAccount(ctx, tx, s.AccountID)
		if err != nil {
			return err
		}
		e.Submitter.Name = name
		if err := paperExists(ctx, tx, e.PaperID); err != nil {
			return err
		}
		var listed bool
		var mine int
		if err := tx.QueryRow(ctx, `SELECT
				EXISTS (SELECT 1 FROM daily_entries WHERE day = $1 AND paper_id = $2),
				(SELECT count(*) FROM daily_entries WHERE day = $1 AND account_id = $3)`,
			dayOf(e.Day), e.PaperID, s.AccountID).Scan(&listed, &mine); err != nil {
			return err
		}
		if err := quire.CheckSubmission(e, listed, mine, r); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO daily_entries (day, paper_id, submitted_at, submitter_name, account_id)
			VALUES ($1, $2, $3, $4, $5)`, dayOf(e.Day), e.PaperID, e.SubmittedAt, name, s.AccountID); err != nil {
			return err
		}
		if err := bumpSeq(ctx, tx, []string{e.PaperID}); err != nil {
			return err
		}
		// The new entry has no imported counts, but its paper may have
		// community votes and comments already.
		return tx.QueryRow(ctx, `SELECT vote_count, comment_count FROM papers WHERE id = $1`,
			e.PaperID).Scan(&e.Upvotes, &e.NumComments)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

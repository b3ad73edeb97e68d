package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// The change feed (papers.seq) promises that a reader who resumes after the
// last seq it saw misses nothing. A sequence alone does not keep that
// promise: transaction A may take seq 10 and commit after transaction B took
// 11 and committed, and a reader that saw 11 in between resumes after 11 and
// never sees 10. So positions are handed out only under lockSeq, which a
// writer takes just before its first write and holds until it commits:
// whoever takes positions next waits until the earlier ones are committed
// (PostgreSQL makes a commit visible before it releases the transaction's
// locks), so positions become visible in increasing order.
//
// Paper and entry upserts take lockSeq after their own lock (lockPapers,
// lockEntries) and before writing any row, always in that order, so their
// row locks never meet while one waits for the other. Embedding writes do
// not touch seq and take no advisory lock.

// nextSeq is the SQL that hands out the next position; only transactions
// holding lockSeq may use it (papers.seq defaults to it, so a COPY of new
// papers takes positions too).
const nextSeq = `nextval('papers_change_seq')`

// lockFeed takes lockSeq for the rest of tx.
func lockFeed(ctx context.Context, tx pgx.Tx) error { return lock(ctx, tx, lockSeq) }

// bumpSeq gives each of the papers ids a new position; tx holds lockSeq.
func bumpSeq(ctx context.Context, tx pgx.Tx, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `UPDATE papers SET seq = `+nextSeq+` WHERE id = ANY($1)`, batchPlan, ids)
	return err
}

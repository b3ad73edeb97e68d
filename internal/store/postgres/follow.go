package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"quire"
	"quire/internal/store/input"
)

const followColumns = `id, account_id, kind, name, co_author, category, digest, created_at`

func scanFollow(row pgx.Row) (*quire.Follow, error) {
	var f quire.Follow
	var kind string
	if err := row.Scan(&f.ID, &f.AccountID, &kind, &f.Name, &f.CoAuthor, &f.Category, &f.Digest, &f.CreatedAt); err != nil {
		return nil, err
	}
	f.Kind = quire.FollowKind(kind)
	f.CreatedAt = f.CreatedAt.UTC()
	return &f, nil
}

// CreateFollow stores a follow, or updates the Digest of the same one (see
// quire.FollowStore).
func (db *DB) CreateFollow(ctx context.Context, in *quire.Follow) (_ *quire.Follow, err error) {
	defer quire.Wrap(&err, "CreateFollow(%d, %s %q)", in.AccountID, in.Kind, in.Name)
	f, err := quire.PrepareFollow(in)
	if err != nil {
		return nil, err
	}
	now := input.OrNow(time.Time{})
	err = db.transact(ctx, func(tx pgx.Tx) error {
		if _, err := activeAccount(ctx, tx, f.AccountID); err != nil {
			return err
		}
		// The account's row lock makes the account's follows take turns,
		// so that the count and the lookup below stay true until the
		// insert. NO KEY leaves inserts that merely reference the account
		// (votes, sessions) unblocked.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM accounts WHERE id = $1 FOR NO KEY UPDATE`, f.AccountID); err != nil {
			return err
		}
		var id int64
		err := tx.QueryRow(ctx, `UPDATE follows SET digest = $3 WHERE account_id = $1 AND match_key = $2 RETURNING id`,
			f.AccountID, f.Key(), f.Digest).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM follows WHERE account_id = $1`, f.AccountID).Scan(&n); err != nil {
				return err
			}
			if n >= quire.MaxFollows {
				return quire.RateLimitedf("You follow %d authors and categories, the most an account may.", n)
			}
			err = tx.QueryRow(ctx, `INSERT INTO follows (account_id, kind, name, co_author, category, match_key, digest, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
				f.AccountID, string(f.Kind), f.Name, f.CoAuthor, f.Category, f.Key(), f.Digest, now).Scan(&id)
		}
		if err != nil {
			return err
		}
		f, err = scanFollow(tx.QueryRow(ctx, `SELECT `+followColumns+` FROM follows WHERE id = $1`, id))
		return err
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// FindFollows returns an account's follows, authors first, by name.
func (db *DB) FindFollows(ctx context.Context, accountID int64) (_ []*quire.Follow, err error) {
	defer quire.Wrap(&err, "FindFollows(%d)", accountID)
	rows, err := db.pool.Query(ctx, `SELECT `+followColumns+` FROM follows WHERE account_id = $1 ORDER BY match_key, id`, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	follows := []*quire.Follow{}
	for rows.Next() {
		f, err := scanFollow(rows)
		if err != nil {
			return nil, err
		}
		follows = append(follows, f)
	}
	return follows, rows.Err()
}

// DeleteFollow removes one of the account's follows.
func (db *DB) DeleteFollow(ctx context.Context, followID, accountID int64) (err error) {
	defer quire.Wrap(&err, "DeleteFollow(%d)", followID)
	return db.transact(ctx, func(tx pgx.Tx) error {
		if _, err := activeAccount(ctx, tx, accountID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM follows WHERE id = $1 AND account_id = $2`, followID, accountID)
		return mustAffect(tag, err, quire.ErrNoFollow)
	})
}

// FollowedPapers returns the newest papers the account's follows match
// (see quire.FollowStore). Papers are read newest first, a batch at a
// time, with only what matching needs (authors, categories and the
// organizations of their daily entries), and
// matched here until the page is full; then the matches are read whole.
func (db *DB) FollowedPapers(ctx context.Context, accountID int64, since time.Time, limit int) (_ []*quire.FollowedPaper, err error) {
	defer quire.Wrap(&err, "FollowedPapers(%d)", accountID)
	if err := input.CheckFollowedPapers(since, limit); err != nil {
		return nil, err
	}
	follows, err := db.FindFollows(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if len(follows) == 0 {
		return []*quire.FollowedPaper{}, nil
	}
	var matches []*quire.FollowedPaper
	// The keyset (published_at, id) walks the papers_published index down;
	// the first batch starts at the newest paper (at is nil).
	var at *time.Time
	var after string
	for len(matches) < limit {
		n, err := db.scanFollowed(ctx, follows, since.UTC(), &at, &after, limit, &matches)
		if err != nil {
			return nil, err
		}
		if n < input.FollowScanBatch {
			break
		}
	}
	return input.FillFollowed(ctx, db, matches)
}

// scanFollowed reads the batch of papers after the keyset (at, after),
// moves the keyset to its end, adds the papers that follows match to
// matches (up to limit), and returns how many papers it read.
func (db *DB) scanFollowed(ctx context.Context, follows []*quire.Follow, since time.Time, at **time.Time, after *string, limit int, matches *[]*quire.FollowedPaper) (int, error) {
	// The organizations of a paper's visible daily entries come along, for
	// organization follows.
	rows, err := db.pool.Query(ctx, `SELECT id, authors, categories, published_at,
		ARRAY(SELECT DISTINCT e.org_name FROM daily_entries e
		  WHERE e.paper_id = papers.id AND e.org_name IS NOT NULL AND e.hidden_at IS NULL)
		FROM papers
		WHERE published_at IS NOT NULL AND published_at >= $1
		  AND ($2::timestamptz IS NULL OR published_at < $2 OR (published_at = $2 AND id < $3))
		  AND withdrawn_at IS NULL AND hidden_at IS NULL
		ORDER BY published_at DESC, id DESC LIMIT $4`,
		since, *at, *after, input.FollowScanBatch)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var p quire.Paper
		var published time.Time
		var orgs []string
		if err := rows.Scan(&p.ID, &p.Authors, &p.Categories, &published, &orgs); err != nil {
			return 0, err
		}
		n++
		*at, *after = &published, p.ID
		if because := input.MatchFollows(follows, &p, orgs); because != nil && len(*matches) < limit {
			*matches = append(*matches, &quire.FollowedPaper{Paper: &p, Because: because})
		}
	}
	return n, rows.Err()
}

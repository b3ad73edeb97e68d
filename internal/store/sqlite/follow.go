package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"quire"
	"quire/internal/store/input"
)

const followColumns = `id, account_id, kind, name, co_author, category, digest, created_at`

func scanFollow(row scanner) (*quire.Follow, error) {
	var f quire.Follow
	var created int64
	if err := row.Scan(&f.ID, &f.AccountID, &f.Kind, &f.Name, &f.CoAuthor, &f.Category, &f.Digest, &created); err != nil {
		return nil, err
	}
	f.CreatedAt = unixTime(created)
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
	err = db.transact(ctx, func(tx *sql.Tx) error {
		if _, err := activeAccount(ctx, tx, f.AccountID); err != nil {
			return err
		}
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM follows WHERE account_id = ? AND match_key = ?`,
			f.AccountID, f.Key()).Scan(&id)
		switch {
		case err == nil:
			if _, err := tx.ExecContext(ctx, `UPDATE follows SET digest = ? WHERE id = ?`, f.Digest, id); err != nil {
				return err
			}
		case errors.Is(err, sql.ErrNoRows):
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM follows WHERE account_id = ?`, f.AccountID).Scan(&n); err != nil {
				return err
			}
			if n >= quire.MaxFollows {
				return quire.RateLimitedf("You follow %d authors and categories, the most an account may.", n)
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO follows (account_id, kind, name, co_author, category, match_key, digest, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				f.AccountID, f.Kind, f.Name, f.CoAuthor, f.Category, f.Key(), f.Digest, now.Unix())
			if err != nil {
				return err
			}
			if id, err = res.LastInsertId(); err != nil {
				return err
			}
		default:
			return err
		}
		f, err = scanFollow(tx.QueryRowContext(ctx, `SELECT `+followColumns+` FROM follows WHERE id = ?`, id))
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
	rows, err := db.queryRead(ctx, `SELECT `+followColumns+` FROM follows WHERE account_id = ? ORDER BY match_key, id`, accountID)
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
	return db.transact(ctx, func(tx *sql.Tx) error {
		if _, err := activeAccount(ctx, tx, accountID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM follows WHERE id = ? AND account_id = ?`, followID, accountID)
		if err != nil {
			return err
		}
		return mustAffect(res, quire.ErrNoFollow)
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
	// The keyset (published_at, id) walks the papers_published index down.
	var at int64 = 1<<63 - 1
	var after string
	for len(matches) < limit {
		n, err := db.scanFollowed(ctx, follows, since.Unix(), &at, &after, limit, &matches)
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
func (db *DB) scanFollowed(ctx context.Context, follows []*quire.Follow, since int64, at *int64, after *string, limit int, matches *[]*quire.FollowedPaper) (int, error) {
	// The organizations of a paper's visible daily entries come along, for
	// organization follows.
	rows, err := db.queryRead(ctx, `SELECT id, authors, categories, published_at,
		(SELECT json_group_array(DISTINCT org_name) FROM daily_entries e
		  WHERE e.paper_id = papers.id AND e.org_name IS NOT NULL AND e.hidden_at IS NULL)
		FROM papers
		WHERE published_at IS NOT NULL AND published_at >= ?
		  AND (published_at < ? OR (published_at = ? AND id < ?))
		  AND withdrawn_at IS NULL AND hidden_at IS NULL
		ORDER BY published_at DESC, id DESC LIMIT ?`,
		since, *at, *at, *after, input.FollowScanBatch)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var p quire.Paper
		var authors, categories, orgs string
		var published int64
		if err := rows.Scan(&p.ID, &authors, &categories, &published, &orgs); err != nil {
			return 0, err
		}
		orgNames, err := jsonStrings(orgs)
		if err != nil {
			return 0, err
		}
		if p.Authors, err = jsonStrings(authors); err != nil {
			return 0, err
		}
		if p.Categories, err = jsonStrings(categories); err != nil {
			return 0, err
		}
		n++
		*at, *after = published, p.ID
		if because := input.MatchFollows(follows, &p, orgNames); because != nil && len(*matches) < limit {
			*matches = append(*matches, &quire.FollowedPaper{Paper: &p, Because: because})
		}
	}
	return n, rows.Err()
}

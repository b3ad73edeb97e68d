package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"quire"
	"quire/internal/store/input"
)

// commentSelect reads comments with their authors' names, in the order
// commentScan reads them.
const commentSelect = `SELECT c.id, c.paper_id, coalesce(c.parent_id, 0), c.account_id, a.username, c.body,
		c.created_at, c.edited_at, c.deleted_at, c.hidden_at
	FROM comments c JOIN accounts a ON a.id = c.account_id`

type commentScan struct {
	c                                quire.Comment
	created, edited, deleted, hidden pgtype.Timestamptz
}

func (s *commentScan) dest() []any {
	c := &s.c
	return []any{&c.ID, &c.PaperID, &c.ParentID, &c.AccountID, &c.Author, &c.Body,
		&s.created, &s.edited, &s.deleted, &s.hidden}
}

func (s *commentScan) comment() *quire.Comment {
	c := s.c
	c.CreatedAt = timeFromNull(s.created)
	c.EditedAt = timeFromNull(s.edited)
	c.DeletedAt = timeFromNull(s.deleted)
	c.HiddenAt = timeFromNull(s.hidden)
	return &c
}

func scanComment(row pgx.Row) (*quire.Comment, error) {
	var s commentScan
	if err := row.Scan(s.dest()...); err != nil {
		return nil, err
	}
	return s.comment(), nil
}

// errNoComment is the error for an unknown comment.
func errNoComment(id int64) error { return quire.NotFoundf("There is no comment %d.", id) }

// AddComment stores a new comment and returns it as stored (see
// quire.CommentStore).
func (db *DB) AddComment(ctx context.Context, in *quire.Comment) (_ *quire.Comment, err error) {
	defer quire.Wrap(&err, "AddComment(%q)", in.PaperID)
	c, err := quire.PrepareComment(in)
	if err != nil {
		return nil, err
	}
	err = db.transact(ctx, func(tx pgx.Tx) error {
		if err := lockFeed(ctx, tx); err != nil {
			return err
		}
		author, err := activeAccount(ctx, tx, c.AccountID)
		if err != nil {
			return err
		}
		c.Author = author
		if err := paperExists(ctx, tx, c.PaperID); err != nil {
			return err
		}
		var parent any // NULL for a top-level comment
		if c.ParentID != 0 {
			if err := checkParent(ctx, tx, c); err != nil {
				return err
			}
			parent = c.ParentID
		}
		if err := tx.QueryRow(ctx, `INSERT INTO comments (paper_id, parent_id, account_id, body, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, c.PaperID, parent, c.AccountID, c.Body,
			c.CreatedAt).Scan(&c.ID); err != nil {
			return err
		}
		return addCounts(ctx, tx, c.PaperID, 0, 1)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// checkParent refuses a reply to a comment that is missing, on another
// paper, or no longer visible.
func checkParent(ctx context.Context, tx pgx.Tx, c *quire.Comment) error {
	var paperID string
	var deleted, hidden pgtype.Timestamptz
	err := tx.QueryRow(ctx, `SELECT paper_id, deleted_at, hidden_at FROM comments WHERE id = $1`,
		c.ParentID).Scan(&paperID, &deleted, &hidden)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return quire.Invalidf("The comment you reply to does not exist.")
	case err != nil:
		return err
	case paperID != c.PaperID:
		return quire.Invalidf("The comment you reply to is about another paper.")
	case deleted.Valid || hidden.Valid:
		return quire.Invalidf("The comment you reply to has been removed.")
	}
	return nil
}

// FindComment returns one comment, or an error of kind quire.ErrNotFound.
func (db *DB) FindComment(ctx context.Context, id int64) (_ *quire.Comment, err error) {
	defer quire.Wrap(&err, "FindComment(%d)", id)
	c, err := scanComment(db.pool.QueryRow(ctx, commentSelect+` WHERE c.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errNoComment(id)
	}
	return c, err
}

// FindComments returns every comment on a paper, in order of creation.
func (db *DB) FindComments(ctx context.Context, paperID string) (_ []*quire.Comment, err error) {
	defer quire.Wrap(&err, "FindComments(%q)", paperID)
	if !input.PaperIDOK(paperID) {
		return []*quire.Comment{}, nil
	}
	// Ids grow with every insert and a reply is stored after its parent,
	// so id order puts each reply after its parent whatever the clocks say.
	return readRows(ctx, db.read, func(row pgx.CollectableRow) (*quire.Comment, error) { return scanComment(row) },
		commentSelect+` WHERE c.paper_id = $1 ORDER BY c.id`, paperID)
}

// EditComment replaces the body of an author's comment (see
// quire.CommentStore).
func (db *DB) EditComment(ctx context.Context, id, accountID int64, body string, at time.Time) (_ *quire.Comment, err error) {
	defer quire.Wrap(&err, "EditComment(%d, %d)", id, accountID)
	body, err = quire.NormalizeCommentBody(body)
	if err != nil {
		return nil, err
	}
	if err := input.CheckTime(at); err != nil {
		return nil, err
	}
	var c *quire.Comment
	err = db.transact(ctx, func(tx pgx.Tx) error {
		old, err := authorsComment(ctx, tx, id, accountID, "edit")
		if err != nil {
			return err
		}
		switch {
		case !old.DeletedAt.IsZero():
			return quire.NotFoundf("This comment was deleted.")
		case !old.HiddenAt.IsZero():
			return quire.Conflictf("A moderator hid this comment; it cannot be edited.")
		}
		if _, err := activeAccount(ctx, tx, accountID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE comments SET body = $1, edited_at = $2 WHERE id = $3`,
			body, input.OrNow(at), id); err != nil {
			return err
		}
		c, err = scanComment(tx.QueryRow(ctx, commentSelect+` WHERE c.id = $1`, id))
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// DeleteComment deletes an author's comment, keeping its place in the
// thread (see quire.CommentStore).
func (db *DB) DeleteComment(ctx context.Context, id, accountID int64, at time.Time) (err error) {
	defer quire.Wrap(&err, "DeleteComment(%d, %d)", id, accountID)
	if err := input.CheckTime(at); err != nil {
		return err
	}
	return db.transact(ctx, func(tx pgx.Tx) error {
		if err := lockFeed(ctx, tx); err != nil {
			return err
		}
		old, err := authorsComment(ctx, tx, id, accountID, "delete")
		if err != nil || !old.DeletedAt.IsZero() {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE comments SET body = '', deleted_at = $1 WHERE id = $2`,
			input.OrNow(at), id); err != nil {
			return err
		}
		if old.Visible() {
			return addCounts(ctx, tx, old.PaperID, 0, -1)
		}
		return nil
	})
}

// authorsComment reads and locks comment id for its author accountID to
// change (verb says how, for the message), refusing everyone else. The lock
// keeps an edit from writing over a deletion made meanwhile.
func authorsComment(ctx context.Context, tx pgx.Tx, id, accountID int64, verb string) (*quire.Comment, error) {
	c, err := scanComment(tx.QueryRow(ctx, commentSelect+` WHERE c.id = $1 FOR NO KEY UPDATE OF c`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errNoComment(id)
	}
	if err != nil {
		return nil, err
	}
	if c.AccountID != accountID {
		return nil, quire.Unauthorizedf("You can only %s your own comments.", verb)
	}
	return c, nil
}

// CommentCounts returns the displayed comment counts of the known papers
// among paperIDs.
func (db *DB) CommentCounts(ctx context.Context, paperIDs []string) (_ map[string]int, err error) {
	defer quire.Wrap(&err, "CommentCounts(%d ids)", len(paperIDs))
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
		m[id] = c.comments
	}
	return m, nil
}

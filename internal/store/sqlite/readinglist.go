package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"quire"
	"quire/internal/store/input"
)

// listColumns are the reading_lists columns in the order scanList reads
// them, with the owner's name and the paper count.
const listColumns = `l.id, l.account_id, a.username, l.name, l.description, l.public, l.created_at, l.updated_at,
	(SELECT count(*) FROM reading_list_papers p WHERE p.list_id = l.id)`

const listFrom = ` FROM reading_lists l JOIN accounts a ON a.id = l.account_id`

func scanList(row scanner) (*quire.ReadingList, error) {
	var l quire.ReadingList
	var created, updated int64
	if err := row.Scan(&l.ID, &l.AccountID, &l.Owner, &l.Name, &l.Description, &l.Public, &created, &updated, &l.Count); err != nil {
		return nil, err
	}
	l.CreatedAt, l.UpdatedAt = unixTime(created), unixTime(updated)
	return &l, nil
}

// CreateList stores a new reading list (see quire.ReadingListStore).
func (db *DB) CreateList(ctx context.Context, in *quire.ReadingList) (_ *quire.ReadingList, err error) {
	defer quire.Wrap(&err, "CreateList(%d, %q)", in.AccountID, in.Name)
	l, err := quire.PrepareList(in)
	if err != nil {
		return nil, err
	}
	now := input.OrNow(time.Time{})
	err = db.transact(ctx, func(tx *sql.Tx) error {
		if _, err := activeAccount(ctx, tx, l.AccountID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM reading_lists WHERE account_id = ?`, l.AccountID).Scan(&n); err != nil {
			return err
		}
		if n >= quire.MaxListsPerAccount {
			return quire.Conflictf("You have %d lists, the most an account may keep; delete one first.", n)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO reading_lists (account_id, name, name_key, description, public, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			l.AccountID, l.Name, quire.ListNameKey(l.Name), l.Description, l.Public, now.Unix(), now.Unix())
		if err != nil {
			return err
		}
		if k, err := res.RowsAffected(); err != nil {
			return err
		} else if k == 0 {
			return quire.ListConflict(l.Name)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		l, err = scanList(tx.QueryRowContext(ctx, `SELECT `+listColumns+listFrom+` WHERE l.id = ?`, id))
		return err
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// FindList returns one reading list, or an error of kind quire.ErrNotFound.
func (db *DB) FindList(ctx context.Context, id int64) (_ *quire.ReadingList, err error) {
	defer quire.Wrap(&err, "FindList(%d)", id)
	l, err := scanList(db.queryRowRead(ctx, `SELECT `+listColumns+listFrom+` WHERE l.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, quire.ErrNoList
	}
	return l, err
}

// FindListsByAccount returns an account's lists by name.
func (db *DB) FindListsByAccount(ctx context.Context, accountID int64, publicOnly bool) (_ []*quire.ReadingList, err error) {
	defer quire.Wrap(&err, "FindListsByAccount(%d, %v)", accountID, publicOnly)
	rows, err := db.queryRead(ctx, `SELECT `+listColumns+listFrom+`
		WHERE l.account_id = ? AND (l.public OR NOT ?) ORDER BY l.name_key, l.id`, accountID, publicOnly)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	lists := []*quire.ReadingList{}
	for rows.Next() {
		l, err := scanList(rows)
		if err != nil {
			return nil, err
		}
		lists = append(lists, l)
	}
	return lists, rows.Err()
}

// UpdateList replaces a list's name, description and visibility.
func (db *DB) UpdateList(ctx context.Context, in *quire.ReadingList) (_ *quire.ReadingList, err error) {
	defer quire.Wrap(&err, "UpdateList(%d)", in.ID)
	l, err := quire.PrepareList(in)
	if err != nil {
		return nil, err
	}
	err = db.transact(ctx, func(tx *sql.Tx) error {
		if err := ownList(ctx, tx, l.ID, l.AccountID); err != nil {
			return err
		}
		var clash bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM reading_lists
			WHERE account_id = ? AND name_key = ? AND id != ?)`, l.AccountID, quire.ListNameKey(l.Name), l.ID).Scan(&clash); err != nil {
			return err
		}
		if clash {
			return quire.ListConflict(l.Name)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reading_lists SET name = ?, name_key = ?, description = ?, public = ?,
			updated_at = ? WHERE id = ?`, l.Name, quire.ListNameKey(l.Name), l.Description, l.Public, time.Now().Unix(), l.ID); err != nil {
			return err
		}
		l, err = scanList(tx.QueryRowContext(ctx, `SELECT `+listColumns+listFrom+` WHERE l.id = ?`, l.ID))
		return err
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// DeleteList removes a list and its saved papers.
func (db *DB) DeleteList(ctx context.Context, listID, accountID int64) (err error) {
	defer quire.Wrap(&err, "DeleteList(%d)", listID)
	return db.transact(ctx, func(tx *sql.Tx) error {
		if err := ownList(ctx, tx, listID, accountID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM reading_lists WHERE id = ?`, listID)
		return err
	})
}

// SavePapers adds papers to a list and returns how many were new.
func (db *DB) SavePapers(ctx context.Context, listID, accountID int64, paperIDs []string, at time.Time) (added int, err error) {
	defer quire.Wrap(&err, "SavePapers(%d, %d ids)", listID, len(paperIDs))
	ids, err := input.SaveIDs(paperIDs)
	if err != nil {
		return 0, err
	}
	if err := input.CheckTime(at); err != nil {
		return 0, err
	}
	at = input.OrNow(at)
	err = db.transact(ctx, func(tx *sql.Tx) error {
		if err := ownList(ctx, tx, listID, accountID); err != nil {
			return err
		}
		found, err := findPapersByIDs(ctx, tx, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if found[id] == nil {
				return quire.NotFoundf("Paper %s is not in the catalogue.", id)
			}
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO reading_list_papers (list_id, paper_id, saved_at)
			VALUES (?, ?, ?) ON CONFLICT DO NOTHING`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, id := range ids {
			res, err := ins.ExecContext(ctx, listID, id, at.Unix())
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			added += int(n)
		}
		var total int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM reading_list_papers WHERE list_id = ?`, listID).Scan(&total); err != nil {
			return err
		}
		if total > quire.MaxListPapers {
			return quire.Conflictf("A list holds at most %d papers; start another list.", quire.MaxListPapers)
		}
		return touchList(ctx, tx, listID, added > 0)
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// RemovePaper takes a paper off a list.
func (db *DB) RemovePaper(ctx context.Context, listID, accountID int64, paperID string) (err error) {
	defer quire.Wrap(&err, "RemovePaper(%d, %q)", listID, paperID)
	return db.transact(ctx, func(tx *sql.Tx) error {
		if err := ownList(ctx, tx, listID, accountID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM reading_list_papers WHERE list_id = ? AND paper_id = ?`, listID, paperID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		return touchList(ctx, tx, listID, n > 0)
	})
}

// SetSavedNote replaces the note on a saved paper.
func (db *DB) SetSavedNote(ctx context.Context, listID, accountID int64, paperID, note string) (err error) {
	defer quire.Wrap(&err, "SetSavedNote(%d, %q)", listID, paperID)
	note, err = quire.NormalizeListNote(note)
	if err != nil {
		return err
	}
	return db.updateSaved(ctx, listID, accountID, paperID, `note = ?`, note)
}

// SetSavedRead marks a saved paper read or unread.
func (db *DB) SetSavedRead(ctx context.Context, listID, accountID int64, paperID string, read bool, at time.Time) (err error) {
	defer quire.Wrap(&err, "SetSavedRead(%d, %q, %v)", listID, paperID, read)
	if err := input.CheckTime(at); err != nil {
		return err
	}
	if !read {
		return db.updateSaved(ctx, listID, accountID, paperID, `read_at = ?`, nil)
	}
	return db.updateSaved(ctx, listID, accountID, paperID, `read_at = coalesce(read_at, ?)`, input.OrNow(at).Unix())
}

// updateSaved sets one column of a saved paper, after checking the owner.
func (db *DB) updateSaved(ctx context.Context, listID, accountID int64, paperID, set string, v any) error {
	return db.transact(ctx, func(tx *sql.Tx) error {
		if err := ownList(ctx, tx, listID, accountID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE reading_list_papers SET `+set+` WHERE list_id = ? AND paper_id = ?`, v, listID, paperID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errNotSaved
		}
		return touchList(ctx, tx, listID, true)
	})
}

// FindSavedPapers returns a list's papers, most recently saved first.
func (db *DB) FindSavedPapers(ctx context.Context, listID int64) (_ []*quire.SavedPaper, err error) {
	defer quire.Wrap(&err, "FindSavedPapers(%d)", listID)
	rows, err := db.queryRead(ctx, `SELECT s.note, s.saved_at, s.read_at, `+prefixed("p")+`
		FROM reading_list_papers s JOIN papers p ON p.id = s.paper_id
		WHERE s.list_id = ? ORDER BY s.saved_at DESC, s.paper_id`, listID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*quire.SavedPaper{}
	for rows.Next() {
		sp := &quire.SavedPaper{ListID: listID}
		var saved int64
		var read sql.NullInt64
		var ps paperScan
		if err := rows.Scan(append([]any{&sp.Note, &saved, &read}, ps.dest()...)...); err != nil {
			return nil, err
		}
		if sp.Paper, err = ps.paper(); err != nil {
			return nil, err
		}
		sp.PaperID, sp.SavedAt, sp.ReadAt = sp.Paper.ID, unixTime(saved), timeFromNull(read)
		out = append(out, sp)
	}
	return out, rows.Err()
}

// FindListsWithPaper returns which of the account's lists hold the paper.
func (db *DB) FindListsWithPaper(ctx context.Context, accountID int64, paperID string) (_ map[int64]bool, err error) {
	defer quire.Wrap(&err, "FindListsWithPaper(%d, %q)", accountID, paperID)
	rows, err := db.queryRead(ctx, `SELECT s.list_id FROM reading_list_papers s
		JOIN reading_lists l ON l.id = s.list_id WHERE l.account_id = ? AND s.paper_id = ?`, accountID, paperID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	in := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		in[id] = true
	}
	return in, rows.Err()
}

// FindPaperIDsByDOI maps the known DOIs among dois to their papers' ids.
func (db *DB) FindPaperIDsByDOI(ctx context.Context, dois []string) (_ map[string]string, err error) {
	defer quire.Wrap(&err, "FindPaperIDsByDOI(%d dois)", len(dois))
	keys := input.DOIKeys(dois)
	found := map[string]string{}
	if len(keys) == 0 {
		return found, nil
	}
	list := make([]string, 0, len(keys))
	for k := range keys {
		list = append(list, k)
	}
	// lower(doi) matches the partial index papers_doi, as doi != '' does.
	rows, err := db.queryRead(ctx, `SELECT lower(doi), min(id) FROM papers
		WHERE doi != '' AND lower(doi) IN (SELECT value FROM json_each(?)) GROUP BY lower(doi)`, jsonText(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var key, id string
		if err := rows.Scan(&key, &id); err != nil {
			return nil, err
		}
		for _, d := range keys[key] {
			found[d] = id
		}
	}
	return found, rows.Err()
}

// ownList returns quire.ErrNoList unless the list exists and belongs to the
// account, which must be active.
func ownList(ctx context.Context, tx *sql.Tx, listID, accountID int64) error {
	if _, err := activeAccount(ctx, tx, accountID); err != nil {
		return err
	}
	var ok bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM reading_lists WHERE id = ? AND account_id = ?)`,
		listID, accountID).Scan(&ok)
	if err == nil && !ok {
		err = quire.ErrNoList
	}
	return err
}

// touchList moves a list's UpdatedAt to now when changed.
func touchList(ctx context.Context, tx *sql.Tx, listID int64, changed bool) error {
	if !changed {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE reading_lists SET updated_at = ? WHERE id = ?`, time.Now().Unix(), listID)
	return err
}

// errNotSaved is the error for a paper that is not on the list.
var errNotSaved = quire.NotFoundf("This paper is not on the list.")

package sqlite

import (
	"context"
	"database/sql"
	"time"

	"quire"
	"quire/internal/store/input"
)

// RecordOpened records that an account viewed a paper (see
// quire.SignalStore).
func (db *DB) RecordOpened(ctx context.Context, accountID int64, paperID string, at time.Time) (err error) {
	defer quire.Wrap(&err, "RecordOpened(%d, %q)", accountID, paperID)
	return db.markSignal(ctx, accountID, paperID, quire.SignalOpened, true, at,
		`ON CONFLICT (account_id, kind, paper_id) DO UPDATE SET at = max(at, excluded.at)`)
}

// SetNotInterested marks or unmarks a paper as one the account does not
// want recommended (see quire.SignalStore).
func (db *DB) SetNotInterested(ctx context.Context, accountID int64, paperID string, on bool, at time.Time) (err error) {
	defer quire.Wrap(&err, "SetNotInterested(%d, %q, %v)", accountID, paperID, on)
	return db.markSignal(ctx, accountID, paperID, quire.SignalNotInterested, on, at, `ON CONFLICT DO NOTHING`)
}

// markSignal writes (on) or deletes one row of paper_signals; conflict is
// the INSERT's ON CONFLICT clause.
func (db *DB) markSignal(ctx context.Context, accountID int64, paperID string, kind quire.SignalKind, on bool, at time.Time, conflict string) error {
	if !input.PaperIDOK(paperID) {
		return errNoPaper
	}
	if err := input.CheckTime(at); err != nil {
		return err
	}
	at = input.OrNow(at)
	return db.transact(ctx, func(tx *sql.Tx) error {
		if _, err := activeAccount(ctx, tx, accountID); err != nil {
			return err
		}
		if err := paperExists(ctx, tx, paperID); err != nil {
			return err
		}
		if !on {
			_, err := tx.ExecContext(ctx, `DELETE FROM paper_signals WHERE account_id = ? AND kind = ? AND paper_id = ?`,
				accountID, string(kind), paperID)
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO paper_signals (account_id, paper_id, kind, at) VALUES (?, ?, ?, ?) `+conflict,
			accountID, paperID, string(kind), at.Unix())
		return err
	})
}

// FindSignals returns an account's signals, newest first (see
// quire.SignalStore).
func (db *DB) FindSignals(ctx context.Context, accountID int64, limit int) (signals []quire.Signal, err error) {
	defer quire.Wrap(&err, "FindSignals(%d, %d)", accountID, limit)
	if limit <= 0 || limit > quire.MaxSignals {
		limit = quire.MaxSignals
	}
	rows, err := db.queryRead(ctx, `SELECT s.paper_id, s.kind, s.at FROM (
			SELECT paper_id, 'upvote' AS kind, created_at AS at FROM votes WHERE account_id = ?1
			UNION ALL
			SELECT rp.paper_id, 'saved', min(rp.saved_at) FROM reading_list_papers rp
				JOIN reading_lists l ON l.id = rp.list_id WHERE l.account_id = ?1 GROUP BY rp.paper_id
			UNION ALL
			SELECT paper_id, kind, at FROM paper_signals WHERE account_id = ?1
		) s JOIN papers p ON p.id = s.paper_id
		WHERE p.hidden_at IS NULL AND p.withdrawn_at IS NULL
		ORDER BY s.at DESC, s.kind, s.paper_id LIMIT ?2`, accountID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	signals = []quire.Signal{}
	for rows.Next() {
		var s quire.Signal
		var at int64
		if err := rows.Scan(&s.PaperID, &s.Kind, &at); err != nil {
			return nil, err
		}
		s.At = unixTime(at)
		signals = append(signals, s)
	}
	return signals, rows.Err()
}

// SetInterests replaces an account's cold-start choices (see
// quire.SignalStore).
func (db *DB) SetInterests(ctx context.Context, accountID int64, in *quire.Interests) (err error) {
	defer quire.Wrap(&err, "SetInterests(%d)", accountID)
	if err := input.CheckTime(in.UpdatedAt); err != nil {
		return err
	}
	p, err := quire.PrepareInterests(in)
	if err != nil {
		return err
	}
	at := input.OrNow(p.UpdatedAt)
	return db.transact(ctx, func(tx *sql.Tx) error {
		if _, err := activeAccount(ctx, tx, accountID); err != nil {
			return err
		}
		for _, id := range p.Papers {
			if err := paperExists(ctx, tx, id); err != nil {
				return quire.NotFoundf("Paper %s is not in the catalogue.", id)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM interests WHERE account_id = ?`, accountID); err != nil {
			return err
		}
		for _, group := range []struct {
			kind   string
			values []string
		}{{"category", p.Categories}, {"author", p.Authors}, {"paper", p.Papers}} {
			for i, v := range group.values {
				if _, err := tx.ExecContext(ctx, `INSERT INTO interests (account_id, kind, position, value) VALUES (?, ?, ?, ?)`,
					accountID, group.kind, i, v); err != nil {
					return err
				}
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO interests_updated (account_id, at) VALUES (?, ?)
			ON CONFLICT (account_id) DO UPDATE SET at = excluded.at`, accountID, at.Unix())
		return err
	})
}

// FindInterests returns an account's cold-start choices (see
// quire.SignalStore).
func (db *DB) FindInterests(ctx context.Context, accountID int64) (_ *quire.Interests, err error) {
	defer quire.Wrap(&err, "FindInterests(%d)", accountID)
	in := &quire.Interests{Categories: []string{}, Authors: []string{}, Papers: []string{}}
	var at sql.NullInt64
	if err := db.queryRowRead(ctx, `SELECT (SELECT at FROM interests_updated WHERE account_id = ?)`, accountID).Scan(&at); err != nil {
		return nil, err
	}
	in.UpdatedAt = timeFromNull(at)
	rows, err := db.queryRead(ctx, `SELECT kind, value FROM interests WHERE account_id = ? ORDER BY kind, position`, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, v string
		if err := rows.Scan(&kind, &v); err != nil {
			return nil, err
		}
		switch kind {
		case "category":
			in.Categories = append(in.Categories, v)
		case "author":
			in.Authors = append(in.Authors, v)
		case "paper":
			in.Papers = append(in.Papers, v)
		}
	}
	return in, rows.Err()
}

// FindEmbeddingsByPapers returns the stored vectors of model for the papers
// among paperIDs, in their order (see quire.SignalStore).
func (db *DB) FindEmbeddingsByPapers(ctx context.Context, model string, paperIDs []string) (_ []quire.Embedding, err error) {
	defer quire.Wrap(&err, "FindEmbeddingsByPapers(%q, %d ids)", model, len(paperIDs))
	want := input.LookupIDs(paperIDs)
	if len(want) == 0 || !input.Storable(model) {
		return []quire.Embedding{}, nil
	}
	rows, err := db.queryRead(ctx, `SELECT paper_id, vector FROM embeddings
		WHERE model = ? AND paper_id IN (SELECT value FROM json_each(?))`, model, jsonText(want))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := make(map[string][]byte, len(want))
	for rows.Next() {
		var id string
		var v []byte
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		found[id] = v
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]quire.Embedding, 0, len(found))
	for _, id := range want {
		if v, ok := found[id]; ok {
			out = append(out, quire.Embedding{PaperID: id, Vector: v})
		}
	}
	return out, nil
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"quire"
	"quire/internal/store/input"
)

// SaveModel stores an embedding model, replacing one of the same name. Its
// CreatedAt is kept to the second; a zero CreatedAt records the time of
// saving.
func (db *DB) SaveModel(ctx context.Context, m *quire.Model) (err error) {
	defer quire.Wrap(&err, "SaveModel(%q)", m.Name)
	if err := input.CheckModel(m); err != nil {
		return err
	}
	data := m.Data
	if data == nil {
		data = []byte{} // NOT NULL: an empty model is still a value
	}
	_, err = db.write.ExecContext(ctx, `INSERT INTO models (name, kind, data, created_at)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, data = excluded.data,
			created_at = excluded.created_at`,
		m.Name, m.Kind, data, input.OrNow(m.CreatedAt).Unix())
	return err
}

// FindModel returns the model with name, or an error of kind
// quire.ErrNotFound.
func (db *DB) FindModel(ctx context.Context, name string) (_ *quire.Model, err error) {
	defer quire.Wrap(&err, "FindModel(%q)", name)
	if !input.Storable(name) {
		return nil, quire.ErrNotFound
	}
	m := &quire.Model{}
	var created int64
	// Not through the statement cache: models are read once at start.
	err = db.read.QueryRowContext(ctx, `SELECT name, kind, data, created_at FROM models WHERE name = ?`,
		name).Scan(&m.Name, &m.Kind, &m.Data, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, quire.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if len(m.Data) == 0 {
		m.Data = nil
	}
	m.CreatedAt = time.Unix(created, 0).UTC()
	return m, nil
}

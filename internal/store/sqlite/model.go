package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"quire"
)

// SaveModel stores an embedding model, replacing one of the same name. Its
// CreatedAt is kept to the second; a zero CreatedAt records the time of
// saving.
func (db *DB) SaveModel(ctx context.Context, m *quire.Model) (err error) {
	defer quire.Wrap(&err, "SaveModel(%q)", m.Name)
	if err := checkModel(m); err != nil {
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
		m.Name, m.Kind, data, modelTime(m.CreatedAt).Unix())
	return err
}

// checkModel refuses a model that a store cannot keep as it is.
func checkModel(m *quire.Model) error {
	if !storable(m.Name) {
		return quire.Invalidf("model name %q is empty or not valid text", m.Name)
	}
	if !storable(m.Kind) {
		return quire.Invalidf("model %q has a kind %q that is empty or not valid text", m.Name, m.Kind)
	}
	if !m.CreatedAt.IsZero() && (m.CreatedAt.Year() < 1 || m.CreatedAt.Year() > 9999) {
		return quire.Invalidf("model %q has a creation time outside the years 1-9999", m.Name)
	}
	return nil
}

// modelTime is the creation time a model is stored with.
func modelTime(t time.Time) time.Time {
	if t.IsZero() {
		t = time.Now()
	}
	return t.UTC().Truncate(time.Second)
}

// FindModel returns the model with name, or an error of kind
// quire.ErrNotFound.
func (db *DB) FindModel(ctx context.Context, name string) (_ *quire.Model, err error) {
	defer quire.Wrap(&err, "FindModel(%q)", name)
	if !storable(name) {
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

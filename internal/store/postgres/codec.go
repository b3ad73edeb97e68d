package postgres

import (
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"quire"
)

// Values cross the driver boundary in these forms: the zero time as NULL,
// days as date, lists as text[] (never NULL), versions as a jsonb array.
// Read back, empty lists are nil, as the SQLite backend returns them.

func timeOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func timeFromNull(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// dayOf is the date value of the UTC day holding t.
func dayOf(t time.Time) time.Time { return quire.TruncateDay(t) }

func dayFromNull(d pgtype.Date) time.Time {
	if !d.Valid {
		return time.Time{}
	}
	y, m, dd := d.Time.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
}

// textArray keeps a nil list from becoming a NULL array.
func textArray(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// versionsJSON fails only for a time outside years 0-9999.
func versionsJSON(v []quire.Version) (string, error) {
	if len(v) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

func versionsFromJSON(b []byte) ([]quire.Version, error) {
	var v []quire.Version
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	if len(v) == 0 {
		return nil, nil
	}
	return v, nil
}

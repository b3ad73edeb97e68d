package sqlite

import (
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"quire"
)

// Values cross the driver boundary in these forms: times as Unix seconds
// (NULL for the zero time), days as "YYYY-MM-DD", lists as JSON arrays.

func unixOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

func timeFromNull(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(n.Int64, 0).UTC()
}

func dayText(t time.Time) string { return t.UTC().Format(quire.DayLayout) }

func dayFromText(s string) (time.Time, error) { return time.Parse(quire.DayLayout, s) }

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only slices of strings and versions reach here
	}
	if string(b) == "null" {
		return "[]"
	}
	return string(b)
}

// jsonStrings decodes a JSON array of strings. Lists are read on every page
// view, so the common case, an array whose strings hold no escapes, is split
// directly: without a backslash, `","` can only separate two elements.
func jsonStrings(s string) ([]string, error) {
	if s == "" || s == "[]" {
		return nil, nil
	}
	if len(s) >= 4 && strings.HasPrefix(s, `["`) && strings.HasSuffix(s, `"]`) && !strings.Contains(s, `\`) {
		return strings.Split(s[2:len(s)-2], `","`), nil
	}
	var v []string
	err := json.Unmarshal([]byte(s), &v)
	return v, err
}

func jsonVersions(s string) ([]quire.Version, error) {
	if s == "" || s == "[]" {
		return nil, nil
	}
	var v []quire.Version
	err := json.Unmarshal([]byte(s), &v)
	return v, err
}

package hfdaily

import (
	"bytes"
	"encoding/json"
)

// Format is a JSON-lines format of daily-papers data.
type Format int

// The formats Sniff tells apart.
const (
	FormatUnknown Format = iota
	// FormatDayLine is the by-day archive read by ParseDayLine.
	FormatDayLine
	// FormatItem is one API item per line, read by ParseItem.
	FormatItem
)

// String names the format for messages.
func (f Format) String() string {
	switch f {
	case FormatDayLine:
		return "daily-papers day"
	case FormatItem:
		return "daily-papers item"
	}
	return "unknown"
}

// Sniff tells from the first line of a JSON-lines file which daily-papers
// format it holds: a day ("date" and "papers") or an item ("paper").
func Sniff(line []byte) Format {
	var keys struct {
		Date   json.RawMessage `json:"date"`
		Papers json.RawMessage `json:"papers"`
		Paper  json.RawMessage `json:"paper"`
	}
	line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
	if json.Unmarshal(line, &keys) != nil {
		return FormatUnknown
	}
	switch {
	case keys.Date != nil && startsWith(keys.Papers, '['):
		return FormatDayLine
	case startsWith(keys.Paper, '{'):
		return FormatItem
	}
	return FormatUnknown
}

func startsWith(raw json.RawMessage, c byte) bool {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	return len(raw) > 0 && raw[0] == c
}

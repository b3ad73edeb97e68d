package arxiv

import (
	"bytes"
	"encoding/json"
)

// Format is a JSON-lines format of arXiv metadata.
type Format int

// The formats Sniff tells apart.
const (
	FormatUnknown Format = iota
	// FormatListing is the arXiv listing format read by ParseListing.
	FormatListing
	// FormatKaggle is the Kaggle metadata snapshot format read by ParseKaggle.
	FormatKaggle
)

// String names the format for messages.
func (f Format) String() string {
	switch f {
	case FormatListing:
		return "arXiv listing"
	case FormatKaggle:
		return "Kaggle arXiv snapshot"
	}
	return "unknown"
}

// Sniff tells from the first line of a JSON-lines file which arXiv format
// it holds, by the keys of its object. Listings have listing_date, or abs or
// pdf links with authors as an array; the Kaggle snapshot has
// authors_parsed, versions or update_date, or authors as a string.
func Sniff(line []byte) Format {
	var keys struct {
		ListingDate   json.RawMessage `json:"listing_date"`
		Abs           json.RawMessage `json:"abs"`
		PDF           json.RawMessage `json:"pdf"`
		Authors       json.RawMessage `json:"authors"`
		AuthorsParsed json.RawMessage `json:"authors_parsed"`
		Versions      json.RawMessage `json:"versions"`
		UpdateDate    json.RawMessage `json:"update_date"`
	}
	if json.Unmarshal(trimBOM(line), &keys) != nil {
		return FormatUnknown
	}
	switch {
	case keys.ListingDate != nil:
		return FormatListing
	case keys.AuthorsParsed != nil || keys.Versions != nil || keys.UpdateDate != nil || startsWith(keys.Authors, '"'):
		return FormatKaggle
	case (startsWith(keys.Abs, '"') || startsWith(keys.PDF, '"')) && startsWith(keys.Authors, '['):
		return FormatListing
	}
	return FormatUnknown
}

// startsWith reports whether the JSON value raw begins with c (a string
// with '"', an array with '[').
func startsWith(raw json.RawMessage, c byte) bool {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	return len(raw) > 0 && raw[0] == c
}

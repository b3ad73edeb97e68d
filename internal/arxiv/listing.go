package arxiv

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"quire"
)

// listingRecord is one line of an arXiv listing file: the papers announced
// in arXiv's daily "new submissions" lists. The abs and pdf links repeat the
// id and are not read.
type listingRecord struct {
	ListingDate string   `json:"listing_date"`
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Authors     []string `json:"authors"`
	Categories  []string `json:"categories"`
	Comment     string   `json:"comment"` // null when the paper has none
	Summary     string   `json:"summary"`
}

// ParseListing parses one line of an arXiv listing JSON-lines file:
//
//	{"listing_date":"2025-03-19","id":"2503.13531","pdf":"…","abs":"…",
//	 "authors":["…"],"title":"…","categories":["cs.CV","cs.AI"],
//	 "comment":"…"|null,"summary":"…"}
//
// The listing date, the day the paper was announced, becomes PublishedAt at
// midnight UTC: listings carry no better date. The returned paper is
// normalised and valid; malformed lines are errors of kind quire.ErrInvalid.
func ParseListing(line []byte) (*quire.Paper, error) {
	var r listingRecord
	if err := json.Unmarshal(trimBOM(line), &r); err != nil {
		return nil, jsonError("arXiv listing record", err)
	}
	if strings.TrimSpace(r.ID) == "" {
		return nil, quire.Invalidf("arXiv listing record has no id")
	}
	id, version, err := ParseID(r.ID)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(r.Title) == "" {
		return nil, quire.Invalidf("arXiv listing record %s has no title", id)
	}
	p := &quire.Paper{
		ID:         id,
		Version:    version,
		Title:      r.Title,
		Authors:    r.Authors,
		Abstract:   r.Summary,
		Categories: cleanCategories(r.Categories),
		Comments:   r.Comment,
		CodeURL:    FindCodeURL(r.Summary, r.Comment),
	}
	if r.ListingDate != "" {
		day, err := quire.ParseDay(r.ListingDate)
		if err != nil {
			return nil, quire.Invalidf("arXiv listing record %s: listing_date: %s", id, quire.UserMessage(err))
		}
		p.PublishedAt = day
	}
	p.Normalize()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// cleanCategories trims each category and drops empty and repeated ones,
// keeping the order (the primary category comes first).
func cleanCategories(cats []string) []string {
	out := cats[:0]
	for _, c := range cats {
		c = strings.TrimSpace(c)
		if c == "" || slices.Contains(out, c) {
			continue
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// trimBOM drops a UTF-8 byte order mark, which editors put at the start of
// the first line of some files.
func trimBOM(b []byte) []byte {
	return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
}

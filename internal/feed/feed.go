// Package feed writes Atom 1.0 (RFC 4287) and RSS 2.0 documents for lists
// of papers.
package feed

import (
	"strings"
	"time"
	"unicode/utf8"
)

// MaxEntries is the most entries a feed of the site holds: readers poll
// feeds often, and fifty papers cover the busiest day's list.
const MaxEntries = 50

// Feed is one feed document, in terms both formats share.
type Feed struct {
	// ID is the feed's permanent, absolute IRI (Atom's id).
	ID    string
	Title string
	// Subtitle describes the feed (Atom's subtitle, RSS's description).
	Subtitle string
	// Self is the absolute URL of the feed document; Alternate that of
	// the HTML page it mirrors.
	Self      string
	Alternate string
	// Author names who publishes the feed. Atom requires an author for
	// every entry; the feed's stands in for entries without one.
	Author string
	// Updated is when anything in the feed last changed; zero means the
	// newest entry's Updated.
	Updated time.Time
	Entries []Entry
}

// Entry is one paper of a feed.
type Entry struct {
	// ID is the entry's permanent, absolute IRI: Atom's id and RSS's guid.
	// It must not change when the paper or the feed is rewritten.
	ID    string
	Title string
	// Link is the absolute URL of the paper's page.
	Link string
	// Summary is plain text, not HTML.
	Summary    string
	Authors    []string
	Categories []string
	// Published is when the paper first appeared; Updated when it last
	// changed (at least Published).
	Published time.Time
	Updated   time.Time
}

// Newest returns the latest Updated of f's entries, or the zero time when
// f has none.
func (f *Feed) Newest() time.Time {
	var t time.Time
	for _, e := range f.Entries {
		if e.Updated.After(t) {
			t = e.Updated
		}
	}
	return t
}

// epoch stands in for the date of a feed without any: a fixed time keeps
// the document, and so its ETag, the same from one request to the next.
var epoch = time.Unix(0, 0).UTC()

// updated is the feed's date: Updated, or else its newest entry's.
func (f *Feed) updated() time.Time {
	if !f.Updated.IsZero() {
		return f.Updated
	}
	return f.Newest()
}

// Clean returns s without what XML 1.0 cannot hold: characters outside its
// Char production (the C0 controls but tab, newline and carriage return;
// surrogates; U+FFFE and U+FFFF) and invalid UTF-8. Paper data comes from
// many sources, and a single such byte makes the whole document
// unparseable for strict readers.
func Clean(s string) string {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isXMLChar(r) || (r == utf8.RuneError && n == 1) {
			return clean(s, i)
		}
		i += n
	}
	return s
}

// clean is Clean for a string whose first bad character is at i.
func clean(s string, i int) string {
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		// Invalid UTF-8 decodes as utf8.RuneError of width 1; a real
		// U+FFFD in the input is kept.
		if isXMLChar(r) && !(r == utf8.RuneError && n == 1) {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// isXMLChar reports whether r is in XML 1.0's Char production.
func isXMLChar(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r':
		return true
	case r < 0x20:
		return false
	case r <= 0xD7FF:
		return true
	case r < 0xE000:
		return false
	case r <= 0xFFFD:
		return true
	default:
		return r >= 0x10000 && r <= 0x10FFFF
	}
}

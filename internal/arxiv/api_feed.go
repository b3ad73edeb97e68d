package arxiv

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"quire"
)

// APIFeed is one response of the arXiv API: an Atom feed of papers.
type APIFeed struct {
	// TotalResults is the feed's opensearch:totalResults, or -1 when the
	// feed has none. arXiv has reported 1 for a query that matched nothing,
	// so callers should count Papers rather than trust it.
	TotalResults int
	// Papers are the feed's entries in feed order, normalised and valid.
	Papers []*quire.Paper
}

// The XML shape of an API response. Elements are matched by local name
// only: arXiv has moved its namespace declarations around over the years
// (per element, then on the root), and no two of the elements read here
// share a local name.
type atomFeed struct {
	XMLName      xml.Name    `xml:"feed"`
	TotalResults string      `xml:"totalResults"`
	Entries      []atomEntry `xml:"entry"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Summary    string         `xml:"summary"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Authors    []atomAuthor   `xml:"author"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Primary    atomCategory   `xml:"primary_category"`
	Comment    string         `xml:"comment"`
	JournalRef string         `xml:"journal_ref"`
	DOI        string         `xml:"doi"`
}

// atomAuthor is an <author>. Its <arxiv:affiliation>, if any, is not read:
// quire.Paper has no place for it.
type atomAuthor struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

// apiTimeLayout is the layout of <published> and <updated>:
// "2007-02-27T16:02:02-05:00" or "2025-06-13T12:17:38Z".
const apiTimeLayout = time.RFC3339

// ParseAPIFeed parses a response body of the arXiv API query method
// (https://info.arxiv.org/help/api/user-manual.html). Each entry becomes a
// normalised, valid quire.Paper: the canonical id and version come from the
// entry's <id> link, categories start with the primary one, and a code link
// is looked for in the abstract and comments. Entries with neither id nor
// title, which arXiv has sent in place of papers it does not have, are
// skipped.
//
// An error feed (a single entry whose id is http://arxiv.org/api/errors#…)
// is returned as an *APIError. A body that is not such an Atom feed, or an
// entry that cannot be read, is an error of kind quire.ErrInvalid.
func ParseAPIFeed(body []byte) (*APIFeed, error) {
	var f atomFeed
	d := xml.NewDecoder(bytes.NewReader(trimBOM(body)))
	if err := d.Decode(&f); err != nil {
		return nil, feedSyntaxError(body, err)
	}
	if apiErr := errorEntry(f.Entries); apiErr != nil {
		return nil, apiErr
	}
	feed := &APIFeed{TotalResults: -1}
	if s := strings.TrimSpace(f.TotalResults); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return nil, quire.Invalidf("arXiv API response: totalResults %q is not a count", clipString(s))
		}
		feed.TotalResults = n
	}
	for i := range f.Entries {
		e := &f.Entries[i]
		if strings.TrimSpace(e.ID) == "" && strings.TrimSpace(e.Title) == "" {
			continue
		}
		p, err := e.paper()
		if err != nil {
			return nil, err
		}
		feed.Papers = append(feed.Papers, p)
	}
	return feed, nil
}

// feedSyntaxError explains why body is not an Atom feed without echoing it.
func feedSyntaxError(body []byte, err error) error {
	var se *xml.SyntaxError
	var ue xml.UnmarshalError
	switch {
	case len(bytes.TrimSpace(body)) == 0:
		return quire.Invalidf("arXiv API response is empty")
	case !bytes.Contains(body, []byte("<")):
		return quire.Invalidf("arXiv API response is not XML")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return quire.Invalidf("arXiv API response ends before the feed is complete")
	case errors.As(err, &se) && strings.Contains(se.Msg, "unexpected EOF"):
		return quire.Invalidf("arXiv API response ends before the feed is complete (line %d)", se.Line)
	case errors.As(err, &se):
		return quire.Invalidf("arXiv API response is not valid XML (line %d: %s)", se.Line, clipString(se.Msg))
	case errors.As(err, &ue) && strings.HasPrefix(string(ue), "expected element type"):
		return quire.Invalidf("arXiv API response is not an Atom feed")
	case strings.Contains(err.Error(), "CharsetReader"):
		return quire.Invalidf("arXiv API response is not encoded in UTF-8")
	}
	return quire.Invalidf("arXiv API response is not a readable Atom feed")
}

// errorEntry returns the error that an error feed reports, or nil. arXiv
// marks such an entry by its id, http(s)://arxiv.org/api/errors#<slug>, and
// puts the message in <summary>.
func errorEntry(entries []atomEntry) *APIError {
	for _, e := range entries {
		id := strings.ToLower(strings.TrimSpace(e.ID))
		if !strings.Contains(id, "arxiv.org/api/errors") {
			continue
		}
		msg := quire.OneLine(e.Summary)
		if msg == "" {
			_, slug, _ := strings.Cut(strings.TrimSpace(e.ID), "#")
			msg = strings.ReplaceAll(slug, "_", " ")
		}
		if msg == "" {
			msg = "unspecified error"
		}
		return newAPIError(0, clipMessage(msg))
	}
	return nil
}

// paper converts one entry.
func (e *atomEntry) paper() (*quire.Paper, error) {
	rawID := strings.TrimSpace(e.ID)
	if rawID == "" {
		rawID = e.link("alternate")
	}
	if rawID == "" {
		return nil, quire.Invalidf("arXiv API response has an entry without an id (title %q)", clipString(quire.OneLine(e.Title)))
	}
	id, version, err := ParseID(rawID)
	if err != nil {
		return nil, quire.Invalidf("arXiv API response has an entry with id %s: %s", quote(rawID), quire.UserMessage(err))
	}
	p := &quire.Paper{
		ID:         id,
		Version:    version,
		Title:      e.Title,
		Abstract:   e.Summary,
		Categories: e.categories(),
		Comments:   e.Comment,
		JournalRef: e.JournalRef,
		DOI:        strings.TrimSpace(e.DOI),
		CodeURL:    FindCodeURL(e.Summary, e.Comment),
	}
	if p.DOI == "" {
		p.DOI = doiFromLinks(e.Links)
	}
	for _, a := range e.Authors {
		p.Authors = append(p.Authors, apiAuthorName(a.Name))
	}
	if p.PublishedAt, err = apiTime(id, "published", e.Published); err != nil {
		return nil, err
	}
	if p.UpdatedAt, err = apiTime(id, "updated", e.Updated); err != nil {
		return nil, err
	}
	p.Normalize()
	if err := p.Validate(); err != nil {
		return nil, quire.Invalidf("arXiv API response: %s", quire.UserMessage(err))
	}
	return p, nil
}

// link returns the href of the entry's link with the given rel, or "".
func (e *atomEntry) link(rel string) string {
	for _, l := range e.Links {
		if l.Rel == rel {
			return strings.TrimSpace(l.Href)
		}
	}
	return ""
}

// categories returns the arXiv categories, primary first, without repeats.
// Entries also list ACM and MSC classes ("I.2.6", "68T05") as categories;
// those are not arXiv categories and are dropped.
func (e *atomEntry) categories() []string {
	var out []string
	add := func(term string) {
		term = strings.TrimSpace(term)
		if isArxivCategory(term) && !slices.Contains(out, term) {
			out = append(out, term)
		}
	}
	add(e.Primary.Term)
	for _, c := range e.Categories {
		add(c.Term)
	}
	return out
}

// isArxivCategory reports whether term looks like an arXiv category:
// "hep-th", "cs.CL", "cond-mat.mtrl-sci", "q-fin.ST". Archives are lower
// case; no arXiv category contains a digit, while ACM and MSC classes do.
func isArxivCategory(term string) bool {
	if term == "" || len(term) > 40 || term[0] < 'a' || term[0] > 'z' {
		return false
	}
	for i := 0; i < len(term); i++ {
		if c := term[i]; !isLetter(c) && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// doiFromLinks finds the DOI in a link to a DOI resolver, for entries that
// give the link without an <arxiv:doi> element.
func doiFromLinks(links []atomLink) string {
	for _, l := range links {
		href := strings.TrimSpace(l.Href)
		for _, prefix := range []string{"http://dx.doi.org/", "https://dx.doi.org/", "http://doi.org/", "https://doi.org/"} {
			if doi, ok := strings.CutPrefix(href, prefix); ok && strings.HasPrefix(doi, "10.") {
				return doi
			}
		}
	}
	return ""
}

// apiAuthorName cleans an author name as ParseKaggle does, so that the same
// paper read from either source has the same names: LaTeX accents become
// Unicode and hyphenated initials "C. -P." are written "C.-P.".
func apiAuthorName(name string) string {
	return latexToUnicode(strings.ReplaceAll(quire.OneLine(name), ". -", ".-"))
}

// apiTime parses an entry date; an absent date is the zero time.
func apiTime(id, field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(apiTimeLayout, s)
	if err != nil {
		return time.Time{}, quire.Invalidf("arXiv API response: %s of %s is %q, not a date like 2006-01-02T15:04:05Z", field, id, clipString(s))
	}
	return t, nil
}

// clipMessage shortens a message from arXiv to a length fit for a page.
func clipMessage(s string) string {
	const max = 300
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "…"
}

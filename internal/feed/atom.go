package feed

import (
	"encoding/xml"
	"io"
	"time"
)

// AtomNS is the namespace of Atom 1.0.
const AtomNS = "http://www.w3.org/2005/Atom"

// atomFeed and the types below mirror the elements of RFC 4287 that Quire
// writes, in the order the RFC lists them.
type atomFeed struct {
	XMLName  xml.Name     `xml:"http://www.w3.org/2005/Atom feed"`
	ID       string       `xml:"id"`
	Title    atomText     `xml:"title"`
	Subtitle *atomText    `xml:"subtitle,omitempty"`
	Updated  string       `xml:"updated"`
	Author   *atomPerson  `xml:"author,omitempty"`
	Links    []atomLink   `xml:"link"`
	Entries  []*atomEntry `xml:"entry"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Authors    []atomPerson   `xml:"author"`
	Link       *atomLink      `xml:"link,omitempty"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

// WriteAtom writes f as an Atom 1.0 document.
func WriteAtom(w io.Writer, f *Feed) error {
	af := &atomFeed{
		ID:      Clean(f.ID),
		Title:   plain(f.Title),
		Updated: atomDate(f.updated()),
	}
	if f.updated().IsZero() {
		// RFC 4287 requires a date.
		af.Updated = atomDate(epoch)
	}
	if s := Clean(f.Subtitle); s != "" {
		af.Subtitle = &atomText{Type: "text", Text: s}
	}
	if a := Clean(f.Author); a != "" {
		af.Author = &atomPerson{Name: a}
	}
	if f.Self != "" {
		af.Links = append(af.Links, atomLink{Rel: "self", Type: "application/atom+xml", Href: Clean(f.Self)})
	}
	if f.Alternate != "" {
		af.Links = append(af.Links, atomLink{Rel: "alternate", Type: "text/html", Href: Clean(f.Alternate)})
	}
	for i := range f.Entries {
		e := &f.Entries[i]
		updated := latest(e.Updated, e.Published)
		if updated.IsZero() {
			// RFC 4287 requires a date; the feed's is the best guess.
			updated = f.updated()
		}
		ae := &atomEntry{
			ID:      Clean(e.ID),
			Title:   plain(e.Title),
			Updated: atomDate(updated),
		}
		if updated.IsZero() {
			ae.Updated = atomDate(epoch)
		}
		if !e.Published.IsZero() {
			ae.Published = atomDate(e.Published)
		}
		for _, a := range e.Authors {
			if a = Clean(a); a != "" {
				ae.Authors = append(ae.Authors, atomPerson{Name: a})
			}
		}
		if e.Link != "" {
			ae.Link = &atomLink{Rel: "alternate", Type: "text/html", Href: Clean(e.Link)}
		}
		for _, c := range e.Categories {
			if c = Clean(c); c != "" {
				ae.Categories = append(ae.Categories, atomCategory{Term: c})
			}
		}
		if s := Clean(e.Summary); s != "" {
			ae.Summary = &atomText{Type: "text", Text: s}
		}
		af.Entries = append(af.Entries, ae)
	}
	return encode(w, af)
}

func plain(s string) atomText { return atomText{Type: "text", Text: Clean(s)} }

// atomDate formats t as RFC 3339 in UTC, as RFC 4287's date constructs
// require.
func atomDate(t time.Time) string { return clampDate(t).Format(time.RFC3339) }

// latest returns the later of a and b.
func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// clampDate keeps t within the four-digit years both date formats can
// express, in UTC.
func clampDate(t time.Time) time.Time {
	t = t.UTC().Truncate(time.Second)
	lo := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	hi := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	switch {
	case t.Before(lo):
		return lo
	case t.After(hi):
		return hi
	}
	return t
}

// encode writes v after the XML declaration.
func encode(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

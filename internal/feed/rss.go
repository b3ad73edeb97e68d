package feed

import (
	"encoding/xml"
	"io"
	"time"
)

// rssDate is RFC 822's date-time with a four-digit year, as RSS 2.0
// recommends.
const rssDate = time.RFC1123Z

// rssDoc and the types below are the RSS 2.0 elements Quire writes. The
// prefixed names are written as they are: encoding/xml cannot declare a
// prefix itself, so the root declares atom: and dc: by hand.
type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	AtomNS  string     `xml:"xmlns:atom,attr"`
	DCNS    string     `xml:"xmlns:dc,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	AtomLink      *rssSelf  `xml:"atom:link,omitempty"`
	LastBuildDate string    `xml:"lastBuildDate,omitempty"`
	Generator     string    `xml:"generator,omitempty"`
	Items         []rssItem `xml:"item"`
}

type rssSelf struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssItem struct {
	Title       string   `xml:"title"`
	Link        string   `xml:"link,omitempty"`
	Description string   `xml:"description,omitempty"`
	Creators    []string `xml:"dc:creator"`
	Categories  []string `xml:"category"`
	GUID        rssGUID  `xml:"guid"`
	PubDate     string   `xml:"pubDate,omitempty"`
}

type rssGUID struct {
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	ID          string `xml:",chardata"`
}

// DCNS is the namespace of the Dublin Core elements; RSS items name their
// authors with dc:creator, since RSS's own author element holds an e-mail
// address.
const DCNS = "http://purl.org/dc/elements/1.1/"

// WriteRSS writes f as an RSS 2.0 document, with an atom:link to itself as
// the RSS Advisory Board recommends.
func WriteRSS(w io.Writer, f *Feed) error {
	ch := rssChannel{
		Title:       Clean(f.Title),
		Link:        Clean(f.Alternate),
		Description: Clean(f.Subtitle),
		Generator:   "Quire",
	}
	if ch.Description == "" {
		// RSS requires a description.
		ch.Description = ch.Title
	}
	if f.Self != "" {
		ch.AtomLink = &rssSelf{Href: Clean(f.Self), Rel: "self", Type: "application/rss+xml"}
	}
	if t := f.updated(); !t.IsZero() {
		ch.LastBuildDate = clampDate(t).Format(rssDate)
	}
	for i := range f.Entries {
		e := &f.Entries[i]
		it := rssItem{
			Title:       Clean(e.Title),
			Link:        Clean(e.Link),
			Description: Clean(e.Summary),
			// The guid is a permalink only when it is the page's URL; a
			// tag: URI is not.
			GUID: rssGUID{IsPermaLink: e.ID == e.Link && e.Link != "", ID: Clean(e.ID)},
		}
		for _, a := range e.Authors {
			if a = Clean(a); a != "" {
				it.Creators = append(it.Creators, a)
			}
		}
		for _, c := range e.Categories {
			if c = Clean(c); c != "" {
				it.Categories = append(it.Categories, c)
			}
		}
		pub := e.Published
		if pub.IsZero() {
			pub = e.Updated
		}
		if !pub.IsZero() {
			it.PubDate = clampDate(pub).Format(rssDate)
		}
		ch.Items = append(ch.Items, it)
	}
	return encode(w, &rssDoc{Version: "2.0", AtomNS: AtomNS, DCNS: DCNS, Channel: ch})
}

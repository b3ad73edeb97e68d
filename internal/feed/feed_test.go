package feed_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mmcdole/gofeed"

	"quire/internal/arxiv"
	"quire/internal/feed"
)

// MustSampleFeed is a feed of one real arXiv paper, with control
// characters slipped into its fields as some sources deliver them.
func MustSampleFeed(tb testing.TB) *feed.Feed {
	tb.Helper()
	data, err := os.ReadFile("testdata/kaggle_0704.0001.json")
	if err != nil {
		tb.Fatal(err)
	}
	p, err := arxiv.ParseKaggle(data)
	if err != nil {
		tb.Fatal(err)
	}
	link := "https://quire.example/papers/" + p.ID
	return &feed.Feed{
		ID:        "https://quire.example/papers/date/2007-04-02",
		Title:     "Papers of Apr 2, 2007 · Quire",
		Subtitle:  "Trending arXiv papers <of> the day & more",
		Self:      "https://quire.example/papers/date/2007-04-02/feed.atom",
		Alternate: "https://quire.example/papers/date/2007-04-02",
		Author:    "Quire",
		Entries: []feed.Entry{{
			ID:         link,
			Title:      p.Title + "\x00\x1b",
			Link:       link,
			Summary:    "\x0c" + p.Abstract[:200] + "\xff",
			Authors:    append(p.Authors, "\x01"),
			Categories: p.Categories,
			Published:  p.PublishedAt,
			Updated:    p.UpdatedAt,
		}},
	}
}

func TestClean(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"tab\tnew\nline\rcr", "tab\tnew\nline\rcr"},
		{"nul\x00bell\x07esc\x1b", "nulbellesc"},
		{"bad\xff\xfeutf8", "badutf8"},
		{"kept \uFFFD replacement", "kept \uFFFD replacement"},
		{"non-characters \uFFFE\uFFFF", "non-characters "},
		{"astral 𝔸 and ü", "astral 𝔸 and ü"},
		{"\x7f\u0085 C1 and DEL are allowed", "\x7f\u0085 C1 and DEL are allowed"},
	} {
		if got := feed.Clean(tc.in); got != tc.want {
			t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// atomDoc is what RFC 4287 requires of a feed and its entries, plus the
// fields Quire writes.
type atomDoc struct {
	XMLName  xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID       string   `xml:"id"`
	Title    string   `xml:"title"`
	Subtitle string   `xml:"subtitle"`
	Updated  string   `xml:"updated"`
	Author   string   `xml:"author>name"`
	Links    []link   `xml:"link"`
	Entries  []entry  `xml:"entry"`
}

type entry struct {
	ID         string   `xml:"id"`
	Title      string   `xml:"title"`
	Updated    string   `xml:"updated"`
	Published  string   `xml:"published"`
	Authors    []string `xml:"author>name"`
	Links      []link   `xml:"link"`
	Categories []struct {
		Term string `xml:"term,attr"`
	} `xml:"category"`
	Summary string `xml:"summary"`
}

type link struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
}

func TestWriteAtom(t *testing.T) {
	f := MustSampleFeed(t)
	var buf bytes.Buffer
	if err := feed.WriteAtom(&buf, f); err != nil {
		t.Fatal(err)
	}
	var got atomDoc
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("output does not parse: %v\n%s", err, buf.String())
	}
	e := f.Entries[0]
	want := atomDoc{
		XMLName:  xml.Name{Space: feed.AtomNS, Local: "feed"},
		ID:       f.ID,
		Title:    f.Title,
		Subtitle: f.Subtitle,
		// An unset Updated is the newest entry's.
		Updated: "2007-07-24T20:10:27Z",
		Author:  "Quire",
		Links:   []link{{"self", f.Self}, {"alternate", f.Alternate}},
		Entries: []entry{{
			ID:        e.ID,
			Title:     strings.TrimSuffix(e.Title, "\x00\x1b"),
			Updated:   "2007-07-24T20:10:27Z",
			Published: "2007-04-02T19:18:42Z",
			Authors:   []string{"C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"},
			Links:     []link{{"alternate", e.Link}},
			Categories: []struct {
				Term string `xml:"term,attr"`
			}{{"hep-ph"}},
			Summary: strings.TrimSuffix(strings.TrimPrefix(e.Summary, "\x0c"), "\xff"),
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("WriteAtom mismatch (-want +got):\n%s", diff)
	}
	validateAtom(t, buf.Bytes())
}

func TestWriteRSS(t *testing.T) {
	f := MustSampleFeed(t)
	f.Updated = time.Date(2025, 6, 16, 8, 30, 0, 0, time.FixedZone("CEST", 2*3600))
	var buf bytes.Buffer
	if err := feed.WriteRSS(&buf, f); err != nil {
		t.Fatal(err)
	}
	got, err := gofeed.NewParser().Parse(&buf)
	if err != nil {
		t.Fatalf("gofeed cannot parse the output: %v", err)
	}
	if got.FeedType != "rss" || got.FeedVersion != "2.0" {
		t.Errorf("feed type %s %s, want rss 2.0", got.FeedType, got.FeedVersion)
	}
	if got.Title != f.Title || got.Link != f.Alternate || got.FeedLink != f.Self {
		t.Errorf("channel title %q, link %q, self %q", got.Title, got.Link, got.FeedLink)
	}
	if got.UpdatedParsed == nil || !got.UpdatedParsed.Equal(f.Updated) {
		t.Errorf("lastBuildDate %q, want %v", got.Updated, f.Updated)
	}
	if len(got.Items) != 1 {
		t.Fatalf("%d items, want 1", len(got.Items))
	}
	it, e := got.Items[0], f.Entries[0]
	// gofeed's universal item keeps the first dc:creator only.
	var authors []string
	if it.DublinCoreExt != nil {
		authors = it.DublinCoreExt.Creator
	}
	type item struct {
		Title, Link, GUID, Description string
		Authors, Categories            []string
		Published                      time.Time
	}
	want := item{
		Title:       strings.TrimSuffix(e.Title, "\x00\x1b"),
		Link:        e.Link,
		GUID:        e.ID,
		Description: strings.TrimSuffix(strings.TrimPrefix(e.Summary, "\x0c"), "\xff"),
		Authors:     []string{"C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"},
		Categories:  []string{"hep-ph"},
		Published:   e.Published,
	}
	var pub time.Time
	if it.PublishedParsed != nil {
		pub = *it.PublishedParsed
	}
	// gofeed trims the white space around texts.
	gotItem := item{Title: it.Title, Link: it.Link, GUID: it.GUID, Description: it.Description, Authors: authors, Categories: it.Categories, Published: pub}
	want.Title = strings.TrimSpace(want.Title)
	want.Description = strings.TrimSpace(want.Description)
	if diff := cmp.Diff(want, gotItem, cmp.Comparer(time.Time.Equal)); diff != "" {
		t.Errorf("WriteRSS item mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(rss(t, f), `<guid isPermaLink="true">`) {
		t.Error("guid equal to the link is not marked as a permalink")
	}
}

// rss returns f written as RSS.
func rss(tb testing.TB, f *feed.Feed) string {
	tb.Helper()
	var b strings.Builder
	if err := feed.WriteRSS(&b, f); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

// TestEmptyFeed checks that a feed without entries is still valid, with a
// fixed date so that its ETag stays the same.
func TestEmptyFeed(t *testing.T) {
	f := &feed.Feed{ID: "https://quire.example/papers/feed?q=nothing", Title: "Search", Self: "https://quire.example/papers/feed.atom?q=nothing"}
	var a, b bytes.Buffer
	if err := feed.WriteAtom(&a, f); err != nil {
		t.Fatal(err)
	}
	if err := feed.WriteAtom(&b, f); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("an empty feed is written differently twice")
	}
	validateAtom(t, a.Bytes())
	if _, err := gofeed.NewParser().ParseString(rss(t, f)); err != nil {
		t.Errorf("empty RSS feed: %v", err)
	}
}

// TestAtomSchema checks that the schema used by the tests rejects what RFC
// 4287 forbids, so that passing it means something.
func TestAtomSchema(t *testing.T) {
	xmllint := mustXMLLint(t)
	if xmllint == "" {
		return
	}
	for _, doc := range []string{
		// No id.
		`<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><updated>2025-06-16T00:00:00Z</updated></feed>`,
		// A date that is not RFC 3339.
		`<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x</id><title>t</title><updated>Mon, 16 Jun 2025 00:00:00 +0000</updated></feed>`,
		// An entry without updated.
		`<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x</id><title>t</title><updated>2025-06-16T00:00:00Z</updated><entry><id>urn:y</id><title>e</title></entry></feed>`,
	} {
		if err := runXMLLint(t, xmllint, []byte(doc)); err == nil {
			t.Errorf("schema accepts %s", doc)
		}
	}
}

// FuzzWriteAtom checks that whatever text a paper holds, the Atom document
// parses back and keeps the text, less what XML cannot hold.
func FuzzWriteAtom(f *testing.F) {
	f.Add("Attention Is All You Need", "We propose the Transformer.", "Ashish Vaswani", "cs.CL", int64(1497052800))
	f.Add("a\x00b\x1bc", "\xff\xfe]]><x>&amp;", "\u2028\uFFFE", "\ud7ff", int64(-1e15))
	f.Add("<![CDATA[", "\r\n\r", "&#0;", "\x7f", int64(1e15))
	f.Fuzz(func(t *testing.T, title, summary, author, category string, unix int64) {
		when := time.Unix(unix, 0)
		fd := &feed.Feed{
			ID:    "https://quire.example/" + title,
			Title: title,
			Self:  "https://quire.example/feed.atom?q=" + summary,
			Entries: []feed.Entry{{
				ID: "https://quire.example/papers/" + category, Title: title, Link: "https://quire.example/" + author,
				Summary: summary, Authors: []string{author}, Categories: []string{category},
				Published: when, Updated: when,
			}},
		}
		var buf bytes.Buffer
		if err := feed.WriteAtom(&buf, fd); err != nil {
			t.Fatal(err)
		}
		var doc atomDoc
		dec := xml.NewDecoder(bytes.NewReader(buf.Bytes()))
		dec.Strict = true
		if err := dec.Decode(&doc); err != nil {
			t.Fatalf("output does not parse: %v\n%s", err, buf.String())
		}
		if len(doc.Entries) != 1 {
			t.Fatalf("%d entries", len(doc.Entries))
		}
		if got, want := doc.Entries[0].Title, feed.Clean(title); got != want {
			t.Errorf("title %q, want %q", got, want)
		}
		if got, want := doc.Entries[0].Summary, feed.Clean(summary); got != want {
			t.Errorf("summary %q, want %q", got, want)
		}
		for _, d := range []string{doc.Updated, doc.Entries[0].Updated, doc.Entries[0].Published} {
			if _, err := time.Parse(time.RFC3339, d); err != nil {
				t.Errorf("date %q: %v", d, err)
			}
		}
		// The RSS writer shares the escaping; check it parses as well.
		buf.Reset()
		if err := feed.WriteRSS(&buf, fd); err != nil {
			t.Fatal(err)
		}
		dec = xml.NewDecoder(&buf)
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("RSS does not parse: %v", err)
			}
		}
	})
}

// mustXMLLint returns the path of xmllint, or "" after logging why the
// schema checks are skipped. With CI set, a missing xmllint fails the test.
func mustXMLLint(tb testing.TB) string {
	tb.Helper()
	p, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatal("xmllint is needed to validate Atom against RFC 4287's schema: install libxml2-utils")
		}
		tb.Log("xmllint not installed (Debian: libxml2-utils): Atom not validated against RFC 4287's schema")
		return ""
	}
	return p
}

// validateAtom validates doc against testdata/atom.rng, RFC 4287's schema.
func validateAtom(tb testing.TB, doc []byte) {
	tb.Helper()
	xmllint := mustXMLLint(tb)
	if xmllint == "" {
		return
	}
	if err := runXMLLint(tb, xmllint, doc); err != nil {
		tb.Errorf("not valid Atom: %v\n%s", err, doc)
	}
}

func runXMLLint(tb testing.TB, xmllint string, doc []byte) error {
	tb.Helper()
	file := filepath.Join(tb.TempDir(), "feed.atom")
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--relaxng", "testdata/atom.rng", file).CombinedOutput()
	if err != nil {
		return &lintError{err, string(out)}
	}
	return nil
}

type lintError struct {
	err error
	out string
}

func (e *lintError) Error() string { return e.err.Error() + ": " + e.out }

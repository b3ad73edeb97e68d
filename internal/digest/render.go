package digest

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	htmltemplate "html/template"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"
	"unicode/utf8"

	"quire"
	"quire/internal/mail"
)

//go:embed templates
var templateFS embed.FS

var (
	htmlTmpl = htmltemplate.Must(htmltemplate.ParseFS(templateFS, "templates/digest.html"))
	textTmpl = texttemplate.Must(texttemplate.ParseFS(templateFS, "templates/digest.txt"))
)

// view is the data of the digest templates.
type view struct {
	Heading   string
	Frequency quire.Frequency
	Site      string
	Sections  []viewSection
	Links     viewLinks
}

type viewSection struct {
	Title  string
	Papers []viewPaper
}

type viewPaper struct {
	Title, URL, Authors, Summary string
	Upvotes                      int
	ArxivURL, PDFURL, CodeURL    string
}

type viewLinks struct{ View, Manage, Unsubscribe string }

// Heading names the period of a digest: "Trending papers of Nov 26, 2026"
// or "Trending papers of the week of Nov 23, 2026".
func Heading(periodKey string) string {
	kind, rest, _ := strings.Cut(periodKey, ":")
	switch kind {
	case "daily":
		if d, err := time.Parse(quire.DayLayout, rest); err == nil {
			return "Trending papers of " + d.Format("Jan 2, 2006")
		}
	case "weekly":
		var y, w int
		if _, err := fmt.Sscanf(rest, "%d-W%d", &y, &w); err == nil && w >= 1 && w <= 53 {
			return "Trending papers of the week of " + isoWeekStart(y, w).Format("Jan 2, 2006")
		}
	}
	return "Trending papers"
}

// Message builds the e-mail of digest d for its subscriber: both parts,
// the list headers of RFC 2369 and the one-click unsubscribe of RFC 8058,
// and a Message-ID that is the same each time d is tried, so that a mail
// client can tell a repeat.
func (s *Sender) Message(ctx context.Context, d *quire.Digest, sub *quire.Subscription, now time.Time) (*mail.Message, error) {
	v, err := s.view(ctx, d, sub)
	if err != nil {
		return nil, err
	}
	var text, html bytes.Buffer
	if err := textTmpl.Execute(&text, v); err != nil {
		return nil, err
	}
	if err := htmlTmpl.Execute(&html, v); err != nil {
		return nil, err
	}
	host := "quire"
	if u, err := url.Parse(s.Links.Base); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	unsubscribe := v.Links.Unsubscribe
	mailto := "mailto:" + s.From.Address + "?subject=" + url.QueryEscape("unsubscribe "+strconv.FormatInt(sub.ID, 10))
	return &mail.Message{
		From:      s.From,
		To:        netmail.Address{Address: sub.Email},
		Subject:   v.Heading,
		Text:      text.String(),
		HTML:      html.String(),
		Date:      now,
		MessageID: MessageID(d, s.From.Address),
		Header: map[string]string{
			"List-Id":               "Quire " + string(sub.Frequency) + " digest <" + string(sub.Frequency) + ".digest." + host + ">",
			"List-Unsubscribe":      "<" + unsubscribe + ">, <" + mailto + ">",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
			"List-Archive":          "<" + v.Links.View + ">",
			"Auto-Submitted":        "auto-generated",
			"Precedence":            "bulk",
		},
	}, nil
}

// isoWeekStart returns the Monday of ISO week w of year y.
func isoWeekStart(y, w int) time.Time {
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	return monday.AddDate(0, 0, 7*(w-1))
}

// MessageID is the Message-ID of digest d, without angle brackets.
func MessageID(d *quire.Digest, from string) string {
	domain := "quire.invalid"
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i < len(from)-1 {
		domain = from[i+1:]
	}
	key := strings.NewReplacer(":", ".", "/", ".").Replace(d.PeriodKey)
	return "digest-" + strconv.FormatInt(d.ID, 10) + "." + key + "@" + domain
}

// view gathers what the templates show: the digest's papers in order, cut
// into its sections, with their current upvotes.
func (s *Sender) view(ctx context.Context, d *quire.Digest, sub *quire.Subscription) (*view, error) {
	papers, err := s.Store.FindPapersByIDs(ctx, d.PaperIDs)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*quire.Paper, len(papers))
	for _, p := range papers {
		byID[p.ID] = p
	}
	votes, err := s.Store.VoteCounts(ctx, d.PaperIDs)
	if err != nil {
		return nil, err
	}
	v := &view{
		Heading:   Heading(d.PeriodKey),
		Frequency: sub.Frequency,
		Site:      s.Links.Base,
		Links: viewLinks{
			View:        s.Links.View(d.ID),
			Manage:      s.Links.Manage(sub.ID),
			Unsubscribe: s.Links.Unsubscribe(sub.ID),
		},
	}
	i := 0
	for _, sec := range d.Sections {
		vs := viewSection{Title: sec.Title}
		for _, id := range d.PaperIDs[i:min(i+sec.Count, len(d.PaperIDs))] {
			// A paper removed from the catalogue since is left out.
			if p := byID[id]; p != nil {
				vs.Papers = append(vs.Papers, viewPaper{
					Title: p.Title, URL: s.Links.Base + "/papers/" + p.ID, Authors: authorLine(p.Authors),
					Summary: summary(p.Abstract), Upvotes: votes[id],
					ArxivURL: p.AbsURL(), PDFURL: p.PDFURL(), CodeURL: p.CodeURL,
				})
			}
		}
		i += sec.Count
		if len(vs.Papers) > 0 {
			v.Sections = append(v.Sections, vs)
		}
	}
	return v, nil
}

// authorLine names the first three authors: "A, B, C and 9 others".
func authorLine(authors []string) string {
	switch n := len(authors); {
	case n == 0:
		return ""
	case n <= 3:
		return strings.Join(authors, ", ")
	default:
		return strings.Join(authors[:3], ", ") + " and " + strconv.Itoa(n-3) + " others"
	}
}

// summary is an abstract's first sentence, cut to 240 bytes at a word.
func summary(abstract string) string {
	s := strings.Join(strings.Fields(abstract), " ")
	if i := strings.Index(s, ". "); i > 0 {
		s = s[:i+1]
	}
	const max = 240
	if len(s) <= max {
		return s
	}
	cut := s[:max]
	for !utf8.ValidString(cut) {
		cut = cut[:len(cut)-1]
	}
	if i := strings.LastIndexByte(cut, ' '); i > max/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

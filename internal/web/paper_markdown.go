package web

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"quire"
	"quire/internal/arxiv"
)

// markdownType is the Content-Type of a paper as Markdown (RFC 7763).
const markdownType = "text/markdown; charset=utf-8"

// withMarkdown serves GET /papers/{id}.md, and GET /papers/{id} for a
// client that prefers text/markdown, as the paper in Markdown; every other
// request goes to page. It sits in front of the page cache, which keys
// pages by URL alone and so must never hold one representation for the
// other.
func (h *Handler) withMarkdown(page handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		raw := r.PathValue("id")
		if id, ok := strings.CutSuffix(raw, ".md"); ok {
			return h.paperMarkdown(w, r, id, true)
		}
		// The same URL answers HTML or Markdown by Accept, so shared caches
		// must keep them apart.
		w.Header().Add("Vary", "Accept")
		if raw != "" && prefersMarkdown(r.Header.Values("Accept")) {
			return h.paperMarkdown(w, r, raw, false)
		}
		return page(w, r)
	}
}

// paperMarkdown writes the paper raw names as Markdown. A non-canonical id
// redirects to the canonical address of the same representation: the .md
// one when the path asked for it (suffix), the negotiated page otherwise.
func (h *Handler) paperMarkdown(w http.ResponseWriter, r *http.Request, raw string, suffix bool) error {
	id, _, err := arxiv.ParseID(restoreScheme(raw))
	if err != nil {
		return err // of kind quire.ErrInvalid, with a message for users
	}
	if raw != id {
		target := paperPath(id)
		if suffix {
			target += ".md"
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return nil
	}
	ctx := r.Context()
	p, err := h.store.FindPaperByID(ctx, id)
	if errors.Is(err, quire.ErrNotFound) {
		return quire.NotFoundf("There is no paper %s here. It may not have been imported yet.", id)
	}
	if err != nil {
		return err
	}
	entries, err := h.store.FindDailyEntriesByPaper(ctx, id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", markdownType)
	w.WriteHeader(http.StatusOK)
	// A failed write means the client went away; there is no one to tell.
	w.Write([]byte(paperMarkdownText(p, entries)))
	return nil
}

// prefersMarkdown reports whether an Accept header names text/markdown
// explicitly, at a quality above zero and at least that of text/html.
// Browsers never name it, so they keep getting HTML even though their
// "*/*" would accept anything; a client that asks for Markdown by name
// gets it.
func prefersMarkdown(accept []string) bool {
	md, html := -1.0, -1.0 // quality of the most specific match; -1: none
	htmlSpec := -1         // specificity of html's match: 0 */*, 1 text/*, 2 text/html
	for _, header := range accept {
		for part := range strings.SplitSeq(header, ",") {
			typ, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			q := 1.0
			if s, ok := params["q"]; ok {
				if q, err = strconv.ParseFloat(s, 64); err != nil || q < 0 || q > 1 {
					continue
				}
			}
			switch typ {
			case "text/markdown":
				md = q
			case "text/html":
				html, htmlSpec = q, 2
			case "text/*":
				if htmlSpec < 1 {
					html, htmlSpec = q, 1
				}
			case "*/*":
				if htmlSpec < 0 {
					html, htmlSpec = q, 0
				}
			}
		}
	}
	return md > 0 && md >= html
}

// paperMarkdownText renders p, with its daily entries newest first, as a
// Markdown document: the title as its heading, the authors, a list of facts
// and links, then the abstract.
func paperMarkdownText(p *quire.Paper, entries []*quire.DailyEntry) string {
	var b strings.Builder
	b.WriteString("# " + mdEscape(p.Title, true) + "\n\n")
	if len(p.Authors) > 0 {
		names := make([]string, len(p.Authors))
		for i, a := range p.Authors {
			names[i] = mdEscape(a, false)
		}
		b.WriteString(mdEscapeLineStart(strings.Join(names, ", ")) + "\n\n")
	}
	item := func(label, value string) {
		if value != "" {
			b.WriteString("- " + label + ": " + value + "\n")
		}
	}
	item("arXiv", mdLink(p.ID, p.AbsURL())+" ("+mdLink("PDF", p.PDFURL())+")")
	item("Published", mdDay(p.PublishedAt))
	if updated := mdDay(p.UpdatedAt); updated != mdDay(p.PublishedAt) {
		item("Updated", updated)
	}
	item("Withdrawn by arXiv", mdDay(p.WithdrawnAt))
	if len(p.Categories) > 0 {
		cats := make([]string, len(p.Categories))
		for i, c := range p.Categories {
			cats[i] = mdEscape(c, false)
		}
		item("Categories", strings.Join(cats, ", "))
	}
	var newest *quire.DailyEntry
	if len(entries) > 0 {
		newest = entries[0]
	}
	upvotes := 0 // as the API says of a paper never listed
	if newest != nil {
		upvotes = newest.Upvotes
	}
	item("Upvotes", strconv.Itoa(upvotes))
	item("Code", mdURLLink(p.CodeURL))
	item("Project page", mdURLLink(p.ProjectURL))
	if p.DOI != "" {
		item("DOI", mdLink(p.DOI, "https://doi.org/"+p.DOI))
	}
	item("Journal reference", mdEscape(p.JournalRef, false))
	item("Comments", mdEscape(p.Comments, false))
	if len(entries) > 0 {
		lists := make([]string, len(entries))
		for i, e := range entries {
			lists[i] = mdLink(mdDay(e.Day), periodPath(quire.DayPeriod(e.Day))) + " (" + plural(e.Upvotes, "upvote") + ")"
		}
		item("Daily lists", strings.Join(lists, ", "))
	}
	if p.Abstract != "" {
		b.WriteString("\n## Abstract\n\n")
		for para := range strings.SplitSeq(p.Abstract, "\n\n") {
			if para = quire.OneLine(para); para != "" {
				b.WriteString(mdEscapeLineStart(mdEscape(para, false)) + "\n\n")
			}
		}
	}
	if newest != nil && newest.AISummary != "" {
		b.WriteString("## AI summary\n\n" + mdEscapeLineStart(mdEscape(quire.OneLine(newest.AISummary), false)) + "\n\n")
		if len(newest.AIKeywords) > 0 {
			kws := make([]string, len(newest.AIKeywords))
			for i, k := range newest.AIKeywords {
				kws[i] = mdEscape(quire.OneLine(k), false)
			}
			b.WriteString("Keywords: " + strings.Join(kws, ", ") + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// mdDay formats a time as its UTC day, "" when zero.
func mdDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(quire.DayLayout)
}

// mdLink writes a link whose text is escaped and whose destination is
// made safe to stand in parentheses.
func mdLink(text, href string) string {
	return "[" + mdEscape(text, false) + "](" + mdDestination(href) + ")"
}

// mdURLLink writes an http(s) URL as a link showing itself; anything else is
// written as plain text, never as a link.
func mdURLLink(u string) string {
	if u == "" {
		return ""
	}
	if pu, err := url.Parse(u); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return mdEscape(u, false)
	}
	return mdLink(u, u)
}

// mdDestination percent-encodes the bytes that would end or break a
// Markdown link destination: white space, controls, parentheses, angle
// brackets and backslashes.
func mdDestination(href string) string {
	var b strings.Builder
	for i := 0; i < len(href); i++ {
		c := href[i]
		if c <= ' ' || c == 0x7f || c == '(' || c == ')' || c == '<' || c == '>' || c == '\\' {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// mdEscape escapes the characters of s that Markdown (CommonMark
// with GitHub's extensions) would read as markup, so that the text renders
// as itself. It leaves alone what is literal where it stands, so that text
// stays readable and TeX survives: a backslash before a letter ("\alpha"),
// an underscore inside a word ("x_i"), "&" that starts no entity. In a
// heading every "#" is escaped, since a trailing run would close it. Marks
// that only count at the start of a line are mdEscapeLineStart's.
func mdEscape(s string, heading bool) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	prev := rune(-1) // -1: start of text
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		next := rune(-1) // -1: end of text
		if i < len(s) {
			next, _ = utf8.DecodeRuneInString(s[i:])
		}
		esc := false
		switch r {
		case '*', '`', '[', ']', '<', '~', '|':
			esc = true
		case '\\':
			// A backslash escapes only ASCII punctuation; before anything
			// else it is literal.
			esc = next == -1 || mdIsASCIIPunct(next)
		case '_':
			// An underscore between two letters or digits can neither open
			// nor close emphasis.
			esc = !(mdIsWordRune(prev) && mdIsWordRune(next))
		case '&':
			esc = mdStartsEntity(s[i:])
		case '#':
			esc = heading
		}
		if esc {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// mdEscapeLineStart escapes a mark at the start of an escaped line that would
// make it a heading, quote, list item, thematic break or setext underline.
func mdEscapeLineStart(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '#', '>', '-', '+', '=':
		return `\` + s
	}
	// "1. " and "1) " start an ordered list.
	n := 0
	for n < len(s) && n < 10 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n > 0 && n <= 9 && n < len(s) && (s[n] == '.' || s[n] == ')') && (n+1 == len(s) || s[n+1] == ' ') {
		return s[:n] + `\` + s[n:]
	}
	return s
}

func mdIsASCIIPunct(r rune) bool {
	return r >= 0 && r < utf8.RuneSelf && strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", r)
}

func mdIsWordRune(r rune) bool {
	return r >= 0 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// mdStartsEntity reports whether s (what follows a "&") would make it an HTML
// entity or character reference: a name or number, then ";".
func mdStartsEntity(s string) bool {
	n := 0
	for n < len(s) && n < 40 && (s[n] == '#' || s[n] >= '0' && s[n] <= '9' || s[n] >= 'a' && s[n] <= 'z' || s[n] >= 'A' && s[n] <= 'Z') {
		n++
	}
	return n > 0 && n < len(s) && s[n] == ';'
}

// Package quire holds Quire's domain: papers, daily lists, and the contracts
// that storage backends fulfil. It imports only the standard library, so every
// other package can depend on it.
package quire

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Paper is one arXiv paper, at the latest version Quire has seen.
type Paper struct {
	// ID is the canonical arXiv identifier without version, such as
	// "2406.01234" or "hep-th/9901001".
	ID string
	// Version is the latest known version number (1 for v1), 0 when the
	// source did not say.
	Version int
	Title   string
	// Authors are the author names in the order the paper lists them.
	Authors  []string
	Abstract string
	// Categories are arXiv categories, primary first (e.g. "cs.CL").
	Categories []string
	// PublishedAt is when v1 appeared on arXiv; UpdatedAt when the latest
	// version did. Either may be zero when the source does not say.
	PublishedAt time.Time
	UpdatedAt   time.Time
	Comments    string
	JournalRef  string
	DOI         string
	License     string
	// ProjectURL and CodeURL are links given by the source or, for code,
	// found in the abstract or comments.
	ProjectURL string
	CodeURL    string
	// Versions is the version history, oldest first, when the source has it.
	Versions []Version
	// WithdrawnAt is when arXiv withdrew the paper (its authors asked, or
	// arXiv deleted the record); zero when it stands. A withdrawn paper
	// keeps its page but leaves the lists and search.
	WithdrawnAt time.Time
}

// Version is one arXiv version of a paper.
type Version struct {
	N         int       `json:"n"`
	CreatedAt time.Time `json:"created"`
}

// AbsURL is the paper's abstract page on arXiv.
func (p *Paper) AbsURL() string { return "https://arxiv.org/abs/" + p.ID }

// PDFURL is the paper's PDF on arXiv (latest version).
func (p *Paper) PDFURL() string { return "https://arxiv.org/pdf/" + p.ID }

// Withdrawn reports whether arXiv withdrew the paper.
func (p *Paper) Withdrawn() bool { return !p.WithdrawnAt.IsZero() }

// PrimaryCategory is the first category, or "".
func (p *Paper) PrimaryCategory() string {
	if len(p.Categories) == 0 {
		return ""
	}
	return p.Categories[0]
}

// Validate reports whether p can be stored. It checks only what every source
// must provide; parsers normalise the rest.
func (p *Paper) Validate() error {
	switch {
	case p.ID == "":
		return Invalidf("paper has no id")
	case strings.TrimSpace(p.Title) == "":
		return Invalidf("paper %s has no title", p.ID)
	case p.Version < 0:
		return Invalidf("paper %s has a negative version", p.ID)
	case !storable(p.PublishedAt) || !storable(p.UpdatedAt) || !storable(p.WithdrawnAt) ||
		slices.ContainsFunc(p.Versions, func(v Version) bool { return !storable(v.CreatedAt) }):
		return Invalidf("paper %s has a date outside the years 1-9999", p.ID)
	}
	return nil
}

// Merge folds an incoming record for the same paper into the stored one and
// reports whether anything changed. Sources differ in what they carry (a
// daily-papers item has no categories, an arXiv listing no dates or
// version), so an empty incoming field never erases a stored value. A record
// that names a version at least as new as the stored one is authoritative:
// its values replace the stored ones. A record with no version, or an older
// one, only fills fields that are still empty; otherwise two versionless
// sources of the same paper would overwrite each other on every import.
// A withdrawal is never undone by a record that does not carry one: the
// sources that describe a paper (listings, snapshots, daily lists) do not
// say whether it was withdrawn, so their silence means nothing.
func Merge(stored, in *Paper) (merged Paper, changed bool) {
	m := *stored
	set := fillString
	if in.Version > 0 && in.Version >= stored.Version {
		set = setString
		m.Version = in.Version
		if !in.UpdatedAt.IsZero() {
			m.UpdatedAt = in.UpdatedAt
		}
		if len(in.Authors) > 0 {
			m.Authors = in.Authors
		}
		if len(in.Categories) > 0 {
			m.Categories = in.Categories
		}
		if len(in.Versions) > 0 {
			m.Versions = in.Versions
		}
		if !in.WithdrawnAt.IsZero() {
			m.WithdrawnAt = in.WithdrawnAt
		}
	}
	if len(m.Authors) == 0 {
		m.Authors = in.Authors
	}
	if len(m.Categories) == 0 {
		m.Categories = in.Categories
	}
	if len(m.Versions) == 0 {
		m.Versions = in.Versions
	}
	if m.UpdatedAt.IsZero() {
		m.UpdatedAt = in.UpdatedAt
	}
	if m.WithdrawnAt.IsZero() {
		m.WithdrawnAt = in.WithdrawnAt
	}
	set(&m.Title, in.Title)
	set(&m.Abstract, in.Abstract)
	set(&m.Comments, in.Comments)
	set(&m.JournalRef, in.JournalRef)
	set(&m.DOI, in.DOI)
	set(&m.License, in.License)
	set(&m.ProjectURL, in.ProjectURL)
	set(&m.CodeURL, in.CodeURL)
	// The first publication date never moves later: keep the earliest seen.
	if !in.PublishedAt.IsZero() && (m.PublishedAt.IsZero() || in.PublishedAt.Before(m.PublishedAt)) {
		m.PublishedAt = in.PublishedAt
	}
	return m, !m.Equal(stored)
}

// fillString sets *dst to v when *dst is empty.
func fillString(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

func setString(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

// Equal reports whether p and q hold the same values.
func (p *Paper) Equal(q *Paper) bool {
	return p.ID == q.ID && p.Version == q.Version && p.Title == q.Title &&
		slices.Equal(p.Authors, q.Authors) && p.Abstract == q.Abstract &&
		slices.Equal(p.Categories, q.Categories) &&
		p.PublishedAt.Equal(q.PublishedAt) && p.UpdatedAt.Equal(q.UpdatedAt) &&
		p.WithdrawnAt.Equal(q.WithdrawnAt) &&
		p.Comments == q.Comments && p.JournalRef == q.JournalRef && p.DOI == q.DOI &&
		p.License == q.License && p.ProjectURL == q.ProjectURL && p.CodeURL == q.CodeURL &&
		slices.EqualFunc(p.Versions, q.Versions, func(a, b Version) bool {
			return a.N == b.N && a.CreatedAt.Equal(b.CreatedAt)
		})
}

// Normalize puts p in the form stores keep: titles and author names on one
// line, abstracts unwrapped (arXiv hard-wraps them at 80 columns) with
// paragraph breaks kept, and times in UTC at second precision, so that a
// record read back compares Equal to the one written.
func (p *Paper) Normalize() {
	p.ID = OneLine(p.ID)
	p.Title = OneLine(p.Title)
	p.Abstract = Unwrap(p.Abstract)
	p.Comments = OneLine(p.Comments)
	p.JournalRef = OneLine(p.JournalRef)
	p.DOI = OneLine(p.DOI)
	p.License = OneLine(p.License)
	p.ProjectURL = OneLine(p.ProjectURL)
	p.CodeURL = OneLine(p.CodeURL)
	for i, a := range p.Authors {
		p.Authors[i] = OneLine(a)
	}
	for i, c := range p.Categories {
		p.Categories[i] = OneLine(c)
	}
	p.Categories = slices.DeleteFunc(p.Categories, func(c string) bool { return c == "" })
	p.Authors = slices.DeleteFunc(p.Authors, func(a string) bool { return a == "" })
	p.PublishedAt = normTime(p.PublishedAt)
	p.UpdatedAt = normTime(p.UpdatedAt)
	p.WithdrawnAt = normTime(p.WithdrawnAt)
	for i := range p.Versions {
		p.Versions[i].CreatedAt = normTime(p.Versions[i].CreatedAt)
	}
}

// storable reports whether every backend can keep t (PostgreSQL and JSON
// both refuse years outside 1-9999).
func storable(t time.Time) bool {
	return t.IsZero() || (t.Year() >= 1 && t.Year() <= 9999)
}

func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Second)
}

// OneLine collapses every run of white space in s to one space and trims it,
// after Clean. It runs on every field of every imported record, so text that
// is already clean (the common case) is returned without allocating.
func OneLine(s string) string {
	s = Clean(s)
	if isOneLine(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, f := range strings.Fields(s) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f)
	}
	return b.String()
}

// isOneLine reports whether s has no leading, trailing or repeated spaces
// and no other white space (ASCII text is checked byte by byte; any
// non-ASCII space sends s down the slow path).
func isOneLine(s string) bool {
	prevSpace := true // a leading space is not one-line
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
		case c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			return false
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				return false
			}
			i += size - 1
			prevSpace = false
		default:
			prevSpace = false
		}
	}
	return !prevSpace || s == ""
}

// Clean makes s safe to store on every backend: invalid UTF-8 becomes U+FFFD
// and control characters other than tab and newline become spaces
// (PostgreSQL rejects NUL in text, and no source means them).
func Clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexFunc(s, isBadControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isBadControl(r) {
			return ' '
		}
		return r
	}, s)
}

func isBadControl(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f
}

// Unwrap joins hard-wrapped lines of text into paragraphs. A blank line, or a
// line that starts with indentation after a line break (arXiv's paragraph
// convention), starts a new paragraph; paragraphs are separated by "\n\n".
// Text already in that form is returned as is.
func Unwrap(s string) string {
	s = Clean(s)
	if isUnwrapped(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	newPara := false
	for line := range strings.SplitSeq(s, "\n") {
		if strings.TrimSpace(line) == "" {
			newPara = b.Len() > 0
			continue
		}
		if b.Len() > 0 {
			if newPara || strings.HasPrefix(line, "  ") || strings.HasPrefix(line, "\t") {
				b.WriteString("\n\n")
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(OneLine(line))
		newPara = false
	}
	return b.String()
}

// isUnwrapped reports whether s is already in Unwrap's form.
func isUnwrapped(s string) bool {
	for para := range strings.SplitSeq(s, "\n\n") {
		if para == "" || !isOneLine(para) {
			return s == ""
		}
	}
	return true
}

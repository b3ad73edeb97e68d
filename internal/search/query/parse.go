package query

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Parse parses a search. It reads the first MaxBytes bytes of s; control
// characters and invalid UTF-8 count as spaces, curly quotes as straight
// ones, and a quote left open closes at the end.
func Parse(s string) Query {
	p := parser{src: clean(s)}
	p.parse()
	return p.q
}

// clean returns the first MaxBytes bytes of s with every byte that is not
// part of a word or a quote turned into a plain space, so that the parser
// only has to look for ' ' and '"'.
func clean(s string) string {
	if len(s) > MaxBytes {
		// A character cut in two becomes invalid UTF-8, hence a space.
		s = s[:MaxBytes]
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1, unicode.IsSpace(r), unicode.IsControl(r):
			b.WriteByte(' ')
		case r == '\u201c' || r == '\u201d' || r == '\u201e':
			b.WriteByte('"')
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

type parser struct {
	src string
	q   Query
	// size is the length of the canonical text of q without its dates,
	// counting one separating space after each piece.
	size int
}

func (p *parser) parse() {
	src := p.src
	for i := 0; i < len(src); {
		if src[i] == ' ' {
			i++
			continue
		}
		// Operators: a leading '-' excludes; stray '-' and '*' before a word
		// or a quote mean nothing more.
		exclude := src[i] == '-'
		j := i
		for j < len(src) && (src[j] == '-' || src[j] == '*') {
			j++
		}
		if j < len(src) && src[j] == '"' {
			phrase, next := quoted(src, j)
			p.addClause(Clause{Words: words(phrase), Phrase: true, Exclude: exclude})
			i = next
			continue
		}
		k := j
		for k < len(src) && src[k] != ' ' && src[k] != '"' {
			k++
		}
		token := src[j:k]
		i = k
		if name, value, ok := strings.Cut(token, ":"); ok && filterName(name) != "" {
			if value == "" && k < len(src) && src[k] == '"' {
				value, i = quoted(src, k)
			}
			// An excluded filter cannot be expressed: ignore it rather
			// than apply its opposite.
			if !exclude {
				p.addFilter(filterName(name), value)
			}
			continue
		}
		word := strings.TrimRight(token, "*")
		if hasWordChar(word) {
			p.addClause(Clause{Words: []string{word}, Prefix: len(word) < len(token), Exclude: exclude})
		}
	}
}

// quoted returns the text after the quote at src[i] up to the closing
// quote or the end, and the offset after the closing quote.
func quoted(src string, i int) (string, int) {
	rest := src[i+1:]
	end := strings.IndexByte(rest, '"')
	if end < 0 {
		return rest, len(src)
	}
	return rest[:end], i + 1 + end + 1
}

// words splits a phrase into its words, dropping those without a letter or
// digit (they would not match anything and would not survive analysis).
func words(s string) []string {
	var out []string
	for _, w := range strings.Fields(s) {
		if hasWordChar(w) {
			out = append(out, w)
		}
	}
	return out
}

func hasWordChar(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

func (p *parser) addClause(c Clause) {
	if len(c.Words) == 0 || len(p.q.Clauses) >= MaxClauses {
		return
	}
	if n := len(clauseText(c)) + 1; p.fits(n, p.q.From, p.q.To) {
		p.q.Clauses = append(p.q.Clauses, c)
		p.size += n
	}
}

// fits reports whether the canonical text stays within MaxBytes with extra
// more bytes and the given dates. Keeping that bound is what lets the
// canonical text of any parsed Query parse back to the same Query.
func (p *parser) fits(extra int, from, to time.Time) bool {
	n := p.size + extra
	for _, d := range datePieces(from, to) {
		n += len(d) + 1
	}
	return n-1 <= MaxBytes
}

// filterName returns the filter that name (in any case) stands for, or "".
func filterName(name string) string {
	for _, f := range []string{"author", "cat", "year", "date", "after", "before", "has"} {
		if strings.EqualFold(name, f) {
			return f
		}
	}
	return ""
}

func (p *parser) addFilter(name, value string) {
	q := &p.q
	switch name {
	case "author":
		a := strings.Join(strings.Fields(strings.ToLower(value)), " ")
		if hasWordChar(a) && len(q.Authors) < MaxClauses && !slices.Contains(q.Authors, a) {
			p.addPiece(authorText(a), func() { q.Authors = append(q.Authors, a) })
		}
	case "cat":
		c, ok := parseCategory(value)
		if ok && len(q.Categories) < MaxClauses && !slices.Contains(q.Categories, c) {
			p.addPiece("cat:"+c, func() { q.Categories = append(q.Categories, c) })
		}
	case "has":
		if strings.EqualFold(value, "code") && !q.HasCode {
			p.addPiece("has:code", func() { q.HasCode = true })
		}
	default:
		from, to, ok := parseDates(name, value)
		if !ok {
			return
		}
		from, to = intersect(q.From, q.To, from, to)
		if p.fits(0, from, to) {
			q.From, q.To = from, to
		}
	}
}

// addPiece applies a filter when its canonical text still fits.
func (p *parser) addPiece(text string, apply func()) {
	if n := len(text) + 1; p.fits(n, p.q.From, p.q.To) {
		apply()
		p.size += n
	}
}

// intersect narrows the range [from, to) by [f, t); zero times are open
// ends.
func intersect(from, to, f, t time.Time) (time.Time, time.Time) {
	if !f.IsZero() && (from.IsZero() || f.After(from)) {
		from = f
	}
	if !t.IsZero() && (to.IsZero() || t.Before(to)) {
		to = t
	}
	return from, to
}

package citation

import (
	"strings"

	"quire"
)

// Entry is one entry of a BibTeX file. Field names are in lower case;
// values are as written between the delimiters (braces and TeX commands
// kept), with @string macros and "#" concatenations resolved.
type Entry struct {
	Type   string // lower case: "article", "misc", …
	Key    string
	Fields map[string]string
	// Line is where the entry starts, counting from 1.
	Line int
}

// MaxEntries bounds the entries ParseBibTeX reads: a list holds no more.
const MaxEntries = quire.MaxListPapers

// monthMacros are the macros BibTeX predefines.
var monthMacros = map[string]string{
	"jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May", "jun": "June",
	"jul": "July", "aug": "August", "sep": "September", "oct": "October", "nov": "November", "dec": "December",
}

// ParseBibTeX reads the entries of a BibTeX file. Text outside entries is
// a comment, as BibTeX has it; @comment and @preamble are skipped and
// @string macros are applied. A malformed entry is an error of kind
// quire.ErrInvalid that names its line.
func ParseBibTeX(data []byte) ([]Entry, error) {
	p := &parser{s: string(data), line: 1, macros: map[string]string{}}
	for k, v := range monthMacros {
		p.macros[k] = v
	}
	var entries []Entry
	for {
		if !p.skipTo('@') {
			return entries, nil
		}
		start := p.line
		p.pos++ // '@'
		p.space()
		typ := strings.ToLower(p.ident())
		if typ == "" {
			continue // a stray '@' in a comment
		}
		p.space()
		if typ == "comment" {
			// "@comment{…}" or "@comment …" to the end of the line.
			if p.peek() == '{' || p.peek() == '(' {
				if _, err := p.delimited(); err != "" {
					return nil, p.fail(start, "@comment", err)
				}
			}
			continue
		}
		open := p.peek()
		if open != '{' && open != '(' {
			return nil, p.fail(start, "@"+typ, "expected { after the entry type")
		}
		p.pos++
		closer := byte('}')
		if open == '(' {
			closer = ')'
		}
		switch typ {
		case "preamble":
			p.pos-- // skip it as one delimited block
			if _, err := p.delimited(); err != "" {
				return nil, p.fail(start, "@preamble", err)
			}
			continue
		case "string":
			name, value, err := p.field()
			if err == "" {
				p.space()
				if !p.eat(closer) {
					err = "expected the end of @string"
				}
			}
			if err != "" {
				return nil, p.fail(start, "@string", err)
			}
			p.macros[name] = value
			continue
		}
		e, err := p.entry(typ, closer)
		if err != "" {
			return nil, p.fail(start, "@"+typ, err)
		}
		e.Line = start
		if len(entries) == MaxEntries {
			return nil, quire.Invalidf("The file has more than %d entries.", MaxEntries)
		}
		entries = append(entries, e)
	}
}

// parser reads a BibTeX file; errors are messages for users, "" for none.
type parser struct {
	s      string
	pos    int
	line   int
	macros map[string]string
}

func (p *parser) fail(line int, what, msg string) error {
	return quire.Invalidf("BibTeX line %d, %s: %s.", line, clip(what), msg)
}

func (p *parser) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *parser) eat(c byte) bool {
	if p.peek() == c && p.pos < len(p.s) {
		p.pos++
		return true
	}
	return false
}

// skipTo moves to the next c, counting lines; false at the end.
func (p *parser) skipTo(c byte) bool {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case c:
			return true
		case '\n':
			p.line++
		}
		p.pos++
	}
	return false
}

func (p *parser) space() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case '\n':
			p.line++
		case ' ', '\t', '\r', '\f', '\v':
		default:
			return
		}
		p.pos++
	}
}

// ident reads a name: entry types, field names and macros. BibTeX allows
// most printable characters; these are the ones it does not.
func (p *parser) ident() string {
	start := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"#%'(),={}`, c) >= 0 {
			break
		}
		p.pos++
	}
	return p.s[start:p.pos]
}

// entry reads "key, name = value, …" up to closer.
func (p *parser) entry(typ string, closer byte) (Entry, string) {
	e := Entry{Type: typ, Fields: map[string]string{}}
	p.space()
	start := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == ',' || c == closer || c == '\n' || c == '\r' || c == ' ' || c == '\t' {
			break
		}
		if c == '{' || c == '}' || c == '(' && closer == ')' {
			return e, "the key holds a brace"
		}
		p.pos++
	}
	e.Key = p.s[start:p.pos]
	if e.Key == "" {
		return e, "the entry has no key"
	}
	p.space()
	for {
		if p.eat(closer) {
			return e, ""
		}
		if !p.eat(',') {
			if p.pos >= len(p.s) {
				return e, "the entry does not end"
			}
			return e, "expected a comma or the end of the entry"
		}
		p.space()
		if p.eat(closer) {
			return e, "" // a trailing comma
		}
		name, value, err := p.field()
		if err != "" {
			return e, err
		}
		if _, dup := e.Fields[name]; !dup {
			// BibTeX keeps the first of repeated fields.
			e.Fields[name] = value
		}
		p.space()
	}
}

// field reads "name = value # value …".
func (p *parser) field() (name, value string, err string) {
	p.space()
	name = strings.ToLower(p.ident())
	if name == "" {
		return "", "", "expected a field name"
	}
	p.space()
	if !p.eat('=') {
		return "", "", "expected = after " + clip(name)
	}
	var b strings.Builder
	for {
		p.space()
		switch c := p.peek(); {
		case c == '{' || c == '"':
			v, err := p.delimited()
			if err != "" {
				return "", "", err
			}
			b.WriteString(v)
		case '0' <= c && c <= '9':
			start := p.pos
			for '0' <= p.peek() && p.peek() <= '9' {
				p.pos++
			}
			b.WriteString(p.s[start:p.pos])
		default:
			m := strings.ToLower(p.ident())
			if m == "" {
				return "", "", "expected a value for " + clip(name)
			}
			b.WriteString(p.macros[m]) // an unknown macro is empty, as in BibTeX
		}
		p.space()
		if !p.eat('#') {
			return name, b.String(), ""
		}
	}
}

// delimited reads a value in braces, or in quotes (where a quote inside
// braces does not end it), and returns what is inside. As in BibTeX, every
// brace counts, escaped or not: "\{" must be balanced too.
func (p *parser) delimited() (string, string) {
	open := p.s[p.pos]
	closer := byte('}')
	switch open {
	case '"':
		closer = '"'
	case '(':
		closer = ')'
	}
	p.pos++
	start, depth := p.pos, 0
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch {
		case c == '\n':
			p.line++
		case c == closer && depth == 0:
			v := p.s[start:p.pos]
			p.pos++
			return v, ""
		case c == '{':
			depth++
		case c == '}':
			if depth == 0 {
				return "", "a closing brace has no opening one"
			}
			depth--
		}
		p.pos++
	}
	return "", "a value does not end (unbalanced braces or quotes)"
}

// clip shortens text from the file before it is shown in a message.
func clip(s string) string {
	if len(s) > 40 {
		s = strings.ToValidUTF8(s[:40], "") + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

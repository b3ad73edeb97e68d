package citation

import (
	"io"
	"strconv"
	"strings"

	"quire"
)

// texEscaper escapes the characters that are special in LaTeX, which
// BibTeX passes through. A Replacer scans once, so the braces it inserts
// are not escaped again. Braces become commands rather than "\{": BibTeX
// counts escaped braces too, and a title with one "{" would leave the
// entry unbalanced.
var texEscaper = strings.NewReplacer(
	`\`, `\textbackslash{}`,
	`{`, `\textbraceleft{}`,
	`}`, `\textbraceright{}`,
	`&`, `\&`,
	`%`, `\%`,
	`$`, `\$`,
	`#`, `\#`,
	`_`, `\_`,
	`^`, `\^{}`,
	`~`, `\~{}`,
)

// EscapeTeX returns s on one line with LaTeX's special characters escaped,
// so that it prints as written.
func EscapeTeX(s string) string { return texEscaper.Replace(quire.OneLine(s)) }

// verbatim makes s safe in a field that biblatex reads verbatim (doi, url,
// eprint): there escapes would be printed, so the characters that could
// unbalance the entry are dropped instead. Real DOIs and links hold none.
func verbatim(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '{' || r == '}' || r == '\\' {
			return -1
		}
		return r
	}, quire.OneLine(s))
}

// bibAuthor escapes one author name. A name holding a comma or the word
// "and" is braced, so that BibTeX neither reads it as "Family, Given" nor
// splits it into two people.
func bibAuthor(name string) string {
	e := EscapeTeX(name)
	if strings.Contains(e, ",") || strings.Contains(" "+strings.ToLower(e)+" ", " and ") {
		return "{" + e + "}"
	}
	return e
}

// BibTeX returns the @misc entry of r, in the form arXiv itself offers,
// with the reader's note as annote.
func BibTeX(r Record) string {
	p := r.Paper
	var b strings.Builder
	b.WriteString("@misc{" + Key(p.ID) + ",\n")
	field := func(name, value string) {
		if value != "" {
			b.WriteString("  " + name + " = {" + value + "},\n")
		}
	}
	field("title", EscapeTeX(p.Title))
	authors := make([]string, 0, len(p.Authors))
	for _, a := range p.Authors {
		if a = bibAuthor(a); a != "" {
			authors = append(authors, a)
		}
	}
	field("author", strings.Join(authors, " and "))
	if y := Year(p); y > 0 {
		field("year", strconv.Itoa(y))
	}
	field("eprint", verbatim(p.ID))
	field("archivePrefix", "arXiv")
	field("primaryClass", EscapeTeX(p.PrimaryCategory()))
	field("doi", verbatim(p.DOI))
	field("url", verbatim(p.AbsURL()))
	field("annote", EscapeTeX(r.Note))
	b.WriteString("}\n")
	return b.String()
}

// WriteBibTeX writes recs as BibTeX entries, separated by blank lines.
func WriteBibTeX(w io.Writer, recs []Record) error {
	for i, r := range recs {
		s := BibTeX(r)
		if i > 0 {
			s = "\n" + s
		}
		if _, err := io.WriteString(w, s); err != nil {
			return err
		}
	}
	return nil
}

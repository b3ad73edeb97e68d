package citation

import (
	"fmt"
	"io"
	"strings"

	"quire"
)

// RIS returns the RIS record of r. Every value is one line (RIS has no
// continuation lines), lines end in CR LF as the format asks, and preprints
// are of type GEN, which every reference manager imports.
func RIS(r Record) string {
	p := r.Paper
	var b strings.Builder
	tag := func(t, v string) {
		if v = quire.OneLine(v); v != "" {
			b.WriteString(t + "  - " + v + "\r\n")
		}
	}
	tag("TY", "GEN")
	tag("ID", Key(p.ID))
	tag("TI", p.Title)
	for _, a := range p.Authors {
		if given, family := splitName(a); given != "" {
			tag("AU", family+", "+given)
		} else {
			tag("AU", family)
		}
	}
	if y := Year(p); y > 0 {
		tag("PY", fmt.Sprint(y))
	}
	if !p.PublishedAt.IsZero() {
		tag("DA", p.PublishedAt.UTC().Format("2006/01/02"))
	}
	tag("AB", p.Abstract)
	for _, c := range p.Categories {
		tag("KW", c)
	}
	tag("PB", "arXiv")
	tag("M1", "arXiv:"+p.ID)
	tag("DO", p.DOI)
	tag("UR", p.AbsURL())
	tag("N1", r.Note)
	b.WriteString("ER  - \r\n")
	return b.String()
}

// WriteRIS writes recs as RIS records, separated by blank lines.
func WriteRIS(w io.Writer, recs []Record) error {
	for i, r := range recs {
		s := RIS(r)
		if i > 0 {
			s = "\r\n" + s
		}
		if _, err := io.WriteString(w, s); err != nil {
			return err
		}
	}
	return nil
}

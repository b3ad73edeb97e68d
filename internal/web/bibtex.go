package web

import (
	"strconv"
	"strings"

	"quire"
)

// bibEscaper escapes the characters that are special in BibTeX and LaTeX.
// A Replacer scans once, so the braces it inserts are not escaped again.
var bibEscaper = strings.NewReplacer(
	`\`, `\textbackslash{}`,
	`{`, `\{`,
	`}`, `\}`,
	`&`, `\&`,
	`%`, `\%`,
	`$`, `\$`,
	`#`, `\#`,
	`_`, `\_`,
	`^`, `\^{}`,
	`~`, `\~{}`,
)

// bibTeX returns a @misc entry for p in the form arXiv itself offers.
func bibTeX(p *quire.Paper) string {
	var b strings.Builder
	year := paperYear(p)
	b.WriteString("@misc{" + bibKey(p, year) + ",\n")
	field := func(name, value string) {
		b.WriteString("  " + name + "={" + value + "},\n")
	}
	field("title", bibEscaper.Replace(p.Title))
	if len(p.Authors) > 0 {
		authors := make([]string, len(p.Authors))
		for i, a := range p.Authors {
			authors[i] = bibEscaper.Replace(a)
		}
		field("author", strings.Join(authors, " and "))
	}
	if year > 0 {
		field("year", strconv.Itoa(year))
	}
	field("eprint", p.ID)
	field("archivePrefix", "arXiv")
	if c := p.PrimaryCategory(); c != "" {
		field("primaryClass", bibEscaper.Replace(c))
	}
	field("url", p.AbsURL())
	b.WriteString("}")
	return b.String()
}

// bibKey builds a citation key such as "dao2024transformers": the first
// author's surname, the year and the first long word of the title, in
// ASCII letters and digits only.
func bibKey(p *quire.Paper, year int) string {
	var key strings.Builder
	if len(p.Authors) > 0 {
		words := strings.Fields(p.Authors[0])
		if len(words) > 0 {
			key.WriteString(keyWord(words[len(words)-1]))
		}
	}
	if year > 0 {
		key.WriteString(strconv.Itoa(year))
	}
	for _, w := range strings.Fields(p.Title) {
		if k := keyWord(w); len(k) >= 4 {
			key.WriteString(k)
			break
		}
	}
	if key.Len() == 0 || key.String()[0] >= '0' && key.String()[0] <= '9' {
		// No usable name: fall back on the arXiv id, which is unique.
		return "arxiv" + keyWord(strings.ReplaceAll(p.ID, "/", ""))
	}
	return key.String()
}

// keyWord keeps the letters and digits of s as lower-case ASCII: accented
// Latin letters lose their accents ("Balázs" → "balazs"), other characters
// are dropped.
func keyWord(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 0xC0:
			b.WriteString(latinFold[r])
		}
	}
	return b.String()
}

// latinFold maps accented lower-case Latin letters to ASCII.
var latinFold = func() map[rune]string {
	m := make(map[rune]string)
	for ascii, accented := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ďđ", "e": "èéêëēĕėęě", "g": "ĝğġģ",
		"h": "ĥħ", "i": "ìíîïĩīĭįı", "j": "ĵ", "k": "ķ", "l": "ĺļľŀł", "n": "ñńņňŉ",
		"o": "òóôõöøōŏő", "r": "ŕŗř", "s": "śŝşš", "t": "ţťŧ", "u": "ùúûüũūŭůűų",
		"w": "ŵ", "y": "ýÿŷ", "z": "źżž", "ss": "ß", "ae": "æ", "oe": "œ", "th": "þ",
	} {
		for _, r := range accented {
			m[r] = ascii
		}
	}
	return m
}()

// paperYear is the year p first appeared, from its date or else from its
// id ("2406.01234" is from 2024, "hep-th/9901001" from 1999); 0 if unknown.
func paperYear(p *quire.Paper) int {
	if !p.PublishedAt.IsZero() {
		return p.PublishedAt.UTC().Year()
	}
	num := p.ID
	if i := strings.LastIndexByte(num, '/'); i >= 0 {
		num = num[i+1:]
	}
	if len(num) < 4 {
		return 0
	}
	yy, err := strconv.Atoi(num[:2])
	if err != nil {
		return 0
	}
	// Old-style ids start in 1991; new-style ids in 2007.
	if yy >= 91 {
		return 1900 + yy
	}
	return 2000 + yy
}

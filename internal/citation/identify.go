package citation

import (
	"strings"

	"quire/internal/arxiv"
)

// texUnescaper undoes texEscaper, and the usual escapes of other tools.
var texUnescaper = strings.NewReplacer(
	`\textbackslash{}`, `\`,
	`\textbraceleft{}`, `{`,
	`\textbraceright{}`, `}`,
	`\{`, `{`,
	`\}`, `}`,
	`\&`, `&`,
	`\%`, `%`,
	`\$`, `$`,
	`\#`, `#`,
	`\_`, `_`,
	`\^{}`, `^`,
	`\~{}`, `~`,
)

// UnescapeTeX undoes EscapeTeX: UnescapeTeX(EscapeTeX(s)) is s on one
// line. Other TeX is left as it is.
func UnescapeTeX(s string) string { return texUnescaper.Replace(s) }

// plain returns a field value as text for matching identifiers: escapes
// undone, then braces and \url wrappers dropped, white space trimmed.
func plain(v string) string {
	v = UnescapeTeX(v)
	v = strings.ReplaceAll(v, `\url`, "")
	v = strings.ReplaceAll(v, `\href`, "")
	v = strings.Map(func(r rune) rune {
		if r == '{' || r == '}' {
			return -1
		}
		return r
	}, v)
	return strings.TrimSpace(v)
}

// ArXivID returns the canonical arXiv id e names, or "". It looks, in
// order, at eprint (unless archivePrefix or eprinttype names another
// archive), at "arXiv:…" in journal, note or howpublished (as Google
// Scholar and arXiv write them), at DBLP's "CoRR abs/…" volume, and at
// arxiv.org links in url, howpublished, note and doi (arXiv's own DOIs,
// 10.48550/arXiv.…).
func (e *Entry) ArXivID() string {
	f := func(name string) string { return plain(e.Fields[name]) }
	if ep := f("eprint"); ep != "" {
		archive := strings.ToLower(f("archiveprefix") + f("eprinttype"))
		if archive == "" || strings.Contains(archive, "arxiv") {
			if id, _, err := arxiv.ParseID(ep); err == nil {
				return id
			}
		}
	}
	for _, name := range []string{"journal", "journaltitle", "note", "howpublished", "booktitle", "pages"} {
		if id := afterMarker(f(name), "arxiv:"); id != "" {
			return id
		}
	}
	if j := strings.ToLower(f("journal")); j == "corr" || j == "arxiv" {
		if v := f("volume"); len(v) > 4 && strings.EqualFold(v[:4], "abs/") {
			if id, _, err := arxiv.ParseID(v[4:]); err == nil {
				return id
			}
		}
	}
	for _, name := range []string{"url", "howpublished", "note", "eprint"} {
		v := f(name)
		for _, m := range []string{"arxiv.org/abs/", "arxiv.org/pdf/"} {
			if i := strings.Index(strings.ToLower(v), m); i >= 0 {
				if id, _, err := arxiv.ParseID("https://" + m + token(v[i+len(m):])); err == nil {
					return id
				}
			}
		}
	}
	if d := strings.ToLower(f("doi")); strings.HasPrefix(stripDOI(d), "10.48550/arxiv.") {
		if id, _, err := arxiv.ParseID(stripDOI(d)[len("10.48550/arxiv."):]); err == nil {
			return id
		}
	}
	return ""
}

// afterMarker parses the id that follows marker (compared in lower case)
// in v: "arXiv preprint arXiv:2406.01234" gives 2406.01234.
func afterMarker(v, marker string) string {
	low := strings.ToLower(v)
	for i := strings.Index(low, marker); i >= 0; {
		if id, _, err := arxiv.ParseID(token(v[i+len(marker):])); err == nil {
			return id
		}
		next := strings.Index(low[i+len(marker):], marker)
		if next < 0 {
			break
		}
		i += len(marker) + next
	}
	return ""
}

// token is the start of s up to white space or punctuation that ends an
// identifier in running text.
func token(s string) string {
	s = strings.TrimLeft(s, " ")
	if i := strings.IndexAny(s, " \t\n\r,;\"'<>[]()"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimRight(s, ".")
}

// DOI returns the DOI e names, from its doi field or a doi.org link in
// url, or "". It is in the form "10.…", without a link or "doi:" prefix.
func (e *Entry) DOI() string {
	// A doi field is the DOI itself (which may hold parentheses); a url
	// field holds one only as a doi.org link.
	fromLink := func(v string) (string, bool) {
		if i := strings.Index(strings.ToLower(v), "doi.org/"); i >= 0 {
			return v[i+len("doi.org/"):], true
		}
		return v, false
	}
	d, _ := fromLink(plain(e.Fields["doi"]))
	d = stripDOI(d)
	if u, ok := fromLink(plain(e.Fields["url"])); d == "" && ok {
		d = token(u)
	}
	if !strings.HasPrefix(d, "10.") || len(d) <= 3 || strings.ContainsAny(d, " \t\n") {
		return ""
	}
	return d
}

// stripDOI removes a "doi:" prefix.
func stripDOI(s string) string {
	if len(s) >= 4 && strings.EqualFold(s[:4], "doi:") {
		return strings.TrimSpace(s[4:])
	}
	return s
}

package arxiv

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"quire"
)

// kaggleRecord is one line of the Kaggle arXiv metadata snapshot
// (arxiv-metadata-oai-snapshot.json). Submitter and report-no are not kept.
type kaggleRecord struct {
	ID            string          `json:"id"`
	Authors       string          `json:"authors"`
	Title         string          `json:"title"`
	Comments      string          `json:"comments"`
	JournalRef    string          `json:"journal-ref"`
	DOI           string          `json:"doi"`
	Categories    string          `json:"categories"`
	License       string          `json:"license"`
	Abstract      string          `json:"abstract"`
	Versions      []kaggleVersion `json:"versions"`
	UpdateDate    string          `json:"update_date"`
	AuthorsParsed [][]string      `json:"authors_parsed"`
}

type kaggleVersion struct {
	Version string `json:"version"` // "v1"
	Created string `json:"created"` // "Mon, 2 Apr 2007 19:18:42 GMT"
}

// kaggleTimeLayout is the layout of versions[].created.
const kaggleTimeLayout = "Mon, 2 Jan 2006 15:04:05 MST"

// ParseKaggle parses one line of the Kaggle arXiv metadata snapshot. Authors
// come from authors_parsed ([last, first, suffix, affiliation…]) when present,
// else from the authors string; common LaTeX accents in names are turned into
// Unicode. PublishedAt is the v1 date, UpdatedAt and Version those of the
// latest version (update_date when there are no versions). The returned paper
// is normalised and valid; malformed lines are errors of kind quire.ErrInvalid.
func ParseKaggle(line []byte) (*quire.Paper, error) {
	var r kaggleRecord
	if err := json.Unmarshal(trimBOM(line), &r); err != nil {
		return nil, jsonError("Kaggle arXiv record", err)
	}
	if strings.TrimSpace(r.ID) == "" {
		return nil, quire.Invalidf("Kaggle arXiv record has no id")
	}
	id, version, err := ParseID(r.ID)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(r.Title) == "" {
		return nil, quire.Invalidf("Kaggle arXiv record %s has no title", id)
	}
	p := &quire.Paper{
		ID:         id,
		Version:    version,
		Title:      r.Title,
		Abstract:   r.Abstract,
		Categories: strings.Fields(r.Categories),
		Comments:   r.Comments,
		JournalRef: r.JournalRef,
		DOI:        r.DOI,
		License:    strings.TrimSpace(r.License),
		CodeURL:    FindCodeURL(r.Abstract, r.Comments),
	}
	if len(r.AuthorsParsed) > 0 {
		p.Authors = parsedAuthors(r.AuthorsParsed)
	} else {
		p.Authors = splitAuthors(r.Authors)
	}
	if p.Versions, err = kaggleVersions(id, r.Versions); err != nil {
		return nil, err
	}
	if n := len(p.Versions); n > 0 {
		p.PublishedAt = p.Versions[0].CreatedAt
		p.UpdatedAt = p.Versions[n-1].CreatedAt
		p.Version = p.Versions[n-1].N
	} else if r.UpdateDate != "" {
		day, err := quire.ParseDay(r.UpdateDate)
		if err != nil {
			return nil, quire.Invalidf("Kaggle arXiv record %s: update_date: %s", id, quire.UserMessage(err))
		}
		p.UpdatedAt = day
	}
	p.Normalize()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// kaggleVersions parses the version history, oldest first.
func kaggleVersions(id string, vs []kaggleVersion) ([]quire.Version, error) {
	if len(vs) == 0 {
		return nil, nil
	}
	out := make([]quire.Version, 0, len(vs))
	for _, v := range vs {
		digits, ok := strings.CutPrefix(strings.TrimSpace(v.Version), "v")
		n, err := strconv.Atoi(digits)
		if !ok || err != nil || n < 1 {
			return nil, quire.Invalidf("Kaggle arXiv record %s: version %q is not of the form v1", id, clipString(v.Version))
		}
		t, err := time.ParseInLocation(kaggleTimeLayout, strings.TrimSpace(v.Created), time.UTC)
		if err != nil {
			return nil, quire.Invalidf("Kaggle arXiv record %s: version date %q is not of the form %q", id, clipString(v.Created), kaggleTimeLayout)
		}
		out = append(out, quire.Version{N: n, CreatedAt: t})
	}
	slices.SortStableFunc(out, func(a, b quire.Version) int { return a.N - b.N })
	return out, nil
}

// parsedAuthors turns authors_parsed entries [last, first, suffix, …] into
// "First Last Suffix"; any further elements are affiliations.
func parsedAuthors(parsed [][]string) []string {
	names := make([]string, 0, len(parsed))
	for _, parts := range parsed {
		var last, first, suffix string
		switch len(parts) {
		default:
			suffix = parts[2]
			fallthrough
		case 2:
			// The snapshot spaces hyphenated initials ("C. -P."); arXiv
			// writes them "C.-P.".
			first = strings.ReplaceAll(parts[1], ". -", ".-")
			fallthrough
		case 1:
			last = parts[0]
		case 0:
			continue
		}
		name := strings.Join(strings.Fields(first+" "+last+" "+suffix), " ")
		if name != "" {
			names = append(names, latexToUnicode(name))
		}
	}
	return names
}

// splitAuthors splits an arXiv authors string such as
// "A. One (Inst), B. Two and C. Three" into names, dropping affiliations in
// parentheses and "et al".
func splitAuthors(s string) []string {
	s = stripParens(latexToUnicode(s))
	s = strings.Join(strings.Fields(s), " ")
	var names []string
	for _, part := range strings.Split(strings.ReplaceAll(s, " and ", ","), ",") {
		part = strings.TrimSpace(part)
		part = strings.TrimSpace(strings.TrimPrefix(part, "and "))
		if part == "" || strings.EqualFold(strings.TrimSuffix(part, "."), "et al") {
			continue
		}
		names = append(names, part)
	}
	return names
}

// stripParens removes parenthesised text, nested or not; an unclosed
// parenthesis removes the rest.
func stripParens(s string) string {
	if !strings.Contains(s, "(") {
		return s
	}
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

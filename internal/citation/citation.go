// Package citation writes papers as citations, in BibTeX, RIS and CSL-JSON,
// and reads BibTeX files back so that their entries can be matched to the
// catalogue by arXiv id or DOI. Citation keys are arXiv ids
// ("arXiv:2406.01234"), unique and stable whoever exports them.
package citation

import (
	"strconv"
	"strings"

	"quire"
)

// Record is one paper to cite, with an optional note of the reader's.
type Record struct {
	Paper *quire.Paper
	Note  string
}

// Key is the citation key of the paper with arXiv id id: "arXiv:" and the
// id, which BibTeX, RIS and CSL all accept as a key ("/" of old-style ids
// included).
func Key(id string) string { return "arXiv:" + id }

// Year is the year p first appeared, from its date or else from its id
// ("2406.01234" is from 2024, "hep-th/9901001" from 1999); 0 if unknown.
func Year(p *quire.Paper) int {
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
	if err != nil || yy < 0 {
		return 0
	}
	// Old-style ids start in 1991; new-style ids in 2007.
	if yy >= 91 {
		return 1900 + yy
	}
	return 2000 + yy
}

// splitName splits a personal name written "Given Family" at its last
// space. A name of one word is all family name.
func splitName(name string) (given, family string) {
	name = quire.OneLine(name)
	i := strings.LastIndexByte(name, ' ')
	if i < 0 {
		return "", name
	}
	return name[:i], name[i+1:]
}

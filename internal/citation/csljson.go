package citation

import (
	"encoding/json"
	"io"

	"quire"
)

// CSLItem is one item of CSL-JSON, the input format of citeproc processors
// (Zotero, Pandoc), with the fields a paper fills.
type CSLItem struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	Title     string    `json:"title"`
	Author    []CSLName `json:"author,omitempty"`
	Issued    *CSLDate  `json:"issued,omitempty"`
	Abstract  string    `json:"abstract,omitempty"`
	Publisher string    `json:"publisher"`
	Number    string    `json:"number"`
	DOI       string    `json:"DOI,omitempty"`
	URL       string    `json:"URL"`
	Note      string    `json:"note,omitempty"`
}

// CSLName is a person: family and given names, or a literal for a name of
// one word.
type CSLName struct {
	Family  string `json:"family,omitempty"`
	Given   string `json:"given,omitempty"`
	Literal string `json:"literal,omitempty"`
}

// CSLDate is a date as CSL writes it: [[year, month, day]].
type CSLDate struct {
	DateParts [][]int `json:"date-parts"`
}

// CSL returns the CSL-JSON item of r, of type "article" (CSL's type for
// preprints) published by arXiv.
func CSL(r Record) CSLItem {
	p := r.Paper
	it := CSLItem{
		ID: Key(p.ID), Type: "article", Title: quire.OneLine(p.Title),
		Abstract: quire.OneLine(p.Abstract), Publisher: "arXiv", Number: "arXiv:" + p.ID,
		DOI: quire.OneLine(p.DOI), URL: p.AbsURL(), Note: r.Note,
	}
	for _, a := range p.Authors {
		given, family := splitName(a)
		switch {
		case family == "":
		case given == "":
			it.Author = append(it.Author, CSLName{Literal: family})
		default:
			it.Author = append(it.Author, CSLName{Family: family, Given: given})
		}
	}
	if t := p.PublishedAt; !t.IsZero() {
		t = t.UTC()
		it.Issued = &CSLDate{DateParts: [][]int{{t.Year(), int(t.Month()), t.Day()}}}
	} else if y := Year(p); y > 0 {
		it.Issued = &CSLDate{DateParts: [][]int{{y}}}
	}
	return it
}

// WriteCSLJSON writes recs as a CSL-JSON array, indented for people who
// read it.
func WriteCSLJSON(w io.Writer, recs []Record) error {
	items := make([]CSLItem, len(recs))
	for i, r := range recs {
		items[i] = CSL(r)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(items)
}

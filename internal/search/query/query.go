// Package query parses the search box's language. Parse never fails: text
// it cannot use becomes plain words or is dropped, so any input, however
// hostile, gives a Query.
//
// The syntax:
//
//	scaling laws            words; results match any of them, ranked
//	"scaling laws"          a phrase
//	scal*                   a prefix
//	-diffusion -"a b"       excluded word or phrase
//	author:hinton           required author name (or author:"geoffrey hinton")
//	cat:cs.CL  cat:cs       arXiv category, or a whole archive
//	year:2024  year:2023..2025
//	date:2025-06-01..2025-06-30  (also date:2025-06, date:2025)
//	after:2025-06-01  before:2025-07-01
//	has:code                papers with a code link
//
// Unknown name:value pairs are plain words, and so are OR and AND (all
// words are alternatives, ranked by BM25). A filter with an unusable value
// (year:99999, date:2025-02-30, author: with no name) and a lone operator
// (-, *, ", :) are ignored.
package query

import "time"

const (
	// MaxBytes caps the input Parse reads, and the canonical text of any
	// Query it returns is never longer.
	MaxBytes = 1000
	// MaxClauses caps the clauses of a Query, and separately its authors
	// and its categories; further ones are ignored.
	MaxClauses = 32
)

// Query is a parsed search.
type Query struct {
	// Clauses are the free-text parts, in the order typed.
	Clauses []Clause
	// Authors are required author names, lowercased, each as written
	// (author:hinton, author:"Geoffrey Hinton"); a paper must match all.
	Authors []string
	// Categories are arXiv categories with arXiv's casing (cs.CL, or cs for
	// a whole archive); a paper matches when it is listed in any of them.
	Categories []string
	// From and To bound the publication date: From <= date < To, both at
	// midnight UTC, the zero time meaning no bound. Several date filters
	// intersect, which can leave From >= To: nothing matches then.
	From, To time.Time
	// HasCode keeps only papers with a code link (has:code).
	HasCode bool
}

// Clause is one free-text part of a Query.
type Clause struct {
	// Words are as typed: one word is a term, several are a phrase. Each
	// holds a letter or digit; analysing them is the caller's job.
	Words []string
	// Phrase is set for a quoted clause, even of one word.
	Phrase bool
	// Prefix means the single word is a prefix (scal*).
	Prefix bool
	// Exclude means results must not match the clause (-diffusion).
	Exclude bool
}

// Empty reports whether q has no clause to match and no filter: excluded
// clauses alone select nothing. A query of stop words only is not Empty;
// the caller finds out when it analyses the words.
func (q Query) Empty() bool {
	for _, c := range q.Clauses {
		if !c.Exclude {
			return false
		}
	}
	return len(q.Authors) == 0 && len(q.Categories) == 0 &&
		q.From.IsZero() && q.To.IsZero() && !q.HasCode
}

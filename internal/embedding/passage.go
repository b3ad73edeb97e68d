package embedding

import (
	"context"
	"strings"
	"unicode"
)

// A Scorer is an Embedder that runs in process and can afford, at query
// time, two finer measures than a document's single vector: how close each
// query term is to the query's meaning, and how close the query is to a
// document's best passage. The built-in model is one; a remote embedder is
// not (a search would have to send it every candidate's sentences).
type Scorer interface {
	Embedder
	// TermCosines returns the cosine between each analysed term's vector
	// and q (a vector Embed returned); 0 for a term the model does not know.
	TermCosines(terms []string, q []float32) []float64
	// BestPassages returns, for each text, the largest cosine between q
	// and one of the text's sentences, or 0 when the text has none.
	BestPassages(ctx context.Context, q []float32, texts []string) ([]float64, error)
}

var _ Scorer = (*Model)(nil)

// TermCosines implements Scorer.
func (m *Model) TermCosines(terms []string, q []float32) []float64 {
	out := make([]float64, len(terms))
	if len(q) != m.dim {
		return out
	}
	v := make([]float32, m.dim)
	for i, t := range terms {
		id, ok := m.ids[t]
		if !ok {
			continue
		}
		// The term's vector as Embed would make it for a text of that one
		// term: pooling weights do not matter once it is normalised.
		clear(v)
		m.embedIDs([]uint32{uint32(id)}, v)
		out[i] = float64(dot(v, q))
	}
	return out
}

// minPassageWords is the fewest words a sentence needs to count as a
// passage: shorter pieces are mostly what splitting at ". " cuts off
// abbreviations ("et al.", "e.g.") and carry too little to compare.
const minPassageWords = 4

// passages splits text into sentences at ". " and keeps those of
// minPassageWords words or more.
func passages(text string) []string {
	var out []string
	for s := range strings.SplitSeq(text, ". ") {
		if hasWords(s, minPassageWords) {
			out = append(out, s)
		}
	}
	return out
}

// hasWords reports whether s holds at least n words separated by spaces.
func hasWords(s string, n int) bool {
	inWord := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			inWord = false
		case !inWord:
			inWord = true
			if n--; n == 0 {
				return true
			}
		}
	}
	return false
}

// BestPassages implements Scorer.
func (m *Model) BestPassages(ctx context.Context, q []float32, texts []string) ([]float64, error) {
	out := make([]float64, len(texts))
	if len(q) != m.dim {
		return out, nil
	}
	v := make([]float32, m.dim)
	var terms []string
	var ids []uint32
	for i, text := range texts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		best, found := float32(-1), false
		for _, p := range passages(text) {
			terms, ids = m.termIDs(p, terms[:0], ids[:0])
			clear(v)
			m.embedIDs(ids, v)
			best, found = max(best, dot(v, q)), true
		}
		if found {
			out[i] = float64(best)
		}
	}
	return out, nil
}

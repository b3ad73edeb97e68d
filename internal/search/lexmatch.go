package search

import (
	"quire/internal/search/lexical"
)

// lexMatch reports which of ids satisfy r's requirements (phrases,
// exclusions, authors), for candidates that came from the vector index.
func (e *Engine) lexMatch(r lexical.Request, ids []uint32) map[uint32]bool {
	ok := make(map[uint32]bool, len(ids))
	in := make(map[uint32]bool, len(ids))
	for _, id := range ids {
		in[id] = true
		ok[id] = true
	}
	inSet := func(id uint32) bool { return in[id] }
	if len(r.Must) > 0 || len(r.Authors) > 0 {
		kept := map[uint32]bool{}
		for _, h := range e.lex.Search(lexical.Request{Must: r.Must, Authors: r.Authors, Filter: inSet, K: len(ids)}) {
			kept[h.ID] = true
		}
		for id := range ok {
			ok[id] = kept[id]
		}
	}
	for _, not := range r.MustNot {
		for _, h := range e.lex.Search(lexical.Request{Must: [][]string{not}, Filter: inSet, K: len(ids)}) {
			ok[h.ID] = false
		}
	}
	return ok
}

// lexScore returns the BM25 score of r's terms for each of ids (0 where none
// occurs).
func (e *Engine) lexScore(r lexical.Request, ids []uint32) []float32 {
	in := make(map[uint32]int, len(ids))
	for i, id := range ids {
		in[id] = i
	}
	scores := make([]float32, len(ids))
	hits := e.lex.Search(lexical.Request{Should: r.Should, Filter: func(id uint32) bool { _, ok := in[id]; return ok }, K: len(ids)})
	for _, h := range hits {
		scores[in[h.ID]] = h.Score
	}
	return scores
}

package search

import (
	"quire/internal/search/lexical"
)

// lexMatch reports which of ids satisfy r's requirements (phrases,
// exclusions, authors), for candidates that came from the vector index.
func (e *Engine) lexMatch(r lexical.Request, ids []uint32) map[uint32]bool {
	_, match := e.lex.Score(r, ids)
	ok := make(map[uint32]bool, len(ids))
	for i, id := range ids {
		ok[id] = match[i]
	}
	return ok
}

// lexScore returns the BM25 score of r's terms for each of ids (0 where none
// occurs), looked up directly in the postings.
func (e *Engine) lexScore(r lexical.Request, ids []uint32) []float32 {
	scores, _ := e.lex.Score(r, ids)
	return scores
}

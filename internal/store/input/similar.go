package input

import (
	"encoding/json"
	"fmt"

	"quire"
)

// MaxNeighbours bounds the neighbours stored for one paper.
const MaxNeighbours = 100

// CheckSimilarPapers validates a set of similar papers before it is stored.
func CheckSimilarPapers(s *quire.SimilarPapers) error {
	switch {
	case !Storable(s.PaperID):
		return quire.Invalidf("similar papers: the paper id is empty or not valid text")
	case !IsText(s.Model):
		return quire.Invalidf("similar papers of %s: the model name is not valid text", s.PaperID)
	case s.K < 1 || s.K > MaxNeighbours:
		return quire.Invalidf("similar papers of %s: %d asked for, want 1 to %d", s.PaperID, s.K, MaxNeighbours)
	case len(s.Neighbours) > s.K:
		return quire.Invalidf("similar papers of %s: %d neighbours for %d asked", s.PaperID, len(s.Neighbours), s.K)
	case s.ComputedAt.IsZero():
		return quire.Invalidf("similar papers of %s: no time of computation", s.PaperID)
	}
	for _, n := range s.Neighbours {
		if !Storable(n.PaperID) {
			return quire.Invalidf("similar papers of %s: a neighbour's id is empty or not valid text", s.PaperID)
		}
	}
	return nil
}

// EncodeNeighbours is the stored form of neighbours: a JSON array, the same
// on every backend.
func EncodeNeighbours(ns []quire.Neighbour) (string, error) {
	if ns == nil {
		ns = []quire.Neighbour{}
	}
	b, err := json.Marshal(ns)
	return string(b), err
}

// DecodeNeighbours reads what EncodeNeighbours wrote.
func DecodeNeighbours(s string) ([]quire.Neighbour, error) {
	var ns []quire.Neighbour
	if err := json.Unmarshal([]byte(s), &ns); err != nil {
		return nil, fmt.Errorf("stored neighbours: %w", err)
	}
	return ns, nil
}

package search

import (
	"cmp"
	"slices"
)

// ScoringParams are the knobs of hybrid ranking, in one place. The relevance
// harness (quire eval) chose the defaults; see BENCHMARKS.md.
type ScoringParams struct {
	// Candidates is how many results each retriever contributes before
	// fusion (at least offset+limit are always fetched).
	Candidates int
	// SemanticWeight is the weight of the semantic score (a cosine),
	// added to the lexical score divided by the query's best.
	SemanticWeight float64
	// SemanticFloor is the cosine below which a semantic score counts as
	// nothing: weak neighbours only add noise to exact matches.
	SemanticFloor float64
	// PassageWeight is the weight of a paper's best passage: the largest
	// cosine between the query and one sentence of its abstract. Only an
	// in-process embedder (embedding.Scorer) gives it, and only to the
	// first PassageDepth papers of the fused ranking, which it re-ranks.
	// A negative weight turns the passage stage off.
	PassageWeight float64
	PassageDepth  int
	// TermDiscount lowers, in hybrid search with an in-process embedder,
	// the BM25 weight of the query terms closest to the query's meaning:
	// a term whose vector has cosine c with the query's counts
	// max(minTermWeight, 1 − TermDiscount·c). The semantic score already
	// rewards papers on the query's subject, so the lexical one does more
	// for the ranking by weighing the words that tell those papers apart.
	// A negative discount turns this off.
	TermDiscount float64
	// HybridProbe is the share of the vector index's calibrated lists
	// that the semantic retriever scans in hybrid search (semantic search
	// scans them all). The lexical candidates get their cosine from their
	// stored vectors whatever it is, so the semantic retriever only adds
	// papers that share no word with the query, and those sit in the
	// query's closest lists.
	HybridProbe float64
}

// WithDefaults fills the zero fields of p with the chosen defaults.
func (p ScoringParams) WithDefaults() ScoringParams {
	if p.Candidates <= 0 {
		// Chosen with quire eval at a page of 20 (BENCHMARKS.md): 50
		// candidates rank the development sets as 100 did (descriptive
		// MRR@10 0.8306 both; 30 lose 0.0002), and the lexical index
		// prunes more with fewer.
		p.Candidates = 50
	}
	if p.SemanticWeight == 0 {
		// Chosen on the development sets (quire eval, BENCHMARKS.md)
		// together with the two below: descriptive MRR@10 0.8453 at 0.4,
		// 0.8443 at 0.5, 0.8419 at 0.667, while exact queries stay at or
		// above lexical (0.9961–0.9966).
		p.SemanticWeight = 0.4
	}
	if p.PassageWeight == 0 {
		// 0.4 → 0.8441, 0.5 → 0.8453, 0.6 → 0.8448 (descriptive).
		p.PassageWeight = 0.5
	}
	if p.PassageDepth <= 0 {
		// From the candidate dumps: re-ranking all 50 candidates gives
		// 0.8458, the first 20 0.8453, the first 10 0.8449, for a
		// fraction of the abstracts to read and split.
		p.PassageDepth = 20
	}
	if p.TermDiscount == 0 {
		// 0.8 → 0.8440, 1 → 0.8453, 1.2 → 0.8443; without it 0.8365.
		p.TermDiscount = 1
	}
	if p.HybridProbe <= 0 || p.HybridProbe > 1 {
		// Chosen with quire eval (BENCHMARKS.md): on both development
		// sets, MRR@10 and recall@10 are the same at 0.03 of the lists as
		// at all of them over 80,000 papers, and the same at 0.1 over a
		// million (recall@10 falls 0.0003 at 0.02), while a hybrid
		// search's CPU falls from 9.9 to 6.0 ms there.
		p.HybridProbe = 0.1
	}
	return p
}

// candidate is one document with the scores each retriever gave it; a
// retriever that did not score it leaves NaN-free zero and a false flag.
type candidate struct {
	doc            uint32
	paper          string // the paper id: ties fall to it, the same on every node
	lexical        float64
	semantic       float64
	passage        float64 // the best passage's cosine, when rankPassages ran
	hasLex, hasSem bool
	score          float64
}

// fuse combines lexical and semantic scores of the same documents into one
// ranking: the lexical score divided by the best lexical score of the query
// (BM25 has no fixed scale), plus the semantic score (a cosine) rescaled
// from [floor, 1] to [0, 1] times SemanticWeight.
func fuse(cands []candidate, p ScoringParams) []candidate {
	maxLex := 0.0
	for _, c := range cands {
		maxLex = max(maxLex, c.lexical)
	}
	for i := range cands {
		c := &cands[i]
		lex := 0.0
		if maxLex > 0 {
			lex = c.lexical / maxLex
		}
		c.score = lex + p.SemanticWeight*floored(c.semantic, p.SemanticFloor)
	}
	sortCandidates(cands)
	return cands
}

// floored rescales a cosine from [floor, 1] to [0, 1]; below floor it is 0.
func floored(cos, floor float64) float64 {
	if cos <= floor {
		return 0
	}
	return (cos - floor) / (1 - floor)
}

// sortCandidates orders by score, best first; equal scores fall to the
// paper id, not the document number, which differs between nodes and
// backends (it follows each store's change feed).
func sortCandidates(cands []candidate) {
	slices.SortFunc(cands, func(a, b candidate) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		return cmp.Compare(a.paper, b.paper)
	})
}

// Package lexical is Quire's in-memory inverted index: BM25F ranking over a
// paper's title, abstract and author names, with phrases, exclusions, exact
// author-name filters, prefix expansion and binary snapshots.
//
// # Scoring
//
// Each field's term frequency is multiplied by the field's weight and summed
// into one weighted term frequency per (term, document); the field lengths
// are combined the same way into one weighted length. BM25 is then applied
// to those:
//
//	score(d) = Σ_t qtf(t) · idf(t) · wtf·(k1+1) / (wtf + k1·(1 − b + b·wlen/avgwlen))
//	idf(t)   = ln(1 + (N − df + 0.5) / (df + 0.5))
//
// N, df and avgwlen count live documents only: deleting or replacing a
// document updates them at once, so scores never drift.
//
// # Storage
//
// Documents live in segments. New documents go to a small mutable segment;
// when it fills up it is frozen and a background goroutine rewrites it into
// a compact immutable segment, and merges compact segments of similar size
// (a tiered, log-structured policy), so each document is rewritten only a
// few times. A compact segment keeps, per term, postings in blocks of 128:
// document ordinals as bit-packed gaps, the per-field term frequencies as
// one-byte codes (bit-packed through a per-block palette), and per block
// the Pareto set of (weighted tf, weighted length) pairs, from which the
// block's best possible score is computed for the current statistics.
// Positions are not in the postings: each document keeps its token
// sequence (term ids in position order) in a forward record, read only to
// verify phrases and author names (after a byte-pattern test that rejects
// most documents without decoding) and to find a deleted document's terms.
//
// # Search
//
// Free-text (OR) queries run block-max MaxScore over windows of 4096
// documents: in each window, the terms whose block maxima cannot lift a
// document into the current top k on their own are non-essential; the
// others are scored term at a time into the window's accumulators, and only
// documents that can still compete are probed for the non-essential terms.
// Windows without an essential term are skipped without decoding. Required
// terms (phrases, author names) drive the search instead when present.
// Exclusions, the caller's Filter and position checks run only on documents
// that would enter the top k. Scores are summed in fixed point, so a
// document's score is exactly the same whichever way it was reached.
//
// # Concurrency
//
// One sync.RWMutex guards the index. Search holds the read lock; Add and
// Delete analyse text and intern terms before taking the write lock and
// then only append to the small mutable segment (a few microseconds), so
// writers never stall readers for long. Rewriting and merging segments
// happens outside the lock, from immutable inputs, and the result is
// swapped in under a short write lock. A Filter callback runs under the
// read lock and must not call back into the Index.
package lexical

import (
	"math"
	"sync"

	"quire/internal/search/analyze"
)

// Doc is the text of one paper as the index sees it.
type Doc struct {
	Title    string
	Abstract string
	Authors  []string
}

// Params are the ranking parameters. The field weights are fixed when an
// index is built (they shape the stored statistics); K1 and B only enter at
// query time.
type Params struct {
	K1 float64 // term-frequency saturation, at most 100; default 1.2
	B  float64 // length normalisation in (0, 1]; default 0.75

	TitleWeight    float64 // default 3
	AbstractWeight float64 // default 1
	AuthorsWeight  float64 // default 1
}

// DefaultParams returns the default ranking parameters.
func DefaultParams() Params {
	return Params{K1: 1.2, B: 0.75, TitleWeight: 3, AbstractWeight: 1, AuthorsWeight: 1}
}

// WithDefaults returns p with every zero or meaningless value (negative,
// NaN, infinite, or B above 1) replaced by its default.
func (p Params) WithDefaults() Params {
	d := DefaultParams()
	fix := func(v *float64, def float64, max float64) {
		if !(*v > 0) || math.IsInf(*v, 0) || *v > max {
			*v = def
		}
	}
	fix(&p.K1, d.K1, 100)
	fix(&p.B, d.B, 1)
	fix(&p.TitleWeight, d.TitleWeight, 1e6)
	fix(&p.AbstractWeight, d.AbstractWeight, 1e6)
	fix(&p.AuthorsWeight, d.AuthorsWeight, 1e6)
	return p
}

// Request is one search. Terms are analysed terms (as the Analyzer returns
// them). Documents must match every Must phrase and Authors name and no
// MustNot phrase; with Should terms, they must also hold one of them unless
// a Must or Authors clause is given, and rank by BM25F over the Should
// terms. Matches of a request without Should terms all score 0 and come in
// id order; a request with no Should, Must or Authors clause matches
// nothing.
type Request struct {
	// Should are the scored terms (OR); a term may repeat, which counts it
	// that many times. Unknown terms are ignored.
	Should []string
	// Weights, when not nil, scale each Should term's score: Weights[i]
	// belongs to Should[i], and a repeated term adds its weights up. A
	// missing entry, or one that is not a positive number, counts 1.
	Weights []float64
	// Must are required phrases, each a list of analysed terms in order; a
	// one-term phrase is a required term. An empty string stands for a word
	// the analyser dropped (a stop word), keeping the positions of the others:
	// "state of the art" is {"state", "", "", "art"} (see Phrase). Must
	// clauses filter and are not scored: put their terms in Should to score
	// them. A phrase matches within one field (title, abstract, one author).
	Must [][]string
	// MustNot are excluded terms and phrases, written like Must.
	MustNot [][]string
	// Authors are required author names, each a list of words matched as
	// an exact sequence within one author's name, after NameWords (so case,
	// accents and punctuation do not matter): {"hinton"} matches
	// "Geoffrey E. Hinton", {"geoffrey", "hinton"} does not.
	Authors [][]string
	// Filter, if not nil, is called for documents that would otherwise enter
	// the results; false drops them. It runs under the index's read lock and
	// must not call into the Index.
	Filter func(id uint32) bool
	// K is the number of results wanted; at most MaxK, and DefaultK when 0
	// or negative.
	K int
}

// Limits on requests. Should terms beyond the first MaxTerms distinct
// ones are ignored, and a term's summed weight (its count when unweighted)
// is capped at maxQtf.
const (
	DefaultK = 10
	MaxK     = 10000
	MaxTerms = 1024
	maxQtf   = 64
)

// Phrase returns the Must form of tokens the Analyzer returned for one
// phrase: their terms at their relative positions, with "" for the words
// it dropped between them.
func Phrase(toks []analyze.Token) []string {
	if len(toks) == 0 {
		return nil
	}
	out := make([]string, 0, len(toks))
	first := toks[0].Pos
	for _, t := range toks {
		for len(out) < t.Pos-first && len(out) < 64*len(toks) {
			out = append(out, "")
		}
		out = append(out, t.Term)
	}
	return out
}

// Hit is one result.
type Hit struct {
	ID    uint32
	Score float32
}

// Index is an inverted index of documents identified by dense uint32 ids.
// It is safe for concurrent use.
type Index struct {
	an *analyze.Analyzer
	p  Params
	// wtfTable maps a one-byte posting code to its weighted term frequency.
	wtfTable [256]float32

	voc *vocab

	// maintMu serialises the work that rewrites segments (sealing, merging,
	// compaction, loading a snapshot); it is never taken while mu is held.
	maintMu sync.Mutex
	maint   maintenance

	mu sync.RWMutex
	// Everything below is guarded by mu.
	df        []int32    // live documents per term id
	segs      []*segment // compact and frozen segments, searched with mem
	mem       *segment   // the mutable segment receiving new documents
	bySerial  map[uint32]*segment
	loc       locTable // id → (segment serial, ordinal) of the live copy
	live      int      // number of live documents
	totalWlen float64  // sum of weighted lengths of live documents
	serial    uint32   // last segment serial handed out
	memMax    int      // documents per mutable segment before it is frozen
}

// New returns an empty index that analyses text with a and ranks with p
// (zero fields of p take their defaults).
func New(a *analyze.Analyzer, p Params) *Index {
	ix := &Index{
		an:       a,
		p:        p.WithDefaults(),
		voc:      newVocab(),
		bySerial: map[uint32]*segment{},
		memMax:   defaultMemMax,
	}
	ix.maint.cond = sync.NewCond(&ix.maint.mu)
	ix.initTable()
	ix.mem = ix.newMemSegment()
	return ix
}

// defaultMemMax is the size of the mutable segment. Small enough that
// searching its uncompressed postings stays cheap and freezing it takes a
// few milliseconds; large enough that merges stay rare.
const defaultMemMax = 4096

// Len returns the number of documents in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.live
}

// Params returns the index's ranking parameters.
func (ix *Index) Params() Params { return ix.p }

func (ix *Index) initTable() {
	for c := range ix.wtfTable {
		if c == escapeCode {
			continue
		}
		ix.wtfTable[c] = ix.wtf(unpackByteCode(byte(c)))
	}
}

// wtf returns the weighted term frequency of per-field frequencies.
func (ix *Index) wtf(f tfs) float32 {
	return float32(ix.p.TitleWeight*float64(f.title()) +
		ix.p.AbstractWeight*float64(f.abstract()) +
		ix.p.AuthorsWeight*float64(f.authors()))
}

// newSerialLocked returns a fresh segment serial. The caller holds mu or
// otherwise owns the index exclusively.
func (ix *Index) newSerialLocked() uint32 {
	ix.serial++
	return ix.serial
}

func (ix *Index) newMemSegment() *segment {
	s := newMem(ix.newSerialLocked())
	ix.bySerial[s.serial] = s
	return s
}

// MemoryBytes estimates the heap the index holds: postings, forward
// records, per-document arrays, the vocabulary and the id table.
func (ix *Index) MemoryBytes() int64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n := int64(cap(ix.df))*4 + ix.loc.memoryBytes() + ix.mem.memoryBytes()
	for _, s := range ix.segs {
		n += s.memoryBytes()
	}
	ix.voc.mu.RLock()
	n += ix.voc.memoryBytes()
	ix.voc.mu.RUnlock()
	return n
}

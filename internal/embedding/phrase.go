package embedding

import (
	"cmp"
	"slices"
	"strings"
)

// Phrases. Word vectors pooled over a text see it as a bag of words, which
// is what BM25 already scores: on the descriptive known-item queries such a
// model ranked the answer above the lexical leaders no more often than a
// coin would. What a searcher's paraphrase shares with a paper beyond single
// words is its phrases ("knowledge scope", "character animation"), so the
// model also gives a vector to each frequent pair of adjacent terms, as
// Sent2Vec does with word n-grams. Phrase vectors start at zero, so an
// untuned model is the plain word model, and are learned by the contrastive
// tuning.

// phraseSep joins the two terms of a phrase in the vocabulary; analysed
// terms never contain it.
const phraseSep = " "

func phraseKey(a, b uint32) uint64 { return uint64(a)<<32 | uint64(b) }

// appendPhrases appends to ids (term ids in text order) the ids of the
// known phrases formed by adjacent ones.
func appendPhrases(phrases map[uint64]uint32, ids []uint32) []uint32 {
	if len(phrases) == 0 {
		return ids
	}
	n := len(ids)
	for i := 1; i < n; i++ {
		if id, ok := phrases[phraseKey(ids[i-1], ids[i])]; ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// phraseCount is one selected phrase and how often it occurs.
type phraseCount struct {
	key   uint64
	count int64
}

// selectPhrases returns the adjacent term pairs of the corpus that occur
// at least minCount times, most frequent first (ties by key), at most max
// of them. Memory stays bounded on large corpora: a first pass counts into
// a fixed table of saturating counters indexed by a hash of the pair, and
// only pairs whose counter reached minCount are counted exactly.
func selectPhrases(c *corpus, minCount, max int) []phraseCount {
	if max <= 0 {
		return nil
	}
	const sketchBits = 24
	sketch := make([]uint16, 1<<sketchBits)
	slot := func(k uint64) uint64 { return (k * 0x9e3779b97f4a7c15) >> (64 - sketchBits) }
	each := func(f func(k uint64)) {
		for d := range c.len() {
			doc := c.doc(d)
			for i := 1; i < len(doc); i++ {
				f(phraseKey(doc[i-1], doc[i]))
			}
		}
	}
	each(func(k uint64) {
		if s := &sketch[slot(k)]; *s < 1<<16-1 {
			*s++
		}
	})
	counts := map[uint64]int64{}
	each(func(k uint64) {
		if int(sketch[slot(k)]) >= minCount {
			counts[k]++
		}
	})
	var out []phraseCount
	for k, n := range counts {
		if n >= int64(minCount) {
			out = append(out, phraseCount{k, n})
		}
	}
	slices.SortFunc(out, func(a, b phraseCount) int {
		if c := cmp.Compare(b.count, a.count); c != 0 {
			return c
		}
		return cmp.Compare(a.key, b.key)
	})
	return out[:min(len(out), max)]
}

// indexPhrases builds the phrase table of a model whose vocabulary holds
// phrases as "term term" after the words they join; ok is false when a
// phrase names a word that does not come before it.
func indexPhrases(terms []string, ids map[string]int32) (map[uint64]uint32, bool) {
	var phrases map[uint64]uint32
	for i, t := range terms {
		a, b, isPhrase := strings.Cut(t, phraseSep)
		if !isPhrase {
			continue
		}
		ia, okA := ids[a]
		ib, okB := ids[b]
		if !okA || !okB || int(ia) >= i || int(ib) >= i {
			return nil, false
		}
		if phrases == nil {
			phrases = map[uint64]uint32{}
		}
		phrases[phraseKey(uint32(ia), uint32(ib))] = uint32(i)
	}
	return phrases, true
}

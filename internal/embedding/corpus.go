package embedding

import (
	"context"
	"iter"
	"strings"
	"sync"
)

// corpus holds the sampled documents as vocabulary ids (frequency ranks);
// terms outside the vocabulary are left out.
type corpus struct {
	toks  []uint32
	off   []int64  // document i is toks[off[i]:off[i+1]]
	title []uint16 // how many of document i's tokens come from its title
}

func (c *corpus) len() int { return len(c.off) - 1 }

func (c *corpus) doc(i int) []uint32 { return c.toks[c.off[i]:c.off[i+1]] }

// splitTitle splits a "title. abstract" text at the first sentence end.
func splitTitle(text string) (title, rest string) {
	if i := strings.Index(text, ". "); i >= 0 {
		return text[:i], text[i+2:]
	}
	return text, ""
}

// keepDoc reports whether document i of n belongs to an evenly spaced
// sample of m documents.
func keepDoc(i, n, m int) bool {
	if n <= m {
		return true
	}
	return (int64(i)+1)*int64(m)/int64(n) > int64(i)*int64(m)/int64(n)
}

// collectCorpus tokenizes the sampled documents again and keeps their terms
// as ids, in document order (so training is deterministic).
func collectCorpus(ctx context.Context, docs iter.Seq[string], tok tokenizer, ids map[string]uint32, n, m, workers int) (*corpus, error) {
	type part struct {
		toks  []uint32
		lens  []int32
		title []uint16
	}
	var mu sync.Mutex
	parts := map[int]*part{}
	err := feedBatches(ctx, docs, workers, func(_, first int, batch []string) {
		p := &part{}
		var terms []string
		for i, doc := range batch {
			if !keepDoc(first+i, n, m) {
				continue
			}
			title, rest := splitTitle(doc)
			start := len(p.toks)
			terms = tok.appendTerms(terms[:0], title)
			nt := len(terms)
			terms = tok.appendTerms(terms, rest)
			for j, t := range terms {
				if id, ok := ids[t]; ok {
					p.toks = append(p.toks, id)
				}
				if j == nt-1 {
					p.title = append(p.title, uint16(min(len(p.toks)-start, 1<<16-1)))
				}
			}
			if nt == 0 {
				p.title = append(p.title, 0)
			}
			p.lens = append(p.lens, int32(len(p.toks)-start))
		}
		mu.Lock()
		parts[first] = p
		mu.Unlock()
	})
	if err != nil {
		return nil, err
	}
	c := &corpus{off: []int64{0}}
	total := 0
	for _, p := range parts {
		total += len(p.toks)
	}
	c.toks = make([]uint32, 0, total)
	for first := 0; len(parts) > 0; first++ {
		p, ok := parts[first]
		if !ok {
			continue
		}
		delete(parts, first)
		c.toks = append(c.toks, p.toks...)
		for _, l := range p.lens {
			c.off = append(c.off, c.off[len(c.off)-1]+int64(l))
		}
		c.title = append(c.title, p.title...)
	}
	return c, nil
}

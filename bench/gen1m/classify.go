package main

import (
	"math"
	"slices"
)

// classifier guesses the primary arXiv category of a paper from its words:
// multinomial naive Bayes trained on the listings, over the categories with
// enough papers to have a vocabulary.
type classifier struct {
	cats   []string
	docs   []float64            // papers per category
	total  []float64            // words per category
	counts map[string][]float64 // word → occurrences per category
}

// minClassDocs is the number of papers a category needs to be guessed.
const minClassDocs = 100

// newClassifier trains on the corpus's papers.
func newClassifier(c *corpus) *classifier {
	cl := &classifier{counts: map[string][]float64{}}
	index := map[string]int{}
	for cat, ps := range c.byCat {
		if len(ps) >= minClassDocs {
			cl.cats = append(cl.cats, cat)
		}
	}
	slices.Sort(cl.cats) // map order would make ties depend on the run
	for i, cat := range cl.cats {
		index[cat] = i
	}
	k := len(cl.cats)
	cl.docs = make([]float64, k)
	cl.total = make([]float64, k)
	for i := range c.papers {
		p := &c.papers[i]
		ci, ok := index[p.cats[0]]
		if !ok {
			continue
		}
		cl.docs[ci]++
		eachWord(p.title+" "+p.abstract, func(w []byte) {
			v, ok := cl.counts[string(w)]
			if !ok {
				v = make([]float64, k)
				cl.counts[string(w)] = v
			}
			v[ci]++
			cl.total[ci]++
		})
	}
	return cl
}

// guess returns the most probable category of text, or cs.LG when the
// classifier knows no category.
func (cl *classifier) guess(text string) string {
	if len(cl.cats) == 0 {
		return "cs.LG"
	}
	vocab := float64(len(cl.counts))
	score := make([]float64, len(cl.cats))
	for i := range score {
		score[i] = math.Log(cl.docs[i])
	}
	eachWord(text, func(w []byte) {
		v, ok := cl.counts[string(w)]
		if !ok {
			return
		}
		for i := range score {
			score[i] += math.Log((v[i] + 1) / (cl.total[i] + vocab))
		}
	})
	best := 0
	for i := range score {
		if score[i] > score[best] {
			best = i
		}
	}
	return cl.cats[best]
}

// eachWord calls fn with each lowercased ASCII word of three letters or
// more in s; fn must not keep w.
func eachWord(s string, fn func(w []byte)) {
	var w [32]byte
	n := 0
	flush := func() {
		if n >= 3 && n <= len(w) {
			fn(w[:n])
		}
		n = 0
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z':
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		default:
			flush()
			continue
		}
		if n < len(w) {
			w[n] = c
		}
		n++
	}
	flush()
}

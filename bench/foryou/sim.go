package main

import (
	"math"
	"math/rand/v2"
	"strings"
)

// generator is the simulation's model of a member's votes.
type generator struct {
	match, pop, base, notInterested float64
}

// simulate makes n members and lets them vote through the archive.
func simulate(rng *rand.Rand, papers []*paper, days [][]int, n int, g generator) []member {
	// Anchors come from the first half of the archive, and only papers
	// with keywords can be anchors.
	var anchors []int
	for i, p := range papers {
		if p.day < len(days)/2 && len(p.keywords) >= 4 {
			anchors = append(anchors, i)
		}
	}
	if len(anchors) == 0 {
		// Early archives carry no keywords: anchor on any paper's title
		// words instead.
		for i := range papers {
			anchors = append(anchors, i)
		}
	}
	ms := make([]member, n)
	for mi := range ms {
		m := &ms[mi]
		for range 2 {
			a := papers[anchors[rng.IntN(len(anchors))]]
			for _, k := range interestTerms(a) {
				if !contains(m.terms, k) {
					m.terms = append(m.terms, k)
				}
			}
		}
		for d, list := range days {
			for _, pi := range list {
				p := papers[pi]
				k := 0
				for _, t := range m.terms {
					if strings.Contains(p.text, t) {
						k++
					}
				}
				z := g.match*float64(min(k, 3)) + g.pop*math.Log1p(float64(max(p.upvotes, 0))) + g.base
				switch {
				case rng.Float64() < 1/(1+math.Exp(-z)):
					m.signals = append(m.signals, signal{paper: pi, kind: "upvote", day: d})
				case k == 0 && rng.Float64() < g.notInterested:
					m.signals = append(m.signals, signal{paper: pi, kind: "not_interested", day: d})
				}
			}
		}
	}
	return ms
}

// interestTerms are the phrases a member interested in paper p looks for:
// its keywords, or, without keywords, the longer words of its title.
func interestTerms(p *paper) []string {
	if len(p.keywords) > 0 {
		return p.keywords
	}
	var out []string
	for _, w := range strings.Fields(p.text[:min(len(p.text), 120)]) {
		if len(w) >= 8 {
			out = append(out, w)
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

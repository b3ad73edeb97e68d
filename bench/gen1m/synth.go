package main

import (
	"math/rand/v2"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxAuthors caps the number of authors of a synthetic paper.
const maxAuthors = 15

// wrapWidth is the line width of the hard-wrapped synthetic abstracts, as
// arXiv wraps them.
const wrapWidth = 79

// The synthetic papers are listed on weekdays of these years; identifiers
// use the years firstYY.. (2016 → 30).
const (
	firstYear = 2016
	lastYear  = 2025
	firstYY   = 30
)

// synthesizer makes synthetic papers from the corpus. It is read-only once
// made, so workers share it, each with its own random source.
type synthesizer struct {
	c    *corpus
	days []time.Time // the weekdays a synthetic paper can be listed on
}

func newSynthesizer(c *corpus) *synthesizer {
	s := &synthesizer{c: c}
	end := time.Date(lastYear+1, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := time.Date(firstYear, 1, 1, 0, 0, 0, 0, time.UTC); d.Before(end); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			s.days = append(s.days, d)
		}
	}
	return s
}

// scratch holds a worker's reusable buffers.
type scratch struct {
	abstract []byte
	authors  []string
	picked   []int32
	used     [][2]int
}

// paper appends the tail of a new synthetic listing line (see appendTail)
// to b and returns it with the index of its listing day in s.days.
func (s *synthesizer) paper(rng *rand.Rand, sc *scratch, b []byte) ([]byte, int32) {
	c := s.c
	src := &c.papers[rng.IntN(len(c.papers))]
	pool := c.byCat[src.cats[0]]
	other := &c.papers[pool[rng.IntN(len(pool))]]
	title := swapWords(rng, src.title, other.title)

	// The abstract has as many sentences as src's; sentence j comes from
	// one of 2-4 abstracts of the category, from the same relative place,
	// so openings stay openings and conclusions stay conclusions.
	sources := [4]*paper{src}
	m := 2 + rng.IntN(3)
	for i := 1; i < m; i++ {
		sources[i] = &c.papers[pool[rng.IntN(len(pool))]]
	}
	sc.abstract, sc.used = sc.abstract[:0], sc.used[:0]
	line := 0
	n := len(src.sents)
	for j := range n {
		var r, idx int
		for try := 0; try < 4; try++ {
			r = rng.IntN(m)
			idx = j * len(sources[r].sents) / n
			if !contains(sc.used, [2]int{r, idx}) {
				break
			}
		}
		sc.used = append(sc.used, [2]int{r, idx})
		sc.abstract, line = appendWrapped(sc.abstract, sources[r].sentence(idx), line)
	}

	sc.authors, sc.picked = sc.authors[:0], sc.picked[:0]
	k := max(1, int(c.counts[rng.IntN(len(c.counts))]))
	for range k {
		name := c.slots[rng.IntN(len(c.slots))]
		for try := 0; try < 4 && containsID(sc.picked, name); try++ {
			name = c.slots[rng.IntN(len(c.slots))]
		}
		if containsID(sc.picked, name) {
			continue
		}
		sc.picked = append(sc.picked, name)
		sc.authors = append(sc.authors, c.names[name])
	}

	var comment *string
	if src.hasComment {
		comment = &src.comment
	}
	b = appendTail(b, sc.authors, title, src.cats, comment, sc.abstract)
	return b, int32(rng.IntN(len(s.days)))
}

// appendWrapped appends the words of text to b, breaking lines before
// wrapWidth; line is the length of b's last line, returned updated.
func appendWrapped(b []byte, text string, line int) ([]byte, int) {
	for w := range strings.FieldsSeq(text) {
		switch {
		case len(b) == 0:
		case line+1+len(w) > wrapWidth:
			b = append(b, '\n')
			line = 0
		default:
			b = append(b, ' ')
			line++
		}
		b = append(b, w...)
		line += len(w)
	}
	return b, line
}

// swapWords returns title with one to three of its plain words (four
// letters or more) replaced by plain words of other, each taking the case
// of the word it replaces.
func swapWords(rng *rand.Rand, title, other string) string {
	words := strings.Fields(title)
	var mine, theirs []int
	for i, w := range words {
		if plain(w) {
			mine = append(mine, i)
		}
	}
	otherWords := strings.Fields(other)
	for i, w := range otherWords {
		if plain(w) {
			theirs = append(theirs, i)
		}
	}
	if len(mine) == 0 || len(theirs) == 0 {
		return title
	}
	k := min(1+rng.IntN(3), max(1, len(mine)/2))
	for range k {
		i := mine[rng.IntN(len(mine))]
		words[i] = matchCase(otherWords[theirs[rng.IntN(len(theirs))]], words[i])
	}
	return strings.Join(words, " ")
}

// plain reports whether w is a word of letters only, four or more.
func plain(w string) bool {
	if len(w) < 4 {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// matchCase gives w the case of like's first letter, unless w is an
// acronym or a name with inner capitals, which keep theirs.
func matchCase(w, like string) string {
	r, size := utf8.DecodeRuneInString(w)
	if strings.ToLower(w[size:]) != w[size:] {
		return w
	}
	l, _ := utf8.DecodeRuneInString(like)
	if unicode.IsUpper(l) {
		return string(unicode.ToUpper(r)) + w[size:]
	}
	return string(unicode.ToLower(r)) + w[size:]
}

func contains(s [][2]int, v [2]int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func containsID(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

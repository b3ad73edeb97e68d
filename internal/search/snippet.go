package search

import (
	"strings"
	"unicode/utf8"

	"quire/internal/search/analyze"
)

// Segment is a piece of a snippet; Match marks a word the query matched,
// which pages highlight.
type Segment struct {
	Text  string
	Match bool
}

// Snippet returns the part of text, about maxBytes long, that holds the most
// distinct query terms, cut at word boundaries, with an ellipsis where it
// was cut and the matched words marked. With no match it is the start of
// the text.
func Snippet(a *analyze.Analyzer, text string, terms map[string]bool, maxBytes int) []Segment {
	if text == "" {
		return nil
	}
	toks := a.Tokens(text, nil)
	var matches []analyze.Token
	for _, t := range toks {
		if terms[t.Term] {
			matches = append(matches, t)
		}
	}
	start, end := window(text, matches, maxBytes)
	var segs []Segment
	if start > 0 {
		segs = append(segs, Segment{Text: "…"})
	}
	pos := start
	for _, m := range matches {
		if m.Start < start || m.End > end {
			continue
		}
		if m.Start > pos {
			segs = append(segs, Segment{Text: text[pos:m.Start]})
		}
		segs = append(segs, Segment{Text: text[m.Start:m.End], Match: true})
		pos = m.End
	}
	if end > pos {
		segs = append(segs, Segment{Text: text[pos:end]})
	}
	if end < len(text) {
		segs = append(segs, Segment{Text: "…"})
	}
	return segs
}

// window picks the byte range [start, end) of text to show: the maxBytes
// span starting a little before the match that begins the densest run of
// distinct terms, snapped to spaces.
func window(text string, matches []analyze.Token, maxBytes int) (start, end int) {
	if len(text) <= maxBytes {
		return 0, len(text)
	}
	best, bestCount := 0, 0
	for i := range matches {
		seen := map[string]bool{}
		for j := i; j < len(matches) && matches[j].End-matches[i].Start <= maxBytes; j++ {
			seen[matches[j].Term] = true
		}
		if len(seen) > bestCount {
			best, bestCount = i, len(seen)
		}
	}
	if bestCount > 0 {
		// A little context before the first match, unless near the start.
		start = max(0, matches[best].Start-maxBytes/5)
		if start < maxBytes/3 {
			start = 0
		}
	}
	if start > 0 {
		if i := strings.IndexByte(text[start:], ' '); i >= 0 && i < 40 {
			start += i + 1
		}
	}
	end = min(len(text), start+maxBytes)
	if end < len(text) {
		if i := strings.LastIndexByte(text[start:end], ' '); i > maxBytes/2 {
			end = start + i
		}
		for end > start && !utf8.RuneStart(text[end]) {
			end--
		}
	}
	return start, end
}

// Snippet is the package function Snippet with the engine's analyzer.
func (e *Engine) Snippet(text string, terms map[string]bool, maxBytes int) []Segment {
	return Snippet(e.analyzer, text, terms, maxBytes)
}

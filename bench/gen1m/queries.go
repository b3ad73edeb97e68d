package main

import (
	"bufio"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"unicode"
)

// commonQueries are searches for the catalogue's most frequent words and
// phrases: the long postings lists a top-k search must not walk in full.
var commonQueries = []string{
	"large language models", "language models", "diffusion models", "deep learning",
	"neural networks", "reinforcement learning", "transformer", "benchmark",
	"dataset", "survey", "attention", "image generation", "object detection",
	"semantic segmentation", "multimodal large language models", "vision language model",
	"retrieval augmented generation", "3d reconstruction", "video generation",
	"graph neural networks", "contrastive learning", "federated learning",
	"model", "learning", "data", "method", "performance", "training",
	"a novel framework for efficient training", "state of the art results",
}

// Query is one search of the benchmark query set, a line of the file
// written by -queries.
type Query struct {
	Q      string `json:"q"`
	Common bool   `json:"common,omitempty"` // one of commonQueries
}

// makeQueries returns n queries of one to four consecutive words of the
// titles of random real papers, lowercased as people type them, and the
// common queries, mixed in an order fixed by seed.
func makeQueries(c *corpus, n int, seed uint64) []Query {
	rng := rand.New(rand.NewPCG(seed, math.MaxUint64)) // the blocks use streams 0, 1, 2, ...
	var qs []Query
	for len(qs) < n && len(c.papers) > 0 {
		words := strings.FieldsFunc(c.papers[rng.IntN(len(c.papers))].title, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
		})
		if len(words) == 0 {
			continue
		}
		k := min(len(words), []int{1, 2, 2, 3, 3, 4}[rng.IntN(6)])
		i := rng.IntN(len(words) - k + 1)
		picked := words[i : i+k]
		if allStop(picked) {
			continue
		}
		qs = append(qs, Query{Q: strings.ToLower(strings.Join(picked, " "))})
	}
	for _, q := range commonQueries {
		qs = append(qs, Query{Q: q, Common: true})
	}
	rng.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
	return qs
}

// allStop reports whether every word is a stop word or a dash: a query
// that matches nothing.
func allStop(words []string) bool {
	for _, w := range words {
		switch strings.ToLower(strings.Trim(w, "-")) {
		case "", "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is",
			"it", "of", "on", "or", "that", "the", "this", "to", "via", "with":
		default:
			return false
		}
	}
	return true
}

// writeQueries writes queries as JSON lines.
func writeQueries(path string, qs []Query) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, q := range qs {
		if err := enc.Encode(q); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Command devset builds the search relevance development sets from the real
// daily-papers records that carry an AI summary (an LLM paraphrase of the
// abstract):
//
//   - exact: the summary is the query, its paper the one relevant answer;
//   - descriptive: the same summary with every word of the paper's title,
//     every acronym, CamelCase name, token with a digit and capitalised
//     name removed, kept when six words or more remain.
//
// Usage (from the repository root):
//
//	go run ./bench/devset [-data ../shared/data] [-out testdata/search]
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/klauspost/compress/zstd"
)

type record struct {
	Paper struct {
		ID        string `json:"id"`
		Title     string `json:"title"`
		AISummary string `json:"ai_summary"`
	} `json:"paper"`
}

type query struct {
	Query    string   `json:"query"`
	Relevant []string `json:"relevant"`
}

func main() {
	data := flag.String("data", "../shared/data", "folder of the real data")
	out := flag.String("out", "testdata/search", "folder to write exact.jsonl and descriptive.jsonl to")
	flag.Parse()
	f, err := os.Open(filepath.Join(*data, "hf-daily", "papers.jsonl.zst"))
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	zr, err := zstd.NewReader(f)
	if err != nil {
		log.Fatal(err)
	}
	var exact, descriptive []query
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			log.Fatal(err)
		}
		s := strings.Join(strings.Fields(r.Paper.AISummary), " ")
		if s == "" {
			continue
		}
		exact = append(exact, query{Query: s, Relevant: []string{r.Paper.ID}})
		if d := Describe(s, r.Paper.Title); len(strings.Fields(d)) >= 6 {
			descriptive = append(descriptive, query{Query: d, Relevant: []string{r.Paper.ID}})
		}
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	write(filepath.Join(*out, "exact.jsonl"), exact)
	write(filepath.Join(*out, "descriptive.jsonl"), descriptive)
	fmt.Printf("exact: %d queries, descriptive: %d queries\n", len(exact), len(descriptive))
}

func write(path string, qs []query) {
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, q := range qs {
		if err := enc.Encode(q); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

// Describe removes from summary the words that would make a known-item
// query easy: the title's words, acronyms, CamelCase names, tokens with a
// digit and capitalised names (a capital not at the start of a sentence).
func Describe(summary, title string) string {
	titleWords := map[string]bool{}
	for _, w := range words(title) {
		titleWords[strings.ToLower(w)] = true
	}
	var kept []string
	sentenceStart := true
	for _, tok := range strings.Fields(summary) {
		core := strings.TrimFunc(tok, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		start := sentenceStart
		sentenceStart = strings.HasSuffix(tok, ".") || strings.HasSuffix(tok, "!") || strings.HasSuffix(tok, "?")
		if core == "" {
			continue
		}
		if drop(core, start, titleWords) {
			continue
		}
		kept = append(kept, tok)
	}
	return strings.Join(kept, " ")
}

func drop(core string, sentenceStart bool, titleWords map[string]bool) bool {
	for _, part := range words(core) {
		if titleWords[strings.ToLower(part)] {
			return true
		}
	}
	upper, lowerAfterUpper, inner := 0, false, false
	for i, r := range core {
		switch {
		case unicode.IsDigit(r):
			return true // a number, a version, "3D", "GPT-4"
		case unicode.IsUpper(r):
			upper++
			if i > 0 {
				inner = true
			}
		case unicode.IsLower(r):
			if upper > 0 {
				lowerAfterUpper = true
			}
		}
	}
	switch {
	case upper >= 2 && !lowerAfterUpper: // an acronym: LLM, RLHF
		return true
	case inner: // CamelCase or a mixed acronym: EnvHarness, LoRA, mIoU
		return true
	case upper == 1 && !sentenceStart: // a capitalised name mid-sentence
		return true
	}
	return false
}

// words splits s into runs of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

package embedding

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// paperText is what the catalogue embeds: "title. abstract".
func paperText(title, abstract string) string {
	return strings.Join(strings.Fields(title), " ") + ". " + strings.Join(strings.Fields(abstract), " ")
}

// readJSONLines calls f with each line of a (possibly zstd-compressed)
// JSON Lines file.
func readJSONLines(tb testing.TB, path string, f func(line []byte)) {
	tb.Helper()
	file, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer file.Close()
	var r = bufio.NewReaderSize(file, 1<<20)
	sc := bufio.NewScanner(r)
	if strings.HasSuffix(path, ".zst") {
		zr, err := zstd.NewReader(r)
		if err != nil {
			tb.Fatal(err)
		}
		defer zr.Close()
		sc = bufio.NewScanner(zr)
	}
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		f(sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
}

// catalogue is a set of papers with known-item queries.
type catalogue struct {
	ids   []string
	texts []string
	index map[string]int
	// exact and descriptive known-item queries: text → paper index
	exact, descriptive []query
}

type query struct {
	text   string
	answer int
}

func (c *catalogue) add(id, title, abstract string) int {
	if i, ok := c.index[id]; ok {
		return i
	}
	c.index[id] = len(c.ids)
	c.ids = append(c.ids, id)
	c.texts = append(c.texts, paperText(title, abstract))
	return len(c.ids) - 1
}

// loadCatalogue reads the Hugging Face daily papers and the arXiv listings;
// the daily papers' ai_summary fields become the queries.
func loadCatalogue(tb testing.TB, hfPath, arxivPath string) *catalogue {
	tb.Helper()
	c := &catalogue{index: map[string]int{}}
	type summary struct{ id, title, text string }
	var summaries []summary
	readJSONLines(tb, hfPath, func(line []byte) {
		var rec struct {
			Paper struct {
				ID        string `json:"id"`
				Title     string `json:"title"`
				Summary   string `json:"summary"`
				AISummary string `json:"ai_summary"`
			} `json:"paper"`
		}
		if err := json.Unmarshal(line, &rec); err != nil {
			tb.Fatal(err)
		}
		p := rec.Paper
		c.add(p.ID, p.Title, p.Summary)
		if s := strings.TrimSpace(p.AISummary); s != "" {
			summaries = append(summaries, summary{p.ID, p.Title, s})
		}
	})
	if arxivPath != "" {
		readJSONLines(tb, arxivPath, func(line []byte) {
			var rec struct {
				ID      string `json:"id"`
				Title   string `json:"title"`
				Summary string `json:"summary"`
			}
			if err := json.Unmarshal(line, &rec); err != nil {
				tb.Fatal(err)
			}
			c.add(rec.ID, rec.Title, rec.Summary)
		})
	}
	for _, s := range summaries {
		i := c.index[s.id]
		c.exact = append(c.exact, query{s.text, i})
		if d := descriptiveQuery(s.text, s.title); len(strings.Fields(d)) >= 6 {
			c.descriptive = append(c.descriptive, query{d, i})
		}
	}
	return c
}

// descriptiveQuery removes from summary every word of the title, every
// word with a digit, every acronym or CamelCase name, and every capitalised
// word that does not start a sentence: what is left describes the paper
// without naming it.
func descriptiveQuery(summary, title string) string {
	titleWords := map[string]bool{}
	for _, w := range words(title) {
		titleWords[strings.ToLower(w)] = true
	}
	var kept []string
	sentenceStart := true
	for _, field := range strings.Fields(summary) {
		for _, w := range words(field) {
			first := sentenceStart
			sentenceStart = false
			if titleWords[strings.ToLower(w)] || hasDigit(w) || hasInnerUpper(w) || (!first && isUpper(rune(w[0]))) {
				continue
			}
			kept = append(kept, w)
		}
		sentenceStart = strings.HasSuffix(field, ".") || strings.HasSuffix(field, "?") || strings.HasSuffix(field, "!")
	}
	return strings.Join(kept, " ")
}

// words splits s into runs of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r > 127)
	})
}

func hasDigit(w string) bool { return strings.ContainsAny(w, "0123456789") }

func isUpper(r rune) bool { return r >= 'A' && r <= 'Z' }

// hasInnerUpper reports an upper-case letter after the first: acronyms
// (LLM, ViT) and CamelCase names (ConvNeXt).
func hasInnerUpper(w string) bool {
	for _, r := range w[1:] {
		if isUpper(r) {
			return true
		}
	}
	return false
}

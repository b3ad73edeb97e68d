package analyze

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
)

// MustAbstracts returns the titles and abstracts of the real arXiv listing
// lines in testdata.
func MustAbstracts(tb testing.TB) []string {
	tb.Helper()
	f, err := os.Open("../../../testdata/arxiv/listings_sample.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var texts []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec struct {
			Title   string `json:"title"`
			Summary string `json:"summary"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			tb.Fatal(err)
		}
		texts = append(texts, rec.Title, rec.Summary)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if len(texts) == 0 {
		tb.Fatal("no records in the listings sample")
	}
	return texts
}

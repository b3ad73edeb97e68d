package lexical

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// Real documents for tests: the committed fixtures of the repository and,
// when the shared data directory is present, the arXiv listings.
var (
	listingsSample = filepath.Join("..", "..", "..", "testdata", "arxiv", "listings_sample.jsonl")
	kaggleSample   = filepath.Join("..", "..", "..", "testdata", "arxiv", "kaggle_sample_200.jsonl")
	listingsFull   = filepath.Join("..", "..", "..", "..", "shared", "data", "arxiv", "cs_listings_2025-03_2026-07.jsonl.zst")
)

// record is the part of a listing or Kaggle line the index reads.
type record struct {
	Title    string          `json:"title"`
	Summary  string          `json:"summary"`  // listings
	Abstract string          `json:"abstract"` // Kaggle
	Authors  json.RawMessage `json:"authors"`  // listings: array; Kaggle: one string
}

func (r record) doc() Doc {
	d := Doc{Title: r.Title, Abstract: r.Summary}
	if d.Abstract == "" {
		d.Abstract = r.Abstract
	}
	var list []string
	if json.Unmarshal(r.Authors, &list) != nil {
		var s string
		if json.Unmarshal(r.Authors, &s) == nil {
			s = strings.ReplaceAll(s, " and ", ", ")
			for _, a := range strings.Split(s, ",") {
				if a = strings.TrimSpace(a); a != "" {
					list = append(list, a)
				}
			}
		}
	}
	d.Authors = list
	return d
}

// readDocs reads up to max documents (all when max ≤ 0) from JSON lines.
func readDocs(tb testing.TB, r io.Reader, max int) []Doc {
	tb.Helper()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var docs []Doc
	for sc.Scan() && (max <= 0 || len(docs) < max) {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var rec record
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			tb.Fatalf("bad line: %v", err)
		}
		docs = append(docs, rec.doc())
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return docs
}

// MustSampleDocs returns the 250 documents of the committed fixtures.
func MustSampleDocs(tb testing.TB) []Doc {
	tb.Helper()
	var docs []Doc
	for _, p := range []string{listingsSample, kaggleSample} {
		f, err := os.Open(p)
		if err != nil {
			tb.Fatal(err)
		}
		docs = append(docs, readDocs(tb, f, 0)...)
		f.Close()
	}
	return docs
}

// MustListings returns up to max documents of the arXiv listings file (all
// when max ≤ 0), or skips the test when the shared data is absent.
func MustListings(tb testing.TB, max int) []Doc {
	tb.Helper()
	f, err := os.Open(listingsFull)
	if err != nil {
		tb.Skipf("shared arXiv listings not available: %v", err)
	}
	defer f.Close()
	zr, err := zstd.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	defer zr.Close()
	return readDocs(tb, zr, max)
}

// MustDocs returns n real documents: the listings when available, else the
// committed fixtures, repeated with numbered titles up to n (a clean
// checkout has no shared data).
func MustDocs(tb testing.TB, n int) []Doc {
	tb.Helper()
	if _, err := os.Stat(listingsFull); err == nil {
		return MustListings(tb, n)
	}
	docs := MustSampleDocs(tb)
	base := len(docs)
	for i := base; i < n; i++ {
		d := docs[i%base]
		d.Title = fmt.Sprintf("%s, part %d", d.Title, i/base+1)
		docs = append(docs, d)
	}
	return docs[:n]
}

package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/zstd"

	"quire/internal/arxiv"
)

// MustGenerate generates n papers from testdata into a temporary file and
// returns its lines.
func MustGenerate(tb testing.TB, n int, seed uint64) ([][]byte, Stats) {
	tb.Helper()
	out := filepath.Join(tb.TempDir(), "papers.jsonl.zst")
	st, err := Generate(Options{N: n, Seed: seed, DataDir: "testdata", Out: out})
	if err != nil {
		tb.Fatal(err)
	}
	return MustReadLines(tb, out), st
}

// MustReadLines returns the lines of a .zst file.
func MustReadLines(tb testing.TB, path string) [][]byte {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := zstd.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	defer zr.Close()
	b, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	return bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n"))
}

func TestGenerate(t *testing.T) {
	listings := MustReadLines(t, "testdata/"+listingsFile)
	const synthetic = 3*blockSize + 17 // several blocks, the last one short
	real := len(listings) + 150        // 20 of the 170 daily-papers records are listed already
	lines, st := MustGenerate(t, real+synthetic, 7)

	if diff := cmp.Diff(Stats{Listings: len(listings), Daily: 150, Synthetic: synthetic}, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	if len(lines) != real+synthetic {
		t.Fatalf("%d lines, want %d", len(lines), real+synthetic)
	}
	for i, l := range listings {
		if !bytes.Equal(lines[i], l) {
			t.Fatalf("line %d is not the listing verbatim:\n got %s\nwant %s", i+1, lines[i], l)
		}
	}

	// Every line imports; identifiers never repeat.
	seen := map[string]bool{}
	vocab := map[string]map[string]bool{} // primary category → words of its real abstracts
	synthID := regexp.MustCompile(`^3\d(0[1-9]|1[0-2])\.\d{5}$`)
	for i, line := range lines {
		p, err := arxiv.ParseListing(line)
		if err != nil {
			t.Fatalf("line %d does not import: %v\n%s", i+1, err, line)
		}
		if seen[p.ID] {
			t.Fatalf("line %d repeats id %s", i+1, p.ID)
		}
		seen[p.ID] = true
		if len(p.Categories) == 0 || len(p.Authors) == 0 || p.Abstract == "" || p.PublishedAt.IsZero() {
			t.Errorf("line %d lacks a field: %+v", i+1, p)
		}
		if i < real {
			if synthID.MatchString(p.ID) {
				t.Errorf("real paper %d has a synthetic id %s", i+1, p.ID)
			}
			words := vocab[p.Categories[0]]
			if words == nil {
				words = map[string]bool{}
				vocab[p.Categories[0]] = words
			}
			for _, w := range strings.Fields(p.Abstract) {
				words[w] = true
			}
			continue
		}

		// Synthetic: the id carries the listing month; 1-15 distinct
		// authors; the abstract speaks its category's words.
		if !synthID.MatchString(p.ID) {
			t.Errorf("synthetic paper %d has id %s", i+1, p.ID)
		}
		y, m := p.PublishedAt.Year(), int(p.PublishedAt.Month())
		if want := (y-firstYear+firstYY)*100 + m; p.ID[:4] != strconv.Itoa(want) {
			t.Errorf("synthetic paper %s is listed on %s", p.ID, p.PublishedAt.Format("2006-01-02"))
		}
		if wd := p.PublishedAt.Weekday(); wd == 0 || wd == 6 {
			t.Errorf("synthetic paper %s is listed on a %s", p.ID, wd)
		}
		if n := len(p.Authors); n < 1 || n > maxAuthors || hasRepeat(p.Authors) {
			t.Errorf("synthetic paper %s has authors %q", p.ID, p.Authors)
		}
		for _, w := range strings.Fields(p.Abstract) {
			if !vocab[p.Categories[0]][w] {
				t.Errorf("synthetic paper %s (%s): word %q is in no real abstract of its category", p.ID, p.Categories[0], w)
				break
			}
		}
	}
}

func TestGenerateDeterministic(t *testing.T) {
	n := 600 + 150 + 2*blockSize + 5
	a, _ := MustGenerate(t, n, 1)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	b, _ := MustGenerate(t, n, 1) // one worker instead of several
	if !slices.EqualFunc(a, b, bytes.Equal) {
		t.Error("the same seed with another number of workers gave another file")
	}
	c, _ := MustGenerate(t, n, 2)
	if slices.EqualFunc(a, c, bytes.Equal) {
		t.Error("another seed gave the same file")
	}
}

func TestGenerateFewerThanReal(t *testing.T) {
	listings := MustReadLines(t, "testdata/"+listingsFile)
	lines, st := MustGenerate(t, 10, 1)
	if diff := cmp.Diff(Stats{Listings: 10}, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	if !slices.EqualFunc(lines, listings[:10], bytes.Equal) {
		t.Error("the file is not the first 10 listings")
	}
}

func TestGenerateMissingData(t *testing.T) {
	out := filepath.Join(t.TempDir(), "papers.jsonl.zst")
	if _, err := Generate(Options{N: 10, DataDir: t.TempDir(), Out: out}); err == nil {
		t.Fatal("no error without data")
	}
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
		t.Errorf("files left behind: %v", entries)
	}
}

func TestSentenceEnds(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"One. Two? Three! 4 more.", []string{"One.", "Two?", "Three!", "4 more."}},
		{"We use e.g. Adam. Lee et al. Show it.", []string{"We use e.g. Adam.", "Lee et al. Show it."}},
		{"Version 2.0 works. see below.", []string{"Version 2.0 works. see below."}},
		{"No end", []string{"No end"}},
	} {
		p := paper{abstract: tc.text, sents: sentenceEnds(tc.text)}
		var got []string
		for i := range p.sents {
			got = append(got, p.sentence(i))
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("sentences of %q (-want +got):\n%s", tc.text, diff)
		}
	}
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ slash`, "line\nbreak\ttab\r\x01\x1f", "naïve Nyström ∑ 😀", "\u2028"} {
		b := appendString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("appendString(%q) = %s: %v", s, b, err)
		}
		if got != s {
			t.Errorf("appendString(%q) decodes to %q", s, got)
		}
	}
}

func TestAppendID(t *testing.T) {
	for _, tc := range []struct {
		yy, month, num int
		want           string
	}{
		{30, 1, 1, "3001.00001"},
		{39, 12, 99999, "3912.99999"},
		{35, 7, 4321, "3507.04321"},
	} {
		if got := string(appendID(nil, tc.yy, tc.month, tc.num)); got != tc.want {
			t.Errorf("appendID(%d, %d, %d) = %s, want %s", tc.yy, tc.month, tc.num, got, tc.want)
		}
	}
}

func TestMatchCase(t *testing.T) {
	for _, tc := range []struct{ w, like, want string }{
		{"learning", "Vision", "Learning"},
		{"Learning", "via", "learning"},
		{"LoRA", "via", "LoRA"},
		{"ÉCOLE", "x", "ÉCOLE"},
		{"über", "Model", "Über"},
	} {
		if got := matchCase(tc.w, tc.like); got != tc.want {
			t.Errorf("matchCase(%q, %q) = %q, want %q", tc.w, tc.like, got, tc.want)
		}
	}
}

func TestClassifier(t *testing.T) {
	c := newCorpus()
	if _, err := c.readListings("testdata/"+listingsFile, func([]byte) error { return nil }); err != nil {
		t.Fatal(err)
	}
	cl := newClassifier(c)
	for _, tc := range []struct{ text, want string }{
		{"Semantic segmentation of images with convolutional networks and pixel-level masks for object detection", "cs.CV"},
		{"Large language models for machine translation, question answering and multilingual text generation with prompting", "cs.CL"},
	} {
		if got := cl.guess(tc.text); got != tc.want {
			t.Errorf("guess(%q) = %s, want %s", tc.text, got, tc.want)
		}
	}
	if got := (&classifier{}).guess("anything"); got != "cs.LG" {
		t.Errorf("an empty classifier guesses %s", got)
	}
}

func hasRepeat(ss []string) bool {
	seen := map[string]bool{}
	for _, s := range ss {
		if seen[s] {
			return true
		}
		seen[s] = true
	}
	return false
}

func TestQueries(t *testing.T) {
	dir := t.TempDir()
	qpath := filepath.Join(dir, "queries.jsonl")
	_, err := Generate(Options{N: 5, Seed: 3, DataDir: "testdata", Out: filepath.Join(dir, "p.jsonl"), Queries: qpath, NQ: 300})
	if err != nil {
		t.Fatal(err)
	}
	titleWords := map[string]bool{}
	c := newCorpus()
	if _, err := c.readListings("testdata/"+listingsFile, func([]byte) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := c.readDaily("testdata/"+dailyFile, newClassifier(c), func([]byte) error { return nil }); err != nil {
		t.Fatal(err)
	}
	for _, p := range c.papers {
		for _, w := range strings.FieldsFunc(strings.ToLower(p.title), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
		}) {
			titleWords[w] = true
		}
	}
	lines := MustReadPlain(t, qpath)
	if len(lines) != 300+len(commonQueries) {
		t.Fatalf("%d queries, want %d", len(lines), 300+len(commonQueries))
	}
	common := 0
	for _, l := range lines {
		var q Query
		if err := json.Unmarshal(l, &q); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		if q.Common {
			common++
			continue
		}
		words := strings.Fields(q.Q)
		if len(words) < 1 || len(words) > 4 || q.Q != strings.ToLower(q.Q) || allStop(words) {
			t.Errorf("query %q", q.Q)
		}
		for _, w := range words {
			if !titleWords[w] {
				t.Errorf("query %q: %q is in no title", q.Q, w)
			}
		}
	}
	if common != len(commonQueries) {
		t.Errorf("%d common queries, want %d", common, len(commonQueries))
	}
	again := makeQueries(c, 300, 3)
	if diff := cmp.Diff(again, makeQueries(c, 300, 3)); diff != "" {
		t.Errorf("the same seed gave other queries:\n%s", diff)
	}
}

// MustReadPlain returns the lines of a text file.
func MustReadPlain(tb testing.TB, path string) [][]byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n"))
}

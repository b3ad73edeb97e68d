package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"
)

// The real data files, relative to the data folder.
const (
	listingsFile = "arxiv/cs_listings_2025-03_2026-07.jsonl.zst"
	dailyFile    = "hf-daily/papers.jsonl.zst"
)

// corpus holds the real papers the synthetic ones are made from.
type corpus struct {
	papers []paper
	ids    map[string]bool     // real identifiers, to skip repeated ones
	byCat  map[string][]int32  // papers by primary category
	names  []string            // distinct author names
	slots  []int32             // a name per author of every real paper: common names are drawn more often
	counts []uint8             // the number of authors of each real paper, capped at maxAuthors
	cats   map[string][]string // interned category lists
	nameID map[string]int32    // index of each name in names
}

// paper is what the synthesis needs of a real paper: text with its
// whitespace collapsed, the end offsets of the abstract's sentences, and the
// fields a derived paper copies.
type paper struct {
	title      string
	abstract   string
	sents      []int32
	cats       []string // primary first
	comment    string
	hasComment bool // comment is not null
}

// listingRecord is one line of the arXiv listings file.
type listingRecord struct {
	ListingDate string   `json:"listing_date"`
	ID          string   `json:"id"`
	Authors     []string `json:"authors"`
	Title       string   `json:"title"`
	Categories  []string `json:"categories"`
	Comment     *string  `json:"comment"`
	Summary     string   `json:"summary"`
}

// dailyRecord is the part of a daily-papers API item that a listing holds.
type dailyRecord struct {
	Paper struct {
		ID          string `json:"id"`
		Title       string `json:"title"`
		Summary     string `json:"summary"`
		PublishedAt string `json:"publishedAt"`
		Authors     []struct {
			Name string `json:"name"`
		} `json:"authors"`
	} `json:"paper"`
}

func newCorpus() *corpus {
	return &corpus{
		ids:    map[string]bool{},
		byCat:  map[string][]int32{},
		cats:   map[string][]string{},
		nameID: map[string]int32{},
	}
}

// add records a real paper. It reports false for an identifier already
// seen or a paper without a title or abstract, which the synthesis skips.
func (c *corpus) add(id, title, abstract string, authors, cats []string, comment *string) bool {
	if id == "" || c.ids[id] {
		return false
	}
	c.ids[id] = true
	title, abstract = collapse(title), collapse(abstract)
	if title == "" || abstract == "" || len(cats) == 0 || len(authors) == 0 {
		return true
	}
	p := paper{title: title, abstract: abstract, sents: sentenceEnds(abstract), cats: c.intern(cats)}
	if comment != nil {
		p.comment, p.hasComment = *comment, true
	}
	i := int32(len(c.papers))
	c.papers = append(c.papers, p)
	c.byCat[p.cats[0]] = append(c.byCat[p.cats[0]], i)
	c.counts = append(c.counts, uint8(min(len(authors), maxAuthors)))
	for _, a := range authors {
		a = collapse(a)
		if a == "" {
			continue
		}
		n, ok := c.nameID[a]
		if !ok {
			n = int32(len(c.names))
			c.names = append(c.names, a)
			c.nameID[a] = n
		}
		c.slots = append(c.slots, n)
	}
	return true
}

// intern returns one shared copy of each category list.
func (c *corpus) intern(cats []string) []string {
	key := strings.Join(cats, " ")
	if s, ok := c.cats[key]; ok {
		return s
	}
	s := strings.Fields(key)
	c.cats[key] = s
	return s
}

// readListings reads the listings file, passing each line, verbatim, to
// emit and adding its paper to the corpus.
func (c *corpus) readListings(path string, emit func(line []byte) error) (int, error) {
	n := 0
	err := eachLine(path, func(line []byte) error {
		var r listingRecord
		if err := json.Unmarshal(line, &r); err != nil {
			return fmt.Errorf("%s: line %d: %w", path, n+1, err)
		}
		if !c.add(r.ID, r.Title, r.Summary, r.Authors, r.Categories, r.Comment) {
			return nil
		}
		n++
		return emit(line)
	})
	return n, err
}

// readDaily reads the daily-papers records, converts those not already
// listed to listing lines for emit, with a category guessed by cl, and
// adds them to the corpus.
func (c *corpus) readDaily(path string, cl *classifier, emit func(line []byte) error) (int, error) {
	n, lineNo := 0, 0
	var buf []byte
	err := eachLine(path, func(line []byte) error {
		lineNo++
		var r dailyRecord
		if err := json.Unmarshal(line, &r); err != nil {
			return fmt.Errorf("%s: line %d: %w", path, lineNo, err)
		}
		p := r.Paper
		day, err := time.Parse(time.DateOnly, p.PublishedAt[:min(len(p.PublishedAt), 10)])
		if err != nil || c.ids[p.ID] {
			return nil // no date to list it on, or already listed
		}
		authors := make([]string, 0, len(p.Authors))
		for _, a := range p.Authors {
			authors = append(authors, a.Name)
		}
		cats := []string{cl.guess(p.Title + " " + p.Summary)}
		if !c.add(p.ID, p.Title, p.Summary, authors, cats, nil) {
			return nil
		}
		n++
		buf = appendListing(buf[:0], day, p.ID, authors, collapse(p.Title), cats, nil, p.Summary)
		return emit(buf)
	})
	return n, err
}

// eachLine calls fn with every non-blank line of a .zst (or plain) file.
func eachLine(path string, fn func(line []byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".zst") {
		zr, err := zstd.NewReader(f)
		if err != nil {
			return err
		}
		defer zr.Close()
		r = zr
	}
	br := bufio.NewReaderSize(r, 1<<20)
	var long []byte
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if t := trimLine(line); len(t) > 0 {
			if ferr := fn(t); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
}

// trimLine drops the line end and surrounding blanks.
func trimLine(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	return b
}

// collapse replaces each run of white space with one space and trims the
// ends: titles and abstracts are hard-wrapped.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// sentenceEnds returns the end offsets of the sentences of a collapsed
// abstract: a sentence ends at ". ", "? " or "! " before a capital letter
// or a digit, unless the word is a common abbreviation.
func sentenceEnds(s string) []int32 {
	var ends []int32
	for i := 1; i+2 < len(s); i++ {
		c := s[i]
		if (c != '.' && c != '?' && c != '!') || s[i+1] != ' ' {
			continue
		}
		if n := s[i+2]; !('A' <= n && n <= 'Z' || '0' <= n && n <= '9') {
			continue
		}
		if c == '.' && abbreviation(s[:i+1]) {
			continue
		}
		ends = append(ends, int32(i+1))
	}
	return append(ends, int32(len(s)))
}

// abbreviation reports whether s ends with an abbreviation that does not
// end a sentence.
func abbreviation(s string) bool {
	w := s[strings.LastIndexByte(s, ' ')+1:]
	switch strings.ToLower(w) {
	case "e.g.", "i.e.", "al.", "vs.", "fig.", "eq.", "sec.", "cf.", "dr.", "no.":
		return true
	}
	return false
}

// sentence returns the i-th sentence of p's abstract.
func (p *paper) sentence(i int) string {
	start := int32(0)
	if i > 0 {
		start = p.sents[i-1] + 1 // skip the space
	}
	return p.abstract[start:p.sents[i]]
}

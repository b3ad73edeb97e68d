package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"

	"quire/internal/arxiv"
)

// query is one search of the query set.
type query struct {
	Q      string `json:"q"`
	Common bool   `json:"common"` // a search for the catalogue's most common words
}

// readQueries reads a query set written by bench/gen1m -queries.
func readQueries(path string) ([]query, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var qs []query
	for i, line := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var q query
		if err := json.Unmarshal(line, &q); err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", path, i+1, err)
		}
		qs = append(qs, q)
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("%s holds no queries", path)
	}
	return qs, nil
}

// doc is the text of a paper that both engines index.
type doc struct {
	N        uint32 // the paper's number in the file, from 0
	ID       string
	Title    string
	Abstract string
	Authors  []string
}

// readPapers calls fn with each of the first n papers of an arXiv listing
// file (.zst or plain), parsed and normalised as `quire import` does, and
// adds the time spent reading and parsing (not in fn) to *took. It fails if
// the file holds fewer than n papers.
func readPapers(path string, n int, took *time.Duration, fn func(doc) error) error {
	t := time.Now()
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
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line, count := 0, 0
	for count < n && sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		p, err := arxiv.ParseListing(sc.Bytes())
		if err != nil {
			return fmt.Errorf("%s: line %d: %w", path, line, err)
		}
		*took += time.Since(t)
		if err := fn(doc{N: uint32(count), ID: p.ID, Title: p.Title, Abstract: p.Abstract, Authors: p.Authors}); err != nil {
			return err
		}
		count++
		t = time.Now()
	}
	*took += time.Since(t)
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if count < n {
		return fmt.Errorf("%s holds %d papers, fewer than the %d asked for", path, count, n)
	}
	return nil
}

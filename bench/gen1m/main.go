// Command gen1m writes a large catalogue for the scale benchmarks: a
// Zstandard-compressed JSON-lines file in the arXiv listing format that
// `quire import` reads.
//
// The file starts with every real record: the arXiv listings, verbatim, then
// the Hugging Face daily-papers records not already among them, converted to
// the listing format (their category guessed from their words). Synthetic
// records derived from the real ones follow until the file holds n papers.
// A synthetic paper takes a real paper's title with a few words swapped in
// from another title of the same category, an abstract assembled from the
// sentences of two to four real abstracts of that category, one to fifteen
// real author names, the categories and comment of the paper it started
// from, and a weekday listing date in 2016..2025. Its identifier carries the
// date's month with the years 30..39 (2016 → 30), so it is a valid arXiv
// identifier that no real paper can have. The same seed gives the same file.
//
// Usage (from the repository root):
//
//	go run ./bench/gen1m -n 1000000 -o /tmp/quire-1m.jsonl.zst [-seed 1] [-data ../shared/data] [-queries FILE -nq 2000]
//
// A name not ending in .zst writes plain JSON lines. With -queries it also
// writes the search benchmarks' query set: nq queries of one to four
// consecutive words of real titles, plus searches for the most common words
// and phrases ({"q": "...", "common": true}), as JSON lines.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

func main() {
	n := flag.Int("n", 1_000_000, "number of papers to write")
	out := flag.String("o", "", "output file (.jsonl.zst, or .jsonl for plain text)")
	seed := flag.Uint64("seed", 1, "seed of the synthetic records")
	data := flag.String("data", "", "folder of the real data (default: ../shared/data beside the repository)")
	queries := flag.String("queries", "", "also write the benchmark query set to this file (JSON lines)")
	nq := flag.Int("nq", 2000, "number of queries drawn from real titles (the common-word queries come on top)")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 || *n < 0 || *nq < 0 {
		fmt.Fprintln(os.Stderr, "usage: gen1m -n N -o FILE.jsonl.zst [-seed S] [-data DIR] [-queries FILE [-nq N]]")
		os.Exit(2)
	}
	dir := *data
	if dir == "" {
		dir = defaultDataDir()
	}
	start := time.Now()
	st, err := Generate(Options{N: *n, Seed: *seed, DataDir: dir, Out: *out, Queries: *queries, NQ: *nq})
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen1m:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "gen1m: wrote %d papers (%d listings, %d daily-papers records, %d synthetic) to %s in %.1fs\n",
		st.Listings+st.Daily+st.Synthetic, st.Listings, st.Daily, st.Synthetic, *out, time.Since(start).Seconds())
}

// defaultDataDir is ../shared/data relative to the repository root: the
// nearest parent of the working directory whose go.mod declares module
// quire (nested benchmark modules have go.mod files of their own).
func defaultDataDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return filepath.Join("..", "shared", "data")
	}
	for d := wd; ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && bytes.HasPrefix(b, []byte("module quire\n")) {
			return filepath.Join(d, "..", "shared", "data")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(wd, "..", "shared", "data")
		}
	}
}

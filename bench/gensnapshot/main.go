// Command gensnapshot writes a synthetic arXiv metadata snapshot in the
// Kaggle format ("arxiv-metadata-oai-snapshot.json": one JSON object per
// line) from the real 200-record sample, for the full-snapshot import
// benchmark (issue 6; bench/snapshot.sh runs it):
//
//	go run ./bench/gensnapshot -n 2900000 -o /tmp/snapshot.jsonl.zst
//
// Record k copies the fields of sample record k mod 200 (authors, abstract,
// categories, comments, versions, dates) and changes what must differ: a
// new-style identifier that no real paper has (years 30..39, so unique and
// valid), and a title with two of its words swapped in from another sample
// title, so that titles are not all alike. Output ending in .zst is
// Zstandard-compressed; the same -n gives the same file.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"

	"github.com/klauspost/compress/zstd"
)

func main() {
	n := flag.Int("n", 2_900_000, "records to write")
	out := flag.String("o", "", "output file (.jsonl or .jsonl.zst)")
	sample := flag.String("sample", "testdata/arxiv/kaggle_sample_200.jsonl", "the real Kaggle-format records to start from")
	flag.Parse()
	if *out == "" || *n < 1 {
		fmt.Fprintln(os.Stderr, "usage: gensnapshot -n N -o FILE [-sample FILE]")
		os.Exit(2)
	}
	if err := run(*n, *out, *sample); err != nil {
		fmt.Fprintln(os.Stderr, "gensnapshot:", err)
		os.Exit(1)
	}
}

func run(n int, out, samplePath string) error {
	recs, err := readSample(samplePath)
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	var w io.Writer = f
	var zw *zstd.Encoder
	if strings.HasSuffix(out, ".zst") {
		if zw, err = zstd.NewWriter(f, zstd.WithEncoderLevel(zstd.SpeedFastest)); err != nil {
			return err
		}
		w = zw
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	rng := rand.New(rand.NewPCG(6, 2900))
	titles := make([][]string, len(recs))
	for i, r := range recs {
		titles[i] = strings.Fields(r["title"].(string))
	}
	enc := json.NewEncoder(bw)
	for k := range n {
		src := recs[k%len(recs)]
		rec := make(map[string]any, len(src))
		for key, v := range src {
			rec[key] = v
		}
		rec["id"] = syntheticID(k)
		words := append([]string(nil), titles[k%len(recs)]...)
		other := titles[rng.IntN(len(titles))]
		for range 2 {
			if len(words) > 0 && len(other) > 0 {
				words[rng.IntN(len(words))] = other[rng.IntN(len(other))]
			}
		}
		rec["title"] = strings.Join(words, " ")
		if err := enc.Encode(rec); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return err
		}
	}
	return f.Close()
}

// syntheticID returns the k-th identifier: YYMM.NNNNN with YY in 30..39,
// 99,999 papers a month.
func syntheticID(k int) string {
	month := k / 99999
	num := k%99999 + 1
	return fmt.Sprintf("%02d%02d.%05d", 30+month/12, month%12+1, num)
}

func readSample(path string) ([]map[string]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var recs []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var r map[string]any
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, err
		}
		recs = append(recs, r)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("no records in %s", path)
	}
	return recs, sc.Err()
}

// Command bleve measures Quire's lexical index beside Bleve (v2, scorch on
// disk, English analyzer, BM25) on the same papers and the same queries:
// build time, memory, and query latency.
//
// Each run measures one engine in its own process, so that resident memory
// compares like with like, and prints one JSON object:
//
//	go run . -engine bleve -n 200000 -file F.jsonl.zst -queries Q.jsonl
//	go run . -engine quire -n 200000 -file F.jsonl.zst -queries Q.jsonl
//
// The papers file is one written by bench/gen1m (or any arXiv listing
// file); the first n papers are indexed: title, abstract and author names.
// The queries are the set bench/gen1m -queries writes, each run once
// untimed (-warmup) and then once timed, one at a time. `-table FILE` turns
// the JSON objects of FILE into a Markdown table with the ratios
// Quire/Bleve. bench/search.sh runs it all.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
)

func main() {
	engine := flag.String("engine", "", "engine to measure: bleve or quire")
	n := flag.Int("n", 200_000, "number of papers to index (the first n of the file)")
	file := flag.String("file", "", "papers in the arXiv listing format (.jsonl or .jsonl.zst)")
	queries := flag.String("queries", "", "the query set, JSON lines {\"q\": ...} (bench/gen1m -queries)")
	k := flag.Int("k", 20, "results per query")
	warmup := flag.Int("warmup", 1, "untimed passes over the queries before the timed one")
	dir := flag.String("dir", "", "folder for Bleve's index (default: a temporary folder, removed after the run)")
	table := flag.String("table", "", "print the JSON results in FILE as a Markdown table and exit")
	flag.Parse()

	var err error
	switch {
	case *table != "":
		err = printTable(os.Stdout, *table)
	case *engine == "" || *file == "" || *queries == "" || *n <= 0 || *k <= 0 || flag.NArg() > 0:
		fmt.Fprintln(os.Stderr, "usage: bleve -engine bleve|quire -file FILE -queries FILE [-n N] [-k K] [-warmup W] | bleve -table FILE")
		os.Exit(2)
	default:
		var r *Result
		r, err = Run(Config{Engine: *engine, File: *file, N: *n, Queries: *queries, K: *k, Warmup: *warmup, Dir: *dir})
		if err == nil {
			err = json.NewEncoder(os.Stdout).Encode(r)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/bleve:", err)
		os.Exit(1)
	}
}

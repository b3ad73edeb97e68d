// Command searchload measures the latency of a search API over a query set:
// each query of the set (JSON lines {"q": "...", "common": bool}, as
// bench/gen1m -queries writes them) is sent once untimed to warm up, then
// once timed, by c concurrent clients, as
//
//	GET BASE PATH?q=QUERY&PARAMS
//
// A request fails unless it returns 200 with a JSON array. It prints one
// JSON object of latency percentiles; -table FILE prints the objects of a
// JSON-lines file as a Markdown table. bench/search.sh api runs it.
//
//	go run ./bench/searchload -base http://127.0.0.1:8080 -queries Q.jsonl -params 'limit=20' -name lexical
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	base := flag.String("base", "", "server URL, e.g. http://127.0.0.1:8080")
	path := flag.String("path", "/api/papers/search", "search endpoint")
	params := flag.String("params", "limit=20", "query parameters added after q=…")
	queries := flag.String("queries", "", "query set (JSON lines)")
	name := flag.String("name", "search", "name of the run in the output")
	c := flag.Int("c", 1, "concurrent clients")
	warmup := flag.Int("warmup", 1, "untimed passes over the queries first")
	timeout := flag.Duration("timeout", 30*time.Second, "timeout of one request")
	table := flag.String("table", "", "print the JSON results in FILE as a Markdown table and exit")
	flag.Parse()
	var err error
	switch {
	case *table != "":
		err = printTable(os.Stdout, *table)
	case *base == "" || *queries == "" || *c < 1 || flag.NArg() > 0:
		fmt.Fprintln(os.Stderr, "usage: searchload -base URL -queries FILE [-path P] [-params 'limit=20'] [-name N] [-c C] | searchload -table FILE")
		os.Exit(2)
	default:
		var qs []Query
		if qs, err = ReadQueries(*queries); err == nil {
			var r *Result
			l := &Load{Base: *base, Path: *path, Params: *params, Clients: *c, Warmup: *warmup, Timeout: *timeout, Log: os.Stderr}
			if r, err = l.Run(qs); err == nil {
				r.Name = *name
				var b []byte
				if b, err = jsonLine(r); err == nil {
					_, err = os.Stdout.Write(b)
				}
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "searchload:", err)
		os.Exit(1)
	}
}

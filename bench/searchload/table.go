package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// printTable writes the results in the JSON-lines file path as a Markdown
// table, one row per run.
func printTable(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var b strings.Builder
	b.WriteString("| search | parameters | clients | queries | errors | p50 (ms) | p95 (ms) | p99 (ms) | mean (ms) | common p50 (ms) | common p99 (ms) | queries/s | results/query |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	sc := bufio.NewScanner(f)
	rows := 0
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var r Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		rows++
		fmt.Fprintf(&b, "| %s | `%s` | %d | %d | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f | %.1f |\n",
			r.Name, r.Params, r.Clients, r.Queries, r.Errors, r.P50Ms, r.P95Ms, r.P99Ms, r.MeanMs,
			r.CommonP50Ms, r.CommonP99Ms, r.QPS, r.MeanResults)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if rows == 0 {
		return fmt.Errorf("%s holds no results", path)
	}
	_, err = io.WriteString(w, b.String())
	return err
}

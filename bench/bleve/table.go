package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// tableColumns are the columns of the Markdown table: a header, the
// figure of a result, and whether the ratio row compares it. Settling and
// the Go heap are not compared: Bleve persists as it goes and keeps its
// index in mapped files, outside the heap, so resident memory is the
// measure that compares.
var tableColumns = []struct {
	name    string
	get     func(*Result) float64
	compare bool
}{
	{"papers", func(r *Result) float64 { return float64(r.Docs) }, false},
	{"build (s)", func(r *Result) float64 { return r.BuildS }, true},
	{"papers/s", func(r *Result) float64 { return r.DocsPerS }, true},
	{"settle (s)", func(r *Result) float64 { return r.SettleS }, false},
	{"build CPU (s)", func(r *Result) float64 { return r.BuildCPUS }, true},
	{"heap (MB)", func(r *Result) float64 { return r.HeapMB }, false},
	{"RSS built (MB)", func(r *Result) float64 { return r.RSSMB }, false},
	{"RSS serving (MB)", func(r *Result) float64 { return r.ServingMB }, true},
	{"peak RSS (MB)", func(r *Result) float64 { return r.PeakMB }, true},
	{"p50 (ms)", func(r *Result) float64 { return r.P50Ms }, true},
	{"p95 (ms)", func(r *Result) float64 { return r.P95Ms }, true},
	{"p99 (ms)", func(r *Result) float64 { return r.P99Ms }, true},
	{"common p50 (ms)", func(r *Result) float64 { return r.CommonP50 }, true},
	{"common p99 (ms)", func(r *Result) float64 { return r.CommonP99 }, true},
}

// printTable writes the results in the JSON-lines file path as a Markdown
// table, one row per engine, and when both engines are there a row of the
// ratios Quire/Bleve (below 1: Quire takes less time or memory; for
// papers/s, above 1: Quire indexes faster).
func printTable(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var rows []*Result
	byEngine := map[string]*Result{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		r := new(Result)
		if err := json.Unmarshal(sc.Bytes(), r); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		rows = append(rows, r)
		byEngine[r.Engine] = r
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(rows) == 0 {
		return fmt.Errorf("%s holds no results", path)
	}
	var b strings.Builder
	b.WriteString("| engine |")
	for _, c := range tableColumns {
		fmt.Fprintf(&b, " %s |", c.name)
	}
	b.WriteString("\n|---|")
	b.WriteString(strings.Repeat("---|", len(tableColumns)))
	b.WriteString("\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s |", r.Engine)
		for _, c := range tableColumns {
			fmt.Fprintf(&b, " %s |", figure(c.get(r)))
		}
		b.WriteString("\n")
	}
	q, bl := byEngine["quire"], byEngine["bleve"]
	if q != nil && bl != nil {
		b.WriteString("| **Quire / Bleve** |")
		for _, c := range tableColumns {
			if bv := c.get(bl); c.compare && bv != 0 {
				fmt.Fprintf(&b, " %.2f |", c.get(q)/bv)
			} else {
				b.WriteString(" – |")
			}
		}
		b.WriteString("\n")
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// figure formats a measurement with three significant digits or so.
func figure(v float64) string {
	switch {
	case v >= 1000 || v == math.Trunc(v):
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

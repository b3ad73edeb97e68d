package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"time"
)

// Query is one search of the query set.
type Query struct {
	Q      string `json:"q"`
	Common bool   `json:"common"` // a search for the catalogue's most common words
}

// ReadQueries reads a query set of JSON lines.
func ReadQueries(path string) ([]Query, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var qs []Query
	for i, line := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var q Query
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

// Load is a latency measurement against a search endpoint.
type Load struct {
	Base, Path, Params string
	Clients            int
	Warmup             int
	Timeout            time.Duration
	Log                io.Writer // the first failures are described here; nil for none
}

// Result is what a run measured; times in milliseconds.
type Result struct {
	Name        string  `json:"name"`
	Params      string  `json:"params"`
	Clients     int     `json:"clients"`
	Queries     int     `json:"queries"`
	Errors      int     `json:"errors"`
	P50Ms       float64 `json:"p50_ms"`
	P95Ms       float64 `json:"p95_ms"`
	P99Ms       float64 `json:"p99_ms"`
	MeanMs      float64 `json:"mean_ms"`
	MaxMs       float64 `json:"max_ms"`
	CommonP50Ms float64 `json:"common_p50_ms"`
	CommonP99Ms float64 `json:"common_p99_ms"`
	QPS         float64 `json:"qps"`
	MeanResults float64 `json:"mean_results"`
}

// maxLogged is the number of failures described in Log.
const maxLogged = 5

// Run sends the queries and measures the timed pass. Failed requests are
// counted, not timed.
func (l *Load) Run(qs []Query) (*Result, error) {
	if _, err := url.Parse(l.Base + l.Path); err != nil {
		return nil, err
	}
	client := &http.Client{
		Timeout:   l.Timeout,
		Transport: &http.Transport{MaxIdleConnsPerHost: l.Clients, DisableCompression: true},
	}
	for range l.Warmup {
		l.pass(client, qs)
	}
	start := time.Now()
	got := l.pass(client, qs)
	wall := time.Since(start)

	r := &Result{Params: l.Params, Clients: l.Clients, Queries: len(qs)}
	var all, common []time.Duration
	var sum time.Duration
	results := 0
	logged := 0
	for i, g := range got {
		if g.err != nil {
			r.Errors++
			if l.Log != nil && logged < maxLogged {
				fmt.Fprintf(l.Log, "searchload: query %q: %v\n", qs[i].Q, g.err)
				logged++
			}
			continue
		}
		all = append(all, g.took)
		sum += g.took
		results += g.results
		if qs[i].Common {
			common = append(common, g.took)
		}
	}
	if len(all) == 0 {
		return r, errors.New("every request failed")
	}
	slices.Sort(all)
	slices.Sort(common)
	r.P50Ms, r.P95Ms, r.P99Ms = ms(percentile(all, 50)), ms(percentile(all, 95)), ms(percentile(all, 99))
	r.MaxMs = ms(all[len(all)-1])
	r.MeanMs = ms(sum) / float64(len(all))
	r.CommonP50Ms, r.CommonP99Ms = ms(percentile(common, 50)), ms(percentile(common, 99))
	r.QPS = float64(len(qs)) / wall.Seconds()
	r.MeanResults = float64(results) / float64(len(all))
	return r, nil
}

// outcome is one request's.
type outcome struct {
	took    time.Duration
	results int
	err     error
}

// pass sends every query once, Clients at a time, and returns the outcomes
// in query order.
func (l *Load) pass(client *http.Client, qs []Query) []outcome {
	out := make([]outcome, len(qs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range l.Clients {
		wg.Go(func() {
			for i := range next {
				out[i] = l.one(client, qs[i].Q)
			}
		})
	}
	for i := range qs {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// one sends a query and times it until the whole body is read.
func (l *Load) one(client *http.Client, q string) outcome {
	u := l.Base + l.Path + "?q=" + url.QueryEscape(q)
	if l.Params != "" {
		u += "&" + l.Params
	}
	start := time.Now()
	resp, err := client.Get(u)
	if err != nil {
		return outcome{err: err}
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if err != nil {
		return outcome{err: err}
	}
	if resp.StatusCode != http.StatusOK {
		return outcome{err: fmt.Errorf("%s: %s", resp.Status, bytes.TrimSpace(body[:min(len(body), 200)]))}
	}
	var items []json.RawMessage
	if err := json.Unmarshal(body, &items); err != nil {
		return outcome{err: fmt.Errorf("the response is not a JSON array: %w", err)}
	}
	return outcome{took: took, results: len(items)}
}

// percentile returns the p-th percentile of sorted durations (nearest
// rank), 0 for none.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i, 1)-1]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// jsonLine encodes r as one line of JSON.
func jsonLine(r *Result) ([]byte, error) {
	b, err := json.Marshal(r)
	return append(b, '\n'), err
}

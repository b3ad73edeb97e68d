package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Summary is what a set of samples measured; times in milliseconds.
type Summary struct {
	Requests int     `json:"requests"`
	Seconds  float64 `json:"seconds"`
	RPS      float64 `json:"rps"`
	// OK counts answers below 500 (a 4xx, such as a rate-limited vote,
	// is the server doing its job); Server5xx the 5xx; Failed the
	// requests that got no answer.
	OK        int     `json:"ok"`
	Server5xx int     `json:"5xx"`
	Failed    int     `json:"failed"`
	P50Ms     float64 `json:"p50_ms"`
	P95Ms     float64 `json:"p95_ms"`
	P99Ms     float64 `json:"p99_ms"`
	MaxMs     float64 `json:"max_ms"`
	// ByKind counts requests per kind.
	ByKind map[string]int `json:"by_kind"`
}

// Summarize measures the samples sent in [from, to).
func Summarize(ss []Sample, from, to time.Duration) Summary {
	s := Summary{ByKind: map[string]int{}, Seconds: (to - from).Seconds()}
	var lat []time.Duration
	for _, x := range ss {
		if x.At < from || x.At >= to {
			continue
		}
		s.Requests++
		s.ByKind[x.Kind]++
		switch {
		case x.Status == 0:
			s.Failed++
		case x.Status >= 500:
			s.Server5xx++
		default:
			s.OK++
		}
		if x.Status != 0 {
			lat = append(lat, x.Latency)
		}
	}
	if s.Seconds > 0 {
		s.RPS = float64(s.Requests) / s.Seconds
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		s.P50Ms, s.P95Ms, s.P99Ms = ms(percentile(lat, 50)), ms(percentile(lat, 95)), ms(percentile(lat, 99))
		s.MaxMs = ms(lat[len(lat)-1])
	}
	return s
}

// Second is one second of the run's timeline.
type Second struct {
	T         int `json:"t"`
	OK        int `json:"ok"`
	Server5xx int `json:"5xx"`
	Failed    int `json:"failed"`
}

// Timeline counts the samples of each whole second since the start.
func Timeline(ss []Sample) []Second {
	var out []Second
	for _, x := range ss {
		t := int(x.At / time.Second)
		for len(out) <= t {
			out = append(out, Second{T: len(out)})
		}
		switch {
		case x.Status == 0:
			out[t].Failed++
		case x.Status >= 500:
			out[t].Server5xx++
		default:
			out[t].OK++
		}
	}
	return out
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

// WriteSamples writes one line per sample: milliseconds since the start,
// latency in microseconds, status (0: no answer) and kind.
func WriteSamples(w io.Writer, ss []Sample) error {
	bw := bufio.NewWriter(w)
	for _, s := range ss {
		fmt.Fprintf(bw, "%d %d %d %s\n", s.At.Milliseconds(), s.Latency.Microseconds(), s.Status, s.Kind)
	}
	return bw.Flush()
}

// ReadSamples reads what WriteSamples wrote.
func ReadSamples(path string) ([]Sample, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ss []Sample
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fs := strings.Fields(sc.Text())
		if len(fs) != 4 {
			return nil, fmt.Errorf("%s:%d: want 4 fields, got %d", path, line, len(fs))
		}
		var n [3]int64
		for i := range n {
			if n[i], err = strconv.ParseInt(fs[i], 10, 64); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", path, line, err)
			}
		}
		ss = append(ss, Sample{At: time.Duration(n[0]) * time.Millisecond, Latency: time.Duration(n[1]) * time.Microsecond, Status: int(n[2]), Kind: fs[3]})
	}
	slices.SortFunc(ss, func(a, b Sample) int { return int(a.At - b.At) })
	return ss, sc.Err()
}

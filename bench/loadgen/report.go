package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Fault is a fault injected during a run: from Start until End the fault
// was in place (the node down, the database restarting, mail refused).
type Fault struct {
	Name       string
	Start, End time.Duration // since the start of the run
}

// ReadFaults reads lines "NAME START END" of Unix times in seconds
// (fractions allowed) and places them on the run's clock.
func ReadFaults(path string, started time.Time) ([]Fault, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Fault
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 {
			continue
		}
		if len(fs) != 3 {
			return nil, fmt.Errorf("%s:%d: want NAME START END", path, line)
		}
		var t [2]time.Duration
		for i := range t {
			secs, err := strconv.ParseFloat(fs[i+1], 64)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", path, line, err)
			}
			t[i] = time.Unix(0, int64(secs*1e9)).Sub(started)
		}
		out = append(out, Fault{Name: fs[0], Start: t[0], End: t[1]})
	}
	return out, sc.Err()
}

// Recovery is what a fault did to the run.
type Recovery struct {
	Fault Fault
	// Baseline is the median of the answered requests per second over
	// the 10 s before the fault (the median, because other work on the
	// machine makes single seconds jump); Lowest the fewest in one second
	// during it.
	Baseline, Lowest float64
	// Seconds is the time from the fault's end until throughput averaged
	// over three seconds is back at 90% of the baseline; -1 if it never
	// was.
	Seconds float64
	// Clean is the time from the fault's end until the first second
	// without a 5xx or an unanswered request; -1 if none came.
	Clean float64
	// WindowEnd is where the fault's window ends: recovered and clean,
	// or the end of the run.
	WindowEnd time.Duration
	// Inside counts what the window saw.
	Inside Summary
}

// recoveryShare and recoveryHold define "back to full throughput": a
// three-second average at 90% of the level before the fault.
const (
	recoveryShare = 0.9
	recoveryHold  = 3
)

// Recover measures each fault against the timeline. The last second of a
// run is partial and never counts.
func Recover(ss []Sample, faults []Fault) []Recovery {
	tl := Timeline(ss)
	if len(tl) > 0 {
		tl = tl[:len(tl)-1]
	}
	var out []Recovery
	for _, f := range faults {
		r := Recovery{Fault: f, Seconds: -1, Lowest: math.Inf(1)}
		s := int(f.Start / time.Second)
		var before []int
		for t := max(s-10, 0); t < s && t < len(tl); t++ {
			before = append(before, tl[t].OK)
		}
		if len(before) > 0 {
			slices.Sort(before)
			r.Baseline = float64(before[len(before)/2])
		}
		end := int(math.Ceil(f.End.Seconds()))
		r.WindowEnd = time.Duration(len(tl)) * time.Second
		for t := s; t < len(tl); t++ {
			r.Lowest = min(r.Lowest, float64(tl[t].OK))
			if t < end || t+recoveryHold > len(tl) {
				continue
			}
			sum := 0
			for k := t; k < t+recoveryHold; k++ {
				sum += tl[k].OK
			}
			if float64(sum)/recoveryHold >= recoveryShare*r.Baseline {
				r.Seconds = max(0, float64(t)-f.End.Seconds())
				r.WindowEnd = time.Duration(t+1) * time.Second
				break
			}
		}
		if math.IsInf(r.Lowest, 1) {
			r.Lowest = 0
		}
		r.Clean = -1
		for t := max(end, s); t < len(tl); t++ {
			if tl[t].Server5xx == 0 && tl[t].Failed == 0 {
				r.Clean = max(0, float64(t)-f.End.Seconds())
				if r.Seconds >= 0 {
					r.WindowEnd = max(r.WindowEnd, time.Duration(t)*time.Second)
				}
				break
			}
		}
		if r.Clean < 0 {
			r.WindowEnd = time.Duration(len(tl)) * time.Second
		}
		r.Inside = Summarize(ss, time.Duration(s)*time.Second, r.WindowEnd)
		out = append(out, r)
	}
	return out
}

// Outside returns the samples after warm-up that overlap no fault's
// window: a request sent before a fault but answered during it (such as a
// subscription waiting for its turn to send mail) belongs to the fault.
func Outside(ss []Sample, rs []Recovery, warmup time.Duration) []Sample {
	var out []Sample
	for _, x := range ss {
		in := x.At < warmup
		for _, r := range rs {
			in = in || (x.At+x.Latency >= r.Fault.Start.Truncate(time.Second) && x.At < r.WindowEnd)
		}
		if !in {
			out = append(out, x)
		}
	}
	return out
}

// PrintReport writes the run's figures as Markdown tables.
func PrintReport(w io.Writer, name string, ss []Sample, rs []Recovery, warmup time.Duration) {
	var last time.Duration
	if len(ss) > 0 {
		last = ss[len(ss)-1].At
	}
	all := Summarize(ss, 0, last+time.Millisecond)
	out := Summarize(Outside(ss, rs, warmup), 0, last+time.Millisecond)
	// The outside figure's rate is over the seconds outside the windows.
	secs := (last - warmup).Seconds()
	for _, r := range rs {
		secs -= (r.WindowEnd - r.Fault.Start.Truncate(time.Second)).Seconds()
	}
	out.Seconds = secs
	if secs > 0 {
		out.RPS = float64(out.Requests) / secs
	}
	fmt.Fprintf(w, "| %s | requests | seconds | req/s | p50 (ms) | p95 (ms) | p99 (ms) | 5xx | no answer |\n", name)
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	row := func(label string, s Summary) {
		fmt.Fprintf(w, "| %s | %d | %.0f | %.0f | %.1f | %.1f | %.1f | %d | %d |\n",
			label, s.Requests, s.Seconds, s.RPS, s.P50Ms, s.P95Ms, s.P99Ms, s.Server5xx, s.Failed)
	}
	row(fmt.Sprintf("outside fault windows (after %s warm-up)", warmup), out)
	row("whole run", all)
	fmt.Fprintln(w)
	printKinds(w, Outside(ss, rs, warmup))
	if len(rs) == 0 {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| fault | at (s) | lasted (s) | req/s before | lowest req/s | recovery (s) | errors stop after (s) | 5xx in window | no answer in window |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	show := func(v float64, never string) string {
		if v < 0 {
			return never
		}
		return fmt.Sprintf("%.1f", v)
	}
	for _, r := range rs {
		fmt.Fprintf(w, "| %s | %.1f | %.1f | %.0f | %.0f | %s | %s | %d | %d |\n", r.Fault.Name, r.Fault.Start.Seconds(),
			(r.Fault.End - r.Fault.Start).Seconds(), r.Baseline, r.Lowest, show(r.Seconds, "not recovered"),
			show(r.Clean, "never"), r.Inside.Server5xx, r.Inside.Failed)
	}
}

// printKinds writes the latency of each kind of request.
func printKinds(w io.Writer, ss []Sample) {
	by := map[string][]Sample{}
	for _, x := range ss {
		by[x.Kind] = append(by[x.Kind], x)
	}
	fmt.Fprintln(w, "| request (outside fault windows) | requests | p50 (ms) | p99 (ms) | 5xx | no answer |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, k := range []string{kindDay, kindPage, kindDaily, kindAPIPaper, kindSearch, kindVote, kindComment, kindSubscribe} {
		if len(by[k]) == 0 {
			continue
		}
		s := Summarize(by[k], 0, math.MaxInt64)
		fmt.Fprintf(w, "| %s | %d | %.1f | %.1f | %d | %d |\n", kindLabel[k], s.Requests, s.P50Ms, s.P99Ms, s.Server5xx, s.Failed)
	}
}

// kindLabel names each kind of request in tables.
var kindLabel = map[string]string{
	kindDay:       "day page `/`",
	kindPage:      "paper page `/papers/{id}`",
	kindDaily:     "daily list `/api/daily_papers`",
	kindAPIPaper:  "paper API `/api/papers/{id}`",
	kindSearch:    "search `/api/papers/search`",
	kindVote:      "upvote (API)",
	kindComment:   "comment (API)",
	kindSubscribe: "subscription (web form, 2 requests)",
}

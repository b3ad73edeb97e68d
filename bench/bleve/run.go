package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Config is one measurement run.
type Config struct {
	Engine  string // "bleve" or "quire"
	File    string // papers in the arXiv listing format
	N       int    // papers to index
	Queries string // the query set: JSON lines {"q": "...", "common": bool} (bench/gen1m -queries)
	K       int    // results per query
	Warmup  int    // untimed passes over the queries
	Dir     string // Bleve's index folder; "" for a temporary one
}

// Result is what a run measured. Times are seconds or milliseconds as the
// names say; memory is in MB (2^20 bytes).
type Result struct {
	Engine    string  `json:"engine"`
	Docs      int     `json:"docs"`
	BuildS    float64 `json:"build_s"`            // reading the file and indexing, until every paper is searchable
	DocsPerS  float64 `json:"docs_per_s"`         // Docs / BuildS
	SettleS   float64 `json:"settle_s"`           // after BuildS: Bleve persisting and merging, Quire compacting into one segment
	ReadS     float64 `json:"read_s"`             // reading and parsing the file, in a goroutine beside the indexing
	BuildCPUS float64 `json:"build_cpu_s"`        // CPU time (user + system, all threads) of reading, the build and settling
	HeapMB    float64 `json:"heap_mb"`            // live heap after the build and a GC
	RSSMB     float64 `json:"rss_mb"`             // resident after the build, memory returned to the OS
	ServingMB float64 `json:"serving_mb"`         // resident after the queries (Bleve's mapped segments count)
	PeakMB    float64 `json:"peak_mb"`            // peak resident (VmHWM)
	IndexMB   float64 `json:"index_mb,omitempty"` // the engine's own estimate of its index in memory (Quire)
	DiskMB    float64 `json:"disk_mb,omitempty"`  // the index on disk (Bleve)
	Queries   int     `json:"queries"`
	P50Ms     float64 `json:"p50_ms"`
	P95Ms     float64 `json:"p95_ms"`
	P99Ms     float64 `json:"p99_ms"`
	MeanMs    float64 `json:"mean_ms"`
	MaxMs     float64 `json:"max_ms"`
	Common    int     `json:"common_queries"` // the common-word queries, also counted in Queries
	CommonP50 float64 `json:"common_p50_ms"`
	CommonP99 float64 `json:"common_p99_ms"`
	MeanHits  float64 `json:"mean_hits"` // results per query (at most K)
}

// engine is an index under measurement.
type engine interface {
	// Index indexes the papers received from docs until it is closed and
	// returns when every one is searchable.
	Index(docs <-chan doc) error
	// Settle waits for the background work the engine does after Index
	// (persisting, merging, compacting) and returns when that work ended.
	Settle() (time.Time, error)
	// Search runs an OR query over the analysed words of q and returns the
	// number of results (at most k).
	Search(q string, k int) (int, error)
	// Footprint is the size of the index in memory, as the engine
	// estimates it, and on disk; 0 for none or unknown.
	Footprint() (memory, disk int64)
	Close() error
}

// errStopped ends reading when the engine has failed.
var errStopped = errors.New("stopped")

// Run builds cfg.Engine's index over the file's first cfg.N papers and runs
// the queries through it.
func Run(cfg Config) (*Result, error) {
	var (
		e   engine
		err error
	)
	switch cfg.Engine {
	case "bleve":
		e, err = newBleve(cfg.Dir)
	case "quire":
		e, err = newQuire()
	default:
		return nil, fmt.Errorf("unknown engine %q (want bleve or quire)", cfg.Engine)
	}
	if err != nil {
		return nil, err
	}
	defer e.Close()
	r := &Result{Engine: cfg.Engine}
	qs, err := readQueries(cfg.Queries)
	if err != nil {
		return nil, err
	}

	// One goroutine reads and parses the file while the engine indexes.
	cpu := cpuTime()
	start := time.Now()
	docs := make(chan doc, 1024)
	stop := make(chan struct{})
	readDone := make(chan error, 1)
	var readTime time.Duration
	go func() {
		defer close(docs)
		readDone <- readPapers(cfg.File, cfg.N, &readTime, func(p doc) error {
			select {
			case docs <- p:
				return nil
			case <-stop:
				return errStopped
			}
		})
	}()
	if err := e.Index(docs); err != nil {
		close(stop)
		<-readDone
		return nil, err
	}
	if err := <-readDone; err != nil {
		return nil, err
	}
	r.Docs = cfg.N
	r.BuildS = time.Since(start).Seconds()
	r.DocsPerS = float64(cfg.N) / r.BuildS
	r.ReadS = readTime.Seconds()
	built := time.Now()
	settled, err := e.Settle()
	if err != nil {
		return nil, err
	}
	r.SettleS = max(0, settled.Sub(built).Seconds())
	r.BuildCPUS = (cpuTime() - cpu).Seconds()
	memory, disk := e.Footprint()
	r.IndexMB, r.DiskMB = mb(memory), mb(disk)

	runtime.GC()
	debug.FreeOSMemory()
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	r.HeapMB = mb(int64(mem.HeapAlloc))
	r.RSSMB = mb(procStatus("VmRSS"))

	for range cfg.Warmup {
		for _, q := range qs {
			if _, err := e.Search(q.Q, cfg.K); err != nil {
				return nil, fmt.Errorf("query %q: %w", q.Q, err)
			}
		}
	}
	var all, common []time.Duration
	hits := 0
	for _, q := range qs {
		t := time.Now()
		h, err := e.Search(q.Q, cfg.K)
		d := time.Since(t)
		if err != nil {
			return nil, fmt.Errorf("query %q: %w", q.Q, err)
		}
		hits += h
		all = append(all, d)
		if q.Common {
			common = append(common, d)
		}
	}
	r.ServingMB = mb(procStatus("VmRSS"))
	r.PeakMB = mb(procStatus("VmHWM"))
	r.Queries, r.Common = len(all), len(common)
	r.MeanHits = float64(hits) / float64(len(all))
	var sum time.Duration
	for _, d := range all {
		sum += d
	}
	r.MeanMs = ms(sum) / float64(len(all))
	slices.Sort(all)
	slices.Sort(common)
	r.P50Ms, r.P95Ms, r.P99Ms = ms(percentile(all, 50)), ms(percentile(all, 95)), ms(percentile(all, 99))
	r.MaxMs = ms(all[len(all)-1])
	r.CommonP50, r.CommonP99 = ms(percentile(common, 50)), ms(percentile(common, 99))
	return r, nil
}

// percentile returns the p-th percentile of sorted durations (nearest
// rank), 0 for none.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100 // ceil(len·p/100), 1-based
	return sorted[max(i, 1)-1]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func mb(b int64) float64 { return float64(b*100>>20) / 100 }

// cpuTime returns the CPU time the process has used so far: on a shared
// machine a steadier measure of work than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procStatus returns a memory figure of /proc/self/status in bytes (0 where
// there is no /proc).
func procStatus(key string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	var kb int64
	for line := range strings.SplitSeq(string(b), "\n") {
		if n, _ := fmt.Sscanf(line, key+": %d kB", &kb); n == 1 {
			return kb << 10
		}
	}
	return 0
}

// Command loadgen sends a mixed load to one or more Quire nodes and checks
// afterwards that no acknowledged write was lost or stored twice.
// bench/cluster.sh runs it; its subcommands:
//
//	loadgen setup  -base URL[,URL...] -accounts N -prefix P -password-file F -queries Q.jsonl -o state.json
//	loadgen run    -base URL[,URL...] -state state.json [-c 32] [-d 60s | -n 100000] -out DIR
//	loadgen report -out DIR [-faults faults.txt] [-warmup 5s] [-name NAME]
//	loadgen audit  -base URL[,URL...] -state state.json -out DIR -password-file F [-mailpit URL]
//
// setup signs in the accounts P0001..PN (made beforehand with `quire user
// create`), creates an API token for each on its account page, and gathers
// the newest papers of the daily lists (voted on and commented on), the
// papers found by searches of the query set (read), and the searches.
//
// run sends requests from c clients, each sending its next request when
// the last one is answered, round-robin over the base URLs like a load
// balancer: a node whose connections fail is skipped for a second, and one
// whose /healthz does not answer 200 until it does. The mix is 90% reads,
// split evenly over the day page /, /papers/{id},
// /api/daily_papers?date=LATEST (setup -all-daily: without parameters) and
// /api/papers/{id}; 8% searches; 2% writes: upvotes and comments through
// the API with the accounts' tokens, and subscriptions through the web form
// (-mix changes the shares). It writes DIR/samples.txt (one line per
// request), DIR/writes.json (every write and its answer) and DIR/run.json
// (the summary and the per-second timeline).
//
// report reads those and the faults injected during the run (lines "NAME
// START END" in Unix seconds) and prints Markdown tables: throughput,
// latency and 5xx outside the fault windows, and per fault the time from
// its end until throughput (a three-second average) is back at 90% of its
// median over the 10 s before, and until errors stop.
//
// audit checks every write of DIR/writes.json through HTTP (see Audit),
// writes DIR/audit.json, and exits 1 if a write was lost or duplicated. It
// assumes the accounts had not voted on the papers before the run, as in
// the fresh database bench/cluster.sh makes.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "setup":
		err = runSetup(os.Args[2:])
	case "run":
		err = runLoad(os.Args[2:])
	case "report":
		err = runReport(os.Args[2:])
	case "audit":
		var ok bool
		ok, err = runAudit(os.Args[2:])
		if err == nil && !ok {
			os.Exit(1)
		}
	default:
		usage()
	}
	if errors.Is(err, errUsage) {
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func usage() {
	fmt.Fprintln(os.Stderr, "usage: loadgen setup|run|report|audit [flags] (see the package documentation; -h for flags)")
	os.Exit(2)
}

// common holds the flags every subcommand that talks to nodes takes.
type common struct {
	base    *string
	conns   *int
	timeout *time.Duration
}

func commonFlags(fs *flag.FlagSet) common {
	return common{
		base:    fs.String("base", "", "node URLs, comma separated"),
		conns:   fs.Int("c", 32, "concurrent clients"),
		timeout: fs.Duration("timeout", 10*time.Second, "timeout of one request"),
	}
}

func (c common) balancer() (*Balancer, error) {
	if *c.base == "" || *c.conns < 1 {
		return nil, errUsage
	}
	return NewBalancer(strings.Split(*c.base, ","), *c.conns, *c.timeout)
}

func readPasswordFile(path string) (string, error) {
	if path == "" {
		return "", errors.New("-password-file is required")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(strings.SplitN(string(b), "\n", 2)[0], "\r"), nil
}

func runSetup(args []string) error {
	fs := flag.NewFlagSet("loadgen setup", flag.ExitOnError)
	c := commonFlags(fs)
	accounts := fs.Int("accounts", 50, "number of accounts")
	prefix := fs.String("prefix", "load", "username prefix: PREFIX0001 ...")
	pwFile := fs.String("password-file", "", "the accounts' password")
	queries := fs.String("queries", "", "query set (JSON lines, from bench/gen1m -queries)")
	nq := fs.Int("nq", 2000, "searches kept from the query set")
	readQ := fs.Int("read-queries", 100, "searches whose results make the papers read")
	writePapers := fs.Int("write-papers", 200, "newest listed papers voted on and commented on")
	allDaily := fs.Bool("all-daily", false, "read /api/daily_papers without parameters (the whole archive) instead of the latest day's list")
	out := fs.String("o", "", "state file to write")
	fs.Parse(args)
	b, err := c.balancer()
	if err != nil || *queries == "" || *out == "" || *accounts < 1 {
		return errUsage
	}
	pw, err := readPasswordFile(*pwFile)
	if err != nil {
		return err
	}
	s := &Setup{B: b, Prefix: *prefix, Accounts: *accounts, Password: pw, Queries: *queries, NQueries: *nq, ReadQueries: *readQ, WritePapers: *writePapers, AllDaily: *allDaily, Workers: 4}
	st, err := s.Run()
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "loadgen setup: %d accounts, %d papers to read (%d to write to), %d searches\n",
		len(st.Accounts), len(st.Papers), len(st.WritePapers), len(st.Queries))
	return writeJSONFile(*out, st)
}

// RunResult is DIR/run.json.
type RunResult struct {
	Started     time.Time `json:"started"`
	Concurrency int       `json:"concurrency"`
	Bases       []string  `json:"bases"`
	Mix         Mix       `json:"mix"`
	Summary     Summary   `json:"summary"`
	Writes      int       `json:"writes"`
	Skipped     int64     `json:"skipped_writes"`
	Timeline    []Second  `json:"timeline"`
}

func parseMix(s string) (Mix, error) {
	var m Mix
	if _, err := fmt.Sscanf(s, "%g,%g,%g,%g", &m.Search, &m.Vote, &m.Comment, &m.Subscribe); err != nil {
		return m, fmt.Errorf("-mix %q: want SEARCH,VOTE,COMMENT,SUBSCRIBE shares such as 0.08,0.012,0.006,0.002", s)
	}
	if m.Search < 0 || m.Vote < 0 || m.Comment < 0 || m.Subscribe < 0 || m.Search+m.Vote+m.Comment+m.Subscribe > 1 {
		return m, fmt.Errorf("-mix %q: shares must be at least 0 and add up to at most 1", s)
	}
	return m, nil
}

func runLoad(args []string) error {
	fs := flag.NewFlagSet("loadgen run", flag.ExitOnError)
	c := commonFlags(fs)
	stateFile := fs.String("state", "", "state file written by setup")
	d := fs.Duration("d", 0, "run for this long")
	n := fs.Int("n", 0, "stop after this many requests")
	mixFlag := fs.String("mix", fmt.Sprintf("%g,%g,%g,%g", DefaultMix.Search, DefaultMix.Vote, DefaultMix.Comment, DefaultMix.Subscribe),
		"shares of searches, votes, comments and subscriptions; reads take the rest")
	search := fs.String("search-params", "limit=20", "query parameters added to searches")
	seed := fs.Uint64("seed", 1, "random seed")
	health := fs.String("health", "/healthz", "health check of each node, every 0.5 s; a node answering other than 200 gets no requests (\"\": none)")
	out := fs.String("out", "", "folder for samples.txt, writes.json and run.json")
	fs.Parse(args)
	b, err := c.balancer()
	if err != nil || *stateFile == "" || *out == "" || (*d <= 0 && *n <= 0) {
		return errUsage
	}
	mix, err := parseMix(*mixFlag)
	if err != nil {
		return err
	}
	var st State
	if err := readJSONFile(*stateFile, &st); err != nil {
		return err
	}
	if len(st.Accounts) == 0 || len(st.Papers) == 0 || len(st.WritePapers) == 0 || len(st.Queries) == 0 {
		return fmt.Errorf("%s lacks accounts, papers or searches", *stateFile)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	// SIGTERM or SIGINT ends the run early, with its results written:
	// bench/cluster.sh stops it when its fault phases are over.
	stop := make(chan struct{})
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	go func() { <-sig; close(stop); signal.Stop(sig) }()
	if *health != "" {
		b.Watch(*health, 500*time.Millisecond, stop)
	}
	l := &Load{B: b, State: &st, Mix: mix, Search: *search, Concurrency: *c.conns, Requests: *n, Duration: *d, Seed: *seed,
		Stop: stop, RunID: fmt.Sprintf("LG%d", time.Now().UnixNano()%1e10)}
	ss, log, err := l.Run()
	if err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(*out, "samples.txt"))
	if err != nil {
		return err
	}
	if err := WriteSamples(f, ss); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := writeJSONFile(filepath.Join(*out, "writes.json"), log); err != nil {
		return err
	}
	var last time.Duration
	for _, s := range ss {
		last = max(last, s.At+s.Latency)
	}
	res := &RunResult{Started: log.Started, Concurrency: *c.conns, Bases: b.Bases, Mix: mix,
		Summary: Summarize(ss, 0, last), Writes: len(log.Writes), Skipped: log.Skipped, Timeline: Timeline(ss)}
	fmt.Fprintf(os.Stderr, "loadgen run: %d requests in %.1fs (%.0f/s), p99 %.1f ms, %d 5xx, %d unanswered, %d writes (%d skipped for rate limits)\n",
		res.Summary.Requests, res.Summary.Seconds, res.Summary.RPS, res.Summary.P99Ms, res.Summary.Server5xx, res.Summary.Failed, res.Writes, res.Skipped)
	return writeJSONFile(filepath.Join(*out, "run.json"), res)
}

func runReport(args []string) error {
	fs := flag.NewFlagSet("loadgen report", flag.ExitOnError)
	out := fs.String("out", "", "folder of a run")
	faultsFile := fs.String("faults", "", "faults injected: lines NAME START END (Unix seconds)")
	warmup := fs.Duration("warmup", 5*time.Second, "first part of the run left out of the figures")
	name := fs.String("name", "run", "name of the run in the table")
	fs.Parse(args)
	if *out == "" {
		return errUsage
	}
	var res RunResult
	if err := readJSONFile(filepath.Join(*out, "run.json"), &res); err != nil {
		return err
	}
	ss, err := ReadSamples(filepath.Join(*out, "samples.txt"))
	if err != nil {
		return err
	}
	var faults []Fault
	if *faultsFile != "" {
		if faults, err = ReadFaults(*faultsFile, res.Started); err != nil {
			return err
		}
	}
	PrintReport(os.Stdout, *name, ss, Recover(ss, faults), *warmup)
	return nil
}

func runAudit(args []string) (bool, error) {
	fs := flag.NewFlagSet("loadgen audit", flag.ExitOnError)
	c := commonFlags(fs)
	stateFile := fs.String("state", "", "state file written by setup")
	out := fs.String("out", "", "folder of the run (writes.json); audit.json is written there")
	pwFile := fs.String("password-file", "", "the accounts' password")
	mailpit := fs.String("mailpit", "", "Mailpit's web address, to check subscriptions")
	fs.Parse(args)
	b, err := c.balancer()
	if err != nil || *stateFile == "" || *out == "" {
		return false, errUsage
	}
	pw, err := readPasswordFile(*pwFile)
	if err != nil {
		return false, err
	}
	var st State
	var log WriteLog
	if err := readJSONFile(*stateFile, &st); err != nil {
		return false, err
	}
	if err := readJSONFile(filepath.Join(*out, "writes.json"), &log); err != nil {
		return false, err
	}
	a := &Audit{B: b, State: &st, Log: &log, Password: pw, Mailpit: strings.TrimRight(*mailpit, "/"), Workers: 4}
	r, err := a.Run()
	if err != nil {
		return false, err
	}
	PrintAudit(os.Stdout, r)
	return r.OK(), writeJSONFile(filepath.Join(*out, "audit.json"), r)
}

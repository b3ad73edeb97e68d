package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Mix is the share of each kind of request; the shares of reads split
// evenly over the day page, paper pages, the daily list (State.Daily) and
// the paper API.
type Mix struct {
	Search, Vote, Comment, Subscribe float64
}

// DefaultMix is 90% reads, 8% searches and 2% writes.
var DefaultMix = Mix{Search: 0.08, Vote: 0.012, Comment: 0.006, Subscribe: 0.002}

// Kinds of request, as the samples and the write log name them.
const (
	kindDay       = "day"
	kindPage      = "page"
	kindDaily     = "daily"
	kindAPIPaper  = "api_paper"
	kindSearch    = "search"
	kindVote      = "vote"
	kindComment   = "comment"
	kindSubscribe = "subscribe"
)

// Load is a mixed load against a Balancer.
type Load struct {
	B      *Balancer
	State  *State
	Mix    Mix
	RunID  string // marks this run's comments and subscription addresses
	Search string // query parameters added to searches, e.g. "limit=20"
	// Concurrency is the number of clients, each sending its next
	// request when the last one is answered.
	Concurrency int
	// The run stops after Requests requests or Duration, whichever
	// comes first; zero means no bound of that kind.
	Requests int
	Duration time.Duration
	// Stop, when closed, ends the run early.
	Stop <-chan struct{}
	Seed uint64

	start    time.Time
	sent     atomic.Int64
	accounts []*accountState
	cursor   atomic.Uint64
	seq      atomic.Int64
	skipped  atomic.Int64

	mu     sync.Mutex
	writes []Write
}

// accountState is what the load knows of one account: how many votes it
// has cast and until when the server asked it to wait.
type accountState struct {
	Account
	index int

	mu    sync.Mutex
	votes int
	// retry holds papers whose vote was refused for the rate, to vote
	// on again later.
	retry   []string
	blocked map[string]time.Time
}

// failPause is how long a client waits after a request that got no answer.
const failPause = 50 * time.Millisecond

// Sample is one request's outcome.
type Sample struct {
	At      time.Duration // since the start of the run
	Latency time.Duration
	Status  int // 0 when no answer came
	Kind    string
}

// Write is one write the load sent, and what became of it.
type Write struct {
	Kind    string `json:"kind"`
	Account string `json:"account,omitempty"`
	Paper   string `json:"paper,omitempty"`
	// Marker is the unique text in a comment's body, or a subscription's
	// address.
	Marker string `json:"marker,omitempty"`
	Status int    `json:"status"`
	// Acked says the server answered 2xx: the write must be stored.
	Acked bool   `json:"acked"`
	Error string `json:"error,omitempty"`
	// AtMs is when it was sent, in milliseconds since the run started.
	AtMs int64 `json:"at_ms"`
}

// WriteLog is the record of a run's writes that the audit checks.
type WriteLog struct {
	RunID   string         `json:"run_id"`
	Started time.Time      `json:"started"`
	Upvotes map[string]int `json:"upvotes_before"`
	Writes  []Write        `json:"writes"`
	// Skipped counts writes not sent because every account was waiting
	// out a rate limit (a read was sent instead).
	Skipped int64 `json:"skipped_writes"`
}

// Run sends the load and returns every request's sample and the write log.
func (l *Load) Run() ([]Sample, *WriteLog, error) {
	log := &WriteLog{RunID: l.RunID, Upvotes: map[string]int{}}
	for _, id := range l.State.WritePapers {
		n, err := paperUpvotes(l.B, id)
		if err != nil {
			return nil, nil, err
		}
		log.Upvotes[id] = n
	}
	for i, a := range l.State.Accounts {
		l.accounts = append(l.accounts, &accountState{Account: a, index: i, blocked: map[string]time.Time{}})
	}
	l.start = time.Now()
	log.Started = l.start
	var deadline time.Time
	if l.Duration > 0 {
		deadline = l.start.Add(l.Duration)
	}
	per := make([][]Sample, l.Concurrency)
	var wg sync.WaitGroup
	for c := range l.Concurrency {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(l.Seed, uint64(c)))
			for {
				if l.Requests > 0 && l.sent.Add(1) > int64(l.Requests) {
					return
				}
				if !deadline.IsZero() && time.Now().After(deadline) {
					return
				}
				select {
				case <-l.Stop:
					return
				default:
				}
				s := l.one(rng)
				per[c] = append(per[c], s)
				if s.Status == 0 {
					// No node answered: pause as a client would, rather
					// than spin on refused connections.
					time.Sleep(failPause)
				}
			}
		})
	}
	wg.Wait()
	var all []Sample
	for _, s := range per {
		all = append(all, s...)
	}
	log.Writes = l.writes
	log.Skipped = l.skipped.Load()
	return all, log, nil
}

// one sends one request of the mix.
func (l *Load) one(rng *rand.Rand) Sample {
	x := rng.Float64()
	m := l.Mix
	switch {
	case x < m.Vote:
		if s, ok := l.vote(); ok {
			return s
		}
	case x < m.Vote+m.Comment:
		if s, ok := l.comment(rng); ok {
			return s
		}
	case x < m.Vote+m.Comment+m.Subscribe:
		return l.subscribe()
	case x < m.Vote+m.Comment+m.Subscribe+m.Search:
		q := l.State.Queries[rng.IntN(len(l.State.Queries))]
		p := "/api/papers/search?q=" + url.QueryEscape(q)
		if l.Search != "" {
			p += "&" + l.Search
		}
		return l.get(kindSearch, p)
	}
	ps := l.State.Papers
	switch rng.IntN(4) {
	case 0:
		return l.get(kindDay, "/")
	case 1:
		return l.get(kindPage, "/papers/"+ps[rng.IntN(len(ps))])
	case 2:
		return l.get(kindDaily, l.State.Daily)
	default:
		return l.get(kindAPIPaper, "/api/papers/"+ps[rng.IntN(len(ps))])
	}
}

func (l *Load) get(kind, path string) Sample {
	start := time.Now()
	resp, err := l.B.Do(func(base string) (*http.Request, error) { return http.NewRequest(http.MethodGet, base+path, nil) })
	return l.sample(kind, start, resp, err)
}

func (l *Load) sample(kind string, start time.Time, resp *Response, err error) Sample {
	s := Sample{At: start.Sub(l.start), Latency: time.Since(start), Kind: kind}
	if err == nil && resp != nil {
		s.Status = resp.Status
	}
	return s
}

// account picks the next account free to write kind, or nil when all of
// them are waiting out a rate limit.
func (l *Load) account(kind string, usable func(*accountState) bool) *accountState {
	now := time.Now()
	for range len(l.accounts) {
		a := l.accounts[l.cursor.Add(1)%uint64(len(l.accounts))]
		a.mu.Lock()
		free := now.After(a.blocked[kind]) && (usable == nil || usable(a))
		a.mu.Unlock()
		if free {
			return a
		}
	}
	l.skipped.Add(1)
	return nil
}

// wait records the server's Retry-After for the account.
func (a *accountState) wait(kind string, resp *Response) {
	secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || secs < 1 {
		secs = 60
	}
	a.mu.Lock()
	a.blocked[kind] = time.Now().Add(time.Duration(secs) * time.Second)
	a.mu.Unlock()
}

// vote upvotes a paper the account has not voted for in this run: account
// i's j-th vote goes to write paper (7i + j) mod n, so no pair repeats.
func (l *Load) vote() (Sample, bool) {
	n := len(l.State.WritePapers)
	a := l.account(kindVote, func(a *accountState) bool { return a.votes < n || len(a.retry) > 0 })
	if a == nil {
		return Sample{}, false
	}
	a.mu.Lock()
	var paper string
	if k := len(a.retry); k > 0 {
		paper, a.retry = a.retry[k-1], a.retry[:k-1]
	} else {
		paper = l.State.WritePapers[(7*a.index+a.votes)%n]
		a.votes++
	}
	a.mu.Unlock()
	w := Write{Kind: kindVote, Account: a.Username, Paper: paper}
	return l.apiWrite(a, w, "/api/papers/"+paper+"/upvote", nil), true
}

// comment posts a comment whose body holds a marker unique to the run.
func (l *Load) comment(rng *rand.Rand) (Sample, bool) {
	a := l.account(kindComment, nil)
	if a == nil {
		return Sample{}, false
	}
	paper := l.State.WritePapers[rng.IntN(len(l.State.WritePapers))]
	marker := fmt.Sprintf("%s-c%d", l.RunID, l.seq.Add(1))
	body, _ := json.Marshal(map[string]string{"body": "Load test comment " + marker + "."})
	w := Write{Kind: kindComment, Account: a.Username, Paper: paper, Marker: marker}
	return l.apiWrite(a, w, "/api/papers/"+paper+"/comments", body), true
}

// apiWrite sends a write with the account's token and records it.
func (l *Load) apiWrite(a *accountState, w Write, path string, body []byte) Sample {
	start := time.Now()
	resp, err := l.B.Do(func(base string) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+a.Token)
		req.Header.Set("X-Forwarded-For", a.Addr)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		return req, nil
	})
	s := l.sample(w.Kind, start, resp, err)
	if resp != nil && resp.Status == http.StatusTooManyRequests {
		a.wait(w.Kind, resp)
		if w.Kind == kindVote {
			// Refused, so the pair is tried again later.
			a.mu.Lock()
			a.retry = append(a.retry, w.Paper)
			a.mu.Unlock()
		}
	}
	l.record(w, start, resp, err)
	return s
}

// subscribe subscribes a new address through the web form, as a visitor
// from an address of its own.
func (l *Load) subscribe() Sample {
	n := l.seq.Add(1)
	email := fmt.Sprintf("%s-s%d@example.com", strings.ToLower(l.RunID), n)
	br := &Browser{B: l.B, Addr: clientAddr(100_000 + int(n))}
	start := time.Now()
	resp, err := br.PostForm("/subscribe", "/subscribe", url.Values{
		"email": {email}, "frequency": {"daily"}, "categories": {"cs.LG"},
	})
	s := l.sample(kindSubscribe, start, resp, err)
	l.record(Write{Kind: kindSubscribe, Marker: email}, start, resp, err)
	return s
}

// record adds a write to the log.
func (l *Load) record(w Write, start time.Time, resp *Response, err error) {
	w.AtMs = start.Sub(l.start).Milliseconds()
	if resp != nil {
		w.Status = resp.Status
	}
	w.Acked = err == nil && w.Status >= 200 && w.Status < 300
	if err != nil {
		w.Error = err.Error()
	} else if !w.Acked && resp != nil {
		w.Error = excerpt(resp.Body)
	}
	l.mu.Lock()
	l.writes = append(l.writes, w)
	l.mu.Unlock()
}

// paperUpvotes reads a paper's displayed upvotes through the API.
func paperUpvotes(b *Balancer, id string) (int, error) {
	var p struct {
		Upvotes int `json:"upvotes"`
	}
	err := getJSON(b, "/api/papers/"+id, &p)
	return p.Upvotes, err
}

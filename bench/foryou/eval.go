package main

import (
	"math"
	"math/rand/v2"
	"time"

	"quire"
	"quire/internal/foryou"
	"quire/internal/trending"
)

// ranker orders one day's list for a member.
type ranker struct {
	name       string
	popularity float64 // personal: weight of log(1+upvotes); negative for none
	lambda     float64 // personal: L2 penalty; 0 for the default
	iters      int     // personal: training iterations; 0 for the default
	trending   bool
	random     bool
}

// rank returns the papers of day d, best first, for a member whose
// signals before d are before.
func (r ranker) rank(papers []*paper, days [][]int, before []signal, d, window int, seed uint64) []int {
	list := days[d]
	switch {
	case r.trending:
		items := make([]trending.Item, len(list))
		byID := make(map[string]int, len(list))
		for i, pi := range list {
			p := papers[pi]
			items[i] = trending.Item{ID: p.id, Votes: p.upvotes, Comments: p.comments, ListedAt: p.listedAt}
			byID[p.id] = pi
		}
		// The end of the list's day: every paper of it is listed by then.
		now := papers[list[0]].listedAt.Truncate(24 * time.Hour).Add(24 * time.Hour)
		var out []int
		for _, it := range trending.Rank(items, now) {
			out = append(out, byID[it.ID])
		}
		// Papers trending leaves out (listed in the future by a skewed
		// clock) go last, in list order.
		return appendMissing(out, list)
	case r.random:
		out := append([]int(nil), list...)
		rng := rand.New(rand.NewPCG(seed, uint64(d)))
		rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		return out
	}
	// The personal model: as the server does, it draws its negatives from
	// the recent lists (the window before the day, and the day itself),
	// and the day's papers are ranked.
	now := papers[list[0]].listedAt
	prof := foryou.Profile{Vectors: map[string][]float32{}}
	for _, s := range before {
		p := papers[s.paper]
		prof.Signals = append(prof.Signals, quire.Signal{PaperID: p.id, Kind: s.kind, At: p.listedAt})
		if p.vec != nil {
			prof.Vectors[p.id] = p.vec
		}
	}
	var cands []foryou.Candidate
	for dd := max(d-window, 0); dd <= d; dd++ {
		for _, pi := range days[dd] {
			p := papers[pi]
			cands = append(cands, foryou.Candidate{PaperID: p.id, Vec: p.vec, Upvotes: p.upvotes})
		}
	}
	params := foryou.Params{Popularity: r.popularity, Now: now, Seed: seed, Train: foryou.TrainOptions{Lambda: r.lambda, Iterations: r.iters}}
	ranked, _, err := foryou.Rank(prof, cands, params)
	if err != nil {
		panic(err)
	}
	onDay := make(map[string]int, len(list))
	for _, pi := range list {
		onDay[papers[pi].id] = pi
	}
	var out []int
	for _, rk := range ranked {
		if pi, ok := onDay[rk.PaperID]; ok {
			out = append(out, pi)
		}
	}
	// Papers of the day the member already had a signal for (none, as
	// held-back days come after the training signals) go last.
	return appendMissing(out, list)
}

func appendMissing(out, list []int) []int {
	in := make(map[int]bool, len(out))
	for _, x := range out {
		in[x] = true
	}
	for _, x := range list {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

// result accumulates the ranks of held-back papers.
type result struct {
	n, days, cands int
	rr, hits, rank float64
	rrs            []float64 // each held-back paper's reciprocal rank, in order
}

// add scores one held-back day: order is the day's ranking, held the
// member's upvotes of that day. A held-back paper's rank counts the papers
// above it that were not held back.
func (r *result) add(order, held []int) {
	isHeld := make(map[int]bool, len(held))
	for _, h := range held {
		isHeld[h] = true
	}
	r.days++
	r.cands += len(order)
	above := 0
	for _, pi := range order {
		if !isHeld[pi] {
			above++
			continue
		}
		rank := above + 1
		r.n++
		r.rr += 1 / float64(rank)
		r.rrs = append(r.rrs, 1/float64(rank))
		r.rank += float64(rank)
		if rank <= 10 {
			r.hits++
		}
	}
}

func (r *result) mrr() float64            { return r.rr / float64(max(r.n, 1)) }
func (r *result) recall() float64         { return r.hits / float64(max(r.n, 1)) }
func (r *result) meanRank() float64       { return r.rank / float64(max(r.n, 1)) }
func (r *result) meanCandidates() float64 { return float64(r.cands) / float64(max(r.days, 1)) }

// upvoteDays returns the days on which the member upvoted, in order.
func upvoteDays(m member) []int {
	var out []int
	for _, s := range m.signals {
		if s.kind == quire.SignalUpvote && (len(out) == 0 || out[len(out)-1] != s.day) {
			out = append(out, s.day)
		}
	}
	return out
}

func countKind(m member, k quire.SignalKind) int {
	n := 0
	for _, s := range m.signals {
		if s.kind == k {
			n++
		}
	}
	return n
}

// pairedDiff returns the mean of a's reciprocal ranks minus b's over the
// same held-back papers, and its standard error.
func pairedDiff(a, b *result) (mean, se float64) {
	n := float64(len(a.rrs))
	if n < 2 || len(b.rrs) != len(a.rrs) {
		return 0, 0
	}
	var sum, sq float64
	for i := range a.rrs {
		d := a.rrs[i] - b.rrs[i]
		sum += d
		sq += d * d
	}
	mean = sum / n
	return mean, math.Sqrt((sq/n - mean*mean) / (n - 1))
}

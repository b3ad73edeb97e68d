// Command foryou measures the personal feed (internal/foryou) on simulated
// members over the real Hugging Face daily-papers archive, beside the
// trending order (internal/trending):
//
//	go run ./bench/foryou [-members 400] [-seed 1] [-holdout 3] [-model-cache FILE]
//
// It first trains Quire's built-in embedding model on the archive's titles
// and abstracts, as a server does on its catalogue (about a minute on two
// cores; -model-cache keeps it for the next run), and embeds every paper.
//
// There are no real per-member votes, so members are simulated. Each has
// interests: the AI keywords of two anchor papers drawn from the archive's
// first half. Day by day, a member upvotes each paper of the real list with
// probability
//
//	sigmoid(Match·min(matches, 3) + Pop·log(1+upvotes) + Base)
//
// where matches counts the member's keyword phrases found in the paper's
// keywords, title or abstract, and upvotes is the paper's real count. A
// paper matching none of them is marked "not interested" with probability
// -notinterested. The generative model is lexical (keyword phrases); the
// ranker never sees keywords: it learns from embedding vectors trained on
// the archive's titles and abstracts. The two are not independent (a
// phrase a member looks for is often in the abstract the embedding reads),
// but the ranker must rediscover each member's phrases from their upvotes
// alone. Both use the real upvote counts, and so does trending, whose
// order is mostly those counts.
//
// For each member, each of their last -holdout upvote days is held back in
// turn: the model learns from the signals before that day, and ranks that
// day's list. The held-back upvotes' ranks give MRR, recall@10 and mean
// rank (another held-back paper of the same day does not count against
// one). It prints one table.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"

	"quire"
	"quire/internal/embedding"
	"quire/internal/hfdaily"
)

type paper struct {
	id       string
	doc      string // "title. abstract", what the embedding model reads
	text     string // lower-case title, abstract and keywords, for matching
	keywords []string
	upvotes  int
	comments int
	listedAt time.Time
	day      int // index into days
	vec      []float32
}

type member struct {
	terms   []string
	signals []signal // in time order
}

type signal struct {
	paper int
	kind  quire.SignalKind
	day   int
}

func main() {
	dataPath := flag.String("data", "/work/shared/data/hf-daily/daily_papers_by_day.jsonl.zst", "HF daily-papers archive, one day per line")
	members := flag.Int("members", 400, "simulated members")
	seed := flag.Uint64("seed", 1, "seed of the simulation")
	holdout := flag.Int("holdout", 3, "upvote days held back per member, latest first")
	minTrain := flag.Int("min-train", 5, "upvotes a member needs before a held-back day")
	window := flag.Int("window", 30, "days of lists before the held-back day that supply random negatives")
	match := flag.Float64("match", 2.0, "generative weight of a matching keyword phrase")
	pop := flag.Float64("pop", 0.6, "generative weight of log(1+upvotes)")
	base := flag.Float64("base", -8.5, "generative intercept")
	notInterested := flag.Float64("notinterested", 0.01, "probability of marking a non-matching paper not interested")
	popularity := flag.Float64("popularity", 0.25, "ranker: weight of log(1+upvotes) in the personal score")
	lambda := flag.Float64("lambda", 0, "ranker: L2 penalty (0: foryou's default)")
	iters := flag.Int("iters", 0, "ranker: gradient-descent iterations (0: foryou's default)")
	dim := flag.Int("dim", 256, "embedding dimension")
	modelCache := flag.String("model-cache", "", "file that keeps the trained embedding model between runs")
	flag.Parse()
	ctx := context.Background()

	papers, days, err := load(*dataPath)
	if err != nil {
		log.Fatal(err)
	}
	start := time.Now()
	// The embedding model stands for the server's and does not depend on
	// the simulated members, so its seed is fixed and a cached model
	// serves every -seed.
	model, err := embedder(ctx, papers, *dim, 1, *modelCache)
	if err != nil {
		log.Fatal(err)
	}
	if err := embed(ctx, model, papers); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "foryou: %d papers on %d days; embedding model %s (%d dims) ready in %v\n",
		len(papers), len(days), model.Name(), model.Dim(), time.Since(start).Round(time.Second))

	rng := rand.New(rand.NewPCG(*seed, 0x666f72796f75))
	gen := generator{match: *match, pop: *pop, base: *base, notInterested: *notInterested}
	ms := simulate(rng, papers, days, *members, gen)

	rankers := []ranker{
		{name: "personal model (vectors only)", popularity: -1, lambda: *lambda, iters: *iters},
		{name: fmt.Sprintf("personal model + popularity %.2g", *popularity), popularity: *popularity, lambda: *lambda, iters: *iters},
		{name: "trending (internal/trending)", trending: true},
		{name: "random order", random: true},
	}
	res := make([]result, len(rankers))
	var evals, evalMembers, totalUp int
	var trainTime time.Duration
	var trainCalls int
	for mi, m := range ms {
		ups := upvoteDays(m)
		totalUp += countKind(m, quire.SignalUpvote)
		counted := false
		for h := 0; h < *holdout && h < len(ups); h++ {
			d := ups[len(ups)-1-h]
			var before []signal
			for _, s := range m.signals {
				if s.day < d {
					before = append(before, s)
				}
			}
			if countKind(member{signals: before}, quire.SignalUpvote) < *minTrain {
				continue
			}
			var held []int
			for _, s := range m.signals {
				if s.day == d && s.kind == quire.SignalUpvote {
					held = append(held, s.paper)
				}
			}
			for ri, r := range rankers {
				t0 := time.Now()
				order := r.rank(papers, days, before, d, *window, *seed+uint64(mi))
				if ri == 1 {
					trainTime += time.Since(t0)
					trainCalls++
				}
				res[ri].add(order, held)
			}
			evals += len(held)
			counted = true
		}
		if counted {
			evalMembers++
		}
	}
	fmt.Printf("simulated members: %d (seed %d); upvotes %d (%.1f per member); evaluated: %d members, %d held-back upvotes\n",
		len(ms), *seed, totalUp, float64(totalUp)/float64(len(ms)), evalMembers, evals)
	fmt.Printf("candidates per held-back day: %.1f on average; personal ranking took %v per request on average\n",
		res[0].meanCandidates(), (trainTime / time.Duration(max(trainCalls, 1))).Round(time.Microsecond))
	fmt.Printf("%-36s %8s %10s %10s\n", "ranker", "MRR", "recall@10", "mean rank")
	for i, r := range rankers {
		fmt.Printf("%-36s %8.3f %10.3f %10.2f\n", r.name, res[i].mrr(), res[i].recall(), res[i].meanRank())
	}
	for i := range 2 {
		d, se := pairedDiff(&res[i], &res[2])
		fmt.Printf("MRR of %s minus trending's: %+.3f (standard error %.3f, paired over the held-back upvotes)\n", rankers[i].name, d, se)
	}
}

// load reads the archive: every paper once (its first listing wins), with
// the day lists in date order.
func load(path string) ([]*paper, [][]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	zr, err := zstd.NewReader(f)
	if err != nil {
		return nil, nil, err
	}
	defer zr.Close()
	br := bufio.NewReaderSize(zr, 1<<20)
	var papers []*paper
	var days [][]int
	seen := map[string]bool{}
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 1 {
			day, items, perr := hfdaily.ParseDayLine(line)
			if perr != nil {
				return nil, nil, perr
			}
			var list []int
			for _, raw := range items {
				p, e, ierr := hfdaily.ParseItem(raw, day)
				if ierr != nil || seen[p.ID] {
					continue
				}
				seen[p.ID] = true
				listed := e.SubmittedAt
				if listed.IsZero() {
					listed = day
				}
				kws := make([]string, 0, len(e.AIKeywords))
				for _, k := range e.AIKeywords {
					kws = append(kws, strings.ToLower(k))
				}
				papers = append(papers, &paper{id: p.ID, upvotes: e.Upvotes, comments: e.NumComments, listedAt: listed,
					keywords: kws, day: len(days), doc: p.Title + ". " + p.Abstract,
					text: strings.ToLower(p.Title + " " + p.Abstract + " " + strings.Join(kws, " | "))})
				list = append(list, len(papers)-1)
			}
			if len(list) > 0 {
				days = append(days, list)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
	}
	return papers, days, nil
}

// embedder trains the built-in embedding model on the archive's titles
// and abstracts, as a Quire server does on its catalogue, or reads it from
// cache.
func embedder(ctx context.Context, papers []*paper, dim int, seed uint64, cache string) (*embedding.Model, error) {
	m := new(embedding.Model)
	if cache != "" {
		if b, err := os.ReadFile(cache); err == nil {
			if err := m.UnmarshalBinary(b); err == nil && m.Dim() == dim {
				return m, nil
			}
		}
	}
	docs := func(yield func(string) bool) {
		for _, p := range papers {
			if !yield(p.doc) {
				return
			}
		}
	}
	m, err := embedding.Train(ctx, docs, embedding.TrainOptions{Dim: dim, Seed: seed})
	if err != nil {
		return nil, err
	}
	if cache != "" {
		b, err := m.MarshalBinary()
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(cache, b, 0o644); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func embed(ctx context.Context, m *embedding.Model, papers []*paper) error {
	const batch = 256
	for i := 0; i < len(papers); i += batch {
		texts := make([]string, 0, batch)
		for _, p := range papers[i:min(i+batch, len(papers))] {
			// Keywords stay out: the ranker must not see what the
			// members were simulated from.
			texts = append(texts, p.doc)
		}
		vecs, err := m.Embed(ctx, texts)
		if err != nil {
			return err
		}
		for j, v := range vecs {
			var n float32
			for _, x := range v {
				n += x * x
			}
			if n > 0 {
				papers[i+j].vec = v
			}
		}
	}
	return nil
}

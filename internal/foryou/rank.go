package foryou

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"

	"quire"
)

// Candidate is a paper that may be recommended.
type Candidate struct {
	PaperID string
	// Vec is the paper's unit vector; nil when it has none yet, and then
	// only popularity and the chosen interests rank it.
	Vec        []float32
	Upvotes    int
	Categories []string
	Authors    []string
	// Followed marks a paper of an author, category or organization the
	// member follows.
	Followed bool
}

// Profile is what is known of a member.
type Profile struct {
	// Signals are the member's signals, any order.
	Signals []quire.Signal
	// Vectors holds the unit vectors of the signals' and seed papers'
	// that have one, by paper id.
	Vectors map[string][]float32
	// Interests are the cold-start choices; nil for none.
	Interests *quire.Interests
}

// Weights say how much each kind of evidence counts as a training example.
type Weights struct {
	Upvote, Saved, Opened float64
	// NotInterested weighs a paper marked not interested (a negative).
	NotInterested float64
	// Seed weighs a chosen seed paper, Interest a candidate in a chosen
	// category or by a chosen author (both positives).
	Seed, Interest float64
	// Random weighs a candidate drawn as a negative: most papers are not
	// for a given member, as arxiv-sanity assumes of all papers it did not
	// see liked.
	Random float64
}

// DefaultWeights: an upvote or a save is a clear yes; an opened page is a
// weak yes (readers open what they then find dull); "not interested" is a
// clear no.
var DefaultWeights = Weights{Upvote: 1, Saved: 1, Opened: 0.3, NotInterested: 2, Seed: 1, Interest: 0.2, Random: 1}

// Params tune Rank; zero fields take the defaults.
type Params struct {
	Weights Weights
	Train   TrainOptions
	// Negatives is how many random negatives to draw per positive example
	// (default 4), at most MaxNegatives (default 400) and at least
	// MinNegatives (default 50) when the candidates allow.
	Negatives, MinNegatives, MaxNegatives int
	// Popularity weighs log(1+upvotes) in a candidate's score; negative
	// turns it off. Default 0.25, the best of those tried on the
	// simulation of bench/foryou (0.15 to 0.4).
	Popularity float64
	// CategoryBoost and AuthorBoost are added to the score of a candidate
	// in a chosen category or by a chosen author (defaults 1 and 2).
	CategoryBoost, AuthorBoost float64
	// FollowBoost is added to the score of a candidate the member's
	// follows bring (default 2, as a chosen author).
	FollowBoost float64
	// HalfLife is how fast a signal's weight decays with age (default 180
	// days); tastes move, and recent signals say more.
	HalfLife time.Duration
	// Now dates the signals for HalfLife; zero means time.Now.
	Now time.Time
	// Seed picks the random negatives; with it, a ranking is repeatable.
	Seed uint64
	// Limit is how many of the best candidates Rank returns; 0 means all.
	Limit int
}

func (p Params) withDefaults() Params {
	if p.Weights == (Weights{}) {
		p.Weights = DefaultWeights
	}
	if p.Negatives <= 0 {
		p.Negatives = 4
	}
	if p.MinNegatives <= 0 {
		p.MinNegatives = 50
	}
	if p.MaxNegatives <= 0 {
		p.MaxNegatives = 400
	}
	if p.Popularity == 0 {
		p.Popularity = 0.25
	}
	if p.CategoryBoost == 0 {
		p.CategoryBoost = 1
	}
	if p.FollowBoost == 0 {
		p.FollowBoost = 2
	}
	if p.AuthorBoost == 0 {
		p.AuthorBoost = 2
	}
	if p.HalfLife == 0 {
		p.HalfLife = 180 * 24 * time.Hour
	}
	if p.Now.IsZero() {
		p.Now = time.Now()
	}
	return p
}

// Ranked is a candidate with its score.
type Ranked struct {
	PaperID string
	Score   float64
	Upvotes int // the candidate's, which break ties of Score
	// Because says why it is there: "follow" (from an author, category
	// or organization the member follows), "author" or "category" (one
	// the member chose), "model" (like papers the member liked), or
	// "popular".
	Because string
}

// Rank orders the candidates for the member of profile, best first, and
// returns the model it learned (nil when there was nothing to learn from:
// no positive with a vector, or no candidate to draw negatives from).
// Candidates the member already has a signal for, or chose as seeds, are
// left out: the feed shows what is new to them. Candidates must be
// distinct papers.
func Rank(p Profile, cands []Candidate, params Params) ([]Ranked, *Model, error) {
	params = params.withDefaults()
	seen := map[string]bool{}
	for _, s := range p.Signals {
		seen[s.PaperID] = true
	}
	in := p.Interests
	if in == nil {
		in = &quire.Interests{}
	}
	for _, id := range in.Papers {
		seen[id] = true
	}
	cats, authors := set(in.Categories), set(in.Authors)

	// fresh marks the candidates new to the member: one lookup each, as a
	// catalogue may be large.
	fresh := make([]bool, len(cands))
	for i, c := range cands {
		fresh[i] = !seen[c.PaperID]
	}
	examples, dim := profileExamples(p, in, cands, params)
	// Candidates in the chosen categories or by the chosen authors are
	// weak positives, so that the model generalises from them to papers
	// like them that no category or name reveals.
	for i, c := range cands {
		if fresh[i] && len(c.Vec) == dim && dim > 0 && (matches(c.Categories, cats) || matches(c.Authors, authors)) {
			examples = append(examples, Example{Vec: c.Vec, Positive: true, Weight: params.Weights.Interest})
		}
	}
	positives := 0
	for _, e := range examples {
		if e.Positive {
			positives++
		}
	}
	examples = append(examples, drawNegatives(p, cands, fresh, dim, positives, params)...)
	var model *Model
	if positives > 0 && len(examples) > positives {
		m, err := Train(examples, dim, params.Train)
		if err != nil {
			return nil, nil, err
		}
		model = m
	}

	var scores []float32
	if model != nil {
		scores = model.scoreAll(cands)
	}
	top := newTopK(params.Limit, len(cands))
	for i, c := range cands {
		if !fresh[i] {
			continue
		}
		pop := max(params.Popularity, 0) * math.Log1p(float64(max(c.Upvotes, 0)))
		r := Ranked{PaperID: c.PaperID, Score: pop, Because: "popular", Upvotes: c.Upvotes}
		if model != nil && len(c.Vec) == dim {
			r.Score += float64(scores[i])
			r.Because = "model"
		}
		// A choice the member made is the clearer reason to give.
		if matches(c.Categories, cats) {
			r.Score += params.CategoryBoost
			r.Because = "category"
		}
		if matches(c.Authors, authors) {
			r.Score += params.AuthorBoost
			r.Because = "author"
		}
		if c.Followed {
			r.Score += params.FollowBoost
			r.Because = "follow"
		}
		top.push(r)
	}
	out := top.sorted()
	return out, model, nil
}

// profileExamples returns the examples of the member's own signals and
// seed papers, positives first, and the dimension of the vectors.
func profileExamples(p Profile, in *quire.Interests, cands []Candidate, params Params) ([]Example, int) {
	w := params.Weights
	// The dimension is the vectors'; all come from one embedding model.
	dim := 0
	for _, v := range p.Vectors {
		dim = len(v)
		break
	}
	for i := 0; dim == 0 && i < len(cands); i++ {
		dim = len(cands[i].Vec)
	}
	var pos, neg []Example
	add := func(id string, positive bool, weight float64) {
		v, ok := p.Vectors[id]
		if !ok || len(v) != dim || weight <= 0 {
			return
		}
		e := Example{Vec: v, Positive: positive, Weight: weight}
		if positive {
			pos = append(pos, e)
		} else {
			neg = append(neg, e)
		}
	}
	for _, s := range p.Signals {
		decay := 1.0
		if age := params.Now.Sub(s.At); age > 0 && params.HalfLife > 0 {
			decay = math.Exp2(-float64(age) / float64(params.HalfLife))
		}
		switch s.Kind {
		case quire.SignalUpvote:
			add(s.PaperID, true, w.Upvote*decay)
		case quire.SignalSaved:
			add(s.PaperID, true, w.Saved*decay)
		case quire.SignalOpened:
			add(s.PaperID, true, w.Opened*decay)
		case quire.SignalNotInterested:
			// A refusal does not fade: the member asked not to see it.
			add(s.PaperID, false, w.NotInterested)
		}
	}
	for _, id := range in.Papers {
		add(id, true, w.Seed)
	}
	return append(pos, neg...), dim
}

// drawNegatives draws candidates the member has not seen as negatives,
// repeatably for one member and seed.
func drawNegatives(p Profile, cands []Candidate, fresh []bool, dim, positives int, params Params) []Example {
	if positives == 0 {
		return nil
	}
	pool := make([]int, 0, len(cands))
	for i, c := range cands {
		if fresh[i] && c.Vec != nil && len(c.Vec) == dim {
			pool = append(pool, i)
		}
	}
	n := min(max(params.Negatives*positives, params.MinNegatives), params.MaxNegatives, len(pool))
	h := fnv.New64a()
	for _, s := range p.Signals {
		h.Write([]byte(s.PaperID))
	}
	rng := rand.New(rand.NewPCG(params.Seed, h.Sum64()))
	out := make([]Example, 0, n)
	for i := 0; i < n; i++ {
		j := i + rng.IntN(len(pool)-i)
		pool[i], pool[j] = pool[j], pool[i]
		out = append(out, Example{Vec: cands[pool[i]].Vec, Weight: params.Weights.Random})
	}
	return out
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func matches(xs []string, want map[string]bool) bool {
	if len(want) == 0 {
		return false
	}
	for _, x := range xs {
		if want[x] {
			return true
		}
	}
	return false
}

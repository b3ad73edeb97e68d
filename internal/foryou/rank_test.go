package foryou

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire"
)

// Papers of three topics along the first three axes, with a little noise
// in the others; ids name their topic ("nlp-3").
func topicCandidates(rng *rand.Rand, perTopic int) []Candidate {
	var out []Candidate
	for ti, topic := range []string{"nlp", "vision", "robots"} {
		for i := range perTopic {
			noise := randomUnit(rng, 1, 8)[0]
			v := make([]float32, 8)
			for j := range v {
				v[j] = 0.3 * noise[j]
			}
			v[ti] += 1
			out = append(out, Candidate{PaperID: fmt.Sprintf("%s-%d", topic, i), Vec: unit(v...), Upvotes: i,
				Categories: []string{[]string{"cs.CL", "cs.CV", "cs.RO"}[ti]}, Authors: []string{"Author " + topic}})
		}
	}
	return out
}

func vectorsOf(cands []Candidate, ids ...string) map[string][]float32 {
	m := map[string][]float32{}
	for _, c := range cands {
		for _, id := range ids {
			if c.PaperID == id {
				m[id] = c.Vec
			}
		}
	}
	return m
}

func signals(kind quire.SignalKind, ids ...string) []quire.Signal {
	var out []quire.Signal
	for _, id := range ids {
		out = append(out, quire.Signal{PaperID: id, Kind: kind, At: day0})
	}
	return out
}

// topicOf is the topic of a candidate id.
func topicOf(id string) string {
	for i := range id {
		if id[i] == '-' {
			return id[:i]
		}
	}
	return id
}

func TestRank(t *testing.T) {
	cands := topicCandidates(rand.New(rand.NewPCG(1, 2)), 20)
	params := Params{Now: day0, Seed: 1}
	tests := []struct {
		name    string
		profile Profile
		// wantTop is the topic of the best five; wantOut the ids that
		// must not be ranked.
		wantTop     string
		wantBecause string
		wantModel   bool
		wantOut     []string
	}{
		{
			name: "upvotes",
			profile: Profile{Signals: signals(quire.SignalUpvote, "vision-1", "vision-2", "vision-3"),
				Vectors: vectorsOf(cands, "vision-1", "vision-2", "vision-3")},
			wantTop: "vision", wantBecause: "model", wantModel: true,
			wantOut: []string{"vision-1", "vision-2", "vision-3"},
		},
		{
			name: "saved and opened",
			profile: Profile{Signals: append(signals(quire.SignalSaved, "robots-4"), signals(quire.SignalOpened, "robots-5", "robots-6")...),
				Vectors: vectorsOf(cands, "robots-4", "robots-5", "robots-6")},
			wantTop: "robots", wantBecause: "model", wantModel: true,
			wantOut: []string{"robots-4", "robots-5", "robots-6"},
		},
		{
			name:        "no signals: the most upvoted first",
			profile:     Profile{},
			wantTop:     "", // ties on upvotes between topics: checked below
			wantBecause: "popular",
		},
		{
			name:    "cold start by category",
			profile: Profile{Interests: &quire.Interests{Categories: []string{"cs.CL"}}},
			wantTop: "nlp", wantBecause: "category", wantModel: true,
		},
		{
			name:    "cold start by author",
			profile: Profile{Interests: &quire.Interests{Authors: []string{"Author robots"}}},
			wantTop: "robots", wantBecause: "author", wantModel: true,
		},
		{
			name:    "cold start by seed paper",
			profile: Profile{Interests: &quire.Interests{Papers: []string{"nlp-0"}}, Vectors: vectorsOf(cands, "nlp-0")},
			wantTop: "nlp", wantBecause: "model", wantModel: true, wantOut: []string{"nlp-0"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ranked, model, err := Rank(tc.profile, cands, params)
			if err != nil {
				t.Fatal(err)
			}
			if (model != nil) != tc.wantModel {
				t.Errorf("model = %v, want one: %v", model, tc.wantModel)
			}
			if len(ranked) != len(cands)-len(tc.wantOut) {
				t.Errorf("ranked %d papers, want %d", len(ranked), len(cands)-len(tc.wantOut))
			}
			for _, r := range ranked {
				for _, out := range tc.wantOut {
					if r.PaperID == out {
						t.Errorf("ranked %s, which the member already has", out)
					}
				}
			}
			for _, r := range ranked[:5] {
				if tc.wantTop != "" && topicOf(r.PaperID) != tc.wantTop {
					t.Errorf("top five hold %s (score %.2f, %s), want only %s papers", r.PaperID, r.Score, r.Because, tc.wantTop)
				}
			}
			if ranked[0].Because != tc.wantBecause {
				t.Errorf("best paper because %q, want %q", ranked[0].Because, tc.wantBecause)
			}
			for i := 1; i < len(ranked); i++ {
				if ranked[i].Score > ranked[i-1].Score {
					t.Fatalf("ranking not in score order at %d: %v", i, ranked[i-1:i+1])
				}
			}
			again, _, _ := Rank(tc.profile, cands, params)
			if diff := cmp.Diff(ranked, again); diff != "" {
				t.Errorf("Rank twice mismatch (-first +second):\n%s", diff)
			}
			limited := params
			limited.Limit = 7
			best, _, _ := Rank(tc.profile, cands, limited)
			if diff := cmp.Diff(ranked[:7], best); diff != "" {
				t.Errorf("Rank(Limit 7) mismatch (-first 7 of all +limited):\n%s", diff)
			}
		})
	}
}

// A paper marked not interested leaves the feed, and papers like it sink
// below where they stood.
func TestRankNotInterested(t *testing.T) {
	cands := topicCandidates(rand.New(rand.NewPCG(3, 4)), 20)
	liked := []string{"nlp-1", "nlp-2", "vision-1", "vision-2"}
	base := Profile{Signals: signals(quire.SignalUpvote, liked...), Vectors: vectorsOf(cands, append(liked, "vision-19")...)}
	params := Params{Now: day0, Seed: 1, Popularity: -1}
	before, _, err := Rank(base, cands, params)
	if err != nil {
		t.Fatal(err)
	}
	refused := base
	refused.Signals = append(append([]quire.Signal(nil), base.Signals...), signals(quire.SignalNotInterested, "vision-19")...)
	after, _, err := Rank(refused, cands, params)
	if err != nil {
		t.Fatal(err)
	}
	meanPos := func(ranked []Ranked, topic string) float64 {
		var sum, n float64
		for i, r := range ranked {
			if r.PaperID == "vision-19" {
				t.Errorf("vision-19 is ranked at %d after the member marked it not interested", i)
			}
			if topicOf(r.PaperID) == topic {
				sum += float64(i)
				n++
			}
		}
		return sum / n
	}
	before = dropID(before, "vision-19")
	if b, a := meanPos(before, "vision"), meanPos(after, "vision"); a <= b {
		t.Errorf("vision papers' mean position %.1f before, %.1f after a refusal; want them lower", b, a)
	}
}

func dropID(rs []Ranked, id string) []Ranked {
	var out []Ranked
	for _, r := range rs {
		if r.PaperID != id {
			out = append(out, r)
		}
	}
	return out
}

package trending

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
)

var now = time.Date(2025, 6, 16, 12, 0, 0, 0, time.UTC)

func hoursAgo(h float64) time.Time {
	return now.Add(-time.Duration(h * float64(time.Hour)))
}

func TestScore(t *testing.T) {
	tests := []struct {
		name string
		it   Item
		want float64
	}{
		{"just listed", Item{Votes: 10, ListedAt: now}, 10},
		// (10 + 0.5·4) · 2^(−24/24) = 12 · 0.5 = 6
		{"one half-life", Item{Votes: 10, Comments: 4, ListedAt: hoursAgo(24)}, 6},
		// 12 · 2^(−48/24) = 12 · 0.25 = 3
		{"two half-lives", Item{Votes: 10, Comments: 4, ListedAt: hoursAgo(48)}, 3},
		// (3 + 0.5·2) · 2^(−12/24) = 4 / √2 = 2.828427…
		{"half a half-life", Item{Votes: 3, Comments: 2, ListedAt: hoursAgo(12)}, 4 / math.Sqrt2},
		{"comments only", Item{Comments: 2, ListedAt: now}, 1},
		{"nothing", Item{ListedAt: now}, 0},
		{"nothing, long ago", Item{ListedAt: hoursAgo(1000)}, 0},
		{"negative counts count as none", Item{Votes: -5, Comments: -2, ListedAt: now}, 0},
		// 1 · 2^(−168/24) = 2^−7
		{"end of the window", Item{Votes: 1, ListedAt: hoursAgo(168)}, 1.0 / 128},
		{"listed in the future", Item{Votes: 8, ListedAt: now.Add(3 * time.Hour)}, 8},
		{"zero listing time", Item{Votes: 1000}, 0},
		{"huge counts", Item{Votes: math.MaxInt, Comments: math.MaxInt, ListedAt: now}, 1.5 * math.MaxInt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Score(tt.it, now)
			if math.Abs(got-tt.want) > 1e-12*max(1, tt.want) {
				t.Errorf("Score(%+v) = %v, want %v", tt.it, got, tt.want)
			}
		})
	}
}

// MustReadWeek returns the items of testdata/week.json: ten real entries of
// the Hugging Face daily lists of 9–16 June 2025, with the counts as they
// were saved.
func MustReadWeek(tb testing.TB) []Item {
	tb.Helper()
	data, err := os.ReadFile("testdata/week.json")
	if err != nil {
		tb.Fatal(err)
	}
	var recs []struct {
		ID          string    `json:"id"`
		Upvotes     int       `json:"upvotes"`
		NumComments int       `json:"numComments"`
		SubmittedAt time.Time `json:"submittedOnDailyAt"`
	}
	if err := json.Unmarshal(data, &recs); err != nil {
		tb.Fatal(err)
	}
	items := make([]Item, len(recs))
	for i, r := range recs {
		items[i] = FromEntry(&quire.DailyEntry{
			PaperID: r.ID, Upvotes: r.Upvotes, NumComments: r.NumComments,
			Day: quire.TruncateDay(r.SubmittedAt), SubmittedAt: r.SubmittedAt,
		})
	}
	return items
}

// TestRankWeek ranks the real week at noon on 16 June 2025. The scores, by
// hand (w = votes + comments/2, age in hours, score = w · 2^(−age/24)):
//
//	2506.11924  w 20.5  age   7.77  20.5 · 0.7990 = 16.38
//	2506.10892  w  5.5  age   7.33   5.5 · 0.8093 =  4.45
//	2506.09513  w 31.5  age  82.89  31.5 · 0.0913 =  2.88
//	2506.10540  w 21.0  age  80.56  21.0 · 0.0976 =  2.05
//	2506.09113  w 24.5  age 106.85  24.5 · 0.0457 =  1.119
//	2506.08007  w 98.5  age 155.28  98.5 · 0.0113 =  1.111
//	2506.07044  w 45.0  age 155.19  45.0 · 0.0113 =  0.509
//	2506.06751  w 19.5  age 129.11  19.5 · 0.0240 =  0.468
//	2506.08592  w  0.5  age   5.83   0.5 · 0.8449 =  0.422
//	2506.01111  listed 178.0 hours ago, outside the window
//
// 2506.08007 had four times the votes of 2506.09113 and was listed two days
// earlier (2^(48.4/24) = 4.05), so the two nearly tie.
func TestRankWeek(t *testing.T) {
	items := MustReadWeek(t)
	var got []string
	for _, it := range Rank(items, now) {
		got = append(got, it.ID)
	}
	want := []string{
		"2506.11924", "2506.10892", "2506.09513", "2506.10540", "2506.09113",
		"2506.08007", "2506.07044", "2506.06751", "2506.08592",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Rank mismatch (-want +got):\n%s", diff)
	}

	// A day later the same counts give the same order: every score has
	// halved. The two listed on 10 June have left the window.
	got = got[:0]
	for _, it := range Rank(items, now.Add(24*time.Hour)) {
		got = append(got, it.ID)
	}
	want = slices.DeleteFunc(want, func(id string) bool {
		return id == "2506.08007" || id == "2506.07044"
	})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Rank a day later mismatch (-want +got):\n%s", diff)
	}
}

func TestRankTies(t *testing.T) {
	items := []Item{
		{ID: "c", ListedAt: hoursAgo(1)},
		{ID: "b", ListedAt: hoursAgo(1)},
		{ID: "old-4", Votes: 4, ListedAt: hoursAgo(24)}, // 4 · 2^−1 = 2
		{ID: "new-2", Votes: 2, ListedAt: now},          // 2 · 2^0  = 2
		{ID: "a", ListedAt: hoursAgo(2)},
		{ID: "z", Votes: 3, ListedAt: hoursAgo(5)},
		{ID: "y", Votes: 3, ListedAt: hoursAgo(5)},
	}
	want := []Item{
		{ID: "y", Votes: 3, ListedAt: hoursAgo(5)},
		{ID: "z", Votes: 3, ListedAt: hoursAgo(5)},
		{ID: "new-2", Votes: 2, ListedAt: now},
		{ID: "old-4", Votes: 4, ListedAt: hoursAgo(24)},
		{ID: "b", ListedAt: hoursAgo(1)},
		{ID: "c", ListedAt: hoursAgo(1)},
		{ID: "a", ListedAt: hoursAgo(2)},
	}
	// Every order of the input gives the same result.
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		in := slices.Clone(items)
		r.Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
		if diff := cmp.Diff(want, Rank(in, now)); diff != "" {
			t.Fatalf("Rank(%v) mismatch (-want +got):\n%s", in, diff)
		}
	}
}

func TestRankWindow(t *testing.T) {
	items := []Item{
		{ID: "future", Votes: 1, ListedAt: now.Add(time.Hour)},
		{ID: "inside", Votes: 1, ListedAt: WindowStart(now).Add(time.Second)},
		{ID: "edge", Votes: 1000, ListedAt: WindowStart(now)},
		{ID: "outside", Votes: 1000, ListedAt: WindowStart(now).Add(-time.Hour)},
		{ID: "zero", Votes: 1000},
	}
	orig := slices.Clone(items)
	var got []string
	for _, it := range Rank(items, now) {
		got = append(got, it.ID)
	}
	if diff := cmp.Diff([]string{"future", "inside"}, got); diff != "" {
		t.Errorf("Rank mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(orig, items); diff != "" {
		t.Errorf("Rank changed its input (-before +after):\n%s", diff)
	}
	if got := Rank(nil, now); len(got) != 0 {
		t.Errorf("Rank(nil) = %v", got)
	}
}

func TestFromEntry(t *testing.T) {
	day := time.Date(2025, 6, 16, 0, 0, 0, 0, time.UTC)
	submitted := day.Add(4*time.Hour + 13*time.Minute)
	e := quire.DailyEntry{Day: day, PaperID: "2506.11924", SubmittedAt: submitted, Upvotes: 20, NumComments: 1}
	want := Item{ID: "2506.11924", Votes: 20, Comments: 1, ListedAt: submitted}
	if diff := cmp.Diff(want, FromEntry(&e)); diff != "" {
		t.Errorf("FromEntry mismatch (-want +got):\n%s", diff)
	}
	e.SubmittedAt = time.Time{}
	want.ListedAt = day
	if diff := cmp.Diff(want, FromEntry(&e)); diff != "" {
		t.Errorf("FromEntry without a submission time mismatch (-want +got):\n%s", diff)
	}
}

// TestScoreMonotonic checks, over a grid covering the window, that a vote or
// a comment more always raises a score and that time always lowers one.
func TestScoreMonotonic(t *testing.T) {
	for age := time.Duration(0); age < Window; age += 37 * time.Minute {
		listed := now.Add(-age)
		for v := range 40 {
			for c := range 6 {
				it := Item{Votes: v, Comments: c, ListedAt: listed}
				s := Score(it, now)
				more := it
				more.Votes++
				if Score(more, now) <= s {
					t.Fatalf("one vote more does not raise %+v (%v)", it, s)
				}
				more = it
				more.Comments++
				if Score(more, now) <= s {
					t.Fatalf("one comment more does not raise %+v (%v)", it, s)
				}
				if s > 0 && Score(it, now.Add(time.Minute)) >= s {
					t.Fatalf("a minute later %+v has not lost score (%v)", it, s)
				}
			}
		}
	}
}

// TestRankStableOverTime checks that, with counts unchanged, the passing of
// time alone never reorders papers still in the window: every score decays
// by the same factor. A trending page can then change only when counts do
// or a paper leaves the window.
func TestRankStableOverTime(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	items := make([]Item, 500)
	for i := range items {
		items[i] = Item{
			ID:       strconv.Itoa(i),
			Votes:    r.IntN(60),
			Comments: r.IntN(4),
			ListedAt: now.Add(-time.Duration(r.Int64N(int64(Window)))),
		}
	}
	before := Rank(items, now)
	later := now.Add(30 * time.Hour)
	after := Rank(items, later)
	kept := slices.DeleteFunc(slices.Clone(before), func(it Item) bool { return !InWindow(it, later) })
	if len(after) == 0 || len(after) == len(before) {
		t.Fatalf("test setup: %d of %d candidates left after 30 hours", len(after), len(before))
	}
	if diff := cmp.Diff(kept, after); diff != "" {
		t.Errorf("order changed with time alone (-before +after):\n%s", diff)
	}
}

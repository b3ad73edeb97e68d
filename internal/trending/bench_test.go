package trending

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// BenchmarkRank ranks 10,000 candidates, far more than a week of daily
// lists holds, with counts spread like the real lists'.
func BenchmarkRank(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	items := make([]Item, 10_000)
	for i := range items {
		items[i] = Item{
			ID:       "2506." + strconv.Itoa(10_000+i),
			Votes:    int(r.ExpFloat64() * 11),
			Comments: r.IntN(3),
			ListedAt: now.Add(-time.Duration(r.Int64N(int64(Window)))),
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		Rank(items, now)
	}
}

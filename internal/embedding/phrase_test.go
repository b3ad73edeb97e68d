package embedding

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// selectPhrases counts through a hashed table first; its counts must still
// be exact, and no frequent pair may be lost to a collision.
func TestSelectPhrases(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	c := &corpus{off: []int64{0}}
	for range 2000 {
		for range 5 + rng.IntN(40) {
			// Zipf-like ids, so that some pairs are frequent and many rare.
			c.toks = append(c.toks, uint32(rng.ExpFloat64()*20))
		}
		c.off = append(c.off, int64(len(c.toks)))
		c.title = append(c.title, 0)
	}
	want := map[uint64]int64{}
	for d := range c.len() {
		doc := c.doc(d)
		for i := 1; i < len(doc); i++ {
			want[phraseKey(doc[i-1], doc[i])]++
		}
	}
	got := selectPhrases(c, 3, 1<<30)
	if len(got) == 0 {
		t.Fatal("no phrases selected")
	}
	n := 0
	for k, cnt := range want {
		if cnt >= 3 {
			n++
			i := slices.IndexFunc(got, func(p phraseCount) bool { return p.key == k })
			if i < 0 || got[i].count != cnt {
				t.Fatalf("pair %x: counted %v, want %d", k, got[max(i, 0)], cnt)
			}
		}
	}
	if n != len(got) {
		t.Errorf("selected %d phrases, want the %d seen 3 times or more", len(got), n)
	}
	if !slices.IsSortedFunc(got, func(a, b phraseCount) int { return int(b.count - a.count) }) {
		t.Error("phrases not most frequent first")
	}
	if top := selectPhrases(c, 3, 10); !cmp.Equal(top, got[:10], cmp.AllowUnexported(phraseCount{})) {
		t.Errorf("with max 10: %v, want %v", top, got[:10])
	}
}

func TestAppendPhrases(t *testing.T) {
	phrases := map[uint64]uint32{phraseKey(1, 2): 10, phraseKey(2, 3): 11}
	got := appendPhrases(phrases, []uint32{1, 2, 3, 2, 1, 2})
	want := []uint32{1, 2, 3, 2, 1, 2, 10, 11, 10}
	if !slices.Equal(got, want) {
		t.Errorf("appendPhrases = %v, want %v", got, want)
	}
}

func TestIndexPhrases(t *testing.T) {
	ids := map[string]int32{"a": 0, "b": 1, "a b": 2}
	got, ok := indexPhrases([]string{"a", "b", "a b"}, ids)
	if !ok || got[phraseKey(0, 1)] != 2 || len(got) != 1 {
		t.Errorf("indexPhrases = %v, %v; want {0,1 → 2}", got, ok)
	}
	// A phrase before its words, or of unknown words, is a corrupt model.
	for _, terms := range [][]string{{"a b", "a", "b"}, {"a", "b", "a c"}} {
		ids := map[string]int32{}
		for i, t := range terms {
			ids[t] = int32(i)
		}
		if _, ok := indexPhrases(terms, ids); ok {
			t.Errorf("indexPhrases(%q) accepted", terms)
		}
	}
}

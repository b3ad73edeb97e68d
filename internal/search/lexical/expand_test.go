package lexical

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
)

// naiveExpand lists the terms with prefix by document frequency.
func naiveExpand(nv *naive, prefix string, max int) []string {
	df := map[string]int{}
	for _, d := range nv.docs {
		seen := map[string]bool{}
		for t := range d.tf {
			seen[t] = true
		}
		for _, name := range d.names {
			for _, w := range name {
				seen[authorPrefix+w] = true
			}
		}
		for t := range seen {
			df[t]++
		}
	}
	var terms []string
	for t := range df {
		if strings.HasPrefix(t, prefix) && (strings.HasPrefix(prefix, authorPrefix) || !strings.HasPrefix(t, authorPrefix)) {
			terms = append(terms, t)
		}
	}
	slices.SortFunc(terms, func(a, b string) int {
		if c := cmp.Compare(df[b], df[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	if len(terms) > max {
		terms = terms[:max]
	}
	return terms
}

func TestExpand(t *testing.T) {
	docs := MustDocs(t, 1500)
	ix, nv, _ := MustIndex(t, docs[:1000], 200)
	check := func(stage string) {
		t.Helper()
		for _, tc := range []struct {
			prefix string
			max    int
		}{
			{"lan", 10}, {"mod", 5}, {"gra", 50}, {"s", 20}, {"z", 3}, {"qqqzz", 10},
			{"@", 10}, {"@ch", 5}, {"@zhang", 3}, {"1", 4}, {"lang", 1},
		} {
			want := naiveExpand(nv, tc.prefix, tc.max)
			if diff := gocmp.Diff(want, ix.Expand(tc.prefix, tc.max)); diff != "" {
				t.Errorf("%s: Expand(%q, %d) mismatch (-want +got):\n%s", stage, tc.prefix, tc.max, diff)
			}
		}
	}
	check("built")
	// New terms wait in the unsorted tail until the next refresh.
	for i, d := range docs[1000:] {
		ix.Add(uint32(1000+i), d)
		nv.add(uint32(1000+i), d)
	}
	check("added")
	for i := 0; i < 1500; i += 3 {
		ix.Delete(uint32(i))
		nv.delete(uint32(i))
	}
	check("deleted")
	ix.Compact()
	check("compacted")
	for _, tc := range []struct {
		prefix string
		max    int
	}{{"", 10}, {"lan", 0}, {"lan", -1}} {
		if got := ix.Expand(tc.prefix, tc.max); got != nil {
			t.Errorf("Expand(%q, %d) = %q, want nil", tc.prefix, tc.max, got)
		}
	}
}

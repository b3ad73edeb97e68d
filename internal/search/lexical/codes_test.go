package lexical

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestByteCodes(t *testing.T) {
	for title := range 6 {
		for abstract := range 40 {
			for authors := range 3 {
				f := makeTfs(title, abstract, authors)
				if f.title() != uint32(title) || f.abstract() != uint32(abstract) || f.authors() != uint32(authors) {
					t.Fatalf("makeTfs(%d, %d, %d) round trip gives %d %d %d", title, abstract, authors, f.title(), f.abstract(), f.authors())
				}
				c, ok := byteCode(f)
				if ok != (c != escapeCode) {
					t.Fatalf("byteCode(%v) = %d, %v", f, c, ok)
				}
				if ok && unpackByteCode(c) != f {
					t.Fatalf("code %d of %d/%d/%d unpacks to %v", c, title, abstract, authors, unpackByteCode(c))
				}
			}
		}
	}
	if f := makeTfs(1000, 1<<20, 300); f.title() != 255 || f.abstract() != 0xffff || f.authors() != 255 {
		t.Errorf("frequencies do not saturate: %d %d %d", f.title(), f.abstract(), f.authors())
	}
}

func TestBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for w := uint(0); w <= 32; w++ {
		for _, n := range []int{0, 1, 7, 127} {
			vals := make([]uint32, n)
			for i := range vals {
				if w > 0 {
					vals[i] = uint32(rng.Uint64() & (1<<w - 1))
				}
			}
			data := appendBits(nil, vals, w)
			got := make([]uint32, n)
			if k := readBits(data, got, w); k != len(data) {
				t.Fatalf("w=%d n=%d: read %d of %d bytes", w, n, k, len(data))
			}
			if diff := cmp.Diff(vals, got); diff != "" {
				t.Fatalf("w=%d n=%d mismatch (-want +got):\n%s", w, n, diff)
			}
			if n > 0 && w > 0 && readBits(data[:len(data)-1], got, w) != -1 {
				t.Fatalf("w=%d n=%d: short input not reported", w, n)
			}
		}
	}
}

func TestImpacts(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		var set []impact
		var all []impact
		for range 1 + rng.IntN(128) {
			im := impact{wtf: float32(1 + rng.IntN(12)), wlen: float32(20 + rng.IntN(300))}
			all = append(all, im)
			set = addImpact(set, im)
		}
		set = reduceImpacts(set)
		if len(set) > maxImpacts {
			t.Fatalf("%d impacts kept", len(set))
		}
		// Every posting is bounded by some kept pair, for any k1, b, avg.
		for _, sc := range []scorer{{k1b0: 0.3, k1bAvg: 0.0045}, {k1b0: 1.2, k1bAvg: 0}, {k1b0: 0.01, k1bAvg: 0.1}} {
			bound := sc.maxTfNorm(set)
			for _, im := range all {
				if s := sc.tfNorm(im.wtf, im.wlen); s > bound {
					t.Fatalf("posting %v scores %v above the bound %v of %v", im, s, bound, set)
				}
			}
		}
	}
}

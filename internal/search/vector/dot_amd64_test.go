package vector

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The portable kernels, which other architectures use, give the same
// search results as the assembly ones.
func TestPortableKernelsSearchAlike(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2: the portable kernels are the only ones")
	}
	d := topics(11, 8000, 30, 72)
	ix := MustBuild(t, d, Params{MinTrain: 2000, Probe: 8})
	ids := func() [][]uint32 {
		var out [][]uint32
		for _, q := range d.queries {
			var row []uint32
			for _, h := range MustSearch(t, ix, q, 10) {
				row = append(row, h.ID)
			}
			out = append(out, row)
		}
		return out
	}
	fast := ids()
	useAVX2 = false
	defer func() { useAVX2 = true }()
	if diff := cmp.Diff(fast, ids()); diff != "" {
		t.Errorf("results differ (-assembly +portable):\n%s", diff)
	}
}

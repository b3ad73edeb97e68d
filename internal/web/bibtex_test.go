package web

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
)

func TestBibTeX(t *testing.T) {
	for _, tc := range []struct {
		name  string
		paper quire.Paper
		want  string
	}{
		{
			name: "new-style id",
			paper: quire.Paper{
				ID:          "2405.21060",
				Title:       "Transformers are SSMs: Generalized Models and Efficient Algorithms Through Structured State Space Duality",
				Authors:     []string{"Tri Dao", "Albert Gu"},
				Categories:  []string{"cs.LG", "cs.AI"},
				PublishedAt: time.Date(2024, 5, 31, 17, 50, 1, 0, time.UTC),
			},
			want: `@misc{dao2024transformers,
  title={Transformers are SSMs: Generalized Models and Efficient Algorithms Through Structured State Space Duality},
  author={Tri Dao and Albert Gu},
  year={2024},
  eprint={2405.21060},
  archivePrefix={arXiv},
  primaryClass={cs.LG},
  url={https://arxiv.org/abs/2405.21060},
}`,
		},
		{
			name: "specials escaped, year from an old-style id",
			paper: quire.Paper{
				ID:      "hep-th/9901001",
				Title:   `Spectra on $T^2$ & {braces}: 100% of #1_x~y \ z`,
				Authors: []string{`C. Bal\'azs`},
			},
			want: `@misc{balazs1999spectra,
  title={Spectra on \$T\^{}2\$ \& \{braces\}: 100\% of \#1\_x\~{}y \textbackslash{} z},
  author={C. Bal\textbackslash{}'azs},
  year={1999},
  eprint={hep-th/9901001},
  archivePrefix={arXiv},
  url={https://arxiv.org/abs/hep-th/9901001},
}`,
		},
		{
			name:  "accents folded in the key",
			paper: quire.Paper{ID: "0704.0001", Title: "Calculation of prompt diphoton production", Authors: []string{"C. Balázs", "E. L. Berger"}, Categories: []string{"hep-ph"}},
			want: `@misc{balazs2007calculation,
  title={Calculation of prompt diphoton production},
  author={C. Balázs and E. L. Berger},
  year={2007},
  eprint={0704.0001},
  archivePrefix={arXiv},
  primaryClass={hep-ph},
  url={https://arxiv.org/abs/0704.0001},
}`,
		},
		{
			name:  "no usable author name",
			paper: quire.Paper{ID: "2506.08592", Title: "检索", Authors: []string{"王"}},
			want: `@misc{arxiv250608592,
  title={检索},
  author={王},
  year={2025},
  eprint={2506.08592},
  archivePrefix={arXiv},
  url={https://arxiv.org/abs/2506.08592},
}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, bibTeX(&tc.paper)); diff != "" {
				t.Errorf("bibTeX(%s) mismatch (-want +got):\n%s", tc.paper.ID, diff)
			}
		})
	}
}

func TestSnippet(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"one two three four", 10, "one two…"},
		{"one two, three", 9, "one two…"},
		{"ééééé", 5, "éé…"},
	} {
		if got := snippet(tc.in, tc.max); got != tc.want {
			t.Errorf("snippet(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

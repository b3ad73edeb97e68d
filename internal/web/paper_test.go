package web_test

import (
	"strings"
	"testing"
)

func TestPaperPage(t *testing.T) {
	srv := MustFixtureServer(t)

	t.Run("listed", func(t *testing.T) {
		r := MustGet(t, srv, "/papers/2506.11924")
		checkPage(t, r, 200,
			"<h1>Aligned Novel View Image and Geometry Synthesis via Cross-modal Attention Instillation</h1>",
			`<li><a href="/authors/Min-Seop%20Kwak">Min-Seop Kwak</a></li>`, `<li><a href="/authors/Jin-Hwa%20Kim">Jin-Hwa Kim</a></li>`,
			// The abstract is unwrapped into one paragraph.
			"<p>We introduce a diffusion-based framework that performs aligned novel view image and geometry generation",
			"AI-generated summary", "cross-modal attention distillation and proximity-based mesh conditioning",
			"<li>proximity-based mesh conditioning</li>",
			"▲ 20 upvotes", "1 comment",
			`Published on <time datetime="2025-06-13">Jun 13, 2025</time>`,
			`href="https://arxiv.org/abs/2506.11924"`, `href="https://arxiv.org/pdf/2506.11924"`,
			`href="https://github.com/cvlab-kaist/MoAI"`, `href="https://cvlab-kaist.github.io/MoAI/"`,
			`<a href="/papers/date/2025-06-16">Jun 16, 2025 · 20 upvotes</a>`,
			"@misc{arXiv:2506.11924,", "author = {Min-Seop Kwak and Junho Kim and", "eprint = {2506.11924}",
			`data-copy="bibtex" hidden`,
		)
		if got := titleOf(r.body); got != "Aligned Novel View Image and Geometry Synthesis via Cross-modal Attention Instillation · Quire" {
			t.Errorf("title = %q", got)
		}
	})

	t.Run("arXiv only", func(t *testing.T) {
		r := MustGet(t, srv, "/papers/0704.0001")
		checkPage(t, r, 200,
			"Calculation of prompt diphoton production cross sections at Tevatron and LHC energies",
			`Published on <time datetime="2007-04-02">Apr 2, 2007</time>`,
			`Updated <time datetime="2007-07-24">Jul 24, 2007</time>`,
			`<li><a href="/categories/hep-ph">hep-ph</a></li>`,
			"Phys.Rev.D76:013009,2007",
			`href="https://doi.org/10.1103/PhysRevD.76.013009"`,
			"This paper has not appeared on a daily list.",
			"primaryClass = {hep-ph}",
		)
		if strings.Contains(r.body, "votes-inline") {
			t.Error("a paper that was never listed shows upvotes")
		}
	})

	t.Run("old-style id", func(t *testing.T) {
		r := MustGet(t, srv, "/papers/hep-th/9901001")
		checkPage(t, r, 200, "String Junctions and Their Duals in Heterotic String Theory",
			"eprint = {hep-th/9901001}", "@misc{arXiv:hep-th/9901001,")
	})
}

func TestPaperRedirects(t *testing.T) {
	srv := MustFixtureServer(t)
	for _, tc := range []struct{ path, want string }{
		{"/papers/2506.11924v2", "/papers/2506.11924"},
		{"/papers/arXiv:2506.11924", "/papers/2506.11924"},
		{"/papers/hep-th/9901001v3", "/papers/hep-th/9901001"},
		{"/papers/https:/arxiv.org/abs/2506.11924", "/papers/2506.11924"},
		{"/papers/", "/"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			r := MustGet(t, srv, tc.path)
			if r.status/100 != 3 || r.header.Get("Location") != tc.want {
				t.Errorf("GET %s: status %d, Location %q; want a redirect to %s",
					tc.path, r.status, r.header.Get("Location"), tc.want)
			}
		})
	}
	if r := MustGet(t, srv, "/papers/2506.11924v2"); r.status != 301 {
		t.Errorf("versioned id: status %d, want 301", r.status)
	}
}

func TestPaperErrors(t *testing.T) {
	srv := MustFixtureServer(t)
	r := MustGet(t, srv, "/papers/2401.99999")
	checkPage(t, r, 404, "Page not found", "There is no paper 2401.99999 here.")
	for _, path := range []string{"/papers/not-an-id", "/papers/2506", "/papers/%3Cscript%3E"} {
		r := MustGet(t, srv, path)
		checkPage(t, r, 400, "arXiv identifier")
		if strings.Contains(r.body, "<script>") {
			t.Errorf("GET %s echoes markup unescaped", path)
		}
	}
}

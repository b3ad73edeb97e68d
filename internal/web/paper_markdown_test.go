package web_test

import (
	"bytes"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"quire"
)

func TestPaperMarkdown(t *testing.T) {
	srv := MustFixtureServer(t)

	t.Run("listed", func(t *testing.T) {
		r := MustGet(t, srv, "/papers/2506.11924.md")
		checkMarkdown(t, r,
			"# Aligned Novel View Image and Geometry Synthesis via Cross-modal Attention Instillation\n\n",
			"\nMin-Seop Kwak, Junho Kim, ",
			"- arXiv: [2506.11924](https://arxiv.org/abs/2506.11924) ([PDF](https://arxiv.org/pdf/2506.11924))\n",
			"- Published: 2025-06-13\n",
			"- Upvotes: 20\n",
			"- Code: [https://github.com/cvlab-kaist/MoAI](https://github.com/cvlab-kaist/MoAI)\n",
			"- Project page: [https://cvlab-kaist.github.io/MoAI/](https://cvlab-kaist.github.io/MoAI/)\n",
			"- Daily lists: [2025-06-16](/papers/date/2025-06-16) (20 upvotes)\n",
			"\n## Abstract\n\nWe introduce a diffusion-based framework that performs aligned novel view image and geometry generation",
			"\n## AI summary\n\n",
			"proximity-based mesh conditioning",
		)
	})

	t.Run("arXiv only", func(t *testing.T) {
		r := MustGet(t, srv, "/papers/0704.0001.md")
		checkMarkdown(t, r,
			"# Calculation of prompt diphoton production cross sections at Tevatron and LHC energies\n",
			"- Published: 2007-04-02\n", "- Updated: 2007-07-24\n",
			"- Categories: hep-ph\n", "- Upvotes: 0\n",
			"- DOI: [10.1103/PhysRevD.76.013009](https://doi.org/10.1103/PhysRevD.76.013009)\n",
			"- Journal reference: Phys.Rev.D76:013009,2007\n",
		)
		if strings.Contains(r.body, "Daily lists") || strings.Contains(r.body, "AI summary") {
			t.Errorf("a paper never listed shows list facts:\n%s", r.body)
		}
	})

	t.Run("old-style id", func(t *testing.T) {
		r := MustGet(t, srv, "/papers/hep-th/9901001.md")
		checkMarkdown(t, r, "# String Junctions and Their Duals in Heterotic String Theory\n",
			"- arXiv: [hep-th/9901001](https://arxiv.org/abs/hep-th/9901001)")
	})

	for _, tc := range []struct{ path, want string }{
		{"/papers/2506.11924v2.md", "/papers/2506.11924.md"},
		{"/papers/hep-th/9901001v3.md", "/papers/hep-th/9901001.md"},
		{"/papers/arXiv:2506.11924.md", "/papers/2506.11924.md"},
	} {
		t.Run("redirect "+tc.path, func(t *testing.T) {
			r := MustGet(t, srv, tc.path)
			if r.status != http.StatusMovedPermanently || r.header.Get("Location") != tc.want {
				t.Errorf("GET %s: status %d, Location %q; want 301 to %s", tc.path, r.status, r.header.Get("Location"), tc.want)
			}
		})
	}

	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/papers/2506.99999.md", http.StatusNotFound},
		{"/papers/not-a-paper.md", http.StatusBadRequest},
		{"/papers/.md", http.StatusBadRequest},
	} {
		t.Run("error "+tc.path, func(t *testing.T) {
			if r := MustGet(t, srv, tc.path); r.status != tc.status {
				t.Errorf("GET %s: status %d, want %d", tc.path, r.status, tc.status)
			}
		})
	}
}

// TestPaperNegotiation checks that GET /papers/{id} answers Markdown to a
// client that asks for it by name, and HTML to browsers, whose Accept
// headers end in */*, whichever the page cache holds.
func TestPaperNegotiation(t *testing.T) {
	srv := MustFixtureServer(t)
	for _, tc := range []struct {
		name, accept string
		markdown     bool
	}{
		{"none", "", false},
		{"Firefox", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false},
		{"Chrome", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7", false},
		{"Safari", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false},
		{"curl", "*/*", false},
		{"markdown", "text/markdown", true},
		{"markdown with charset", "text/markdown; charset=utf-8", true},
		{"markdown first", "text/markdown, text/html;q=0.9, */*;q=0.8", true},
		{"markdown over wildcard", "text/markdown, */*", true},
		{"markdown equal to html", "text/html, text/markdown", true},
		{"markdown below html", "text/markdown;q=0.5, text/html", false},
		{"markdown refused", "text/markdown;q=0, */*", false},
		{"markdown below text/*", "text/*, text/markdown;q=0.2", false},
		{"malformed q", "text/markdown;q=high", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Twice: the second request meets the page cache warmed by the
			// first (or by another case's representation).
			for range 2 {
				r := mustGetAccept(t, srv, "/papers/2506.11924", tc.accept)
				if r.status != http.StatusOK {
					t.Fatalf("status %d", r.status)
				}
				if got := r.header.Values("Vary"); !containsFold(got, "Accept") {
					t.Errorf("Vary = %q, want Accept", got)
				}
				ct := r.header.Get("Content-Type")
				if tc.markdown {
					checkMarkdown(t, r, "# Aligned Novel View Image")
				} else if ct != "text/html; charset=utf-8" {
					t.Errorf("Accept %q: Content-Type %q, want HTML", tc.accept, ct)
				}
			}
		})
	}

	t.Run("old-style id", func(t *testing.T) {
		r := mustGetAccept(t, srv, "/papers/hep-th/9901001", "text/markdown")
		checkMarkdown(t, r, "# String Junctions and Their Duals in Heterotic String Theory\n")
	})
	t.Run("versioned id redirects", func(t *testing.T) {
		r := mustGetAccept(t, srv, "/papers/2506.11924v2", "text/markdown")
		if r.status != http.StatusMovedPermanently || r.header.Get("Location") != "/papers/2506.11924" {
			t.Errorf("status %d, Location %q; want 301 to /papers/2506.11924", r.status, r.header.Get("Location"))
		}
	})
	t.Run("HEAD", func(t *testing.T) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodHead, srv.URL+"/papers/2506.11924.md", nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/markdown; charset=utf-8" {
			t.Errorf("HEAD: status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	})
}

// TestPaperMarkdownEscaping stores a paper whose title, authors and
// abstract are full of Markdown's marks and checks, with a CommonMark
// renderer that has GitHub's extensions, that every one renders as the
// text it is.
func TestPaperMarkdownEscaping(t *testing.T) {
	db := MustOpenStore(t)
	p := &quire.Paper{
		ID:      "2506.00001",
		Title:   `*Bold* _claims_ about [links](http://x.test) & <b>tags</b> in C# ##`,
		Authors: []string{"A. *Star*", "B_ Under", "<script>alert(1)</script>"},
		Abstract: "# Not a heading: $\\alpha_i + \\beta^2$ and \\_escaped\\_ text, snake_case_name, `code`, ~~struck~~, ~approx.\n\n" +
			"- not a list; 1. not a list either; > not a quote; &amp; stays &amp;, &#169; too, AT&T stays.\n\n" +
			"1. Still not a list.\n\n" +
			"---\n\n" +
			"+ plus | pipe | table\n\n" +
			"![not an image](http://x.test/i.png) and [ref]: /not-a-definition \\\\ backslashes \\*",
		Categories:  []string{"cs.CL"},
		PublishedAt: time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC),
		CodeURL:     "https://github.com/a_b/c(d)",
		ProjectURL:  "javascript:alert(1)",
	}
	MustImportPaper(t, db, p)
	srv := newServer(t, db)
	r := MustGet(t, srv, "/papers/2506.00001.md")
	checkMarkdown(t, r)

	var out bytes.Buffer
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	if err := md.Convert([]byte(r.body), &out); err != nil {
		t.Fatal(err)
	}
	rendered := out.String()
	for _, tag := range []string{"<em>", "<strong>", "<code>", "<del>", "<blockquote>", "<pre>", "<table>", "<hr>", "<ol>", "<img", "<b>", "<script>", "<h2>Not", `href="javascript`} {
		if strings.Contains(rendered, tag) {
			t.Errorf("rendered Markdown holds %s:\n%s\nfrom:\n%s", tag, rendered, r.body)
		}
	}
	text := textOf(rendered)
	wants := append([]string{p.Title, "A. *Star*, B_ Under, <script>alert(1)</script>", p.ProjectURL, p.CodeURL},
		strings.Split(p.Abstract, "\n\n")...)
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("rendered text lacks %q; text:\n%s", want, text)
		}
	}
	if m := regexp.MustCompile(`<h1>(.*)</h1>`).FindStringSubmatch(rendered); m == nil || textOf(m[1]) != p.Title {
		t.Errorf("title is not the heading, whole:\n%s", rendered)
	}
	if !strings.Contains(rendered, `href="https://github.com/a_b/c%28d%29"`) {
		t.Errorf("code link lost its target:\n%s", rendered)
	}
}

// checkMarkdown fails unless r is a Markdown document with status 200 that
// contains every one of wants.
func checkMarkdown(tb testing.TB, r response, wants ...string) {
	tb.Helper()
	if r.status != http.StatusOK {
		tb.Fatalf("status = %d, want 200; body:\n%s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "text/markdown; charset=utf-8" {
		tb.Errorf("Content-Type = %q, want text/markdown; charset=utf-8", ct)
	}
	for _, want := range wants {
		if !strings.Contains(r.body, want) {
			tb.Errorf("Markdown does not contain %q; whole:\n%s", want, r.body)
		}
	}
}

// mustGetAccept requests path with an Accept header ("" sends none),
// without following redirects.
func mustGetAccept(tb testing.TB, srv *httptest.Server, path, accept string) response {
	tb.Helper()
	req, err := http.NewRequestWithContext(tb.Context(), http.MethodGet, srv.URL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	client := *srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// textOf is the text an HTML fragment shows, lines joined by newlines.
func textOf(h string) string { return html.UnescapeString(tagRE.ReplaceAllString(h, "")) }

func containsFold(values []string, want string) bool {
	for _, v := range values {
		for f := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), want) {
				return true
			}
		}
	}
	return false
}

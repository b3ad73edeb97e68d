package markdown

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire"
)

// MustRender renders src and fails tb on an error or unsafe output.
func MustRender(tb testing.TB, src string) string {
	tb.Helper()
	out, err := Render(src)
	if err != nil {
		tb.Fatalf("Render(%q): %v", src, err)
	}
	MustBeSafe(tb, src, string(out))
	return string(out)
}

const rel = ` rel="nofollow ugc noopener"`

// renderTests cover ordinary comments.
var renderTests = []struct {
	name, in, want string
}{
	{"empty", "", ""},
	{"blank", "  \n\t\n", ""},
	{"paragraph", "Nice result.", "<p>Nice result.</p>\n"},
	{"line breaks are kept", "first line\nsecond line", "<p>first line<br>\nsecond line</p>\n"},
	{"paragraphs", "one\n\ntwo", "<p>one</p>\n<p>two</p>\n"},
	{"emphasis", "*a* **b** ~~c~~ `d`", "<p><em>a</em> <strong>b</strong> <del>c</del> <code>d</code></p>\n"},
	{"entities", "AT&T &copy; 1 < 2", "<p>AT&amp;T © 1 &lt; 2</p>\n"},
	{"unicode", "Schrödinger 猫 — ∑ᵢ xᵢ 🙂", "<p>Schrödinger 猫 — ∑ᵢ xᵢ 🙂</p>\n"},
	{"bullet list", "- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"},
	{"numbered list keeps its start", "3. c\n4. d", "<ol start=\"3\">\n<li>c</li>\n<li>d</li>\n</ol>\n"},
	{"blockquote", "> quoted\n\nreply", "<blockquote>\n<p>quoted</p>\n</blockquote>\n<p>reply</p>\n"},
	{"rule", "a\n\n---\n\nb", "<p>a</p>\n<hr>\n<p>b</p>\n"},
	{
		"fenced code keeps its language and escapes markup",
		"```python\nif a < b:\n    print(\"<b>\")\n```",
		"<pre><code class=\"language-python\">if a &lt; b:\n    print(&#34;&lt;b&gt;&#34;)\n</code></pre>\n",
	},
	{"indented code", "    x := 1", "<pre><code>x := 1\n</code></pre>\n"},
	{"odd language name is dropped", "```a\"b\nx\n```", "<pre><code>x\n</code></pre>\n"},
	{"headings move down to h4-h6", "# One\n## Two\n### Three\n#### Four", "<h4>One</h4>\n<h5>Two</h5>\n<h6>Three</h6>\n<h6>Four</h6>\n"},
	{"setext heading", "Title\n=====", "<h4>Title</h4>\n"},
	{"link", "[code](https://github.com/x/y)", `<p><a href="https://github.com/x/y"` + rel + ">code</a></p>\n"},
	{"link with title", `[x](https://e.org "The title")`, `<p><a href="https://e.org" title="The title"` + rel + ">x</a></p>\n"},
	{"relative link", "[paper](/papers/2406.01234)", `<p><a href="/papers/2406.01234"` + rel + ">paper</a></p>\n"},
	{"fragment link", "[above](#c12)", `<p><a href="#c12"` + rel + ">above</a></p>\n"},
	{"mailto link", "[mail](mailto:a@example.org)", `<p><a href="mailto:a@example.org"` + rel + ">mail</a></p>\n"},
	{"reference link", "[x][1]\n\n[1]: https://e.org", `<p><a href="https://e.org"` + rel + ">x</a></p>\n"},
	{"angle autolink", "<https://e.org/a?b=c&d=e>", `<p><a href="https://e.org/a?b=c&amp;d=e"` + rel + ">https://e.org/a?b=c&amp;d=e</a></p>\n"},
	{"bare url", "see https://e.org/x.", `<p>see <a href="https://e.org/x"` + rel + ">https://e.org/x</a>.</p>\n"},
	{"bare www", "www.example.com", `<p><a href="http://www.example.com"` + rel + ">www.example.com</a></p>\n"},
	{"bare email", "me@example.com", `<p><a href="mailto:me@example.com"` + rel + ">me@example.com</a></p>\n"},
	{"ftp is not linked", "ftp://e.org/f and [f](ftp://e.org/f)", "<p>ftp://e.org/f and f</p>\n"},
	{"url escaping", "[x](https://e.org/a b) [y](<https://e.org/a b>)", "<p>[x](<a href=\"https://e.org/a\"" + rel + ">https://e.org/a</a> b) <a href=\"https://e.org/a%20b\"" + rel + ">y</a></p>\n"},
	{
		"arxiv mentions",
		"Compare arXiv:2406.01234, ARXIV:2406.01234v2 and arXiv:hep-th/9901001.",
		`<p>Compare <a href="https://arxiv.org/abs/2406.01234"` + rel + `>arXiv:2406.01234</a>, ` +
			`<a href="https://arxiv.org/abs/2406.01234v2"` + rel + `>ARXIV:2406.01234v2</a> and ` +
			`<a href="https://arxiv.org/abs/hep-th/9901001"` + rel + ">arXiv:hep-th/9901001</a>.</p>\n",
	},
	{"arxiv mention at a line end", "arXiv:2406.01234\nnext", `<p><a href="https://arxiv.org/abs/2406.01234"` + rel + ">arXiv:2406.01234</a><br>\nnext</p>\n"},
	{"arxiv mention in emphasis", "*arXiv:2406.01234*", `<p><em><a href="https://arxiv.org/abs/2406.01234"` + rel + ">arXiv:2406.01234</a></em></p>\n"},
	{"no such month", "arXiv:2413.00001", "<p>arXiv:2413.00001</p>\n"},
	{"bare id is left alone", "2406.01234", "<p>2406.01234</p>\n"},
	{"part of a word", "xarXiv:2406.01234", "<p>xarXiv:2406.01234</p>\n"},
	{"arxiv mention in code", "`arXiv:2406.01234`", "<p><code>arXiv:2406.01234</code></p>\n"},
	{"arxiv mention in a link", "[arXiv:2406.01234](https://e.org)", `<p><a href="https://e.org"` + rel + ">arXiv:2406.01234</a></p>\n"},
	{"image becomes a link", `![a *plot*](https://e.org/p.png "Fig. 1")`, `<p><a href="https://e.org/p.png" title="Fig. 1"` + rel + ">a <em>plot</em></a></p>\n"},
	{"image without alt text", "![](https://e.org/p.png)", `<p><a href="https://e.org/p.png"` + rel + ">https://e.org/p.png</a></p>\n"},
	{"image in a link", "[![badge](https://e.org/b.svg)](https://e.org)", `<p><a href="https://e.org"` + rel + ">badge</a></p>\n"},
	{"inline html is shown", "a List<T> and <b>bold</b>", "<p>a List&lt;T&gt; and &lt;b&gt;bold&lt;/b&gt;</p>\n"},
	{"html block is shown", "<div>\nhi\n</div>", "<p>&lt;div&gt;<br>\nhi<br>\n&lt;/div&gt;</p>\n"},
	{"html comment is shown", "<!-- note -->", "<p>&lt;!-- note --&gt;</p>\n"},
	{
		"table",
		"| model | score |\n|:--|--:|\n| a | 1.0 |",
		"<table>\n<thead>\n<tr>\n<th align=\"left\">model</th>\n<th align=\"right\">score</th>\n</tr>\n</thead>\n" +
			"<tbody>\n<tr>\n<td align=\"left\">a</td>\n<td align=\"right\">1.0</td>\n</tr>\n</tbody>\n</table>\n",
	},
	{"task list stays text", "- [ ] todo", "<ul>\n<li>[ ] todo</li>\n</ul>\n"},
	{"invalid utf-8 is replaced", "a\xffb", "<p>a\uFFFDb</p>\n"},
	{"nul is replaced", "a\x00b", "<p>a\uFFFDb</p>\n"},
}

func TestRender(t *testing.T) {
	for _, tt := range renderTests {
		t.Run(tt.name, func(t *testing.T) {
			got := MustRender(t, tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Render(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestRenderSizeLimit(t *testing.T) {
	atLimit := strings.Repeat("a", MaxBytes)
	if got := MustRender(t, atLimit); got != "<p>"+atLimit+"</p>\n" {
		t.Errorf("Render of %d bytes: got %d bytes of output", MaxBytes, len(got))
	}

	// One byte over, in a multi-byte character, so the limit is in bytes.
	over := strings.Repeat("a", MaxBytes-1) + "é"
	out, err := Render(over)
	if !errors.Is(err, quire.ErrInvalid) {
		t.Fatalf("Render of %d bytes: err = %v, want kind ErrInvalid", len(over), err)
	}
	if out != "" {
		t.Errorf("Render of %d bytes returned output along with its error", len(over))
	}
	want := "The comment is 20001 bytes long; the limit is 20000."
	if msg := quire.UserMessage(err); msg != want {
		t.Errorf("message = %q, want %q", msg, want)
	}
}

func TestRenderNesting(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		ok       bool
	}{
		{"quotes at the limit", strings.Repeat(">", maxNesting) + " a", true},
		{"quotes over the limit", strings.Repeat(">", maxNesting+1) + " a", false},
		{"lists at the limit", strings.Repeat("- ", maxNesting) + "a", true},
		{"lists over the limit", strings.Repeat("- ", maxNesting+1) + "a", false},
		{"mixed over the limit", strings.Repeat("> - ", maxNesting/2) + "> a", false},
		{"a line of 19,999 quote marks", strings.Repeat(">", MaxBytes-1), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Render(tt.in)
			if tt.ok {
				if err != nil {
					t.Fatalf("Render: %v", err)
				}
				MustBeSafe(t, tt.in, string(out))
				if n := strings.Count(string(out), "</blockquote>") + strings.Count(string(out), "</ul>"); n != maxNesting {
					t.Errorf("Render(%q) closes %d containers, want %d", tt.in, n, maxNesting)
				}
				return
			}
			want := "The comment nests quotes or lists more than 16 levels deep."
			if !errors.Is(err, quire.ErrInvalid) || quire.UserMessage(err) != want {
				t.Errorf("Render: err = %v, want %q", err, want)
			}
		})
	}
}

// TestRenderConcurrent renders from many goroutines at once (run with -race):
// the parser, renderer and policy are shared package values.
func TestRenderConcurrent(t *testing.T) {
	inputs := []string{
		"# h\n\n*a* [l](https://e.org) arXiv:2406.01234",
		"| a |\n|---|\n| b |",
		"<script>x</script> ![i](https://e.org/i.png)",
	}
	want := make([]string, len(inputs))
	for i, in := range inputs {
		want[i] = MustRender(t, in)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				in := inputs[(g+i)%len(inputs)]
				got, err := Render(in)
				if err != nil || string(got) != want[(g+i)%len(inputs)] {
					t.Errorf("concurrent Render(%q) = %q, %v", in, got, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

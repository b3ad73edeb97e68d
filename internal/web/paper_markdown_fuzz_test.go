package web

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"quire"
)

var (
	fuzzGFM   = goldmark.New(goldmark.WithExtensions(extension.GFM))
	fuzzTagRE = regexp.MustCompile(`<[^>]*>`)
)

// FuzzEscapeMarkdown checks that any line of text, escaped, renders with a
// CommonMark renderer with GitHub's extensions as one paragraph (or
// heading) showing exactly that text.
func FuzzEscapeMarkdown(f *testing.F) {
	for _, s := range []string{
		"*a* _b_ `c` ~~d~~ [e](f) <g> &amp; &#1; h\\_i \\alpha x_i",
		"# h", "> q", "- l", "+ l", "1. o", "2) o", "---", "***", "___", "===", "| a | b |",
		"a\\", "\\\\", "&", "&x", "&x;", "a_b_c", "_a_", "é_ü", "<!-- c -->", "![i](j)",
		"[a]: /b", "www.example.com", "https://x.test/a_b_", "a  b", "~a~", "a|b", "C# ##",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = quire.OneLine(s)
		if s == "" {
			return
		}
		for _, heading := range []bool{false, true} {
			src := mdEscapeLineStart(mdEscape(s, heading))
			open, close := "<p>", "</p>\n"
			if heading {
				src = "# " + mdEscape(s, true)
				open, close = "<h1>", "</h1>\n"
			}
			var out bytes.Buffer
			if err := fuzzGFM.Convert([]byte(src), &out); err != nil {
				t.Fatal(err)
			}
			got := out.String()
			inner, ok := strings.CutPrefix(got, open)
			if ok {
				inner, ok = strings.CutSuffix(inner, close)
			}
			if !ok {
				t.Fatalf("%q escaped as %q renders %q, not one %s", s, src, got, open)
			}
			if text := html.UnescapeString(fuzzTagRE.ReplaceAllString(inner, "")); text != s {
				t.Errorf("%q escaped as %q renders as text %q", s, src, text)
			}
			// Bare URLs become links showing themselves; no other markup.
			for _, tag := range fuzzTagRE.FindAllString(inner, -1) {
				if tag != "</a>" && !strings.HasPrefix(tag, "<a href=") {
					t.Errorf("%q escaped as %q renders markup %s", s, src, tag)
				}
			}
		}
	})
}

package markdown

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// allowedAttrs is, per element, every attribute rendered comments may carry:
// the policy in policy.go restated independently, so that a change there
// that widens it fails these tests until this list is changed on purpose.
var allowedAttrs = map[string][]string{
	"p": nil, "br": nil, "hr": nil, "em": nil, "strong": nil, "del": nil,
	"pre": nil, "blockquote": nil, "ul": nil, "li": nil,
	"h4": nil, "h5": nil, "h6": nil,
	"table": nil, "thead": nil, "tbody": nil, "tr": nil,
	"code": {"class"},
	"ol":   {"start"},
	"th":   {"align"},
	"td":   {"align"},
	"a":    {"href", "title", "rel"},
}

// eventAttr matches an event-handler attribute inside a tag once quoted
// values are taken out (quotedValue): the sanitiser writes every value in
// double quotes, and a title may well contain " onclick=".
var (
	eventAttr   = regexp.MustCompile(`(?i)\son\w+\s*=`)
	quotedValue = regexp.MustCompile(`"[^"]*"`)
)

// unsafeProblems lists the ways out breaks the promises Render makes about
// any input: valid UTF-8, no script, only allowlisted elements and
// attributes, no event handlers, every link marked as user content and
// pointing at an allowed scheme. It returns nil when out is safe.
func unsafeProblems(out string) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if !utf8.ValidString(out) {
		bad("invalid UTF-8")
	}
	if strings.Contains(strings.ToLower(out), "<script") {
		bad("contains <script")
	}
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken && tt != html.EndTagToken {
			if tt == html.CommentToken || tt == html.DoctypeToken {
				bad("unexpected %v token %q", tt, z.Raw())
			}
			continue
		}
		raw := string(z.Raw())
		if eventAttr.MatchString(quotedValue.ReplaceAllString(raw, `""`)) {
			bad("event handler in %q", raw)
		}
		tok := z.Token()
		allowed, ok := allowedAttrs[tok.Data]
		if !ok {
			bad("element <%s> is not allowed", tok.Data)
			continue
		}
		var rel string
		var hasHref bool
		for _, a := range tok.Attr {
			switch {
			case !contains(allowed, a.Key):
				bad("attribute %s on <%s> is not allowed", a.Key, tok.Data)
			case a.Key == "href":
				hasHref = true
				if p := hrefProblem(a.Val); p != "" {
					bad("href %q: %s", a.Val, p)
				}
			case a.Key == "rel":
				rel = a.Val
			}
		}
		if tok.Data == "a" && tt == html.StartTagToken && hasHref && rel != linkRel {
			bad("link %q has rel %q, want %q", raw, rel, linkRel)
		}
	}
	return problems
}

// hrefProblem says what is wrong with a link target, or "".
func hrefProblem(href string) string {
	// Browsers ignore ASCII whitespace and control characters inside a
	// scheme ("java\tscript:"), so look at the href without them.
	squeezed := strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToLower(href))
	for _, scheme := range []string{"javascript:", "vbscript:", "data:", "file:"} {
		if strings.HasPrefix(squeezed, scheme) {
			return "forbidden scheme " + scheme
		}
	}
	u, err := url.Parse(href)
	if err != nil {
		return err.Error()
	}
	switch u.Scheme {
	case "", "http", "https", "mailto":
		return ""
	}
	return "scheme " + u.Scheme + " is not allowed"
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// MustBeSafe fails tb when out breaks any of Render's promises.
func MustBeSafe(tb testing.TB, in, out string) {
	tb.Helper()
	for _, p := range unsafeProblems(out) {
		tb.Errorf("Render(%q) = %q: %s", in, out, p)
	}
}

// TestUnsafeProblems checks the checker: it must flag each of these.
func TestUnsafeProblems(t *testing.T) {
	for _, out := range []string{
		`<script>alert(1)</script>`,
		`<img src=x onerror=alert(1)>`,
		`<p onclick="x">a</p>`,
		`<a href="javascript:alert(1)" rel="nofollow ugc noopener">x</a>`,
		`<a href="java&#x09;script:alert(1)" rel="nofollow ugc noopener">x</a>`,
		`<a href="data:text/html,x" rel="nofollow ugc noopener">x</a>`,
		`<a href="https://e.com">x</a>`,
		`<p style="color:red">x</p>`,
		`<svg><circle/></svg>`,
		`<!-- c -->`,
		"<p>\xff</p>",
	} {
		if len(unsafeProblems(out)) == 0 {
			t.Errorf("unsafeProblems(%q) found nothing", out)
		}
	}
	if p := unsafeProblems(`<p><a href="/papers/2406.01234" title="a onclick=b" rel="nofollow ugc noopener">x</a> onclick=</p>`); p != nil {
		t.Errorf("safe output flagged: %v", p)
	}
}

package markdown

import (
	"regexp"

	"github.com/microcosm-cc/bluemonday"
)

// linkRel is the rel attribute of every link in a comment: "nofollow" and
// "ugc" tell search engines the link is user content that Quire does not
// vouch for (so spam earns no ranking), and "noopener" keeps a page opened
// from the link from reaching back into Quire's window even if a browser
// opens it in a new one. Links get no target: where to open is the
// reader's choice.
const linkRel = "nofollow ugc noopener"

// policy is the allowlist comment HTML is sanitised against. It is written
// out element by element rather than starting from bluemonday.UGCPolicy, so
// that what comments may contain is visible here and does not change when
// the library's defaults do. A bluemonday.Policy is safe for concurrent use
// once built.
var policy = newPolicy()

func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements(
		"p", "br", "hr",
		"em", "strong", "del", "code", "pre", "blockquote",
		"ul", "ol", "li",
		// Headings start at h4: on a paper page h1 is the title and h2
		// and h3 are the page's own sections (transform.go demotes).
		"h4", "h5", "h6",
		"table", "thead", "tbody", "tr", "th", "td",
	)

	// Links: http, https and mailto, or relative to Quire (such as
	// "/papers/2406.01234"); everything else, javascript: and data:
	// included, loses its href. Unparseable URLs are dropped too.
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)
	p.AllowAttrs("title").OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + linkRel + `$`)).OnElements("a")
	// A second line of defence: the tree pass sets rel on every link, but
	// should one slip through, it still gets nofollow.
	p.RequireNoFollowOnLinks(true)

	// No images at all; see transformer.image for why.

	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[\w+#.-]{1,32}$`)).OnElements("code")
	p.AllowAttrs("start").Matching(regexp.MustCompile(`^\d{1,9}$`)).OnElements("ol")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|center|right)$`)).OnElements("th", "td")
	return p
}

// Package markdown turns the Markdown of discussion comments into HTML that is
// safe to embed in a page.
//
// Rendering has two stages. Goldmark parses CommonMark plus the GFM tables,
// strikethrough and bare-URL autolinks, and a tree pass (transform.go)
// rewrites what comments must not contain: raw HTML becomes visible text,
// images become links, headings move down to h4–h6, and links to unsafe
// schemes keep only their text. The same pass marks every link
// rel="nofollow ugc noopener" and links "arXiv:2406.01234" mentions to the
// abstract page. Bluemonday then sanitises the HTML against an explicit
// allowlist (policy.go), so a bug in the first stage cannot let through
// markup that the policy does not name.
package markdown

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"

	"quire"
)

// MaxBytes is the longest source Render accepts. A thorough review of a paper
// runs to a few thousand words, well under this; the cap bounds the work one
// comment can cost (see Render).
const MaxBytes = 20_000

// md is safe for concurrent use: goldmark keeps per-document state in a
// parser context created for each Convert.
var md = goldmark.New(
	goldmark.WithExtensions(
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		extension.Strikethrough,
		// ftp: links would be dropped by the policy, so they are not made.
		extension.NewLinkify(extension.WithLinkifyAllowedProtocols([]string{"http:", "https:"})),
	),
	goldmark.WithParserOptions(
		parser.WithASTTransformers(util.Prioritized(transformer{}, 1000)),
	),
	goldmark.WithRendererOptions(
		// Comments are typed into a text box, where a line break is meant
		// as one (as in GitHub comments), not as a space.
		html.WithHardWraps(),
	),
)

// Render returns src as sanitised HTML. Source longer than MaxBytes, or with
// quotes or lists nested more than 16 deep, is an error of kind
// quire.ErrInvalid whose message can be shown to the author. Render does not
// truncate, because a comment cut at an arbitrary byte can change meaning or
// break a code block. Invalid UTF-8 is replaced with U+FFFD. Empty or blank
// source renders as "".
//
// A typical comment renders in well under a millisecond, but some inputs
// make the parser do quadratic work (thousands of nested quotes, or of
// unclosed "[](" link openers), and at MaxBytes these take up to a few
// hundred milliseconds. Render a comment when it is posted and keep the HTML
// (or cache it), rather than rendering on every page view.
func Render(src string) (template.HTML, error) {
	if len(src) > MaxBytes {
		return "", quire.Invalidf("The comment is %d bytes long; the limit is %d.", len(src), MaxBytes)
	}
	src = strings.ToValidUTF8(src, "\uFFFD")
	var buf bytes.Buffer
	pc := parser.NewContext()
	if err := md.Convert([]byte(src), &buf, parser.WithContext(pc)); err != nil {
		// Goldmark fails only when writing fails, which a bytes.Buffer does not.
		return "", fmt.Errorf("markdown: %w", err)
	}
	if pc.Get(tooDeep) != nil {
		return "", quire.Invalidf("The comment nests quotes or lists more than %d levels deep.", maxNesting)
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes())), nil
}

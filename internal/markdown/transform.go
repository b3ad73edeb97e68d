package markdown

import (
	"errors"
	"net/url"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// transformer rewrites a parsed comment before it is rendered, so that the
// HTML goldmark writes already fits the policy; the sanitiser then only has
// to confirm it.
type transformer struct{}

// maxNesting is how deeply quotes and lists may nest. Real comments stay
// within a few levels; a line of 20,000 ">" would otherwise render as 20,000
// nested blockquotes, half a megabyte of HTML.
const maxNesting = 16

// tooDeep is set in the parser context when a comment nests deeper than
// maxNesting; Render then refuses it.
var tooDeep = parser.NewContextKey()

var errTooDeep = errors.New("nested too deeply")

// Transform implements parser.ASTTransformer.
func (transformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	source := reader.Source()
	// Collect first: the rewrites below replace and split nodes, which
	// would upset a walk in progress.
	var nodes []ast.Node
	depth := 0
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if k := n.Kind(); k == ast.KindBlockquote || k == ast.KindList {
			if !entering {
				depth--
				return ast.WalkContinue, nil
			}
			if depth++; depth > maxNesting {
				return ast.WalkStop, errTooDeep
			}
		}
		if entering {
			nodes = append(nodes, n)
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		pc.Set(tooDeep, true)
		return
	}
	for _, n := range nodes {
		switch n := n.(type) {
		case *ast.Heading:
			n.Level = min(n.Level+3, 6)
		case *ast.HTMLBlock:
			htmlBlock(n, source)
		case *ast.RawHTML:
			rawHTML(n)
		case *ast.Image:
			image(n)
		case *ast.Link:
			link(n)
		case *ast.AutoLink:
			autoLink(n, source)
		case *ast.Text:
			linkArxivIDs(n, source)
		}
	}
}

// htmlBlock replaces a block of raw HTML with a paragraph showing it as
// text. Comments never carry markup of their own, but dropping it would lose
// what the author typed: "<T>" in "List<T>", or a snippet they meant to
// quote.
func htmlBlock(n *ast.HTMLBlock, source []byte) {
	p := ast.NewParagraph()
	add := func(seg text.Segment) {
		if p.HasChildren() {
			br := ast.NewText()
			br.SetHardLineBreak(true)
			p.AppendChild(p, br)
		}
		p.AppendChild(p, rawText(seg.TrimRightSpace(source)))
	}
	for i := range n.Lines().Len() {
		add(n.Lines().At(i))
	}
	if n.HasClosure() {
		add(n.ClosureLine)
	}
	n.Parent().ReplaceChild(n.Parent(), n, p)
}

// rawHTML replaces inline raw HTML with the same characters as text.
func rawHTML(n *ast.RawHTML) {
	parent := n.Parent()
	for i := range n.Segments.Len() {
		parent.InsertBefore(parent, n, rawText(n.Segments.At(i)))
	}
	parent.RemoveChild(parent, n)
}

// rawText is a text node that renders its characters escaped, without
// interpreting entities or backslash escapes a second time.
func rawText(seg text.Segment) *ast.Text {
	t := ast.NewTextSegment(seg)
	t.SetRaw(true)
	return t
}

// image turns an image into a link to it, labelled with its alt text. Quire
// shows no images in comments: loading one from an arbitrary host tells that
// host the IP address of every reader of the thread and which paper they
// read, the host can swap the picture after moderators have looked, and
// Quire has no image proxy to put in between. A link costs the reader one
// click and nothing when they do not follow it.
func image(n *ast.Image) {
	parent := n.Parent()
	if hasAncestor(n, ast.KindLink) {
		// A link inside a link is not valid HTML; keep just the alt text.
		unwrap(n)
		return
	}
	l := ast.NewLink()
	l.Destination = n.Destination
	l.Title = n.Title
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		l.AppendChild(l, c)
		c = next
	}
	if !l.HasChildren() {
		s := ast.NewString(n.Destination)
		s.SetRaw(true)
		l.AppendChild(l, s)
	}
	parent.ReplaceChild(parent, n, l)
	link(l)
}

// link marks a link as user content, or keeps only its text when its
// destination is not one the policy allows.
func link(n *ast.Link) {
	if !allowedURL(util.URLEscape(n.Destination, true)) {
		unwrap(n)
		return
	}
	n.SetAttributeString("rel", []byte(linkRel))
}

// autoLink does for <https://…> and bare URLs what link does for links.
func autoLink(n *ast.AutoLink, source []byte) {
	if !allowedURL(util.URLEscape(n.URL(source), false)) {
		s := ast.NewString(n.Label(source))
		s.SetRaw(true)
		n.Parent().ReplaceChild(n.Parent(), n, s)
		return
	}
	n.SetAttributeString("rel", []byte(linkRel))
}

// allowedURL reports whether href may be a link target: http, https, mailto,
// or relative to Quire. It is given the href as the renderer will write it
// (entities such as "&#106;" resolved, then percent-encoded), since that is
// what a browser follows. The policy checks the same after rendering;
// checking here too keeps the text of a refused link instead of leaving an
// empty one.
func allowedURL(href []byte) bool {
	p, err := url.Parse(string(href))
	if err != nil {
		return false
	}
	switch strings.ToLower(p.Scheme) {
	case "", "http", "https", "mailto":
		return true
	}
	return false
}

// unwrap replaces n with its children.
func unwrap(n ast.Node) {
	parent := n.Parent()
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = next
	}
	parent.RemoveChild(parent, n)
}

// hasAncestor reports whether a node above n has the given kind.
func hasAncestor(n ast.Node, kinds ...ast.NodeKind) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		for _, k := range kinds {
			if p.Kind() == k {
				return true
			}
		}
	}
	return false
}

package markdown

import (
	"regexp"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"quire/internal/arxiv"
)

// arxivMention matches "arXiv:2406.01234", "arXiv:2406.01234v2" and
// "arXiv:hep-th/9901001", the form arXiv itself suggests for citations. Bare
// numbers such as "2406.01234" are left alone: in prose they are as likely
// to be a measurement as a paper.
var arxivMention = regexp.MustCompile(`(?i)\barxiv:([a-z][a-z-]*(?:\.[a-z]{2})?/\d{7}|\d{4}\.\d{4,5})(?:v\d{1,3})?\b`)

// linkArxivIDs links the arXiv mentions in a text node to their abstract
// pages, splitting the node around each one. Text that is already a link,
// or code, is left as it is.
func linkArxivIDs(n *ast.Text, source []byte) {
	if n.IsRaw() || n.Segment.Padding > 0 || n.Parent() == nil ||
		hasAncestor(n, ast.KindLink, ast.KindAutoLink, ast.KindCodeSpan) {
		return
	}
	seg := n.Segment
	matches := arxivMention.FindAllIndex(seg.Value(source), -1)
	if matches == nil {
		return
	}
	parent := n.Parent()
	pos := seg.Start
	for _, m := range matches {
		start, stop := seg.Start+m[0], seg.Start+m[1]
		id, version, err := arxiv.ParseID(string(source[start:stop]))
		if err != nil {
			continue // the right shape, but no such id (month 13, say)
		}
		if start > pos {
			parent.InsertBefore(parent, n, ast.NewTextSegment(text.NewSegment(pos, start)))
		}
		l := ast.NewLink()
		l.Destination = []byte("https://arxiv.org/abs/" + arxiv.FormatID(id, version))
		l.AppendChild(l, ast.NewTextSegment(text.NewSegment(start, stop)))
		l.SetAttributeString("rel", []byte(linkRel))
		parent.InsertBefore(parent, n, l)
		pos = stop
	}
	// What follows the last mention stays in n, with n's line break.
	n.Segment = seg.WithStart(pos)
}

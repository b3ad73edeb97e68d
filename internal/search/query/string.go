package query

import "strings"

// String returns q's canonical text: its clauses in order, then authors,
// categories, dates and has:code. For any Query that Parse returns,
// Parse(q.String()) gives q back, so the text can go into links.
func (q Query) String() string {
	var pieces []string
	for _, c := range q.Clauses {
		pieces = append(pieces, clauseText(c))
	}
	for _, a := range q.Authors {
		pieces = append(pieces, authorText(a))
	}
	for _, c := range q.Categories {
		pieces = append(pieces, "cat:"+c)
	}
	pieces = append(pieces, datePieces(q.From, q.To)...)
	if q.HasCode {
		pieces = append(pieces, "has:code")
	}
	return strings.Join(pieces, " ")
}

func clauseText(c Clause) string {
	var b strings.Builder
	if c.Exclude {
		b.WriteByte('-')
	}
	if c.Phrase {
		b.WriteByte('"')
	}
	for i, w := range c.Words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	if c.Phrase {
		b.WriteByte('"')
	} else if c.Prefix {
		b.WriteByte('*')
	}
	return b.String()
}

func authorText(a string) string {
	if strings.Contains(a, " ") {
		return `author:"` + a + `"`
	}
	return "author:" + a
}

package search

import (
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"quire"
)

// docMeta is what the engine keeps per paper besides the indexes: enough to
// filter and sort candidates without asking the store.
type docMeta struct {
	paperID string
	day     int32    // days since 1970-01-01 of the first publication; 0 when unknown
	cats    []uint16 // category numbers, primary first
	hasCode bool
	upvotes int32
	// textHash identifies the indexed text, so a change that only touches
	// counts does not re-index or re-embed the paper.
	textHash uint64
	deleted  bool
}

// docTable numbers papers densely (the indexes' document ids) and holds
// their metadata. The engine guards it with its mutex.
type docTable struct {
	byPaper map[string]uint32
	meta    []docMeta
	catNum  map[string]uint16
	catName []string
	live    int
}

func newDocTable() docTable {
	return docTable{byPaper: map[string]uint32{}, catNum: map[string]uint16{}}
}

// assign returns the document id of paperID, numbering it if new.
func (t *docTable) assign(paperID string) (id uint32, isNew bool) {
	if id, ok := t.byPaper[paperID]; ok {
		return id, false
	}
	id = uint32(len(t.meta))
	t.byPaper[paperID] = id
	t.meta = append(t.meta, docMeta{paperID: paperID})
	t.live++
	return id, true
}

// update records c's metadata for id and reports whether its indexed text
// changed since the last update.
func (t *docTable) update(id uint32, c *quire.PaperChange) (textChanged bool) {
	m := &t.meta[id]
	p := &c.Paper
	h := textHash(p)
	textChanged = h != m.textHash
	m.textHash = h
	m.day = dayNumber(p.PublishedAt)
	m.hasCode = p.CodeURL != ""
	m.upvotes = int32(min(c.Upvotes, 1<<31-1))
	m.cats = m.cats[:0]
	for _, c := range p.Categories {
		m.cats = append(m.cats, t.category(c))
	}
	return textChanged
}

func (t *docTable) category(name string) uint16 {
	if n, ok := t.catNum[name]; ok {
		return n
	}
	if len(t.catName) >= 1<<16-1 {
		return 1<<16 - 1 // absurdly many categories share the last number
	}
	n := uint16(len(t.catName))
	t.catNum[name] = n
	t.catName = append(t.catName, name)
	return n
}

// categories returns the numbers of the categories a cat: filter names: an
// exact category ("cs.CL"), or a whole archive ("cs", "hep-th"), matched
// without regard to case.
func (t *docTable) categories(names []string) map[uint16]bool {
	set := map[uint16]bool{}
	for _, want := range names {
		for n, have := range t.catName {
			if strings.EqualFold(have, want) || (len(have) > len(want) && strings.EqualFold(have[:len(want)], want) && have[len(want)] == '.') {
				set[uint16(n)] = true
			}
		}
	}
	return set
}

func textHash(p *quire.Paper) uint64 {
	h := fnv.New64a()
	h.Write([]byte(p.Title))
	h.Write([]byte{0})
	h.Write([]byte(p.Abstract))
	for _, a := range p.Authors {
		h.Write([]byte{0})
		h.Write([]byte(a))
	}
	return h.Sum64()
}

func dayNumber(t time.Time) int32 {
	if t.IsZero() {
		return 0
	}
	return int32(t.Unix() / 86400)
}

// filter is a query's metadata conditions, compiled.
type filter struct {
	cats     map[uint16]bool // nil: any
	from, to int32           // day numbers, to exclusive; 0: open
	hasCode  bool
}

func (f *filter) empty() bool {
	return f.cats == nil && f.from == 0 && f.to == 0 && !f.hasCode
}

func (f *filter) match(m *docMeta) bool {
	if m.deleted {
		return false
	}
	if f.hasCode && !m.hasCode {
		return false
	}
	if f.from != 0 && (m.day == 0 || m.day < f.from) {
		return false
	}
	if f.to != 0 && (m.day == 0 || m.day >= f.to) {
		return false
	}
	if f.cats != nil && !slices.ContainsFunc(m.cats, func(c uint16) bool { return f.cats[c] }) {
		return false
	}
	return true
}

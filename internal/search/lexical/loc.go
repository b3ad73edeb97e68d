package lexical

// locTable maps a document id to where its live copy is: the serial of its
// segment and its ordinal there. Ids are dense in practice, but any uint32
// is accepted: the table is paged, so a stray large id costs one page, not
// an array up to that id.
type locTable struct {
	pages [][]loc // indexed by id >> pageBits; nil until used
}

type loc struct {
	serial uint32 // 0 when the id has no live copy
	ord    uint32
}

const pageBits = 16

func (t *locTable) get(id uint32) loc {
	p := int(id >> pageBits)
	if p >= len(t.pages) || t.pages[p] == nil {
		return loc{}
	}
	return t.pages[p][id&(1<<pageBits-1)]
}

func (t *locTable) set(id uint32, l loc) {
	p := int(id >> pageBits)
	if p >= len(t.pages) {
		if l.serial == 0 {
			return
		}
		t.pages = append(t.pages, make([][]loc, p+1-len(t.pages))...)
	}
	if t.pages[p] == nil {
		if l.serial == 0 {
			return
		}
		t.pages[p] = make([]loc, 1<<pageBits)
	}
	t.pages[p][id&(1<<pageBits-1)] = l
}

func (t *locTable) memoryBytes() int64 {
	n := int64(cap(t.pages)) * 24
	for _, p := range t.pages {
		n += int64(cap(p)) * 8
	}
	return n
}

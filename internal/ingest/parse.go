package ingest

import (
	"time"

	"quire"
	"quire/internal/hfdaily"
)

// paperParser parses one-paper-per-line formats.
func paperParser(parse func([]byte) (*quire.Paper, error)) func(record) parsed {
	return func(rec record) parsed {
		if rec.data == nil {
			return tooLong(rec)
		}
		p, err := parse(rec.data)
		if err != nil {
			return parsed{read: 1, problems: []Problem{{Line: rec.line, Item: rec.item, Err: err}}}
		}
		return parsed{read: 1, papers: []*quire.Paper{p}}
	}
}

// itemParser parses daily-papers items; day is the list's day when the
// file name gives it.
func itemParser(day time.Time) func(record) parsed {
	return func(rec record) parsed {
		if rec.data == nil {
			return tooLong(rec)
		}
		var out parsed
		out.add(rec.data, day, rec.line, rec.item)
		return out
	}
}

// parseDayLine parses one line of the daily-papers archive: a whole day.
// A bad item is reported and skipped; the rest of the day is kept.
func parseDayLine(rec record) parsed {
	if rec.data == nil {
		return tooLong(rec)
	}
	day, items, err := hfdaily.ParseDayLine(rec.data)
	if err != nil {
		return parsed{read: 1, problems: []Problem{{Line: rec.line, Item: rec.item, Err: err}}}
	}
	var out parsed
	for i, raw := range items {
		out.add(raw, day, rec.line, i+1)
	}
	return out
}

func (out *parsed) add(data []byte, day time.Time, line, item int) {
	out.read++
	p, e, err := hfdaily.ParseItem(data, day)
	if err != nil {
		out.problems = append(out.problems, Problem{Line: line, Item: item, Err: err})
		return
	}
	out.papers = append(out.papers, p)
	out.entries = append(out.entries, e)
}

func tooLong(rec record) parsed {
	return parsed{read: 1, problems: []Problem{{Line: rec.line, Item: rec.item,
		Err: quire.Invalidf("line longer than %d MiB", maxLine>>20)}}}
}

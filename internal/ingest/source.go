package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"quire"
	"quire/internal/arxiv"
	"quire/internal/hfdaily"
)

// record is one unit of input: a line of a JSON-lines file, or one value of
// a JSON array or stream.
type record struct {
	line, item int
	data       []byte
}

// parsed is what one record yields.
type parsed struct {
	papers   []*quire.Paper
	entries  []*quire.DailyEntry
	read     int
	problems []Problem
}

// source yields the records of one file and knows how to parse them.
type source struct {
	// format describes the file for messages.
	format string
	next   func() (record, error) // io.EOF at the end
	parse  func(record) parsed
}

// maxLine bounds one line (a day of the daily-papers archive is under 1 MB).
const maxLine = 64 << 20

// detect reads the start of r to recognise its format.
func detect(r io.Reader, basename string) (*source, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	first, err := firstByte(br)
	if err == io.EOF {
		return &source{format: "empty file", next: func() (record, error) { return record{}, io.EOF }}, nil
	}
	if err != nil {
		return nil, err
	}
	fileDay, _ := hfdaily.DayFromFilename(basename)
	switch first {
	case '[':
		return arraySource(br, fileDay)
	case '{':
	default:
		return nil, quire.Invalidf("not a JSON or JSON-lines file (it starts with %q)", first)
	}
	lines := &lineReader{r: br}
	rec, err := lines.next()
	if err != nil && err != io.EOF {
		return nil, err
	}
	if !json.Valid(rec.data) {
		// Not one object per line: a pretty-printed object or a stream of
		// them. Replay the first line before the rest.
		rest := io.MultiReader(bytes.NewReader(append(append([]byte{}, rec.data...), '\n')), br)
		return streamSource(rest, fileDay)
	}
	parse, format, err := lineParser(rec.data, fileDay)
	if err != nil {
		return nil, err
	}
	pending := &rec
	return &source{
		format: format,
		next: func() (record, error) {
			if pending != nil {
				r := *pending
				pending = nil
				return r, nil
			}
			return lines.next()
		},
		parse: parse,
	}, nil
}

// lineParser picks the parser for a JSON-lines file from its first line.
func lineParser(first []byte, fileDay time.Time) (func(record) parsed, string, error) {
	switch hfdaily.Sniff(first) {
	case hfdaily.FormatDayLine:
		return parseDayLine, "daily-papers archive (one day per line)", nil
	case hfdaily.FormatItem:
		return itemParser(fileDay), "daily-papers items (one per line)", nil
	}
	switch arxiv.Sniff(first) {
	case arxiv.FormatListing:
		return paperParser(arxiv.ParseListing), "arXiv listing (JSON lines)", nil
	case arxiv.FormatKaggle:
		return paperParser(arxiv.ParseKaggle), "arXiv metadata snapshot (JSON lines)", nil
	}
	return nil, "", quire.Invalidf("unrecognised records: expected daily-papers items or days, arXiv listing lines, or arXiv snapshot lines")
}

// arraySource reads a file holding one JSON array of daily-papers items
// (the response of /api/daily_papers), one item at a time.
func arraySource(r io.Reader, fileDay time.Time) (*source, error) {
	dec := json.NewDecoder(r)
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	item := 0
	return &source{
		format: "daily-papers list (JSON array)",
		next: func() (record, error) {
			if !dec.More() {
				return record{}, io.EOF
			}
			item++
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				// A syntax error leaves the decoder lost: nothing after
				// it can be read.
				return record{}, fmt.Errorf("item %d (byte %d): %w; the rest of the file is unreadable", item, dec.InputOffset(), err)
			}
			return record{item: item, data: raw}, nil
		},
		parse: itemParser(fileDay),
	}, nil
}

// streamSource reads a stream of JSON values that are not one per line,
// such as one pretty-printed {"date","papers"} object.
func streamSource(r io.Reader, fileDay time.Time) (*source, error) {
	dec := json.NewDecoder(r)
	item := 0
	return &source{
		format: "JSON values",
		next: func() (record, error) {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				if err == io.EOF {
					return record{}, io.EOF
				}
				return record{}, fmt.Errorf("value %d (byte %d): %w; the rest of the file is unreadable", item+1, dec.InputOffset(), err)
			}
			item++
			return record{item: item, data: raw}, nil
		},
		parse: func(rec record) parsed {
			parse, _, err := lineParser(rec.data, fileDay)
			if err != nil {
				return parsed{read: 1, problems: []Problem{{Item: rec.item, Err: err}}}
			}
			return parse(rec)
		},
	}, nil
}

func firstByte(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		case 0xef: // a UTF-8 byte-order mark
			if next, _ := br.Peek(2); bytes.Equal(next, []byte{0xbb, 0xbf}) {
				br.Discard(2)
				continue
			}
		}
		return b, br.UnreadByte()
	}
}

// lineReader yields the non-blank lines of r with their numbers.
type lineReader struct {
	r    *bufio.Reader
	line int
	buf  []byte
}

// errLongLine reports a line over maxLine; the reader skips past it.
var errLongLine = errors.New("line too long")

func (lr *lineReader) next() (record, error) {
	for {
		lr.line++
		lr.buf = lr.buf[:0]
		tooLong := false
		for {
			chunk, err := lr.r.ReadSlice('\n')
			if !tooLong {
				if len(lr.buf)+len(chunk) > maxLine {
					tooLong = true
				} else {
					lr.buf = append(lr.buf, chunk...)
				}
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if err != nil && err != io.EOF {
				return record{}, err
			}
			if tooLong {
				return record{line: lr.line, data: nil}, nil
			}
			data := bytes.TrimSpace(lr.buf)
			if len(data) == 0 {
				if err == io.EOF {
					return record{}, io.EOF
				}
				break // blank line
			}
			return record{line: lr.line, data: bytes.Clone(data)}, nil
		}
	}
}

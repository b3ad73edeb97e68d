package main

import "time"

// The listing lines are written as the listings file writes them (Python's
// json.dumps: ", " and ": " separators, non-ASCII text kept as UTF-8).

// appendListing appends one listing line, without its line end.
func appendListing(b []byte, day time.Time, id string, authors []string, title string, cats []string, comment *string, summary string) []byte {
	b = appendHead(b, day, id)
	return appendTail(b, authors, title, cats, comment, summary)
}

// appendHead appends the start of a listing line: date, identifier and
// links.
func appendHead(b []byte, day time.Time, id string) []byte {
	b = append(b, `{"listing_date": "`...)
	b = day.AppendFormat(b, time.DateOnly)
	b = append(b, `", "id": "`...)
	b = append(b, id...)
	b = append(b, `", "pdf": "https://arxiv.org/pdf/`...)
	b = append(b, id...)
	b = append(b, `", "abs": "https://arxiv.org/abs/`...)
	b = append(b, id...)
	return append(b, `", `...)
}

// appendTail appends the rest of a listing line after appendHead.
func appendTail[T string | []byte](b []byte, authors []string, title string, cats []string, comment *string, summary T) []byte {
	b = append(b, `"authors": `...)
	b = appendStrings(b, authors)
	b = append(b, `, "title": `...)
	b = appendString(b, title)
	b = append(b, `, "categories": `...)
	b = appendStrings(b, cats)
	b = append(b, `, "comment": `...)
	if comment == nil {
		b = append(b, "null"...)
	} else {
		b = appendString(b, *comment)
	}
	b = append(b, `, "summary": `...)
	b = appendString(b, summary)
	return append(b, '}')
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendString appends s as a JSON string. s must be valid UTF-8, as all
// text decoded by encoding/json is (and every cut the synthesis makes is at
// a space), so bytes from 0x80 up are copied as they are.
func appendString[T string | []byte](b []byte, s T) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\t':
			b = append(b, '\\', 't')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

package citation_test

import (
	"bytes"
	"os"
	"testing"

	"quire"
	"quire/internal/citation"
)

// FuzzParseBibTeX feeds arbitrary files to the parser: it must return
// entries or an error of kind ErrInvalid, never panic, and identifiers it
// finds must be usable.
func FuzzParseBibTeX(f *testing.F) {
	for _, name := range []string{"testdata/import.bib", "testdata/list.bib"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`@string{a="x"} @misc(k, t = a # "{"} # 12)`))
	f.Add([]byte("@comment{@misc{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := citation.ParseBibTeX(data)
		if err != nil {
			if quire.UserMessage(err) == "" {
				t.Fatalf("error without a user message: %v", err)
			}
			return
		}
		for _, e := range entries {
			if e.Key == "" || e.Line < 1 {
				t.Fatalf("entry %+v has no key or line", e)
			}
			if id := e.ArXivID(); id != "" && quire.OneLine(id) != id {
				t.Fatalf("ArXivID = %q, not a stored form", id)
			}
			_ = e.DOI()
		}
	})
}

// FuzzBibTeXRoundTrip writes a paper with arbitrary text and reads it back:
// the entry parses, keeps its key and id, and its title, author and note
// unescape to what was written.
func FuzzBibTeXRoundTrip(f *testing.F) {
	f.Add("Calculation of prompt diphoton production", "C. Balázs", "a note")
	f.Add(`50% of $x_1^2$ & {b} # \e ~`, "Smith, Jr.", "} {{")
	f.Add("\x00\xff", "and", "\r\n")
	f.Fuzz(func(t *testing.T, title, author, note string) {
		p := &quire.Paper{ID: "2406.01234", Title: title, Authors: []string{author}}
		var b bytes.Buffer
		if err := citation.WriteBibTeX(&b, []citation.Record{{Paper: p, Note: note}}); err != nil {
			t.Fatal(err)
		}
		entries, err := citation.ParseBibTeX(b.Bytes())
		if err != nil {
			t.Fatalf("ParseBibTeX(%q): %v", b.String(), err)
		}
		if len(entries) != 1 || entries[0].Key != "arXiv:2406.01234" || entries[0].ArXivID() != p.ID {
			t.Fatalf("read back %+v from %q", entries, b.String())
		}
		f := entries[0].Fields
		if got := citation.UnescapeTeX(f["title"]); got != quire.OneLine(title) {
			t.Errorf("title %q read back as %q", title, got)
		}
		if got := citation.UnescapeTeX(f["annote"]); got != quire.OneLine(note) {
			t.Errorf("note %q read back as %q", note, got)
		}
		a := f["author"]
		if len(a) > 1 && a[0] == '{' && a[len(a)-1] == '}' {
			a = a[1 : len(a)-1]
		}
		if got := citation.UnescapeTeX(a); got != quire.OneLine(author) {
			t.Errorf("author %q read back as %q", author, got)
		}
	})
}

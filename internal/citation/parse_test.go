package citation_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/citation"
)

func TestParseBibTeXFile(t *testing.T) {
	data, err := os.ReadFile("testdata/import.bib")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := citation.ParseBibTeX(data)
	if err != nil {
		t.Fatal(err)
	}
	type ident struct{ Key, Type, ArXiv, DOI string }
	var got []ident
	for _, e := range entries {
		got = append(got, ident{e.Key, e.Type, e.ArXivID(), e.DOI()})
	}
	want := []ident{
		{"balazs2007calculation", "article", "", "10.1103/PHYSREVD.76.013009"},
		{"streinu2007sparsity", "misc", "0704.0002", ""},
		{"pong2007evolution", "article", "0704.0003", ""},
		{"DBLP:journals/corr/abs-0704-0004", "article", "0704.0004", ""},
		{"torchinsky", "online", "0704.0005", ""},
		{"knuth1984", "book", "", ""},
		{"unknown-doi", "article", "", "10.9999/nothing.here"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseBibTeX(import.bib) mismatch (-want +got):\n%s", diff)
	}
	// Macros, concatenation, quotes, numbers and month names.
	if j := entries[0].Fields["journal"]; j != "Phys. Rev. D, vol. 76" {
		t.Errorf("journal = %q, want the macro joined with the text", j)
	}
	if e := entries[2]; e.Fields["month"] != "April" || e.Fields["year"] != "2007" || e.Line != 22 {
		t.Errorf("entry 3 = month %q, year %q, line %d; want April, 2007, 22", e.Fields["month"], e.Fields["year"], e.Line)
	}
}

func TestParseBibTeXForms(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []citation.Entry
	}{
		{"empty", "", nil},
		{"only comments", "just text, no entries\n@comment no braces here\n", nil},
		{"parentheses", "@misc(k1, title = {T})", []citation.Entry{{Type: "misc", Key: "k1", Fields: map[string]string{"title": "T"}, Line: 1}}},
		{"no fields", "@misc{k2}", []citation.Entry{{Type: "misc", Key: "k2", Fields: map[string]string{}, Line: 1}}},
		{"nested braces and quote in braces", `@MISC{k3, Title = "a {"b"} c", note={x{y}z}}`,
			[]citation.Entry{{Type: "misc", Key: "k3", Fields: map[string]string{"title": `a {"b"} c`, "note": "x{y}z"}, Line: 1}}},
		{"first of repeated fields", "@misc{k4, a = 1, A = 2}", []citation.Entry{{Type: "misc", Key: "k4", Fields: map[string]string{"a": "1"}, Line: 1}}},
		{"unknown macro is empty", "@misc{k5, a = nomacro # {x}}", []citation.Entry{{Type: "misc", Key: "k5", Fields: map[string]string{"a": "x"}, Line: 1}}},
		{"preamble skipped", "@preamble{ \"\\newcommand{\\x}{y}\" }\n\n@misc{k6,}", []citation.Entry{{Type: "misc", Key: "k6", Fields: map[string]string{}, Line: 3}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := citation.ParseBibTeX([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseBibTeX(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestParseBibTeXErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, msg string }{
		{"unbalanced", "\n@misc{k, title = {a {b}", "BibTeX line 2, @misc: a value does not end (unbalanced braces or quotes)."},
		{"escaped brace counts", `@misc{k, title = {a \{ b}}`, "BibTeX line 1, @misc: the entry does not end."},
		{"no key", "@misc{, title = {x}}", "BibTeX line 1, @misc: the entry has no key."},
		{"no equals", "@misc{k, title {x}}", "BibTeX line 1, @misc: expected = after title."},
		{"no brace", "@misc k", "BibTeX line 1, @misc: expected { after the entry type."},
		{"no end", "@misc{k, a = 1", "BibTeX line 1, @misc: the entry does not end."},
		{"bad string", "@string{x = }", "BibTeX line 1, @string: expected a value for x."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := citation.ParseBibTeX([]byte(tc.in))
			if !errors.Is(err, quire.ErrInvalid) || quire.UserMessage(err) != tc.msg {
				t.Errorf("ParseBibTeX(%q) error = %v, want %q", tc.in, err, tc.msg)
			}
		})
	}
	many := strings.Repeat("@misc{k,}\n", citation.MaxEntries+1)
	if _, err := citation.ParseBibTeX([]byte(many)); !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("ParseBibTeX(%d entries) error = %v, want ErrInvalid", citation.MaxEntries+1, err)
	}
}

func TestIdentifiers(t *testing.T) {
	for _, tc := range []struct {
		fields     map[string]string
		arxiv, doi string
	}{
		{map[string]string{"eprint": "2406.01234v3", "archiveprefix": "arXiv"}, "2406.01234", ""},
		{map[string]string{"eprint": "hep-th/9901001"}, "hep-th/9901001", ""},
		{map[string]string{"eprint": "2406.01234", "eprinttype": "hal"}, "", ""},
		{map[string]string{"journal": "ArXiv", "volume": "abs/2406.01234"}, "2406.01234", ""},
		{map[string]string{"journal": "arXiv:2406.01234 [cs.CL]"}, "2406.01234", ""},
		{map[string]string{"note": "arXiv: nothing, then arXiv:2406.01234."}, "2406.01234", ""},
		{map[string]string{"howpublished": `\url{https://arxiv.org/abs/math.GT/0309136v1}`}, "math/0309136", ""},
		{map[string]string{"doi": "10.48550/arXiv.2406.01234"}, "2406.01234", "10.48550/arXiv.2406.01234"},
		{map[string]string{"doi": `10.1002/(SICI)1097-4636(199604)30:4\_555`}, "", "10.1002/(SICI)1097-4636(199604)30:4_555"},
		{map[string]string{"doi": "doi:10.1/x"}, "", "10.1/x"},
		{map[string]string{"url": "https://dx.doi.org/10.1/y"}, "", "10.1/y"},
		{map[string]string{"doi": "not a doi", "url": "https://example.org/10.1/z"}, "", ""},
	} {
		e := citation.Entry{Fields: tc.fields}
		if got := e.ArXivID(); got != tc.arxiv {
			t.Errorf("ArXivID(%v) = %q, want %q", tc.fields, got, tc.arxiv)
		}
		if got := e.DOI(); got != tc.doi {
			t.Errorf("DOI(%v) = %q, want %q", tc.fields, got, tc.doi)
		}
	}
}

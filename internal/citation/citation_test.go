package citation_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/arxiv"
	"quire/internal/citation"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// MustKagglePapers reads the real arXiv records in testdata.
func MustKagglePapers(tb testing.TB) []*quire.Paper {
	tb.Helper()
	f, err := os.Open("testdata/kaggle_sample.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var papers []*quire.Paper
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		p, err := arxiv.ParseKaggle(sc.Bytes())
		if err != nil {
			tb.Fatal(err)
		}
		papers = append(papers, p)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return papers
}

// records are the sample papers plus an old-style id and a title full of
// LaTeX's special characters, with notes.
func records(tb testing.TB) []citation.Record {
	tb.Helper()
	var recs []citation.Record
	for _, p := range MustKagglePapers(tb) {
		recs = append(recs, citation.Record{Paper: p})
	}
	recs[0].Note = "Read §2 first; compare with {ref} & 50% of\nthe appendix."
	recs = append(recs,
		citation.Record{Paper: &quire.Paper{ID: "hep-th/9901001", Title: "A paper with an old-style identifier",
			Authors: []string{"A. Author", "Smith, Jr.", "Ben and Jerry"}, Categories: []string{"hep-th"}}},
		citation.Record{Paper: &quire.Paper{ID: "2406.01234", Title: `50% of $x_1^2$ & {braces} # \emph ~ done`,
			Authors: []string{"Plato"}, PublishedAt: time.Date(2024, 6, 3, 17, 0, 0, 0, time.UTC)},
			Note: `} unbalanced {{`},
	)
	return recs
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func TestWriters(t *testing.T) {
	for _, tc := range []struct {
		golden string
		write  func(*bytes.Buffer, []citation.Record) error
	}{
		{"list.bib", func(b *bytes.Buffer, r []citation.Record) error { return citation.WriteBibTeX(b, r) }},
		{"list.ris", func(b *bytes.Buffer, r []citation.Record) error { return citation.WriteRIS(b, r) }},
		{"list.csl.json", func(b *bytes.Buffer, r []citation.Record) error { return citation.WriteCSLJSON(b, r) }},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b, records(t)); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.golden, b.Bytes())
		})
	}
}

// TestBibTeXReadsBack parses the export again: every entry comes back with
// its key, its arXiv id and its text.
func TestBibTeXReadsBack(t *testing.T) {
	recs := records(t)
	var b bytes.Buffer
	if err := citation.WriteBibTeX(&b, recs); err != nil {
		t.Fatal(err)
	}
	entries, err := citation.ParseBibTeX(b.Bytes())
	if err != nil {
		t.Fatalf("ParseBibTeX(export): %v", err)
	}
	if len(entries) != len(recs) {
		t.Fatalf("ParseBibTeX(export) = %d entries, want %d", len(entries), len(recs))
	}
	for i, e := range entries {
		p := recs[i].Paper
		if e.Key != citation.Key(p.ID) || e.ArXivID() != p.ID {
			t.Errorf("entry %d: key %q, arXiv id %q; want %q, %q", i, e.Key, e.ArXivID(), citation.Key(p.ID), p.ID)
		}
		if got, want := citation.UnescapeTeX(e.Fields["title"]), quire.OneLine(p.Title); got != want {
			t.Errorf("entry %d: title read back as %q, want %q", i, got, want)
		}
		if got, want := citation.UnescapeTeX(e.Fields["annote"]), quire.OneLine(recs[i].Note); got != want {
			t.Errorf("entry %d: note read back as %q, want %q", i, got, want)
		}
	}
}

func TestCSLJSONIsJSON(t *testing.T) {
	var b bytes.Buffer
	if err := citation.WriteCSLJSON(&b, records(t)); err != nil {
		t.Fatal(err)
	}
	var items []map[string]any
	if err := json.Unmarshal(b.Bytes(), &items); err != nil {
		t.Fatal(err)
	}
	if len(items) != 7 || items[0]["id"] != "arXiv:0704.0001" || items[0]["DOI"] != "10.1103/PhysRevD.76.013009" {
		t.Errorf("CSL-JSON items = %d, first %v", len(items), items[0])
	}
	var empty bytes.Buffer
	if err := citation.WriteCSLJSON(&empty, nil); err != nil || empty.String() != "[]\n" {
		t.Errorf("WriteCSLJSON(nil) = %q, %v; want an empty array", empty.String(), err)
	}
}

func TestEscapeTeX(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain title", "plain title"},
		{`a\b`, `a\textbackslash{}b`},
		{"{x}", `\textbraceleft{}x\textbraceright{}`},
		{"R&D 50% $5 #1 a_b x^2 ~", `R\&D 50\% \$5 \#1 a\_b x\^{}2 \~{}`},
		{"two\n  lines", "two lines"},
		{"Balázs", "Balázs"},
	} {
		if got := citation.EscapeTeX(tc.in); got != tc.want {
			t.Errorf("EscapeTeX(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := citation.UnescapeTeX(citation.EscapeTeX(tc.in)); got != quire.OneLine(tc.in) {
			t.Errorf("UnescapeTeX(EscapeTeX(%q)) = %q", tc.in, got)
		}
	}
}

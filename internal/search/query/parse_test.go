package query

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func word(w string) Clause { return Clause{Words: []string{w}} }

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want Query
	}{
		{"empty", "", Query{}},
		{"words", "scaling laws", Query{Clauses: []Clause{word("scaling"), word("laws")}}},
		{"words as typed", "Scaling LAWS", Query{Clauses: []Clause{word("Scaling"), word("LAWS")}}},
		{"phrase", `"scaling laws"`, Query{Clauses: []Clause{{Words: []string{"scaling", "laws"}, Phrase: true}}}},
		{"phrase of one word", `"scaling"`, Query{Clauses: []Clause{{Words: []string{"scaling"}, Phrase: true}}}},
		{"phrase spacing", "\"  state of\tthe   art \"", Query{Clauses: []Clause{{Words: []string{"state", "of", "the", "art"}, Phrase: true}}}},
		{"curly quotes", "“scaling laws”", Query{Clauses: []Clause{{Words: []string{"scaling", "laws"}, Phrase: true}}}},
		{"prefix", "scal*", Query{Clauses: []Clause{{Words: []string{"scal"}, Prefix: true}}}},
		{"prefix stars", "*scal**", Query{Clauses: []Clause{{Words: []string{"scal"}, Prefix: true}}}},
		{"inner star", "sc*al", Query{Clauses: []Clause{word("sc*al")}}},
		{"exclude", "-diffusion", Query{Clauses: []Clause{{Words: []string{"diffusion"}, Exclude: true}}}},
		{"exclude twice", "--diffusion", Query{Clauses: []Clause{{Words: []string{"diffusion"}, Exclude: true}}}},
		{"exclude phrase", `-"state of the art"`, Query{Clauses: []Clause{{Words: []string{"state", "of", "the", "art"}, Phrase: true, Exclude: true}}}},
		{"exclude prefix", "-scal*", Query{Clauses: []Clause{{Words: []string{"scal"}, Prefix: true, Exclude: true}}}},
		{"hyphenated word", "test-time", Query{Clauses: []Clause{word("test-time")}}},
		{"quote inside a word", `foo"bar baz"qux`, Query{Clauses: []Clause{
			word("foo"), {Words: []string{"bar", "baz"}, Phrase: true}, word("qux"),
		}}},
		{"or and", "transformers OR rnn AND lstm", Query{Clauses: []Clause{
			word("transformers"), word("OR"), word("rnn"), word("AND"), word("lstm"),
		}}},

		{"author", "author:hinton", Query{Authors: []string{"hinton"}}},
		{"author quoted", `author:"Geoffrey  Hinton"`, Query{Authors: []string{"geoffrey hinton"}}},
		{"author name case", "AUTHOR:LeCun", Query{Authors: []string{"lecun"}}},
		{"author accents kept", "author:Schölkopf", Query{Authors: []string{"schölkopf"}}},
		{"authors", `author:hinton author:"Yann LeCun" author:Hinton`, Query{Authors: []string{"hinton", "yann lecun"}}},
		{"author unclosed", `author:"Geoffrey Hinton`, Query{Authors: []string{"geoffrey hinton"}}},

		{"category", "cat:cs.CL", Query{Categories: []string{"cs.CL"}}},
		{"category casing", "cat:CS.cl cat:Astro-Ph.ga cat:physics.Optics cat:cond-mat.stat-mech", Query{
			Categories: []string{"cs.CL", "astro-ph.GA", "physics.optics", "cond-mat.stat-mech"},
		}},
		{"archive", "cat:cs cat:hep-th cat:math.* cat:q-bio.", Query{Categories: []string{"cs", "hep-th", "math", "q-bio"}}},
		{"category quoted and repeated", `cat:"cs.LG" cat:cs.lg`, Query{Categories: []string{"cs.LG"}}},

		{"year", "year:2024", Query{From: day(2024, 1, 1), To: day(2025, 1, 1)}},
		{"year range", "year:2023..2025", Query{From: day(2023, 1, 1), To: day(2026, 1, 1)}},
		{"year range backwards", "year:2025..2023", Query{From: day(2023, 1, 1), To: day(2026, 1, 1)}},
		{"year open end", "year:2023..", Query{From: day(2023, 1, 1)}},
		{"year open start", "year:..2025", Query{To: day(2026, 1, 1)}},
		{"date range", "date:2025-06-01..2025-06-30", Query{From: day(2025, 6, 1), To: day(2025, 7, 1)}},
		{"date day", "date:2024-02-29", Query{From: day(2024, 2, 29), To: day(2024, 3, 1)}},
		{"date month", "date:2025-12", Query{From: day(2025, 12, 1), To: day(2026, 1, 1)}},
		{"date year", "date:2025", Query{From: day(2025, 1, 1), To: day(2026, 1, 1)}},
		{"date mixed units", "date:2025-06..2025-07-15", Query{From: day(2025, 6, 1), To: day(2025, 7, 16)}},
		{"after", "after:2025-06-01", Query{From: day(2025, 6, 1)}},
		{"before", "before:2025-07", Query{To: day(2025, 7, 1)}},
		{"after and before", "after:2025-06-01 before:2025-07-01", Query{From: day(2025, 6, 1), To: day(2025, 7, 1)}},
		{"dates intersect", "year:2024 date:2024-06", Query{From: day(2024, 6, 1), To: day(2024, 7, 1)}},
		{"dates disjoint", "year:2020 year:2024", Query{From: day(2024, 1, 1), To: day(2021, 1, 1)}},

		{"has code", "has:code", Query{HasCode: true}},
		{"has code case", "HAS:Code has:code", Query{HasCode: true}},

		{"everything", `"scaling laws" -diffusion author:"Geoffrey Hinton" cat:cs.CL year:2023..2025 has:code scal*`, Query{
			Clauses: []Clause{
				{Words: []string{"scaling", "laws"}, Phrase: true},
				{Words: []string{"diffusion"}, Exclude: true},
				{Words: []string{"scal"}, Prefix: true},
			},
			Authors:    []string{"geoffrey hinton"},
			Categories: []string{"cs.CL"},
			From:       day(2023, 1, 1),
			To:         day(2026, 1, 1),
			HasCode:    true,
		}},

		{"unknown filter", "foo:bar", Query{Clauses: []Clause{word("foo:bar")}}},
		{"unknown filter quoted", `foo:"bar baz"`, Query{Clauses: []Clause{word("foo:"), {Words: []string{"bar", "baz"}, Phrase: true}}}},
		{"url", "https://arxiv.org/abs/2406.01234", Query{Clauses: []Clause{word("https://arxiv.org/abs/2406.01234")}}},
		{"filter inside a phrase", `"author:hinton -x y*"`, Query{Clauses: []Clause{{Words: []string{"author:hinton", "-x", "y*"}, Phrase: true}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Parse(tc.in)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
			checkRoundTrip(t, got)
		})
	}
}

func TestParseHostile(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want Query
	}{
		{"unbalanced quote", `"scaling laws`, Query{Clauses: []Clause{{Words: []string{"scaling", "laws"}, Phrase: true}}}},
		{"unbalanced after a phrase", `"a" "b`, Query{Clauses: []Clause{
			{Words: []string{"a"}, Phrase: true}, {Words: []string{"b"}, Phrase: true},
		}}},
		{"empty phrases", `"" " " scaling "`, Query{Clauses: []Clause{word("scaling")}}},
		{"lone operators", `- * : -* *- " -" -: *: ::`, Query{}},
		{"operators before space", "- scaling * laws", Query{Clauses: []Clause{word("scaling"), word("laws")}}},
		{"punctuation", `... ;; !! ' $`, Query{}},
		{"only stop words", "the of and", Query{Clauses: []Clause{word("the"), word("of"), word("and")}}},
		{"control characters", "scaling\x00laws\x1b[31m\u2028x\u0085y", Query{Clauses: []Clause{
			word("scaling"), word("laws"), word("[31m"), word("x"), word("y"),
		}}},
		{"invalid utf-8", "scal\xffing \xc3", Query{Clauses: []Clause{word("scal"), word("ing")}}},
		{"sql", `'; DROP TABLE papers; --`, Query{Clauses: []Clause{word("DROP"), word("TABLE"), word("papers;")}}},
		{"sql in quotes", `" OR 1=1 --`, Query{Clauses: []Clause{{Words: []string{"OR", "1=1"}, Phrase: true}}}},
		{"json", `{"$ne": null}`, Query{Clauses: []Clause{{Words: []string{"$ne"}, Phrase: true}, word("null}")}}},
		{"html", `<script>alert(1)</script>`, Query{Clauses: []Clause{word("<script>alert(1)</script>")}}},
		{"author without value", "author:", Query{}},
		{"author then space", "author: hinton", Query{Clauses: []Clause{word("hinton")}}},
		{"author empty quotes", `author:"" author:" " author:"-"`, Query{}},
		{"excluded filters", `-author:hinton -cat:cs.CV -has:code -year:2024 -author:"a b" x`, Query{Clauses: []Clause{word("x")}}},
		{"bad years", "year:99999 year:abc year:24 year:0999 year:9999 year:2024..2023..2022 year:.. year:2024-06 year:+202", Query{}},
		{"bad dates", "date:2025-02-30 date:2025-13 date:2025-6-1 date:2025-06-1 date:2025-06-01T00 date:9999-12-31 date:-2025", Query{}},
		{"bad after and before", "after:tomorrow before:2025..2026 after: before:2025-00", Query{}},
		{"far dates", "after:9999-12-31 before:1000-01-02", Query{From: day(9999, 12, 31), To: day(1000, 1, 2)}},
		{"bad categories", "cat: cat:c$ cat:cs.CL.x cat:-cs cat:cs--x cat:c3 cat:.CL cat:cs.C1", Query{}},
		{"bad has", "has:data has: has:codes", Query{}},
		{"ten kilobytes", strings.Repeat("scaling ", 10<<10/8), Query{Clauses: repeat(word("scaling"), MaxClauses)}},
		{"ten kilobytes of one letter", strings.Repeat("a", 10<<10), Query{Clauses: []Clause{word(strings.Repeat("a", MaxBytes))}}},
		{"ten kilobytes of quotes", strings.Repeat(`"`, 10<<10), Query{}},
		{"ten kilobytes of dashes", strings.Repeat("-", 10<<10), Query{}},
		{"many authors", strings.Repeat("author:a author:b author:c ", 20), Query{Authors: []string{"a", "b", "c"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Parse(tc.in)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
			checkRoundTrip(t, got)
		})
	}
}

func repeat(c Clause, n int) []Clause {
	out := make([]Clause, n)
	for i := range out {
		out[i] = c
	}
	return out
}

func TestParseLimits(t *testing.T) {
	var b strings.Builder
	for i := range 40 {
		b.WriteString("author:a")
		b.WriteString(strings.Repeat("x", i))
		b.WriteString(" cat:cs.A")
		b.WriteByte(byte('A' + i%26))
		b.WriteByte(' ')
	}
	q := Parse(b.String())
	checkRoundTrip(t, q)
	if len(q.Authors) == 0 || len(q.Authors) > MaxClauses || len(q.String()) > MaxBytes {
		t.Errorf("Parse kept %d authors in %d bytes", len(q.Authors), len(q.String()))
	}

	// Ten phrases of 98 bytes written without spaces fill MaxBytes, but
	// their canonical text needs a space between each: the last one does
	// not fit and is dropped.
	phrase := `"` + strings.Repeat("x", 98) + `"`
	q = Parse(strings.Repeat(phrase, 10))
	checkRoundTrip(t, q)
	if len(q.Clauses) != 9 {
		t.Errorf("Parse kept %d of 10 phrases, want 9", len(q.Clauses))
	}

	// A character cut by the MaxBytes limit is dropped, not split.
	q = Parse(strings.Repeat("a", MaxBytes-1) + "é")
	checkRoundTrip(t, q)
	if diff := cmp.Diff([]Clause{word(strings.Repeat("a", MaxBytes-1))}, q.Clauses); diff != "" {
		t.Errorf("Parse of a cut character mismatch (-want +got):\n%s", diff)
	}
}

func TestString(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"", ""},
		{`scal** "a   b" -"c" Author:"Geoffrey  Hinton" cat:CS.cl year:2025..2023 has:CODE`,
			`scal* "a b" -"c" author:"geoffrey hinton" cat:cs.CL year:2023..2025 has:code`},
		{`has:code cat:cs author:x -y "z`, `-y "z" author:x cat:cs has:code`},
		{"“curly” quotes", `"curly" quotes`},
		{"year:2024", "year:2024"},
		{"date:2024", "year:2024"},
		{"date:2024-01..2025-12", "year:2024..2025"},
		{"date:2025-06-01..2025-06-30", "date:2025-06"},
		{"date:2025-06-01..2025-08-31", "date:2025-06..2025-08"},
		{"date:2025-06-01..2025-06-15", "date:2025-06-01..2025-06-15"},
		{"date:2025-06-15", "date:2025-06-15"},
		{"after:2024-01-01", "after:2024"},
		{"after:2024-03-01", "after:2024-03"},
		{"after:2024-03-02", "after:2024-03-02"},
		{"before:2025-07-01", "before:2025-07"},
		{"after:2024 before:2024-06-15", "date:2024-01-01..2024-06-14"},
		{"year:2020 year:2024", "after:2024 before:2021"},
		{"after:2024-06-01 before:2024-06-01", "after:2024-06 before:2024-06"},
	} {
		q := Parse(tc.in)
		if got := q.String(); got != tc.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tc.in, got, tc.want)
		}
		checkRoundTrip(t, q)
	}
}

func TestEmpty(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"", true},
		{`- * " :`, true},
		{"-diffusion", true},
		{`-diffusion -"a b"`, true},
		{"year:99999", true},
		{"diffusion", false},
		{"the", false},
		{"-diffusion author:hinton", false},
		{"cat:cs", false},
		{"year:2024", false},
		{"before:2024", false},
		{"has:code", false},
	} {
		if got := Parse(tc.in).Empty(); got != tc.want {
			t.Errorf("Parse(%q).Empty() = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// checkRoundTrip checks that q's canonical text parses back to q and is
// within MaxBytes.
func checkRoundTrip(tb testing.TB, q Query) {
	tb.Helper()
	s := q.String()
	if len(s) > MaxBytes {
		tb.Fatalf("String() is %d bytes, over MaxBytes", len(s))
	}
	back := Parse(s)
	if diff := cmp.Diff(q, back); diff != "" {
		tb.Fatalf("Parse(%q) does not give the query back (-want +got):\n%s", s, diff)
	}
	if s2 := back.String(); s2 != s {
		tb.Fatalf("String() of the re-parsed query = %q, want %q", s2, s)
	}
}

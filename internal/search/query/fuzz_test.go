package query

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse checks that any input parses without panicking into a bounded
// Query whose canonical text parses back to it.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "scaling laws", `"scaling laws" -diffusion author:"Geoffrey Hinton" cat:cs.CL year:2023..2025 has:code scal*`,
		`"unbalanced`, `- * : " -"`, "the of and", "scaling\x00laws\x1b", "scal\xffing \xc3", `'; DROP TABLE papers; --`,
		"author:", "year:99999", "date:2025-02-30", "date:2025-06..2025-07-15", "after:2024 before:2024-06-15",
		"year:2020 year:2024", "cat:CS.cl cat:math.*", "foo:bar https://x.org/a?b=c", `foo"bar baz"qux`, "“curly”",
		"haſ:code", "-scal**", `author:"a:b" author:-x`, strings.Repeat(`"xx"`, 300), strings.Repeat("ab ", 400),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := Parse(s)
		if len(q.Clauses) > MaxClauses || len(q.Authors) > MaxClauses || len(q.Categories) > MaxClauses {
			t.Fatalf("Parse(%q) gave %d clauses, %d authors, %d categories", s, len(q.Clauses), len(q.Authors), len(q.Categories))
		}
		for _, c := range q.Clauses {
			if len(c.Words) == 0 || (c.Prefix && (c.Phrase || len(c.Words) != 1)) || (!c.Phrase && len(c.Words) != 1) {
				t.Fatalf("Parse(%q) gave clause %+v", s, c)
			}
			for _, w := range c.Words {
				if !hasWordChar(w) || !utf8.ValidString(w) || strings.ContainsAny(w, " \"") {
					t.Fatalf("Parse(%q) gave word %q", s, w)
				}
			}
		}
		checkDate(t, s, q.From)
		checkDate(t, s, q.To)
		checkRoundTrip(t, q)
	})
}

// checkDate checks that a bound is unset or a midnight UTC with a
// four-digit year.
func checkDate(tb testing.TB, s string, d time.Time) {
	tb.Helper()
	if d.IsZero() {
		return
	}
	if d.Location() != time.UTC || !d.Equal(d.Truncate(24*time.Hour)) || d.Year() < 1000 || d.Year() > 9999 {
		tb.Fatalf("Parse(%q) gave the date bound %v", s, d)
	}
}

package markdown

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// Abstracts are real text about papers, with the links, underscores,
// asterisks and maths that comments quote.
var abstractFixtures = []string{
	"../../testdata/hf/daily_papers_2024-06-03.json",
	"../../testdata/hf/daily_papers_2025-06-16.json",
	"../../testdata/hf/daily_papers_2026-08-21.json",
}

// MustReadAbstracts returns the abstracts of a saved daily-papers response.
func MustReadAbstracts(tb testing.TB, path string) []string {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var items []struct {
		Paper struct{ Summary string } `json:"paper"`
	}
	if err := json.Unmarshal(data, &items); err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, it := range items {
		out = append(out, it.Paper.Summary)
	}
	if len(out) == 0 {
		tb.Fatalf("%s has no items", path)
	}
	return out
}

// sourceURL finds links written out in an abstract; sentence punctuation
// after one is not part of it.
var sourceURL = regexp.MustCompile(`https?://\S+`)

// TestRenderAbstracts renders real abstracts: each must come out safe, as
// text, with every link written in it linked.
func TestRenderAbstracts(t *testing.T) {
	links := 0
	for _, file := range abstractFixtures {
		for _, abs := range MustReadAbstracts(t, file) {
			out := MustRender(t, abs)
			if !strings.HasPrefix(out, "<p>") {
				t.Errorf("Render(%.40q…) = %.60q…, want a paragraph", abs, out)
			}
			for _, u := range sourceURL.FindAllString(abs, -1) {
				u = strings.TrimRight(u, ".,;:)")
				if !strings.Contains(out, `<a href="`+u+`"`+rel+">"+u+"</a>") {
					t.Errorf("Render of an abstract with %s does not link it:\n%s", u, out)
				}
				links++
			}
		}
	}
	if links == 0 {
		t.Error("the fixtures have no links; the test checks nothing about them")
	}
}

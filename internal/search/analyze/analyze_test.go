package analyze

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// tok is a Token with its offsets replaced by the text they select, which
// makes expectations readable and checks the offsets at the same time.
type tok struct {
	Term    string
	Pos     int
	Surface string
}

func render(text string, toks []Token) []tok {
	var out []tok
	for _, t := range toks {
		out = append(out, tok{t.Term, t.Pos, text[t.Start:t.End]})
	}
	return out
}

func TestTokens(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		want []tok
	}{
		{
			name: "abstract",
			// 2503.11731, first lines of the abstract.
			text: "Sensor simulation is pivotal for scalable validation of autonomous driving\nsystems, yet existing Neural Radiance Fields (NeRF) based methods face",
			want: []tok{
				{"sensor", 0, "Sensor"}, {"simul", 1, "simulation"}, {"pivot", 3, "pivotal"},
				{"scalabl", 5, "scalable"}, {"valid", 6, "validation"}, {"autonom", 8, "autonomous"},
				{"drive", 9, "driving"}, {"system", 10, "systems"}, {"yet", 11, "yet"},
				{"exist", 12, "existing"}, {"neural", 13, "Neural"}, {"radianc", 14, "Radiance"},
				{"field", 15, "Fields"}, {"nerf", 16, "NeRF"}, {"base", 17, "based"},
				{"method", 18, "methods"}, {"face", 19, "face"},
			},
		},
		{
			name: "hyphens and numbers",
			// 2503.12127.
			text: "acquired\nas stacks of 2D slices, permitting decreased scan times, improved\nsignal-to-noise ratio",
			want: []tok{
				{"acquir", 0, "acquired"}, {"stack", 2, "stacks"}, {"2d", 4, "2D"},
				{"slice", 5, "slices"}, {"permit", 6, "permitting"}, {"decreas", 7, "decreased"},
				{"scan", 8, "scan"}, {"time", 9, "times"}, {"improv", 10, "improved"},
				{"signal", 11, "signal"}, {"nois", 13, "noise"}, {"ratio", 14, "ratio"},
			},
		},
		{
			name: "stop words keep positions",
			text: "While\nmost state-of-the-art (SOTA) research",
			want: []tok{
				{"state", 2, "state"}, {"art", 5, "art"}, {"sota", 6, "SOTA"}, {"research", 7, "research"},
			},
		},
		{
			name: "test-time and gpt-4",
			text: "Test-time scaling of GPT-4o and Llama-3.1-8B in 2024",
			want: []tok{
				{"test", 0, "Test"}, {"time", 1, "time"}, {"scale", 2, "scaling"}, {"gpt", 4, "GPT"},
				{"4o", 5, "4o"}, {"llama", 7, "Llama"}, {"3", 8, "3"}, {"1", 9, "1"},
				{"8b", 10, "8B"}, {"2024", 12, "2024"},
			},
		},
		{
			name: "latex",
			// 2503.12000 writes "$W_*$".
			text: `fine-tuning text token embeddings $W_*$ in $\mathcal{O}(n^2)$ time`,
			want: []tok{
				{"fine", 0, "fine"}, {"tune", 1, "tuning"}, {"text", 2, "text"}, {"token", 3, "token"},
				{"embed", 4, "embeddings"}, {"w", 5, "W"}, {"mathcal", 7, "mathcal"},
				{"n", 9, "n"}, {"2", 10, "2"}, {"time", 11, "time"},
			},
		},
		{
			name: "url",
			text: "Code: https://github.com/foo/bar-baz.git?x=1",
			want: []tok{
				{"code", 0, "Code"}, {"https", 1, "https"}, {"github", 2, "github"}, {"com", 3, "com"},
				{"foo", 4, "foo"}, {"bar", 5, "bar"}, {"baz", 6, "baz"}, {"git", 7, "git"},
				{"x", 8, "x"}, {"1", 9, "1"},
			},
		},
		{
			name: "apostrophes",
			text: "the model's outputs, the models' inputs, don't it's rock'n'roll model’s 'quoted'",
			want: []tok{
				{"model", 1, "model's"}, {"output", 2, "outputs"}, {"model", 4, "models"},
				{"input", 5, "inputs"}, {"rocknrol", 8, "rock'n'roll"}, {"model", 9, "model’s"},
				{"quot", 10, "quoted"},
			},
		},
		{
			name: "accents",
			text: "Schrödinger naïve Erdős Łukasz ŒUVRE Straße ﬁnite Ｆｕｌｌ e\u0301cole",
			want: []tok{
				{"schroding", 0, "Schrödinger"}, {"naiv", 1, "naïve"}, {"erdo", 2, "Erdős"},
				{"lukasz", 3, "Łukasz"}, {"oeuvr", 4, "ŒUVRE"}, {"strass", 5, "Straße"},
				{"finit", 6, "ﬁnite"}, {"full", 7, "Ｆｕｌｌ"}, {"ecol", 8, "e\u0301cole"},
			},
		},
		{
			name: "other scripts",
			text: "Модели и αβ-тест",
			want: []tok{
				{"модели", 0, "Модели"}, {"и", 1, "и"}, {"αβ", 2, "αβ"}, {"тест", 3, "тест"},
			},
		},
		{
			name: "cjk",
			text: "大型语言模型(LLM)とは",
			want: []tok{
				{"大", 0, "大"}, {"型", 1, "型"}, {"语", 2, "语"}, {"言", 3, "言"}, {"模", 4, "模"},
				{"型", 5, "型"}, {"llm", 6, "LLM"}, {"と", 7, "と"}, {"は", 8, "は"},
			},
		},
		{
			name: "emoji",
			text: "🚀launch👍🏽 now✨",
			want: []tok{{"launch", 0, "launch"}},
		},
		{
			name: "control characters",
			text: "foo\x00bar\tbaz\x07qux\u200bquux",
			want: []tok{
				{"foo", 0, "foo"}, {"bar", 1, "bar"}, {"baz", 2, "baz"}, {"qux", 3, "qux"}, {"quux", 4, "quux"},
			},
		},
		{
			name: "invalid utf-8",
			text: "caf\xe9 au\xff\xfelait \xc3",
			want: []tok{{"caf", 0, "caf"}, {"au", 1, "au"}, {"lait", 2, "lait"}},
		},
		{
			name: "modifier apostrophe",
			text: "ʼʼ modelʼs ʼ\xbe",
			want: []tok{{"model", 0, "modelʼs"}},
		},
		{name: "empty", text: "", want: nil},
		{name: "only stop words", text: "The, and of a -- it's THE", want: nil},
		{name: "only punctuation", text: " -- ... !? $ \\ {} ", want: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := New().Tokens(tc.text, nil)
			checkInvariants(t, tc.text, got)
			if diff := cmp.Diff(tc.want, render(tc.text, got)); diff != "" {
				t.Errorf("Tokens(%q) mismatch (-want +got):\n%s", tc.text, diff)
			}
		})
	}
}

func TestTokensLongRuns(t *testing.T) {
	a := New()
	for _, tc := range []struct {
		name   string
		text   string
		tokens int
		term   string
	}{
		{"ascii", strings.Repeat("a", 10<<10), 1, strings.Repeat("a", MaxTermBytes)},
		{"accented", strings.Repeat("é", 5<<10), 1, strings.Repeat("e", MaxTermBytes)},
		{"two-byte letters", strings.Repeat("ж", 5<<10), 1, strings.Repeat("ж", MaxTermBytes/2)},
		// A two-byte letter does not fit after 63 bytes: the term stops there.
		{"cut at a character", strings.Repeat("b", 63) + "жжж", 1, strings.Repeat("b", 63)},
		{"ideographs", strings.Repeat("字", 10<<10/3), 10 << 10 / 3, "字"},
		{"separators", strings.Repeat("-", 10<<10), 0, ""},
		{"stop words", strings.Repeat("the ", 10<<10/4), 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := a.Tokens(tc.text, nil)
			checkInvariants(t, tc.text, got)
			if len(got) != tc.tokens {
				t.Fatalf("Tokens gave %d tokens, want %d", len(got), tc.tokens)
			}
			if len(got) > 0 && got[0].Term != tc.term {
				t.Errorf("first term = %q, want %q", got[0].Term, tc.term)
			}
		})
	}
}

func TestTokensAppends(t *testing.T) {
	a := New()
	dst := a.Tokens("first words", nil)
	dst = a.Tokens("second text", dst)
	want := []tok{{"first", 0, ""}, {"word", 1, ""}, {"second", 0, ""}, {"text", 1, ""}}
	var got []tok
	for _, t := range dst {
		got = append(got, tok{t.Term, t.Pos, ""})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Tokens appended mismatch (-want +got):\n%s", diff)
	}
}

func TestTerm(t *testing.T) {
	a := New()
	for _, tc := range []struct {
		word string
		term string
		ok   bool
	}{
		{"Scaling", "scale", true},
		{"scaling", "scale", true},
		{"LLMs", "llms", true},
		{"model's", "model", true},
		{" gpt ", "gpt", true},
		{"(Transformers)", "transform", true},
		{"Schrödinger", "schroding", true},
		{"2024", "2024", true},
		{"中", "中", true},
		{"the", "", false},
		{"The", "", false},
		{"", "", false},
		{"--", "", false},
		{"test-time", "", false},
		{"中文", "", false},
		{"a b", "", false},
	} {
		term, ok := a.Term(tc.word)
		if term != tc.term || ok != tc.ok {
			t.Errorf("Term(%q) = %q, %v; want %q, %v", tc.word, term, ok, tc.term, tc.ok)
		}
	}
}

// TestRealAbstracts checks the invariants on every title and abstract of the
// sample, and that the index side and the query side agree: each token's
// surface word, analysed on its own, gives the same term.
func TestRealAbstracts(t *testing.T) {
	a := New()
	words, stops := 0, 0
	for _, text := range MustAbstracts(t) {
		toks := a.Tokens(text, nil)
		checkInvariants(t, text, toks)
		checkSurfaces(t, a, text, toks)
		words += len(toks)
		if n := len(toks); n > 0 {
			stops += toks[n-1].Pos + 1 - n
		}
	}
	// Abstracts are a third to a half stop words; far from that means the
	// list or the positions are wrong.
	if ratio := float64(stops) / float64(words+stops); ratio < 0.25 || ratio > 0.55 {
		t.Errorf("stop words are %.2f of the words in real abstracts", ratio)
	}
}

// TestCacheBounded fills a tiny cache with many distinct words and checks
// that it stays bounded and still gives the same terms as a large one.
func TestCacheBounded(t *testing.T) {
	small, large := newAnalyzer(64), New()
	for _, text := range MustAbstracts(t) {
		got := small.Tokens(text, nil)
		want := large.Tokens(text, nil)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Tokens with a small cache mismatch (-want +got):\n%s", diff)
		}
		if n := small.stems.len(); n > 64+cacheShards {
			t.Fatalf("cache holds %d words, want at most %d", n, 64+cacheShards)
		}
	}
	if n := large.stems.len(); n < 1000 {
		t.Errorf("large cache holds %d words after the sample, want the whole vocabulary", n)
	}
}

// TestConcurrent runs one Analyzer with a small cache from several
// goroutines (run with -race) and compares with a sequential run.
func TestConcurrent(t *testing.T) {
	texts := MustAbstracts(t)
	want := make([][]Token, len(texts))
	for i, text := range texts {
		want[i] = New().Tokens(text, nil)
	}
	a := newAnalyzer(256)
	const workers = 8
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			for round := range 3 {
				for i := range texts {
					j := (i + w*7 + round) % len(texts)
					if got := a.Tokens(texts[j], nil); !slices.Equal(got, want[j]) {
						errs <- fmt.Errorf("text %d mismatch (-want +got):\n%s", j, cmp.Diff(want[j], got))
						return
					}
				}
			}
			errs <- nil
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestStopWords(t *testing.T) {
	if n := len(stopWords); n < 170 || n != len(stopList) {
		t.Errorf("stop list has %d distinct of %d words, want about 180 distinct", n, len(stopList))
	}
	a := New()
	for _, w := range stopList {
		if term, ok := a.Term(w); ok {
			t.Errorf("Term(%q) = %q, true; want a stop word", w, term)
		}
		if strings.ToUpper(w) != w {
			if _, ok := a.Term(strings.ToUpper(w)); ok {
				t.Errorf("Term(%q) is not a stop word", strings.ToUpper(w))
			}
		}
	}
}

// checkInvariants checks what every caller relies on, for any text.
func checkInvariants(tb testing.TB, text string, toks []Token) {
	tb.Helper()
	prevEnd, prevPos := 0, -1
	for i, t := range toks {
		if t.Start < prevEnd || t.End <= t.Start || t.End > len(text) {
			tb.Fatalf("token %d %+v: offsets out of order or range (previous end %d, text %d bytes)", i, t, prevEnd, len(text))
		}
		if t.Pos <= prevPos {
			tb.Fatalf("token %d %+v: position not after %d", i, t, prevPos)
		}
		if t.Term == "" || len(t.Term) > MaxTermBytes || !utf8.ValidString(t.Term) {
			tb.Fatalf("token %d %+v: bad term", i, t)
		}
		surface := text[t.Start:t.End]
		first, _ := utf8.DecodeRuneInString(surface)
		if !unicode.IsLetter(first) && !unicode.IsDigit(first) {
			tb.Fatalf("token %d %+v: surface %q does not start with a letter or digit", i, t, surface)
		}
		for _, r := range t.Term {
			if unicode.ToLower(r) != r {
				tb.Fatalf("token %d %+v: term is not lowercase", i, t)
			}
		}
		prevEnd, prevPos = t.End, t.Pos
	}
}

// checkSurfaces checks that each token's surface word alone analyses to
// the same term, as a query typing that word would.
func checkSurfaces(tb testing.TB, a *Analyzer, text string, toks []Token) {
	tb.Helper()
	for _, t := range toks {
		surface := text[t.Start:t.End]
		if term, ok := a.Term(surface); !ok || term != t.Term {
			tb.Fatalf("Term(%q) = %q, %v; want %q as in %q", surface, term, ok, t.Term, text)
		}
	}
}

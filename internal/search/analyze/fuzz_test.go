package analyze

import (
	"strings"
	"testing"
)

// FuzzTokens checks, for any input, that offsets select the surface words
// in order, positions increase, terms are bounded, and each surface word
// analysed alone gives its token's term.
func FuzzTokens(f *testing.F) {
	for _, text := range MustAbstracts(f)[:6] {
		f.Add(text)
	}
	for _, s := range []string{
		"", "the of and", "model's test-time GPT-4 3D", `$\mathcal{O}(n^2)$`,
		"https://arxiv.org/abs/2406.01234v2", "大型语言模型(LLM)", "🚀👍🏽✨", "e\u0301cole ﬁnite Ｆｕｌｌ",
		"caf\xe9 \xff\xfe \xc3", "a\x00b\x07c\u200bd", "rock'n'roll ’tis models'", "a'中", "x'\u0301",
		strings.Repeat("a", 100), strings.Repeat("b", 63) + "жж", "Straße ŒUVRE İstanbul ǅ",
	} {
		f.Add(s)
	}
	a := newAnalyzer(256)
	f.Fuzz(func(t *testing.T, text string) {
		toks := a.Tokens(text, nil)
		checkInvariants(t, text, toks)
		checkSurfaces(t, a, text, toks)
		if len(toks) > len(text) {
			t.Fatalf("%d tokens from %d bytes", len(toks), len(text))
		}
	})
}

package embedding

import (
	"sync"

	"quire/internal/search/analyze"
)

// A tokenizer turns text into index terms. The built-in model only needs
// the terms, and this small interface keeps it independent of how they are
// made.
type tokenizer interface {
	appendTerms(dst []string, text string) []string
}

// tokenizerID names the text analysis a model's vocabulary was built with;
// a model is only valid with the same analysis.
const tokenizerID = "analyze+phrases"

// sharedAnalyzer is the search index's analysis (lowercased, accents
// folded, stop words dropped, Porter2 stems), so that the model's terms are
// the index's terms; one analyser keeps one stem cache for all models.
var sharedAnalyzer = sync.OnceValue(analyze.New)

// analyzerTokenizer adapts an *analyze.Analyzer.
type analyzerTokenizer struct {
	a    *analyze.Analyzer
	bufs sync.Pool // *[]analyze.Token
}

func newTokenizer() *analyzerTokenizer { return &analyzerTokenizer{a: sharedAnalyzer()} }

func (t *analyzerTokenizer) appendTerms(dst []string, text string) []string {
	buf, _ := t.bufs.Get().(*[]analyze.Token)
	if buf == nil {
		buf = new([]analyze.Token)
	}
	toks := t.a.Tokens(text, (*buf)[:0])
	for _, tk := range toks {
		dst = append(dst, tk.Term)
	}
	*buf = toks
	t.bufs.Put(buf)
	return dst
}

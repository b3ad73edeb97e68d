// Package analyze turns text into search terms: it splits words, lowercases
// them, folds common Latin accents, drops English stop words and stems with
// Porter2. The index and the query side share one Analyzer so that both see
// the same terms.
package analyze

import (
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
)

// MaxTermBytes caps the length of a term. Longer words (hashes, base64, runs
// of one letter) keep their full Start/End but their term is cut to this
// many bytes, at a character boundary, before stemming.
const MaxTermBytes = 64

// DefaultCacheSize is the number of stems New keeps cached. Word frequencies
// in abstracts are Zipfian, so this covers nearly every occurrence while
// staying a few megabytes.
const DefaultCacheSize = 1 << 17

// Token is one word of a text.
type Token struct {
	// Term is the analysed word: lowercased, accents folded, stemmed.
	Term string
	// Pos is the word's position in the text. Stop words count too, so a
	// phrase matches by relative positions even when it holds stop words
	// ("state of the art").
	Pos int
	// Start and End are byte offsets in the text: text[Start:End] is the
	// word as written, for highlighting.
	Start, End int
}

// Analyzer turns text into tokens. It is safe for concurrent use.
type Analyzer struct {
	stems *stemCache
}

// New returns an Analyzer with a stem cache of DefaultCacheSize entries.
func New() *Analyzer {
	return newAnalyzer(DefaultCacheSize)
}

func newAnalyzer(cacheSize int) *Analyzer {
	return &Analyzer{stems: newStemCache(cacheSize)}
}

// Tokens appends the tokens of text to dst and returns it. Stop words are
// dropped but keep their position. Words are runs of letters and digits
// ("3d", "2024"); anything else separates them, so "test-time" gives test
// and time and "gpt-4" gives gpt and 4. An apostrophe inside a word is
// dropped and a final "'s" with it ("model's" gives model). Each Chinese or
// Japanese ideograph and kana is a word of its own, since those scripts do
// not separate words with spaces.
func (a *Analyzer) Tokens(text string, dst []Token) []Token {
	dst, _ = a.tokens(text, dst)
	return dst
}

// Term returns the term of a single word, analysed exactly as Tokens would.
// ok is false when word holds no letter or digit, is a stop word, or splits
// into several words ("test-time"); use Tokens for those.
func (a *Analyzer) Term(word string) (term string, ok bool) {
	var buf [2]Token
	toks, words := a.tokens(word, buf[:0])
	if words != 1 || len(toks) != 1 {
		return "", false
	}
	return toks[0].Term, true
}

// tokens appends the tokens of text to dst and also returns the number of
// words seen, stop words included.
func (a *Analyzer) tokens(text string, dst []Token) ([]Token, int) {
	pos := 0
	var w word
	for i := 0; i < len(text); {
		c := text[i]
		start := i
		if c < utf8.RuneSelf {
			if asciiClass[c] != classLower && asciiClass[c] != classUpper {
				i++
				continue
			}
			w.reset()
			i = w.scan(text, i)
		} else {
			r, size := utf8.DecodeRuneInString(text[i:])
			switch {
			case isIdeograph(r):
				w.reset()
				w.addRune(r)
				i += size
			case startsWord(r):
				w.reset()
				i = w.scan(text, i)
			default:
				i += size
				continue
			}
		}
		w.finish()
		if w.n == 0 {
			continue
		}
		if term := a.stems.term(&w); term != "" {
			dst = append(dst, Token{Term: term, Pos: pos, Start: start, End: i})
		}
		pos++
	}
	return dst, pos
}

// stem returns the Porter2 stem of a lowercase ASCII word.
func stem(s string) string {
	return english.Stem(s, true)
}

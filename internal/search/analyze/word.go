package analyze

import (
	"unicode"
	"unicode/utf8"
)

// ASCII character classes, looked up by byte so that plain English text
// never reaches the unicode tables.
const (
	classSep = iota
	classLower
	classUpper
	classApostrophe
)

var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = classLower
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = classLower
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = classUpper
	}
	t['\''] = classApostrophe
	return t
}()

// word accumulates the normalised bytes of one word while it is scanned,
// in a fixed buffer so that scanning does not allocate.
type word struct {
	buf [MaxTermBytes]byte
	n   int
	// cut is set once a character did not fit; later characters are
	// ignored so the buffer never holds a partial character.
	cut bool
	// apos is the buffer length when the last apostrophe was seen, or -1.
	apos int
	// nonASCII and letter tell whether the term may be stemmed: the English
	// stemmer is only meant for ASCII words with at least one letter.
	nonASCII bool
	letter   bool
}

func (w *word) reset() {
	w.n, w.cut, w.apos, w.nonASCII, w.letter = 0, false, -1, false, false
}

func (w *word) addByte(c byte) {
	if w.cut || w.n == len(w.buf) {
		w.cut = true
		return
	}
	w.buf[w.n] = c
	w.n++
}

func (w *word) addRune(r rune) {
	if r < utf8.RuneSelf {
		w.addByte(byte(r))
		return
	}
	if w.cut || w.n+utf8.RuneLen(r) > len(w.buf) {
		w.cut = true
		return
	}
	w.n += utf8.EncodeRune(w.buf[w.n:], r)
	w.nonASCII = true
}

// addLetter adds a non-ASCII letter or digit, lowercased and folded.
func (w *word) addLetter(r rune) {
	r = unicode.ToLower(r)
	f := fold(r)
	if f == "" {
		w.addRune(r)
		return
	}
	for i := 0; i < len(f); i++ {
		w.addByte(f[i])
	}
}

// scan reads the word starting at text[i], which is a letter or digit, and
// returns the offset just past it.
func (w *word) scan(text string, i int) int {
	for i < len(text) {
		c := text[i]
		if c < utf8.RuneSelf {
			switch asciiClass[c] {
			case classLower:
				w.addByte(c)
			case classUpper:
				w.addByte(c + ('a' - 'A'))
			case classApostrophe:
				if !continuesWord(text, i+1) {
					return i
				}
				w.apos = w.n
			default:
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isApostrophe(r):
			if !continuesWord(text, i+size) {
				return i
			}
			w.apos = w.n
		case isIdeograph(r):
			return i
		case startsWord(r):
			w.addLetter(r)
		case isCombiningAccent(r):
			// A decomposed accent (e + U+0301): folded away like é.
		case unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me):
			// Marks that are part of other scripts' letters stay.
			w.addRune(r)
		default:
			return i
		}
		i += size
	}
	return i
}

// finish applies the rules that need the whole word: a final "'s" goes.
func (w *word) finish() {
	for i := 0; i < w.n; i++ {
		if b := w.buf[i]; 'a' <= b && b <= 'z' {
			w.letter = true
			break
		}
	}
	if !w.cut && w.apos >= 0 && w.apos == w.n-1 && w.buf[w.n-1] == 's' {
		w.n = w.apos
	}
}

// continuesWord reports whether text[i:] starts with a character that keeps
// a word going after an apostrophe.
func continuesWord(text string, i int) bool {
	if i >= len(text) {
		return false
	}
	if c := text[i]; c < utf8.RuneSelf {
		return asciiClass[c] == classLower || asciiClass[c] == classUpper
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return startsWord(r) && !isIdeograph(r)
}

// startsWord reports whether a word may start with the non-ASCII r. The
// modifier apostrophe is a letter to Unicode but an apostrophe here.
func startsWord(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !isApostrophe(r)
}

func isApostrophe(r rune) bool {
	return r == '\u2019' || r == '\u02bc'
}

func isCombiningAccent(r rune) bool {
	return '\u0300' <= r && r <= '\u036f'
}

// isIdeograph reports whether r is a letter of a script written without
// spaces between words, so that each character is indexed as a word.
// (Those scripts also hold symbols, such as the Kangxi radicals, which
// separate words like other symbols.)
func isIdeograph(r rune) bool {
	if r < '\u2e80' {
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) && unicode.IsLetter(r)
}

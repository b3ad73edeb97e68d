package lexical

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// authorPrefix marks the exact author-name terms ("@hinton"). The analyser
// never produces '@', so these never collide with text terms.
const authorPrefix = "@"

// maxNameWord caps the length of a name word, as the analyser caps terms.
const maxNameWord = 64

// NameWords splits an author name into the words that Request.Authors
// matches: runs of letters and digits, lowercased, with common Latin
// accents folded and apostrophes dropped, and not stemmed, so
// "Geoffrey E. Hinton" is [geoffrey e hinton] and "Bal\u00e1zs" is [balazs].
// Use it on both the indexed names (the index does) and the query's.
func NameWords(name string) []string {
	var words []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			words = append(words, b.String())
			b.Reset()
		}
	}
	for _, r := range name {
		switch {
		case r == '\'' || r == '\u2019':
			continue // O'Brien is one word
		case r < utf8.RuneSelf:
			switch {
			case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
				addNameRune(&b, r)
			case 'A' <= r && r <= 'Z':
				addNameRune(&b, r+'a'-'A')
			default:
				flush()
			}
		case unicode.Is(unicode.Mn, r):
			continue // a combining accent
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if f, ok := foldName(r); ok {
				for _, c := range f {
					addNameRune(&b, c)
				}
			} else {
				addNameRune(&b, r)
			}
		default:
			flush()
		}
	}
	flush()
	return words
}

func addNameRune(b *strings.Builder, r rune) {
	if b.Len()+utf8.RuneLen(r) <= maxNameWord {
		b.WriteRune(r)
	}
}

// Accent folding for names uses the same tables as the analyser, so a name
// folds the same way whether it is matched as a text term or as a name:
// latin1 covers U+00DF..U+00FF, latinA U+0100..U+017F; '.' keeps the
// letter and '*' folds it to two letters.
const (
	nameLatin1 = "*aaaaaa*ceeeeiiiidnooooo.ouuuuy*y"
	nameLatinA = "aaaaaacccccccc" + "dddd" + "eeeeeeeeee" + "gggggggg" + "hhhh" +
		"iiiiiiiiii" + "**" + "jj" + "kkk" + "llllllllll" + "nnnnnnnnn" + "oooooo" +
		"**" + "rrrrrr" + "ssssssss" + "tttttt" + "uuuuuuuuuuuu" + "ww" + "yyy" +
		"zzzzzz" + "s"
)

var nameMulti = map[rune]string{'æ': "ae", 'þ': "th", 'ß': "ss", 'ĳ': "ij", 'œ': "oe"}

func foldName(r rune) (string, bool) {
	var c byte
	switch {
	case 0xdf <= r && r <= 0xff:
		c = nameLatin1[r-0xdf]
	case 0x100 <= r && r <= 0x17f:
		c = nameLatinA[r-0x100]
	default:
		return "", false
	}
	switch c {
	case '.':
		return "", false
	case '*':
		s, ok := nameMulti[r]
		return s, ok
	}
	return string(rune(c)), true
}

package analyze

// Accent folding covers the Latin letters that occur in paper metadata
// (author names, loanwords such as "naïve" or "Schrödinger"), Latin
// ligatures from PDF extraction ("ﬁ") and full-width ASCII. A table lookup
// is much cheaper than a full Unicode decomposition, and letters outside
// these ranges are kept as they are.

// latin1 maps U+00DF..U+00FF (ß and the lowercase Latin-1 letters) to
// ASCII; '.' means the character is kept and '*' that it folds to two
// letters (see multi).
const latin1 = "*aaaaaa*ceeeeiiiidnooooo.ouuuuy*y"

// latinA maps U+0100..U+017F (Latin Extended-A) the same way.
const latinA = "aaaaaacccccccc" + "dddd" + "eeeeeeeeee" + "gggggggg" + "hhhh" +
	"iiiiiiiiii" + "**" + "jj" + "kkk" + "llllllllll" + "nnnnnnnnn" + "oooooo" +
	"**" + "rrrrrr" + "ssssssss" + "tttttt" + "uuuuuuuuuuuu" + "ww" + "yyy" +
	"zzzzzz" + "s"

var multi = map[rune]string{
	'æ': "ae", 'þ': "th", 'ß': "ss", 'ĳ': "ij", 'œ': "oe",
	'ﬀ': "ff", 'ﬁ': "fi", 'ﬂ': "fl", 'ﬃ': "ffi", 'ﬄ': "ffl", 'ﬅ': "st", 'ﬆ': "st",
}

// extra holds common letters of Latin Extended-B (Romanian, Vietnamese,
// pinyin with tone marks).
var extra = map[rune]string{
	'ƀ': "b", 'ƈ': "c", 'ƒ': "f", 'ơ': "o", 'ư': "u", 'ƴ': "y", 'ƶ': "z",
	'ǎ': "a", 'ǐ': "i", 'ǒ': "o", 'ǔ': "u", 'ǖ': "u", 'ǘ': "u", 'ǚ': "u", 'ǜ': "u",
	'ǧ': "g", 'ǩ': "k", 'ǫ': "o", 'ǰ': "j", 'ǵ': "g", 'ǹ': "n", 'ș': "s", 'ț': "t",
	'ȁ': "a", 'ȅ': "e", 'ȉ': "i", 'ȍ': "o", 'ȑ': "r", 'ȕ': "u",
}

// fold returns the ASCII spelling of a lowercase letter or digit, or "" when
// it has none.
func fold(r rune) string {
	switch {
	case r < 0xdf:
		return ""
	case r <= 0xff:
		return foldByte(latin1[r-0xdf], r)
	case r <= 0x17f:
		return foldByte(latinA[r-0x100], r)
	case r <= 0x24f:
		return extra[r]
	case 0xfb00 <= r && r <= 0xfb06:
		return multi[r]
	case 0xff10 <= r && r <= 0xff19: // full-width digits
		return asciiChars[r-0xff10+'0' : r-0xff10+'0'+1]
	case 0xff41 <= r && r <= 0xff5a: // full-width lowercase letters
		return asciiChars[r-0xff41+'a' : r-0xff41+'a'+1]
	}
	return ""
}

func foldByte(b byte, r rune) string {
	switch b {
	case '.':
		return ""
	case '*':
		return multi[r]
	}
	return asciiChars[b : b+1]
}

// asciiChars lets fold return one-letter strings without allocating.
var asciiChars = func() string {
	b := make([]byte, 128)
	for i := range b {
		b[i] = byte(i)
	}
	return string(b)
}()

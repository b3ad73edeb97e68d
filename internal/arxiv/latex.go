package arxiv

import (
	"strings"
	"unicode/utf8"
)

// latexToUnicode turns the LaTeX accent and letter commands that arXiv
// metadata uses in author names (Bal\'azs, G\"ahler, \c{C}etin, {\O}bro,
// \v{S}r\'amek) into Unicode. Commands it does not know are left as they are.
func latexToUnicode(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		// "{\'a}" and "{\O}": the braces only group the command.
		if s[i] == '{' && i+1 < len(s) && s[i+1] == '\\' {
			if text, n := latexCommand(s[i+1:]); n > 0 && i+1+n < len(s) && s[i+1+n] == '}' {
				b.WriteString(text)
				i += n + 2
				continue
			}
		}
		if s[i] == '\\' {
			if text, n := latexCommand(s[i:]); n > 0 {
				b.WriteString(text)
				i += n
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// latexCommand decodes the command at the start of s (s[0] == '\\') and
// returns its text and length, or n == 0 when it is not one it knows.
func latexCommand(s string) (text string, n int) {
	if len(s) < 2 {
		return "", 0
	}
	if mark, ok := symbolAccents[s[1]]; ok { // \'a \'{a} \'\i
		base, n := accentArg(s[2:], false)
		if base == 0 {
			return "", 0
		}
		return compose(s[1], base, mark), 2 + n
	}
	j := 1
	for j < len(s) && isLetter(s[j]) {
		j++
	}
	word := s[1:j]
	if len(word) == 1 {
		if mark, ok := letterAccents[word[0]]; ok { // \c{c} \c c \v{S}
			base, n := accentArg(s[j:], true)
			if base == 0 {
				return "", 0
			}
			return compose(word[0], base, mark), j + n
		}
	}
	if sym, ok := latexLetters[word]; ok { // \O \ss{} \o␣
		switch {
		case strings.HasPrefix(s[j:], "{}"):
			j += 2
		case j < len(s) && s[j] == ' ':
			j++ // TeX swallows the space after a control word
		}
		return sym, j
	}
	return "", 0
}

// accentArg reads an accent's argument: "a", "{a}", "\i" or "{\i}", and for
// accents named by a letter (\c, \v) also " a". It returns the base letter
// and the bytes read, or base == 0.
func accentArg(s string, word bool) (base byte, n int) {
	if word && strings.HasPrefix(s, " ") {
		s, n = s[1:], 1
	}
	braced := strings.HasPrefix(s, "{")
	if braced {
		s, n = s[1:], n+1
	}
	switch {
	case strings.HasPrefix(s, `\i`) && (len(s) == 2 || !isLetter(s[2])):
		base, n = 'i', n+2
		s = s[2:]
	case s != "" && isLetter(s[0]):
		base, n = s[0], n+1
		s = s[1:]
	default:
		return 0, 0
	}
	if braced {
		if !strings.HasPrefix(s, "}") {
			return 0, 0
		}
		n++
	}
	return base, n
}

// compose returns base with the accent: a precomposed letter when there is
// one, else the base letter followed by the combining mark.
func compose(accent, base byte, mark rune) string {
	if r, ok := precomposed[[2]byte{accent, base}]; ok {
		return string(r)
	}
	return string(rune(base)) + string(mark)
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// symbolAccents and letterAccents map accent commands to combining marks.
var (
	symbolAccents = map[byte]rune{
		'\'': '\u0301', '"': '\u0308', '`': '\u0300', '^': '\u0302',
		'~': '\u0303', '=': '\u0304', '.': '\u0307',
	}
	letterAccents = map[byte]rune{
		'c': '\u0327', 'v': '\u030c', 'u': '\u0306', 'H': '\u030b',
		'k': '\u0328', 'r': '\u030a',
	}
)

// latexLetters are the letters LaTeX writes as commands.
var latexLetters = map[string]string{
	"o": "ø", "O": "Ø", "ss": "ß", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ",
	"oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı",
}

// precomposed maps (accent, base letter) to the precomposed letter, so that
// names compare equal to the same names from sources that use Unicode.
var precomposed = func() map[[2]byte]rune {
	table := []struct {
		accent        byte
		bases, result string
	}{
		{'\'', "aeiouyAEIOUYcnszlrCNSZLRgG", "áéíóúýÁÉÍÓÚÝćńśźĺŕĆŃŚŹĹŔǵǴ"},
		{'"', "aeiouyAEIOUY", "äëïöüÿÄËÏÖÜŸ"},
		{'`', "aeiouAEIOUnN", "àèìòùÀÈÌÒÙǹǸ"},
		{'^', "aeiouAEIOUcgjshwyCGJSHWY", "âêîôûÂÊÎÔÛĉĝĵŝĥŵŷĈĜĴŜĤŴŶ"},
		{'~', "anoANOiuIU", "ãñõÃÑÕĩũĨŨ"},
		{'=', "aeiouAEIOU", "āēīōūĀĒĪŌŪ"},
		{'.', "zZeEgGcCI", "żŻėĖġĠċĊİ"},
		{'c', "cCsStTgGkKlLnNrR", "çÇşŞţŢģĢķĶļĻņŅŗŖ"},
		{'v', "cCsSzZrRnNeEdDtTlL", "čČšŠžŽřŘňŇěĚďĎťŤľĽ"},
		{'u', "aAgGeEoOuUiI", "ăĂğĞĕĔŏŎŭŬĭĬ"},
		{'H', "oOuU", "őŐűŰ"},
		{'k', "aAeEiIuU", "ąĄęĘįĮųŲ"},
		{'r', "aAuU", "åÅůŮ"},
	}
	m := make(map[[2]byte]rune)
	for _, row := range table {
		if len(row.bases) != utf8.RuneCountInString(row.result) {
			panic("arxiv: precomposed table row " + string(row.accent) + " is misaligned")
		}
		i := 0
		for _, r := range row.result {
			m[[2]byte{row.accent, row.bases[i]}] = r
			i++
		}
	}
	return m
}()

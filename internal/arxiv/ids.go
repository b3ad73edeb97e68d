// Package arxiv reads arXiv metadata: it normalises paper identifiers, parses
// the listing and Kaggle snapshot JSON-lines formats into quire.Papers,
// fetches papers from the arXiv API, and finds code-repository links in
// abstracts and comments.
package arxiv

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"quire"
)

// maxIDInput bounds the input ParseID looks at; the longest real form, a PDF
// link with an old-style id, a version and a query string, is far shorter.
const maxIDInput = 512

// ParseID normalises any common form of arXiv identifier to the canonical id
// without version, plus the version (0 when none is given). It accepts
//
//	2406.01234   2406.01234v2   0704.0001   arXiv:2406.01234
//	hep-th/9901001v3   math.GT/0309136 (canonical: math/0309136)
//	https://arxiv.org/abs/2406.01234   arxiv.org/pdf/2406.01234v3.pdf
//	export.arxiv.org/abs/…   https://huggingface.co/papers/2406.01234
//	arXiv:2406.01234v2 [cs.CL]  (the citation form arXiv suggests)
//
// with surrounding white space; query strings and fragments of links are
// ignored. Anything else is an error of kind quire.ErrInvalid.
func ParseID(s string) (id string, version int, err error) {
	orig := s
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", 0, quire.Invalidf("empty arXiv identifier")
	case len(s) > maxIDInput:
		return "", 0, quire.Invalidf("%s is too long to be an arXiv identifier", quote(orig))
	}
	s, isURL, err := trimURL(s)
	if err != nil {
		return "", 0, err
	}
	if !isURL {
		if len(s) >= 6 && strings.EqualFold(s[:6], "arxiv:") {
			s = strings.TrimSpace(s[6:])
		}
		// "arXiv:2406.01234v2 [cs.CL]": drop the bracketed category.
		if before, cat, ok := strings.Cut(s, " ["); ok && strings.HasSuffix(cat, "]") {
			s = strings.TrimSpace(before)
		}
	}
	id, version, err = parseBare(s)
	if err != nil {
		if msg := quire.UserMessage(err); msg != "" {
			return "", 0, quire.Invalidf("%s is not a valid arXiv identifier: %s", quote(orig), msg)
		}
		return "", 0, quire.Invalidf("%s is not an arXiv identifier; expected e.g. 2406.01234, hep-th/9901001 or an arxiv.org link", quote(orig))
	}
	return id, version, nil
}

// FormatID joins a canonical id and a version: "2406.01234v2", or the bare
// id when version is 0.
func FormatID(id string, version int) string {
	if version <= 0 {
		return id
	}
	return id + "v" + strconv.Itoa(version)
}

// IsCanonical reports whether s is already a canonical id without version.
func IsCanonical(s string) bool {
	id, v, err := ParseID(s)
	return err == nil && v == 0 && id == s
}

// errNotID is returned by the inner parsers when the input does not have the
// shape of an id at all; ParseID replaces it with a message showing the
// accepted forms. Errors with a user message explain what is wrong instead.
var errNotID = errors.New("not an arXiv identifier")

// trimURL strips the scheme, host, path prefix, query and fragment from a
// link to an arXiv or Hugging Face paper page, leaving the id part. isURL
// reports whether s was a link at all.
func trimURL(s string) (rest string, isURL bool, err error) {
	rest = s
	hasScheme := false
	for _, scheme := range []string{"https://", "http://"} {
		if hasPrefixFold(rest, scheme) {
			rest, hasScheme = rest[len(scheme):], true
			break
		}
	}
	var prefixes []string
	switch {
	case hasPrefixFold(rest, "arxiv.org/"), hasPrefixFold(rest, "www.arxiv.org/"), hasPrefixFold(rest, "export.arxiv.org/"):
		prefixes = []string{"abs/", "pdf/", "html/"}
	case hasPrefixFold(rest, "huggingface.co/"), hasPrefixFold(rest, "www.huggingface.co/"):
		prefixes = []string{"papers/"}
	default:
		if hasScheme {
			return "", true, quire.Invalidf("%s is not a link to an arXiv or Hugging Face paper page", quote(s))
		}
		return s, false, nil
	}
	_, rest, _ = strings.Cut(rest, "/") // drop the host
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	ok := false
	for _, p := range prefixes {
		if hasPrefixFold(rest, p) {
			rest, ok = rest[len(p):], true
			break
		}
	}
	if !ok {
		return "", true, quire.Invalidf("%s is not a link to an arXiv or Hugging Face paper page", quote(s))
	}
	rest = strings.TrimSuffix(rest, "/")
	if len(rest) > 4 && strings.EqualFold(rest[len(rest)-4:], ".pdf") {
		rest = rest[:len(rest)-4]
	}
	return rest, true, nil
}

// parseBare parses "2406.01234v2" or "hep-th/9901001v3" (no prefix, no link).
func parseBare(s string) (id string, version int, err error) {
	base, version, err := splitVersion(s)
	if err != nil {
		return "", 0, err
	}
	switch {
	case len(base) > 5 && base[4] == '.' && allDigits(base[:4]):
		id, err = parseNewStyle(base)
	case strings.IndexByte(base, '/') > 0:
		id, err = parseOldStyle(base)
	default:
		err = errNotID
	}
	if err != nil {
		return "", 0, err
	}
	return id, version, nil
}

// splitVersion splits a trailing "v<digits>" off s.
func splitVersion(s string) (base string, version int, err error) {
	i := len(s)
	for i > 0 && isDigit(s[i-1]) {
		i--
	}
	if i == len(s) || i < 2 || (s[i-1] != 'v' && s[i-1] != 'V') || !isDigit(s[i-2]) {
		return s, 0, nil
	}
	digits := s[i:]
	if digits[0] == '0' || len(digits) > 4 {
		return "", 0, quire.Invalidf("version %q is out of range", clipString(digits))
	}
	v, _ := strconv.Atoi(digits)
	return s[:i-1], v, nil
}

// parseNewStyle validates "YYMM.NNNNN". From 0704 to 1412 the number has
// four digits, from 1501 on five.
func parseNewStyle(base string) (string, error) {
	num := base[5:]
	if !allDigits(num) {
		return "", errNotID
	}
	yymm, _ := strconv.Atoi(base[:4])
	if m := yymm % 100; m < 1 || m > 12 {
		return "", quire.Invalidf("month %02d does not exist", m)
	}
	if yymm < 704 {
		return "", quire.Invalidf("identifiers of the form YYMM.NNNNN start at 0704 (April 2007)")
	}
	want := 5
	if yymm < 1501 {
		want = 4
	}
	if len(num) != want {
		if want == 5 {
			return "", quire.Invalidf("identifiers from 2015 on have 5 digits after the dot")
		}
		return "", quire.Invalidf("identifiers before 2015 have 4 digits after the dot")
	}
	if strings.Trim(num, "0") == "" {
		return "", quire.Invalidf("paper number 0 does not exist")
	}
	return base, nil
}

// parseOldStyle validates "archive[.Class]/YYMMNNN" (1991 to March 2007)
// and drops the subject class, which is not part of the identity.
func parseOldStyle(base string) (string, error) {
	archive, num, _ := strings.Cut(base, "/")
	archive, _, _ = strings.Cut(archive, ".")
	archive = strings.ToLower(archive)
	if !oldArchives[archive] {
		if len(num) == 7 && allDigits(num) && archive != "" {
			return "", quire.Invalidf("%q is not an arXiv archive", clipString(archive))
		}
		return "", errNotID
	}
	if len(num) != 7 || !allDigits(num) {
		return "", quire.Invalidf("old-style identifiers have 7 digits after the archive")
	}
	yy, _ := strconv.Atoi(num[:2])
	mm, _ := strconv.Atoi(num[2:4])
	if mm < 1 || mm > 12 {
		return "", quire.Invalidf("month %02d does not exist", mm)
	}
	// yy 91..99 are 1991..1999; 00..07 are 2000..2007.
	ym := yy*100 + mm
	if yy >= 91 {
		ym -= 10000
	}
	if ym < 9107-10000 || ym > 703 {
		return "", quire.Invalidf("old-style identifiers run from 9107 to 0703")
	}
	if num[4:] == "000" {
		return "", quire.Invalidf("paper number 0 does not exist")
	}
	return archive + "/" + num, nil
}

// oldArchives are the archives that issued identifiers of the form
// archive/YYMMNNN before April 2007.
var oldArchives = map[string]bool{
	"acc-phys": true, "adap-org": true, "alg-geom": true, "ao-sci": true,
	"astro-ph": true, "atom-ph": true, "bayes-an": true, "chao-dyn": true,
	"chem-ph": true, "cmp-lg": true, "comp-gas": true, "cond-mat": true,
	"cs": true, "dg-ga": true, "funct-an": true, "gr-qc": true,
	"hep-ex": true, "hep-lat": true, "hep-ph": true, "hep-th": true,
	"math": true, "math-ph": true, "mtrl-th": true, "nlin": true,
	"nucl-ex": true, "nucl-th": true, "patt-sol": true, "physics": true,
	"plasm-ph": true, "q-alg": true, "q-bio": true, "quant-ph": true,
	"solv-int": true, "supr-con": true,
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// quote returns s quoted and escaped for an error message, clipped so that
// hostile input is never echoed at length.
func quote(s string) string {
	return strconv.Quote(clipString(s))
}

// clipString shortens s to about 40 characters, on a rune boundary.
func clipString(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

package analyze

import (
	"testing"
	"unicode"
)

func TestFold(t *testing.T) {
	for _, tc := range []struct {
		letters string
		want    string
	}{
		{"àáâãäåāăą", "a"},
		{"çćĉċč", "c"},
		{"ďđð", "d"},
		{"èéêëēĕėęě", "e"},
		{"ĝğġģǧǵ", "g"},
		{"ìíîïĩīĭįı", "i"},
		{"ĺļľŀł", "l"},
		{"ñńņňŉŋǹ", "n"},
		{"òóôõöøōŏőơǒ", "o"},
		{"ŕŗřȑ", "r"},
		{"śŝşšſș", "s"},
		{"ţťŧț", "t"},
		{"ùúûüũūŭůűųưǔǖǘǚǜ", "u"},
		{"ýÿŷ", "y"},
		{"źżž", "z"},
		{"０", "0"},
		{"９", "9"},
		{"ａ", "a"},
		{"ｚ", "z"},
		{"æ", "ae"},
		{"œ", "oe"},
		{"ß", "ss"},
		{"þ", "th"},
		{"ĳ", "ij"},
		{"ﬁ", "fi"},
		{"ﬃ", "ffi"},
	} {
		for _, r := range tc.letters {
			if got := fold(r); got != tc.want {
				t.Errorf("fold(%q) = %q, want %q", r, got, tc.want)
			}
		}
	}
	for _, r := range "abcz09÷µжα中" {
		if got := fold(r); got != "" {
			t.Errorf("fold(%q) = %q, want no folding", r, got)
		}
	}
}

// TestFoldCoversLatin checks that every letter of Latin-1 and Latin
// Extended-A folds, once lowercased, to ASCII letters.
func TestFoldCoversLatin(t *testing.T) {
	if len(latin1) != 0xff-0xdf+1 || len(latinA) != 0x17f-0x100+1 {
		t.Fatalf("fold tables have %d and %d entries", len(latin1), len(latinA))
	}
	for r := rune(0xc0); r <= 0x17f; r++ {
		if !unicode.IsLetter(r) {
			continue
		}
		lower := unicode.ToLower(r)
		if lower < unicode.MaxASCII {
			continue // İ lowercases to i
		}
		f := fold(lower)
		if f == "" {
			t.Errorf("fold(lower(%q)) is empty", r)
		}
		for _, c := range f {
			if c < 'a' || c > 'z' {
				t.Errorf("fold(lower(%q)) = %q, not lowercase ASCII", r, f)
			}
		}
	}
}

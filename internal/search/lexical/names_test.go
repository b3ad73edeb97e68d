package lexical

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNameWords(t *testing.T) {
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"Geoffrey E. Hinton", []string{"geoffrey", "e", "hinton"}},
		{"C.-P. Yuan", []string{"c", "p", "yuan"}},
		{"Balázs", []string{"balazs"}},
		{"Bala\u0301zs", []string{"balazs"}}, // decomposed accent
		{"Łukasz Kaiser", []string{"lukasz", "kaiser"}},
		{"Jürgen Schmidhuber", []string{"jurgen", "schmidhuber"}},
		{"Straße", []string{"strasse"}},
		{"O'Brien", []string{"obrien"}},
		{"O’Brien", []string{"obrien"}},
		{"Yann LeCun", []string{"yann", "lecun"}},
		{"  ", nil},
		{"", nil},
		{"李飞飞", []string{"李飞飞"}},
		{"Ørsted", []string{"orsted"}},
		{"Nguyễn Văn A", []string{"nguyễn", "van", "a"}},
		{strings.Repeat("a", 100), []string{strings.Repeat("a", maxNameWord)}},
	} {
		if diff := cmp.Diff(tc.want, NameWords(tc.name)); diff != "" {
			t.Errorf("NameWords(%q) mismatch (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestNameFoldTables(t *testing.T) {
	if len(nameLatin1) != 0xff-0xdf+1 {
		t.Errorf("latin1 table has %d entries", len(nameLatin1))
	}
	if len(nameLatinA) != 0x17f-0x100+1 {
		t.Errorf("latinA table has %d entries", len(nameLatinA))
	}
}

package sqlite

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestJSONStrings(t *testing.T) {
	for _, want := range [][]string{
		nil,
		{"Jin Kim"},
		{"C. Balázs", "E. L. Berger"},
		{`O'Brien, "Quote"`, `back\slash`, `a","b`},
		{"", "x"},
		{"数学", "😀", "tab\there"},
	} {
		enc := jsonText(want)
		got, err := jsonStrings(enc)
		if err != nil {
			t.Fatalf("jsonStrings(%s): %v", enc, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("jsonStrings(%s) mismatch (-want +got):\n%s", enc, diff)
		}
	}
	if _, err := jsonStrings(`["unterminated`); err == nil {
		t.Error("jsonStrings accepted broken JSON")
	}
}

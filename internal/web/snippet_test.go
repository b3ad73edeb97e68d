package web

import "testing"

func TestSnippet(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"one two three four", 10, "one two…"},
		{"one two, three", 9, "one two…"},
		{"ééééé", 5, "éé…"},
	} {
		if got := snippet(tc.in, tc.max); got != tc.want {
			t.Errorf("snippet(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

package markdown

import (
	"errors"
	"testing"

	"quire"
)

// FuzzRender checks Render's promises on any input: an error only of kind
// ErrInvalid with a message for the author (always for oversized input), and
// otherwise output that passes unsafeProblems and that the policy leaves as
// it is.
func FuzzRender(f *testing.F) {
	for _, tt := range renderTests {
		f.Add(tt.in)
	}
	for _, tt := range xssTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out, err := Render(src)
		if len(src) > MaxBytes && err == nil {
			t.Fatalf("Render of %d bytes succeeded", len(src))
		}
		if err != nil {
			if !errors.Is(err, quire.ErrInvalid) || quire.UserMessage(err) == "" || out != "" {
				t.Fatalf("Render(%q) = %q, %v; want only an error of kind ErrInvalid with a message", src, out, err)
			}
			return
		}
		MustBeSafe(t, src, string(out))
		// Sanitising again changes nothing: goldmark's output already lies
		// within the policy, so the policy only ever confirms it.
		if again := policy.Sanitize(string(out)); again != string(out) {
			t.Errorf("Render(%q) = %q, which the policy changes to %q", src, out, again)
		}
	})
}

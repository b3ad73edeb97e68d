package arxiv

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"quire"
)

// FuzzParseAPIFeed feeds arbitrary bytes to the Atom parser: any input must
// give papers that are valid and already normalised, or an error that is an
// *APIError or of kind quire.ErrInvalid with a message; never a panic.
func FuzzParseAPIFeed(f *testing.F) {
	files, err := filepath.Glob(filepath.Join(apiFixtures, "*"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures in %s: %v", apiFixtures, err)
	}
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<feed><entry><id>http://arxiv.org/abs/0704.0001v2</id><title>T</title>` +
		`<published>2007-04-02T19:18:42+14:00</published><arxiv:primary_category term="I.2"/></entry></feed>`))
	f.Add([]byte(`<feed><entry><id>https://arxiv.org/api/errors#</id><summary></summary></entry></feed>`))
	f.Add([]byte(`<!DOCTYPE feed [<!ENTITY x "y">]><feed>&x;</feed>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		feed, err := ParseAPIFeed(data)
		if err != nil {
			var apiErr *APIError
			switch {
			case errors.As(err, &apiErr):
				if apiErr.Message == "" {
					t.Errorf("APIError without a message")
				}
			case !errors.Is(err, quire.ErrInvalid) || quire.UserMessage(err) == "":
				t.Errorf("error %v is not of kind ErrInvalid with a message", err)
			}
			return
		}
		if feed.TotalResults < -1 {
			t.Errorf("TotalResults = %d", feed.TotalResults)
		}
		for _, p := range feed.Papers {
			if err := p.Validate(); err != nil {
				t.Errorf("paper %q is not valid: %v", p.ID, err)
			}
			if !IsCanonical(p.ID) {
				t.Errorf("paper id %q is not canonical", p.ID)
			}
			again := *p
			again.Authors = append([]string(nil), p.Authors...)
			again.Categories = append([]string(nil), p.Categories...)
			again.Normalize()
			if !again.Equal(p) {
				t.Errorf("paper %q is not normalised:\n got %+v\nthen %+v", p.ID, p, again)
			}
			for _, c := range p.Categories {
				if !isArxivCategory(c) {
					t.Errorf("paper %q has category %q", p.ID, c)
				}
			}
		}
	})
}

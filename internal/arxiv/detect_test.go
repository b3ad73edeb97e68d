package arxiv

import "testing"

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		name string
		line []byte
		want Format
	}{
		{"listing", MustReadLines(t, "../../testdata/arxiv/listings_sample.jsonl")[0], FormatListing},
		{"kaggle", MustReadLines(t, kaggleSample)[0], FormatKaggle},
		{"listing with BOM", append([]byte("\xef\xbb\xbf"), MustReadLines(t, "../../testdata/arxiv/listings_sample.jsonl")[0]...), FormatListing},
		{"listing without date", []byte(`{"id":"2503.11731","abs":"https://arxiv.org/abs/2503.11731","authors":["A"]}`), FormatListing},
		{"kaggle, authors string only", []byte(`{"id":"0704.0001","authors":"A and B"}`), FormatKaggle},
		{"kaggle, update_date only", []byte(`{"id":"0704.0001","update_date":"2008-11-26"}`), FormatKaggle},
		{"daily papers item", []byte(`{"paper":{"id":"2406.01234"},"title":"x"}`), FormatUnknown},
		{"no known keys", []byte(`{"id":"2406.01234"}`), FormatUnknown},
		{"array", []byte(`[{"id":"2406.01234"}]`), FormatUnknown},
		{"not JSON", []byte(`id,title`), FormatUnknown},
		{"empty", nil, FormatUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sniff(tc.line); got != tc.want {
				t.Errorf("Sniff(%.60q) = %v; want %v", tc.line, got, tc.want)
			}
		})
	}
}

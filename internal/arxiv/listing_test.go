package arxiv

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// findLine returns the line of a JSON-lines file that holds the given id.
func findLine(tb testing.TB, path, id string) []byte {
	tb.Helper()
	for _, line := range MustReadLines(tb, path) {
		if strings.Contains(string(line), `"id": "`+id+`"`) || strings.Contains(string(line), `"id":"`+id+`"`) {
			return line
		}
	}
	tb.Fatalf("%s has no record %s", path, id)
	return nil
}

func TestParseListing(t *testing.T) {
	for _, tc := range []struct {
		file, id string
		want     *quire.Paper
		// ignoreAbstract skips comparing long abstracts; they are checked
		// in TestParseListingAll.
		ignoreAbstract bool
	}{
		{
			file: "../../testdata/arxiv/listings_sample.jsonl", id: "2503.11742",
			want: &quire.Paper{
				ID:    "2503.11742",
				Title: "Safe Vision-Language Models via Unsafe Weights Manipulation",
				Authors: []string{"Moreno D'Incà", "Elia Peruzzo", "Xingqian Xu", "Humphrey Shi",
					"Nicu Sebe", "Massimiliano Mancini"},
				Abstract: "Vision-language models (VLMs) often inherit the biases and unsafe " +
					"associations present within their large-scale training dataset. While recent " +
					"approaches mitigate unsafe behaviors, their evaluation focuses on how safe the " +
					"model is on unsafe inputs, ignoring potential shortcomings on safe ones. In " +
					"this paper, we first revise safety evaluation by introducing SafeGround, a new " +
					"set of metrics that evaluate safety at different levels of granularity. With " +
					"this metric, we uncover a surprising issue of training-based methods: they make " +
					"the model less safe on safe inputs. From this finding, we take a different " +
					"direction and explore whether it is possible to make a model safer without " +
					"training, introducing Unsafe Weights Manipulation (UWM). UWM uses a calibration " +
					"set of safe and unsafe instances to compare activations between safe and unsafe " +
					"content, identifying the most important parameters for processing the latter. " +
					"Their values are then manipulated via negation. Experiments show that UWM " +
					"achieves the best tradeoff between safety and knowledge preservation, " +
					"consistently improving VLMs on unsafe queries while outperforming even " +
					"training-based state-of-the-art methods on safe ones.",
				Categories:  []string{"cs.CV", "cs.AI"},
				PublishedAt: day("2025-03-18"),
				Comments:    "Work in progress",
			},
		},
		{
			file: "../../testdata/arxiv/listings_edge.jsonl", id: "2605.27255", ignoreAbstract: true,
			want: &quire.Paper{
				ID:    "2605.27255",
				Title: "Pair-In, Pair-Out: Latent Multi-Token Prediction for Efficient LLMs",
				Authors: []string{"Wenhui Tan", "Minghao Li", "Xiaoqian Ma", "Siqi Fan", "Xiusheng Huang",
					"Liujie Zhang", "Ruihua Song", "Weihang Chen"},
				Categories:  []string{"cs.CL", "cs.AI"},
				PublishedAt: day("2026-05-27"),
				Comments:    "Project Page: GitHub.com/AlbertTan404/PIPO",
				CodeURL:     "https://github.com/AlbertTan404/PIPO",
			},
		},
		{
			file: "../../testdata/arxiv/listings_edge.jsonl", id: "2601.05376", ignoreAbstract: true,
			want: &quire.Paper{
				ID:    "2601.05376",
				Title: "The Persona Paradox: Medical Personas as Behavioral Priors in Clinical Language Models",
				Authors: []string{"Tassallah Abdullahi", "Shrestha Ghosh", "Hamish S Fraser", "Daniel León Tramontini",
					"Adeel Abbasi", "Ghada Bourjeily", "Carsten Eickhoff", "Ritambhara Singh"},
				Categories:  []string{"cs.AI", "cs.CL"},
				PublishedAt: day("2026-01-12"),
				CodeURL:     "https://github.com/rsinghlab/Persona_Paradox",
			},
		},
		{
			file: "../../testdata/arxiv/listings_edge.jsonl", id: "2512.11575", ignoreAbstract: true,
			want: &quire.Paper{
				ID:          "2512.11575",
				Title:       "In-Context Learning for Seismic Data Processing",
				Authors:     []string{"Fabian Fuchs", "Mario Ruben Fernandez", "Norman Ettrich", "Janis Keuper"},
				Categories:  []string{"cs.CV", "cs.LG"},
				PublishedAt: day("2025-12-15"),
				Comments:    "Source code available under https://codeberg.org/fuchsfa/in-context-learning-seismic",
				CodeURL:     "https://codeberg.org/fuchsfa/in-context-learning-seismic",
			},
		},
	} {
		t.Run(tc.id, func(t *testing.T) {
			got, err := ParseListing(findLine(t, tc.file, tc.id))
			if err != nil {
				t.Fatal(err)
			}
			if tc.ignoreAbstract {
				// Paper has an Equal method, which cmp prefers to field
				// options, so the field is cleared instead of ignored.
				got.Abstract = ""
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseListing(%s) mismatch (-want +got):\n%s", tc.id, diff)
			}
		})
	}
}

// TestParseListingAll parses every sample line and checks what holds for
// all of them.
func TestParseListingAll(t *testing.T) {
	for _, file := range []string{"../../testdata/arxiv/listings_sample.jsonl", "../../testdata/arxiv/listings_edge.jsonl"} {
		for i, line := range MustReadLines(t, file) {
			p, err := ParseListing(line)
			if err != nil {
				t.Fatalf("%s:%d: %v", file, i+1, err)
			}
			if !IsCanonical(p.ID) || p.Version != 0 || len(p.Authors) == 0 || len(p.Categories) == 0 ||
				p.PublishedAt.IsZero() || p.PublishedAt != quire.TruncateDay(p.PublishedAt) {
				t.Errorf("%s:%d: incomplete paper %+v", file, i+1, p)
			}
			// Paragraphs are kept ("\n\n"); hard line breaks are not.
			if p.Abstract == "" || strings.Contains(strings.ReplaceAll(p.Abstract, "\n\n", ""), "\n") {
				t.Errorf("%s:%d: abstract not unwrapped: %q", file, i+1, p.Abstract)
			}
		}
	}
}

func TestParseListingInvalid(t *testing.T) {
	good := string(findLine(t, "../../testdata/arxiv/listings_sample.jsonl", "2503.11742"))
	for _, tc := range []struct {
		name, line, want string
	}{
		{"empty", "", "not valid JSON"},
		{"truncated", good[:len(good)/2], "not valid JSON"},
		{"not an object", `["2503.11742"]`, "should be a JSON object"},
		{"null", `null`, "has no id"},
		{"missing id", strings.Replace(good, `"id": "2503.11742", `, "", 1), "has no id"},
		{"bad id", strings.Replace(good, `"id": "2503.11742"`, `"id": "2513.11742"`, 1), "month 13"},
		{"id not a string", strings.Replace(good, `"id": "2503.11742"`, `"id": 2503.11742`, 1), `field "id" should be a string`},
		{"authors not an array", strings.Replace(good, `"authors": [`, `"authors": "x", "y": [`, 1), `field "authors" should be an array`},
		{"missing title", strings.Replace(good, `"title": "Safe Vision-Language Models via Unsafe Weights Manipulation"`, `"title": "  "`, 1), "has no title"},
		{"bad listing date", strings.Replace(good, `"2025-03-18"`, `"2025-02-30"`, 1), "listing_date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseListing([]byte(tc.line))
			if err == nil {
				t.Fatalf("ParseListing = %+v; want an error", p)
			}
			if !errors.Is(err, quire.ErrInvalid) || !strings.Contains(quire.UserMessage(err), tc.want) {
				t.Errorf("ParseListing error %q; want kind ErrInvalid mentioning %q", err, tc.want)
			}
		})
	}
}

func BenchmarkParseListing(b *testing.B) {
	lines := MustReadLines(b, "../../testdata/arxiv/listings_sample.jsonl")
	size := 0
	for _, l := range lines {
		size += len(l)
	}
	b.SetBytes(int64(size / len(lines)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := ParseListing(lines[i%len(lines)]); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzParseListing(f *testing.F) {
	for _, line := range MustReadLines(f, "../../testdata/arxiv/listings_edge.jsonl") {
		f.Add(line)
	}
	f.Add([]byte(`{"id":"hep-th/9901001v2","title":"t","authors":["a"],"listing_date":"2025-01-01"}`))
	f.Add([]byte(`{"id":"2503.11742","title":"x","comment":null,"categories":null}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		checkParsed(t, ParseListing, line)
	})
}

// checkParsed checks the invariants of a parser on any input: no panic, an
// ErrInvalid error with a user message, or a valid paper whose id re-parses
// to itself.
func checkParsed(t *testing.T, parse func([]byte) (*quire.Paper, error), line []byte) {
	p, err := parse(line)
	if err != nil {
		if !errors.Is(err, quire.ErrInvalid) || quire.UserMessage(err) == "" {
			t.Fatalf("error %v has no user message", err)
		}
		return
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("parsed paper does not validate: %v", err)
	}
	id, v, err := ParseID(FormatID(p.ID, p.Version))
	if err != nil || id != p.ID || v != p.Version {
		t.Fatalf("id %q v%d re-parses to %q v%d, %v", p.ID, p.Version, id, v, err)
	}
}

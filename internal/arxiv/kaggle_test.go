package arxiv

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
)

const kaggleSample = "../../testdata/arxiv/kaggle_sample_200.jsonl"

func gmt(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseKaggle(t *testing.T) {
	for _, tc := range []struct {
		id             string
		want           *quire.Paper
		ignoreAbstract bool
	}{
		{
			id: "0704.0001",
			want: &quire.Paper{
				ID:      "0704.0001",
				Version: 2,
				Title:   "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies",
				Authors: []string{"C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"},
				Abstract: "A fully differential calculation in perturbative quantum chromodynamics is " +
					"presented for the production of massive photon pairs at hadron colliders. All " +
					"next-to-leading order perturbative contributions from quark-antiquark, " +
					"gluon-(anti)quark, and gluon-gluon subprocesses are included, as well as " +
					"all-orders resummation of initial-state gluon radiation valid at " +
					"next-to-next-to-leading logarithmic accuracy. The region of phase space is " +
					"specified in which the calculation is most reliable. Good agreement is " +
					"demonstrated with data from the Fermilab Tevatron, and predictions are made for " +
					"more detailed tests with CDF and DO data. Predictions are shown for " +
					"distributions of diphoton pairs produced at the energy of the Large Hadron " +
					"Collider (LHC). Distributions of the diphoton pairs from the decay of a Higgs " +
					"boson are contrasted with those produced from QCD processes at the LHC, showing " +
					"that enhanced sensitivity to the signal can be obtained with judicious " +
					"selection of events.",
				Categories:  []string{"hep-ph"},
				PublishedAt: gmt("2007-04-02 19:18:42"),
				UpdatedAt:   gmt("2007-07-24 20:10:27"),
				Comments:    "37 pages, 15 figures; published version",
				JournalRef:  "Phys.Rev.D76:013009,2007",
				DOI:         "10.1103/PhysRevD.76.013009",
				Versions: []quire.Version{
					{N: 1, CreatedAt: gmt("2007-04-02 19:18:42")},
					{N: 2, CreatedAt: gmt("2007-07-24 20:10:27")},
				},
			},
		},
		{
			id: "0704.0002", ignoreAbstract: true,
			want: &quire.Paper{
				ID:          "0704.0002",
				Version:     2,
				Title:       "Sparsity-certifying Graph Decompositions",
				Authors:     []string{"Ileana Streinu", "Louis Theran"},
				Categories:  []string{"math.CO", "cs.CG"},
				PublishedAt: gmt("2007-03-31 02:26:18"),
				UpdatedAt:   gmt("2008-12-13 17:26:00"),
				Comments:    "To appear in Graphs and Combinatorics",
				License:     "http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
				Versions: []quire.Version{
					{N: 1, CreatedAt: gmt("2007-03-31 02:26:18")},
					{N: 2, CreatedAt: gmt("2008-12-13 17:26:00")},
				},
			},
		},
		{
			id: "0704.0020", ignoreAbstract: true,
			want: &quire.Paper{
				ID:          "0704.0020",
				Version:     1,
				Title:       "Measurement of the Hadronic Form Factor in D0 --> K- e+ nue Decays",
				Authors:     []string{"The BABAR Collaboration", "B. Aubert"},
				Categories:  []string{"hep-ex"},
				PublishedAt: gmt("2007-03-31 09:49:10"),
				UpdatedAt:   gmt("2007-03-31 09:49:10"),
				Comments: "21 pages, 13 postscript figures, submitted to Phys. Rev. D, " +
					"contributed to 42nd Rencontres de Moriond: QCD and Hadronic Interactions",
				JournalRef: "Phys.Rev.D76:052005,2007",
				DOI:        "10.1103/PhysRevD.76.052005",
				Versions:   []quire.Version{{N: 1, CreatedAt: gmt("2007-03-31 09:49:10")}},
			},
		},
		{
			id: "0704.0049", ignoreAbstract: true,
			want: &quire.Paper{
				ID:          "0704.0049",
				Version:     1,
				Title:       "An algorithm for the classification of smooth Fano polytopes",
				Authors:     []string{"Mikkel Øbro"},
				Categories:  []string{"math.CO"},
				PublishedAt: gmt("2007-04-02 09:23:25"),
				UpdatedAt:   gmt("2007-04-02 09:23:25"),
				Comments:    "17 pages.",
				Versions:    []quire.Version{{N: 1, CreatedAt: gmt("2007-04-02 09:23:25")}},
			},
		},
	} {
		t.Run(tc.id, func(t *testing.T) {
			got, err := ParseKaggle(findLine(t, kaggleSample, tc.id))
			if err != nil {
				t.Fatal(err)
			}
			if tc.ignoreAbstract {
				got.Abstract = "" // see TestParseListing
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseKaggle(%s) mismatch (-want +got):\n%s", tc.id, diff)
			}
		})
	}
}

// TestParseKaggleAll parses the whole sample and checks each paper against
// the raw record it came from.
func TestParseKaggleAll(t *testing.T) {
	lines := MustReadLines(t, kaggleSample)
	for i, line := range lines {
		p, err := ParseKaggle(line)
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		var raw struct {
			ID            string
			Versions      []json.RawMessage
			AuthorsParsed [][]string `json:"authors_parsed"`
			Authors       string
		}
		if err := json.Unmarshal(line, &raw); err != nil {
			t.Fatal(err)
		}
		if p.ID != raw.ID || p.Version != len(raw.Versions) || len(p.Versions) != len(raw.Versions) ||
			len(p.Authors) != len(raw.AuthorsParsed) || len(p.Categories) == 0 ||
			p.PublishedAt.IsZero() || p.UpdatedAt.Before(p.PublishedAt) {
			t.Errorf("line %d: paper %s does not match its record: %+v", i+1, raw.ID, p)
		}
		// The authors string, split, names the same people as
		// authors_parsed (which spaces initials: "F. R." for "F.R.").
		split := splitAuthors(raw.Authors)
		squash := func(names []string) string { return strings.ReplaceAll(strings.Join(names, ","), " ", "") }
		if squash(split) != squash(p.Authors) {
			t.Errorf("line %d: %s: authors string splits into\n%q\nbut authors_parsed gives\n%q", i+1, raw.ID, split, p.Authors)
		}
	}
	if len(lines) != 200 {
		t.Errorf("read %d lines; want 200", len(lines))
	}
}

func TestSplitAuthors(t *testing.T) {
	// Real authors strings from the Kaggle sample.
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"Ileana Streinu and Louis Theran", []string{"Ileana Streinu", "Louis Theran"}},
		{`C. Bal\'azs, E. L. Berger, P. M. Nadolsky, C.-P. Yuan`, []string{"C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"}},
		{"The BABAR Collaboration, B. Aubert, et al", []string{"The BABAR Collaboration", "B. Aubert"}},
		{"V. M. Biryukov (Serpukhov, IHEP)", []string{"V. M. Biryukov"}},
		{"Randy K. Dumas, Chang-Peng Li, Igor V. Roshchin, Ivan K. Schuller and\n  Kai Liu",
			[]string{"Randy K. Dumas", "Chang-Peng Li", "Igor V. Roshchin", "Ivan K. Schuller", "Kai Liu"}},
		{"A. Greilich (1), M. Wiemann (1), F. G. G. Hernandez (1), D. R.\n  Yakovlev (1), I. A. Yugova (1), A. Shabaev (2), Al. L. Efros (2), D. Reuter\n  (3), A. D. Wieck (3), and M. Bayer (1) ((1) Universit\\\"at Dortmund, Germany,\n  (2) Washington, USA, (3) Ruhr-Universit\\\"at Bochum, Germany)",
			[]string{"A. Greilich", "M. Wiemann", "F. G. G. Hernandez", "D. R. Yakovlev", "I. A. Yugova", "A. Shabaev", "Al. L. Efros", "D. Reuter", "A. D. Wieck", "M. Bayer"}},
		{`Peter Brommer and Franz G\"ahler (Institut f\"ur Theoretische und`, []string{"Peter Brommer", "Franz Gähler"}},
		{"", nil},
	} {
		if got := splitAuthors(tc.in); !cmp.Equal(got, tc.want) {
			t.Errorf("splitAuthors(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseKaggleFallbacks(t *testing.T) {
	var rec map[string]any
	if err := json.Unmarshal(findLine(t, kaggleSample, "0704.0001"), &rec); err != nil {
		t.Fatal(err)
	}
	// Without authors_parsed the authors string is split; without versions
	// update_date is the only date.
	delete(rec, "authors_parsed")
	rec["versions"] = []any{}
	line, _ := json.Marshal(rec)
	p, err := ParseKaggle(line)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"}
	if diff := cmp.Diff(want, p.Authors); diff != "" {
		t.Errorf("authors mismatch (-want +got):\n%s", diff)
	}
	if p.Version != 0 || !p.PublishedAt.IsZero() || !p.UpdatedAt.Equal(day("2008-11-26")) {
		t.Errorf("got version %d, published %v, updated %v; want 0, zero, 2008-11-26", p.Version, p.PublishedAt, p.UpdatedAt)
	}
}

func TestParseKaggleInvalid(t *testing.T) {
	good := string(findLine(t, kaggleSample, "0704.0002"))
	for _, tc := range []struct {
		name, line, want string
	}{
		{"empty", "", "not valid JSON"},
		{"truncated", good[:len(good)-3], "not valid JSON"},
		{"missing id", strings.Replace(good, `"id":"0704.0002",`, "", 1), "has no id"},
		{"bad id", strings.Replace(good, `"id":"0704.0002"`, `"id":"0704.002"`, 1), "4 digits"},
		{"categories not a string", strings.Replace(good, `"categories":"math.CO cs.CG"`, `"categories":["math.CO"]`, 1), `field "categories" should be a string`},
		{"bad version", strings.Replace(good, `"version":"v2"`, `"version":"two"`, 1), "not of the form v1"},
		{"bad version date", strings.Replace(good, `Sat, 13 Dec 2008 17:26:00 GMT`, `2008-12-13T17:26:00Z`, 1), "version date"},
		{"bad update date", strings.Replace(strings.Replace(good, `"update_date":"2008-12-13"`, `"update_date":"13/12/2008"`, 1),
			`"versions":[{"version":"v1","created":"Sat, 31 Mar 2007 02:26:18 GMT"},{"version":"v2","created":"Sat, 13 Dec 2008 17:26:00 GMT"}]`, `"versions":[]`, 1), "update_date"},
		{"missing title", strings.Replace(good, `"title":"Sparsity-certifying Graph Decompositions"`, `"title":null`, 1), "has no title"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.line == good {
				t.Fatal("the test case did not change the record")
			}
			p, err := ParseKaggle([]byte(tc.line))
			if err == nil {
				t.Fatalf("ParseKaggle = %+v; want an error", p)
			}
			if !errors.Is(err, quire.ErrInvalid) || !strings.Contains(quire.UserMessage(err), tc.want) {
				t.Errorf("ParseKaggle error %q; want kind ErrInvalid mentioning %q", err, tc.want)
			}
		})
	}
}

func FuzzParseKaggle(f *testing.F) {
	for _, line := range MustReadLines(f, kaggleSample)[:20] {
		f.Add(line)
	}
	f.Add([]byte(`{"id":"hep-th/9901001","title":"t","authors":"A (B, C) and D","versions":[{"version":"v3","created":"Mon, 2 Apr 2007 19:18:42 GMT"}]}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		checkParsed(t, ParseKaggle, line)
	})
}

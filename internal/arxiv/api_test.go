package arxiv

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire"
)

// apiFixtures holds recorded arXiv API responses; see its README.
const apiFixtures = "testdata/api"

// MustReadAPIFixture returns the bytes of a file in testdata/api.
func MustReadAPIFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(apiFixtures, name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// The papers of the fixtures, as Fetch and ParseAPIFeed must return them.
// Each call returns fresh values.

func wantConfigurablePreference() *quire.Paper { // one_entry.xml
	return &quire.Paper{
		ID:      "2506.11702",
		Version: 1,
		Title:   "Configurable Preference Tuning with Rubric-Guided Synthetic Data",
		Authors: []string{"Víctor Gallego"},
		Abstract: "Models of human feedback for AI alignment, such as those underpinning Direct " +
			"Preference Optimization (DPO), often bake in a singular, static set of preferences, " +
			"limiting adaptability. This paper challenges the assumption of monolithic preferences " +
			"by introducing Configurable Preference Tuning (CPT), a novel framework for endowing " +
			"language models with the ability to dynamically adjust their behavior based on " +
			"explicit, human-interpretable directives. CPT leverages synthetically generated " +
			"preference data, conditioned on system prompts derived from structured, fine-grained " +
			"rubrics that define desired attributes like writing style. By fine-tuning with these " +
			"rubric-guided preferences, the LLM learns to modulate its outputs at inference time in " +
			"response to the system prompt, without retraining. This approach not only offers " +
			"fine-grained control but also provides a mechanism for modeling more nuanced and " +
			"context-dependent human feedback. Several experimental artifacts, such as training " +
			"code, generated datasets and fine-tuned models are released at " +
			"https://github.com/vicgalle/configurable-preference-tuning",
		Categories:  []string{"cs.CL", "cs.AI"},
		PublishedAt: gmt("2025-06-13 12:17:38"),
		UpdatedAt:   gmt("2025-06-13 12:17:38"),
		Comments:    "Accepted to ICML 2025 Workshop on Models of Human Feedback for AI Alignment",
		CodeURL:     "https://github.com/vicgalle/configurable-preference-tuning",
	}
}

func wantDenseRetrievers() *quire.Paper { // multi_entry.xml, first
	return &quire.Paper{
		ID:      "2506.08592",
		Version: 1,
		Title:   "Dense Retrievers Can Fail on Simple Queries: Revealing The Granularity Dilemma of Embeddings",
		Authors: []string{"Liyan Xu", "Zhenlin Su", "Mo Yu", "Jiangnan Li", "Fandong Meng", "Jie Zhou"},
		Abstract: "This work focuses on an observed limitation of text encoders: embeddings may not be " +
			"able to recognize fine-grained entities or events within the semantics, resulting in " +
			"failed dense retrieval on even simple cases. To examine such behaviors, we first " +
			"introduce a new evaluation dataset in Chinese, named CapRetrieval, whose passages are " +
			"image captions, and queries are phrases inquiring entities or events in various forms. " +
			"Zero-shot evaluation suggests that encoders may fail on these fine-grained matching, " +
			"regardless of training sources or model sizes. Aiming for enhancement, we proceed to " +
			"finetune encoders with our proposed data generation strategies, which obtains the best " +
			"performance on CapRetrieval. Within this process, we further identify an issue of " +
			"granularity dilemma, a challenge for embeddings to express fine-grained salience while " +
			"aligning with overall semantics. Our dataset, code and models in this work are " +
			"publicly released at https://github.com/lxucs/CapRetrieval.",
		Categories:  []string{"cs.CL", "cs.LG"},
		PublishedAt: gmt("2025-06-10 09:00:33"),
		UpdatedAt:   gmt("2025-06-10 09:00:33"),
		CodeURL:     "https://github.com/lxucs/CapRetrieval",
	}
}

func wantDiphoton() *quire.Paper { // multi_entry.xml, second
	return &quire.Paper{
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
	}
}

func wantQuasicrystals() *quire.Paper { // multi_entry.xml, third
	return &quire.Paper{
		ID:      "0704.0163",
		Version: 1,
		Title:   "Effective potentials for quasicrystals from ab-initio data",
		Authors: []string{"Peter Brommer", "Franz Gähler"},
		Abstract: "Classical effective potentials are indispensable for any large-scale atomistic " +
			"simulations, and the relevance of simulation results crucially depends on the quality " +
			"of the potentials used. For complex alloys like quasicrystals, however, realistic " +
			"effective potentials are practically inexistent. We report here on our efforts to " +
			"develop effective potentials especially for quasicrystalline alloy systems. We use the " +
			"so-called force matching method, in which the potential parameters are adapted so as " +
			"to optimally reproduce the forces and energies in a set of suitably chosen reference " +
			"configurations. These reference data are calculated with ab-initio methods. As a first " +
			"application, EAM potentials for decagonal Al-Ni-Co, icosahedral Ca-Cd, and both " +
			"icosahedral and decagonal Mg-Zn quasicrystals have been constructed. The influence of " +
			"the potential range and degree of specialisation on the accuracy and other properties " +
			"is discussed and compared.",
		Categories:  []string{"cond-mat.mtrl-sci"},
		PublishedAt: gmt("2007-04-02 13:36:21"),
		UpdatedAt:   gmt("2007-04-02 13:36:21"),
		Comments:    "7 pages, 1 figure, Proceedings of International Conference on Quasicrystals 9",
		JournalRef:  "Philosophical Magazine 86 (2006), 753",
		DOI:         "10.1080/14786430500333349",
	}
}

func wantStringJunctions() *quire.Paper { // old_style.xml
	return &quire.Paper{
		ID:      "hep-th/9901001",
		Version: 3,
		Title:   "String Junctions and Their Duals in Heterotic String Theory",
		Authors: []string{"Yosuke Imamura"},
		Abstract: "We explicitly give the correspondence between spectra of heterotic string " +
			"theory compactified on $T^2$ and string junctions in type IIB theory " +
			"compactified on $S^2$.",
		Categories:  []string{"hep-th"},
		PublishedAt: gmt("1999-01-01 01:01:10"),
		UpdatedAt:   gmt("1999-05-10 04:45:54"),
		Comments:    "13 pages + 4 eps figures, PTPTeX, typographical errors corrected",
		JournalRef:  "Prog.Theor.Phys.101:1155-1164,1999",
		DOI:         "10.1143/PTP.101.1155",
	}
}

func wantNovelView() *quire.Paper { // one_entry_2025.xml
	return &quire.Paper{
		ID:      "2506.11924",
		Version: 1,
		Title:   "Aligned Novel View Image and Geometry Synthesis via Cross-modal Attention Instillation",
		Authors: []string{"Min-Seop Kwak", "Junho Kim", "Sangdoo Yun", "Dongyoon Han", "Taekyoung Kim", "Seungryong Kim", "Jin-Hwa Kim"},
		Abstract: "We introduce a diffusion-based framework that performs aligned novel view image and " +
			"geometry generation via a warping-and-inpainting methodology. Unlike prior methods " +
			"that require dense posed images or pose-embedded generative models limited to " +
			"in-domain views, our method leverages off-the-shelf geometry predictors to predict " +
			"partial geometries viewed from reference images, and formulates novel-view synthesis " +
			"as an inpainting task for both image and geometry. To ensure accurate alignment " +
			"between generated images and geometry, we propose cross-modal attention distillation, " +
			"where attention maps from the image diffusion branch are injected into a parallel " +
			"geometry diffusion branch during both training and inference. This multi-task approach " +
			"achieves synergistic effects, facilitating geometrically robust image synthesis as " +
			"well as well-defined geometry prediction. We further introduce proximity-based mesh " +
			"conditioning to integrate depth and normal cues, interpolating between point cloud and " +
			"filtering erroneously predicted geometry from influencing the generation process. " +
			"Empirically, our method achieves high-fidelity extrapolative view synthesis on both " +
			"image and geometry across a range of unseen scenes, delivers competitive " +
			"reconstruction quality under interpolation settings, and produces geometrically " +
			"aligned colored point clouds for comprehensive 3D completion. Project page is " +
			"available at https://cvlab-kaist.github.io/MoAI.",
		Categories:  []string{"cs.CV"},
		PublishedAt: gmt("2025-06-13 16:19:00"),
		UpdatedAt:   gmt("2025-06-13 16:19:00"),
		// A project page on github.io is not a code repository.
	}
}

func TestParseAPIFeed(t *testing.T) {
	for _, tc := range []struct {
		file  string
		total int
		want  []*quire.Paper
	}{
		{"one_entry.xml", 1, []*quire.Paper{wantConfigurablePreference()}},
		{"multi_entry.xml", 3, []*quire.Paper{wantDenseRetrievers(), wantDiphoton(), wantQuasicrystals()}},
		{"old_style.xml", 1, []*quire.Paper{wantStringJunctions()}},
		{"one_entry_2025.xml", 1, []*quire.Paper{wantNovelView()}},
		// The placeholder entry for the id arXiv does not have is skipped;
		// totalResults still counts it.
		{"missing_placeholder.xml", 2, []*quire.Paper{wantConfigurablePreference()}},
		{"empty.xml", 0, nil},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, err := ParseAPIFeed(MustReadAPIFixture(t, tc.file))
			if err != nil {
				t.Fatalf("ParseAPIFeed(%s): %v", tc.file, err)
			}
			if got.TotalResults != tc.total {
				t.Errorf("ParseAPIFeed(%s).TotalResults = %d, want %d", tc.file, got.TotalResults, tc.total)
			}
			if diff := cmp.Diff(tc.want, got.Papers); diff != "" {
				t.Errorf("ParseAPIFeed(%s) mismatch (-want +got):\n%s", tc.file, diff)
			}
		})
	}
}

// TestParseAPIFeedMatchesKaggle checks that a paper read from the API and
// the same paper read from the Kaggle snapshot agree on every field both
// sources carry, so that merging one into the other changes nothing.
func TestParseAPIFeedMatchesKaggle(t *testing.T) {
	feed, err := ParseAPIFeed(MustReadAPIFixture(t, "multi_entry.xml"))
	if err != nil {
		t.Fatal(err)
	}
	fromAPI := make(map[string]*quire.Paper)
	for _, p := range feed.Papers {
		fromAPI[p.ID] = p
	}
	compared := 0
	for _, line := range MustReadLines(t, kaggleSample) {
		k, err := ParseKaggle(line)
		if err != nil {
			t.Fatal(err)
		}
		a := fromAPI[k.ID]
		if a == nil {
			continue
		}
		compared++
		if merged, changed := quire.Merge(k, a); changed {
			t.Errorf("Merge(kaggle, api) for %s changed the paper: %+v", k.ID, merged)
		}
		// The API has no version history and no licence.
		k.Versions, k.License = nil, ""
		if diff := cmp.Diff(k, a); diff != "" {
			t.Errorf("paper %s from Kaggle vs API mismatch (-kaggle +api):\n%s", k.ID, diff)
		}
	}
	if compared != 2 {
		t.Errorf("compared %d papers with the Kaggle sample, want 2", compared)
	}
}

func TestParseAPIFeedEntryDetails(t *testing.T) {
	const head = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
<entry><id>http://arxiv.org/abs/cs/9901002v1</id><title>T</title>`
	const tail = "</entry></feed>"
	for _, tc := range []struct {
		name  string
		entry string
		want  *quire.Paper
	}{
		{
			// As in the API manual's example for cs/9901002v1: the ACM class
			// I.2.6 is listed as a category. The primary category comes first
			// even when listed after others, and repeats are dropped.
			name: "categories",
			entry: `<category term="cs.AI"/><category term="cs.LG"/><category term="I.2.6"/>
				<category term="68T05"/><category term=""/><arxiv:primary_category term="cs.LG"/>`,
			want: &quire.Paper{ID: "cs/9901002", Version: 1, Title: "T", Categories: []string{"cs.LG", "cs.AI"}},
		},
		{
			name:  "doi from resolver link",
			entry: `<link rel="related" href="https://doi.org/10.1063/1.2940608"/>`,
			want:  &quire.Paper{ID: "cs/9901002", Version: 1, Title: "T", DOI: "10.1063/1.2940608"},
		},
		{
			name:  "doi element wins over link",
			entry: `<arxiv:doi>10.1/a</arxiv:doi><link title="doi" href="http://dx.doi.org/10.2/b" rel="related"/>`,
			want:  &quire.Paper{ID: "cs/9901002", Version: 1, Title: "T", DOI: "10.1/a"},
		},
		{
			name:  "latex in author names",
			entry: `<author><name>C. Bal\'azs</name></author><author><name>C. -P.  Yuan</name></author>`,
			want:  &quire.Paper{ID: "cs/9901002", Version: 1, Title: "T", Authors: []string{"C. Balázs", "C.-P. Yuan"}},
		},
		{
			name:  "code link in comments",
			entry: `<arxiv:comment>Code: \url{https://github.com/owner/repo\_x}</arxiv:comment>`,
			want:  &quire.Paper{ID: "cs/9901002", Version: 1, Title: "T", Comments: `Code: \url{https://github.com/owner/repo\_x}`, CodeURL: "https://github.com/owner/repo_x"},
		},
		{
			name:  "offset times become UTC",
			entry: `<published>2007-02-27T16:02:02-05:00</published><updated>2007-06-25T17:09:59.5-04:00</updated>`,
			want:  &quire.Paper{ID: "cs/9901002", Version: 1, Title: "T", PublishedAt: gmt("2007-02-27 21:02:02"), UpdatedAt: gmt("2007-06-25 21:09:59")},
		},
		{
			name:  "paragraphs kept",
			entry: "<summary>  First paragraph\nwraps here.\n  Second paragraph.\n</summary>",
			want:  &quire.Paper{ID: "cs/9901002", Version: 1, Title: "T", Abstract: "First paragraph wraps here.\n\nSecond paragraph."},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			feed, err := ParseAPIFeed([]byte(head + tc.entry + tail))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]*quire.Paper{tc.want}, feed.Papers); diff != "" {
				t.Errorf("ParseAPIFeed mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseAPIFeedErrorFeed(t *testing.T) {
	t.Run("bad id", func(t *testing.T) {
		_, err := ParseAPIFeed(MustReadAPIFixture(t, "error_id_format.xml"))
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("ParseAPIFeed(error feed) = %v, want an *APIError", err)
		}
		if want := "incorrect id format for 1234.12345"; apiErr.Message != want {
			t.Errorf("Message = %q, want %q", apiErr.Message, want)
		}
		if !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("error %v is not of kind ErrInvalid", err)
		}
		if msg := quire.UserMessage(err); !strings.Contains(msg, "incorrect id format for 1234.12345") {
			t.Errorf("UserMessage = %q, want arXiv's message", msg)
		}
	})
	t.Run("other error", func(t *testing.T) {
		// The current API writes https ids; an error about a parameter is
		// Quire's fault, not the user's, and has no kind.
		body := `<feed xmlns="http://www.w3.org/2005/Atom"><entry>
			<id>https://arxiv.org/api/errors#max_results_must_be_an_integer</id>
			<title>Error</title><summary>max_results must be an integer</summary></entry></feed>`
		_, err := ParseAPIFeed([]byte(body))
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Message != "max_results must be an integer" {
			t.Fatalf("ParseAPIFeed = %v, want *APIError with arXiv's message", err)
		}
		if errors.Is(err, quire.ErrInvalid) || quire.UserMessage(err) != "" {
			t.Errorf("error %v should have no kind and no user message", err)
		}
	})
	t.Run("message from the id", func(t *testing.T) {
		body := `<feed xmlns="http://www.w3.org/2005/Atom"><entry>
			<id>http://arxiv.org/api/errors#incorrect_id_format_for_x</id><title>Error</title></entry></feed>`
		_, err := ParseAPIFeed([]byte(body))
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Message != "incorrect id format for x" {
			t.Fatalf("ParseAPIFeed = %v, want *APIError %q", err, "incorrect id format for x")
		}
	})
}

func TestParseAPIFeedMalformed(t *testing.T) {
	entry := func(s string) []byte {
		return []byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry>` + s + `</entry></feed>`)
	}
	for _, tc := range []struct {
		name string
		body []byte
		want string // in the message
	}{
		{"truncated", MustReadAPIFixture(t, "truncated.xml"), "ends before the feed is complete"},
		{"rate exceeded", MustReadAPIFixture(t, "rate_exceeded.txt"), "not XML"},
		{"empty", nil, "empty"},
		{"blank", []byte(" \n"), "empty"},
		{"html", []byte("<html><body><p>Service Unavailable<br></body></html>"), "not an Atom feed"},
		{"broken xml", []byte("<feed><entry></feed>"), "not valid XML"},
		{"rss", []byte(`<rss version="2.0"><channel></channel></rss>`), "not an Atom feed"},
		{"bad id", entry(`<id>http://arxiv.org/abs/not-an-id</id><title>T</title>`), `"http://arxiv.org/abs/not-an-id"`},
		{"id elsewhere", entry(`<id>https://example.com/abs/2506.11702</id><title>T</title>`), "not a link to an arXiv"},
		{"no id", entry(`<title>T</title>`), "without an id"},
		{"no title", entry(`<id>http://arxiv.org/abs/2506.11702v1</id>`), "has no title"},
		{"bad date", entry(`<id>http://arxiv.org/abs/2506.11702v1</id><title>T</title><published>13 June 2025</published>`), "published of 2506.11702"},
		{"bad total", []byte(`<feed xmlns="http://www.w3.org/2005/Atom"><totalResults>many</totalResults></feed>`), "totalResults"},
		{"other encoding", []byte(`<?xml version="1.0" encoding="ISO-8859-1"?><feed/>`), "not encoded in UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			feed, err := ParseAPIFeed(tc.body)
			if err == nil {
				t.Fatalf("ParseAPIFeed(%q) = %+v, want an error", clipString(string(tc.body)), feed)
			}
			if !errors.Is(err, quire.ErrInvalid) {
				t.Errorf("error %v is not of kind ErrInvalid", err)
			}
			if msg := quire.UserMessage(err); !strings.Contains(msg, tc.want) {
				t.Errorf("ParseAPIFeed(%s) message = %q, want it to contain %q", tc.name, msg, tc.want)
			}
		})
	}
}

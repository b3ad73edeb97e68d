package hfdaily

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
)

var fixtures = []string{
	"../../testdata/hf/daily_papers_2024-06-03.json", // early schema: mediaUrl, no submitter
	"../../testdata/hf/daily_papers_2025-06-16.json", // ai_summary, ai_keywords, submittedOnDailyAt
	"../../testdata/hf/daily_papers_2026-08-21.json", // githubStars, organization, ai_summary_model
}

// MustReadItems returns the raw items of a saved /api/daily_papers response.
func MustReadItems(tb testing.TB, path string) []json.RawMessage {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil {
		tb.Fatal(err)
	}
	if len(items) == 0 {
		tb.Fatalf("%s has no items", path)
	}
	return items
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestParseItemFixtures parses every item of the saved responses and checks
// the result against the same item read generically, field by field.
func TestParseItemFixtures(t *testing.T) {
	for _, file := range fixtures {
		fileDay, ok := DayFromFilename(file)
		if !ok {
			t.Fatalf("no day in %s", file)
		}
		for i, raw := range MustReadItems(t, file) {
			var it map[string]any
			if err := json.Unmarshal(raw, &it); err != nil {
				t.Fatal(err)
			}
			paper := it["paper"].(map[string]any)
			str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
			num := func(m map[string]any, k string) int { f, _ := m[k].(float64); return int(f) }

			p, e, err := ParseItem(raw, fileDay)
			if err != nil {
				t.Fatalf("%s item %d: %v", file, i, err)
			}
			where := filepath.Base(file) + " " + str(paper, "id")

			if p.ID != str(paper, "id") || e.PaperID != p.ID {
				t.Errorf("%s: ids %q, %q", where, p.ID, e.PaperID)
			}
			if p.Title != quire.OneLine(str(paper, "title")) || e.Title != quire.OneLine(str(it, "title")) {
				t.Errorf("%s: titles %q, %q", where, p.Title, e.Title)
			}
			var authors []string
			for _, a := range paper["authors"].([]any) {
				authors = append(authors, str(a.(map[string]any), "name"))
			}
			if diff := cmp.Diff(authors, p.Authors); diff != "" {
				t.Errorf("%s: authors mismatch (-want +got):\n%s", where, diff)
			}
			if e.Upvotes != num(paper, "upvotes") || e.NumComments != num(it, "numComments") {
				t.Errorf("%s: upvotes %d, comments %d", where, e.Upvotes, e.NumComments)
			}
			if !e.Day.Equal(fileDay) || !p.PublishedAt.Equal(mustTime(str(paper, "publishedAt"))) {
				t.Errorf("%s: day %v, published %v", where, e.Day, p.PublishedAt)
			}
			submitted := str(paper, "submittedOnDailyAt")
			if submitted == "" {
				submitted = str(it, "publishedAt")
			}
			if want := mustTime(submitted).Truncate(time.Second); !e.SubmittedAt.Equal(want) {
				t.Errorf("%s: submitted at %v; want %v", where, e.SubmittedAt, want)
			}
			if by, ok := it["submittedBy"].(map[string]any); ok {
				if e.Submitter.Name != str(by, "name") || e.Submitter.Fullname != str(by, "fullname") ||
					!strings.HasSuffix(e.Submitter.AvatarURL, str(by, "avatarUrl")) {
					t.Errorf("%s: submitter %+v; want %v", where, e.Submitter, by)
				}
			} else if e.Submitter != (quire.Submitter{}) {
				t.Errorf("%s: submitter %+v; the item has none", where, e.Submitter)
			}
			if e.AISummary != str(paper, "ai_summary") {
				t.Errorf("%s: ai summary %q", where, e.AISummary)
			}
			var keywords []string
			if kw, ok := paper["ai_keywords"].([]any); ok {
				for _, k := range kw {
					keywords = append(keywords, k.(string))
				}
			}
			if !slices.Equal(e.AIKeywords, keywords) {
				t.Errorf("%s: ai keywords %q; want %q", where, e.AIKeywords, keywords)
			}
			if thumb := str(it, "thumbnail") + str(it, "mediaUrl"); e.ThumbnailURL != thumb {
				t.Errorf("%s: thumbnail %q; want %q", where, e.ThumbnailURL, thumb)
			}
			if repo := str(paper, "githubRepo"); repo != "" && !strings.EqualFold(p.CodeURL, strings.TrimSuffix(repo, "/")) {
				t.Errorf("%s: code %q; want %q", where, p.CodeURL, repo)
			}
			if p.ProjectURL != str(paper, "projectPage") {
				t.Errorf("%s: project %q", where, p.ProjectURL)
			}
			var org quire.Organization
			if o, ok := it["organization"].(map[string]any); ok {
				org = quire.Organization{Name: str(o, "name"), Fullname: quire.OneLine(str(o, "fullname")), AvatarURL: str(o, "avatar")}
			}
			if e.Organization != org {
				t.Errorf("%s: organization %+v; want %+v", where, e.Organization, org)
			}
		}
	}
}

// TestParseItem compares whole results for one item of each schema, with
// values read off the fixtures.
func TestParseItem(t *testing.T) {
	for _, tc := range []struct {
		file  string
		index int
		day   time.Time // passed to ParseItem
		paper *quire.Paper
		entry *quire.DailyEntry
	}{
		{
			file: fixtures[0], index: 0, // no day given: the day comes from publishedAt
			paper: &quire.Paper{
				ID:          "2405.21060",
				Title:       "Transformers are SSMs: Generalized Models and Efficient Algorithms Through Structured State Space Duality",
				Authors:     []string{"Tri Dao", "Albert Gu"},
				PublishedAt: mustTime("2024-05-31T17:50:01Z"),
			},
			entry: &quire.DailyEntry{
				Day:          mustTime("2024-06-03T00:00:00Z"),
				PaperID:      "2405.21060",
				Title:        "Transformers are SSMs: Generalized Models and Efficient Algorithms Through Structured State Space Duality",
				SubmittedAt:  mustTime("2024-06-03T03:44:01Z"),
				Upvotes:      27,
				NumComments:  3,
				ThumbnailURL: "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2405.21060.png",
			},
		},
		{
			file: fixtures[1], index: 0, day: mustTime("2025-06-16T00:00:00Z"),
			paper: &quire.Paper{
				ID:    "2506.11924",
				Title: "Aligned Novel View Image and Geometry Synthesis via Cross-modal Attention Instillation",
				Authors: []string{"Min-Seop Kwak", "Junho Kim", "Sangdoo Yun", "Dongyoon Han", "Taekyoung Kim",
					"Seungryong Kim", "Jin-Hwa Kim"},
				PublishedAt: mustTime("2025-06-13T16:19:00Z"),
				ProjectURL:  "https://cvlab-kaist.github.io/MoAI/",
				CodeURL:     "https://github.com/cvlab-kaist/MoAI",
			},
			entry: &quire.DailyEntry{
				Day:         mustTime("2025-06-16T00:00:00Z"),
				PaperID:     "2506.11924",
				Title:       "Aligned Novel View Image and Geometry Synthesis via Cross-modal Attention Instillation",
				SubmittedAt: mustTime("2025-06-16T04:13:42Z"),
				Submitter: quire.Submitter{
					Name:      "bracio9623",
					Fullname:  "Bracio",
					AvatarURL: "https://huggingface.co/avatars/289d611e0907f02f72d4e489468e039c.svg",
				},
				Upvotes:     20,
				NumComments: 1,
				AISummary: "A diffusion-based framework generates aligned novel views of images and geometry using " +
					"warping-and-inpainting with cross-modal attention distillation and proximity-based mesh " +
					"conditioning, achieving high-fidelity synthesis and 3D completion.",
				AIKeywords: []string{"diffusion-based framework", "warping-and-inpainting",
					"off-the-shelf geometry predictors", "cross-modal attention distillation",
					"proximity-based mesh conditioning", "novel-view synthesis", "multi-task approach",
					"geometrically robust image synthesis", "well-defined geometry prediction",
					"extrapolative view synthesis", "3D completion"},
				ThumbnailURL: "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2506.11924.png",
			},
		},
		{
			file: fixtures[2], index: 0, // no day given: submittedOnDailyAt wins over publishedAt (08-19)
			paper: &quire.Paper{
				ID:    "2608.19880",
				Title: "EnvHarness: Awakening Static Worlds for Agent Learning",
				Authors: []string{"Chengsong Huang", "Zifeng Wang", "Rujun Han", "Jun Yan", "Yanfei Chen",
					"Zoey CuiZhu", "Ke Jiang", "Peng Xia", "Han Yu", "Yufan Zhuang", "Yifei Ming", "Jiaqi Pan",
					"Bhavana Dalvi Mishra", "Jiaxin Huang", "Burak Gokturk", "Tomas Pfister", "Chen-Yu Lee"},
				PublishedAt: mustTime("2026-08-20T00:00:00Z"),
				ProjectURL:  "https://envharness.com/",
				CodeURL:     "https://github.com/google-research/envharness",
			},
			entry: &quire.DailyEntry{
				Day:         mustTime("2026-08-21T00:00:00Z"),
				PaperID:     "2608.19880",
				Title:       "EnvHarness: Awakening Static Worlds for Agent Learning",
				SubmittedAt: mustTime("2026-08-21T00:00:00Z"),
				Submitter: quire.Submitter{
					Name:      "taesiri",
					Fullname:  "taesiri",
					AvatarURL: "https://cdn-avatars.huggingface.co/v1/production/uploads/6039478ab3ecf716b1a5fd4d/_Thy4E7taiSYBLKxEKJbT.jpeg",
				},
				Upvotes:     163,
				NumComments: 1,
				AISummary: "EnvHarness and EnvRigger dynamically reshape static environments via programmable " +
					"plugins to target agent weaknesses and improve reinforcement learning co-evolution.",
				AIKeywords: []string{"LLM agents", "Environment Harness", "EnvHarness", "EnvRigger",
					"black-box policy", "execution trajectories", "reinforcement learning", "co-evolution"},
				ThumbnailURL: "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2608.19880.png",
				Organization: quire.Organization{
					Name:      "google",
					Fullname:  "Google",
					AvatarURL: "https://cdn-avatars.huggingface.co/v1/production/uploads/5dd96eb166059660ed1ee413/WtA3YYitedOr9n02eHfJe.png",
				},
			},
		},
	} {
		t.Run(tc.paper.ID, func(t *testing.T) {
			p, e, err := ParseItem(MustReadItems(t, tc.file)[tc.index], tc.day)
			if err != nil {
				t.Fatal(err)
			}
			if p.Abstract == "" || strings.Contains(strings.ReplaceAll(p.Abstract, "\n\n", ""), "\n") {
				t.Errorf("abstract is empty or still wrapped: %q", p.Abstract)
			}
			p.Abstract = "" // long; checked above (Paper.Equal rules out cmp field options)
			if diff := cmp.Diff(tc.paper, p); diff != "" {
				t.Errorf("ParseItem paper mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.entry, e); diff != "" {
				t.Errorf("ParseItem entry mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseItemFallbacks(t *testing.T) {
	raw := MustReadItems(t, fixtures[1])[0]
	var it map[string]any
	if err := json.Unmarshal(raw, &it); err != nil {
		t.Fatal(err)
	}
	paper := it["paper"].(map[string]any)
	// Without submittedBy the submitter comes from submittedOnDailyBy, whose
	// handle is "user"; without githubRepo the code link is searched for in
	// the abstract; a script link is not a project page.
	delete(it, "submittedBy")
	delete(paper, "githubRepo")
	paper["summary"] = paper["summary"].(string) + " Code: https://github.com/cvlab-kaist/MoAI-code."
	paper["projectPage"] = "javascript:alert(1)"
	data, _ := json.Marshal(it)
	p, e, err := ParseItem(data, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	wantSub := quire.Submitter{Name: "bracio9623", Fullname: "Bracio",
		AvatarURL: "https://huggingface.co/avatars/289d611e0907f02f72d4e489468e039c.svg"}
	if e.Submitter != wantSub {
		t.Errorf("submitter %+v; want %+v", e.Submitter, wantSub)
	}
	if p.CodeURL != "https://github.com/cvlab-kaist/MoAI-code" || p.ProjectURL != "" {
		t.Errorf("code %q, project %q; want the abstract's link and none", p.CodeURL, p.ProjectURL)
	}
	// The day is that of submittedOnDailyAt.
	if want := mustTime("2025-06-16T00:00:00Z"); !e.Day.Equal(want) {
		t.Errorf("day %v; want %v", e.Day, want)
	}
	if e.Organization != (quire.Organization{}) {
		t.Errorf("organization %+v; the item has none", e.Organization)
	}
}

// TestParseItemOrganizationWithoutHandle drops an organization whose handle
// is missing or malformed: there is no page to link it to.
func TestParseItemOrganizationWithoutHandle(t *testing.T) {
	raw := MustReadItems(t, fixtures[2])[0]
	for _, org := range []map[string]any{
		{"fullname": "Google"},
		{"name": "goo gle/x", "fullname": "Google"},
	} {
		var it map[string]any
		if err := json.Unmarshal(raw, &it); err != nil {
			t.Fatal(err)
		}
		it["organization"] = org
		data, _ := json.Marshal(it)
		_, e, err := ParseItem(data, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if e.Organization != (quire.Organization{}) {
			t.Errorf("organization %v parsed as %+v; want none", org, e.Organization)
		}
	}
}

func TestParseItemInvalid(t *testing.T) {
	good := string(MustReadItems(t, fixtures[0])[5])
	for _, tc := range []struct {
		name, item, want string
	}{
		{"empty", "", "not valid JSON"},
		{"truncated", good[:len(good)/2], "not valid JSON"},
		{"array", "[]", "should be a JSON object"},
		{"no paper", `{"title":"x","numComments":0}`, "no paper id"},
		{"bad id", strings.Replace(good, `"id": "2405.18144"`, `"id": "2405.1814"`, 1), "5 digits"},
		{"id not a string", strings.Replace(good, `"id": "2405.18144"`, `"id": 2405.18144`, 1), `field "paper.id" should be a string`},
		{"upvotes not a number", strings.Replace(good, `"upvotes": 4`, `"upvotes": "4"`, 1), `field "paper.upvotes" should be a whole number`},
		{"negative comments", strings.Replace(good, `"numComments": 2`, `"numComments": -2`, 1), "negative counts"},
		{"bad time", strings.Replace(good, `"publishedAt": "2024-06-03T03:43:45.194Z"`, `"publishedAt": "yesterday"`, 1), "not an RFC 3339 time"},
		{"no title", strings.NewReplacer(`"title": "4-bit Shampoo for Memory-Efficient Network Training"`, `"title": ""`).Replace(good), "has no title"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.item == good {
				t.Fatal("the test case did not change the item")
			}
			p, e, err := ParseItem([]byte(tc.item), time.Time{})
			if err == nil {
				t.Fatalf("ParseItem = %+v, %+v; want an error", p, e)
			}
			if !errors.Is(err, quire.ErrInvalid) || !strings.Contains(quire.UserMessage(err), tc.want) {
				t.Errorf("ParseItem error %q; want kind ErrInvalid mentioning %q", err, tc.want)
			}
		})
	}
}

func FuzzParseItem(f *testing.F) {
	for _, file := range fixtures {
		f.Add([]byte(MustReadItems(f, file)[0]), int64(0))
	}
	f.Add([]byte(`{"paper":{"id":"hep-th/9901001v2","title":"t","upvotes":1},"publishedAt":"2025-01-01T00:00:00.5Z"}`), int64(1735689600))
	f.Fuzz(func(t *testing.T, data []byte, unix int64) {
		var day time.Time
		if unix > 0 && unix < 1<<40 {
			day = time.Unix(unix, 0)
		}
		p, e, err := ParseItem(data, day)
		if err != nil {
			if !errors.Is(err, quire.ErrInvalid) || quire.UserMessage(err) == "" {
				t.Fatalf("error %v has no user message", err)
			}
			return
		}
		if p.Validate() != nil || e.Validate() != nil || e.PaperID != p.ID {
			t.Fatalf("invalid results %+v, %+v", p, e)
		}
		if !day.IsZero() && !e.Day.Equal(quire.TruncateDay(day)) {
			t.Fatalf("day %v; want %v", e.Day, day)
		}
	})
}

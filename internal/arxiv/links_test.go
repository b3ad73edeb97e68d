package arxiv

import (
	"strings"
	"testing"
)

func TestFindCodeURL(t *testing.T) {
	// Inputs are taken from real abstracts and comments in the arXiv
	// listings (a few shortened around the link).
	for _, tc := range []struct {
		name  string
		texts []string
		want  string
	}{
		{"plain", []string{"Code is available at https://github.com/LUNAProject22/CAD"}, "https://github.com/LUNAProject22/CAD"},
		{"full stop", []string{"Code is available at https://github.com/YXSong000/RNA-FM."}, "https://github.com/YXSong000/RNA-FM"},
		{"line break before", []string{"will be available at\nhttps://github.com/ShawnYE618/CKD"}, "https://github.com/ShawnYE618/CKD"},
		{".git", []string{"base is available at https://github.com/YiranHuangIrene/VLMCompression.git."}, "https://github.com/YiranHuangIrene/VLMCompression"},
		{".git;", []string{"Code: https://github.com/DuNGEOnmassster/VideoGen-of-Thought.git;\n"}, "https://github.com/DuNGEOnmassster/VideoGen-of-Thought"},
		{"trailing slash", []string{"available at https://github.com/ponhvoan/TruthAnchor/."}, "https://github.com/ponhvoan/TruthAnchor"},
		{"www", []string{"are available at\nhttps://www.github.com/shngt/pit-qmm."}, "https://github.com/shngt/pit-qmm"},
		{"no scheme", []string{"Code is available at\ngithub.com/hf618/COSMIC."}, "https://github.com/hf618/COSMIC"},
		{"capitalised host", []string{"Project Page: GitHub.com/AlbertTan404/PIPO"}, "https://github.com/AlbertTan404/PIPO"},
		{"missing space", []string{"The\ncode is available atgithub.com/xmed-lab/TAM."}, "https://github.com/xmed-lab/TAM"},
		{"parenthesis", []string{"and Code (https://github.com/alibaba-damo-academy/Lumos-Custom/)"}, "https://github.com/alibaba-damo-academy/Lumos-Custom"},
		{"brackets", []string{"available at:\n[https://github.com/EdisonYCM/SymTrack]"}, "https://github.com/EdisonYCM/SymTrack"},
		{"comma", []string{"are available: github.com/Hamidreza-Hashempoor/FastTracker,\nhuggingface.co/datasets/x/y"}, "https://github.com/Hamidreza-Hashempoor/FastTracker"},
		{"tree", []string{"released on https://github.com/Event-AHU/HARDVS/tree/HARDVSv2"}, "https://github.com/Event-AHU/HARDVS"},
		{"blob", []string{"Material:\n  https://github.com/sid-unizar/ling-int-survey/blob/main/table.pdf"}, "https://github.com/sid-unizar/ling-int-survey"},
		{"query and escaped fragment", []string{`available under https://github.com/google-deepmind/neptune?tab=readme-ov-file\#minerva-cultural`}, "https://github.com/google-deepmind/neptune"},
		{"href", []string{`at\n\href{https://github.com/xuhang07/FreeDNA}{https://github.com/xuhang07/FreeDNA}.`}, "https://github.com/xuhang07/FreeDNA"},
		{"url", []string{`Code: \url{https://github.com/yzheng97/CDAL}`}, "https://github.com/yzheng97/CDAL"},
		{"textcolor", []string{`\textcolor{magenta}{https://github.com/Starak-x/PointSFDA}}.`}, "https://github.com/Starak-x/PointSFDA"},
		{"footnote", []string{`\footnote{https://github.com/abjadai/candle}.`}, "https://github.com/abjadai/candle"},
		{"escaped underscore", []string{`available at https://github.com/rsinghlab/Persona\_Paradox.`}, "https://github.com/rsinghlab/Persona_Paradox"},
		{"space after host", []string{"Code is\navailable at: https://github.com/ KenAdamsJoseph/PersPose."}, "https://github.com/KenAdamsJoseph/PersPose"},
		{"double slash", []string{"code is available at https://github.com//siyi-wind/DyMo."}, "https://github.com/siyi-wind/DyMo"},
		{"hf dataset", []string{"We release IRLBench\n(https://huggingface.co/datasets/ReliableAI/IRLBench)"}, "https://huggingface.co/datasets/ReliableAI/IRLBench"},
		{"hf dataset tree", []string{"Data:\n  https://huggingface.co/datasets/mijeongkim/PhysGaia/tree/main"}, "https://huggingface.co/datasets/mijeongkim/PhysGaia"},
		{"hf space", []string{"Leaderboard:\n  huggingface.co/spaces/nvidia/lotus-vlm-bias-leaderboard"}, "https://huggingface.co/spaces/nvidia/lotus-vlm-bias-leaderboard"},
		{"hf model", []string{"https://huggingface.co/nvidia/Nemotron-Research-Reasoning-Qwen-1.5B."}, "https://huggingface.co/nvidia/Nemotron-Research-Reasoning-Qwen-1.5B"},
		{"hf models prefix", []string{"weights at https://huggingface.co/models/org/name"}, "https://huggingface.co/org/name"},
		{"gitlab", []string{"Code: https://gitlab.com/viper-purdue/size-matters"}, "https://gitlab.com/viper-purdue/size-matters"},
		{"gitlab nested", []string{"available at:\nhttps://gitlab.com/radiology/prenatal-image-analysis/pca-3d-alignment."}, "https://gitlab.com/radiology/prenatal-image-analysis/pca-3d-alignment"},
		{"gitlab subpage", []string{"available at https://gitlab.com/goncalo.coutinho/defocustrackerAI-main/-/tree/7e0f11f649eb"}, "https://gitlab.com/goncalo.coutinho/defocustrackerAI-main"},
		{"codeberg", []string{"Source code available under https://codeberg.org/fuchsfa/in-context-learning-seismic"}, "https://codeberg.org/fuchsfa/in-context-learning-seismic"},
		{"first of several", []string{"Code: https://github.com/a-b/first and https://github.com/c-d/second"}, "https://github.com/a-b/first"},
		{"first by position across hosts", []string{"data at huggingface.co/datasets/o/d and code at github.com/o/c"}, "https://huggingface.co/datasets/o/d"},
		{"skips profile, finds repo", []string{"see https://github.com/SoccerNet. and https://github.com/SoccerNet/sn-gamestate"}, "https://github.com/SoccerNet/sn-gamestate"},
		{"abstract before comments", []string{"no link here", "Code: https://github.com/script-Yang/RSF"}, "https://github.com/script-Yang/RSF"},
		{"abstract wins", []string{"https://github.com/a/b", "https://github.com/c/d"}, "https://github.com/a/b"},

		{"double .git", []string{"https://github.com/a/b.git.git"}, "https://github.com/a/b"},
		{"hf models of a reserved name", []string{"huggingface.co/models/spaces/y"}, ""},

		{"none", []string{"Sensor simulation is pivotal for scalable validation."}, ""},
		{"no texts", nil, ""},
		{"profile only", []string{"Code is available at https://github.com/ncsu-dk-lab."}, ""},
		{"host only", []string{"will be available on github.com."}, ""},
		{"empty owner", []string{"publicly available at https://github.com/."}, ""},
		{"cut off", []string{"The code is available at https://github.com/SAI-"}, ""},
		{"hf owner only", []string{"models at\nhttps://huggingface.co/hydroxai."}, ""},
		{"hf paper page", []string{"see https://huggingface.co/papers/2406.01234 for details"}, ""},
		{"hf collection", []string{"Models available at https://huggingface.co/collections/mistralai/ministral-3"}, ""},
		{"gist", []string{"https://gist.github.com/someone/0123abcd"}, ""},
		{"email", []string{"write to noreply@github.com/x/y"}, ""},
		{"org page", []string{"https://github.com/orgs/SomeOrg/repositories"}, ""},
		{"other host", []string{"Project page: https://cvlab-kaist.github.io/MoAI/ and https://example.com/a/b"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := FindCodeURL(tc.texts...); got != tc.want {
				t.Errorf("FindCodeURL(%q) = %q; want %q", tc.texts, got, tc.want)
			}
		})
	}
}

// TestFindCodeURLListings checks, over real abstracts, that every link found
// is normalised (finding it again gives itself) and that abstracts naming a
// repository outright yield one.
func TestFindCodeURLListings(t *testing.T) {
	found := 0
	for _, file := range []string{"../../testdata/arxiv/listings_sample.jsonl", "../../testdata/arxiv/listings_edge.jsonl"} {
		for _, line := range MustReadLines(t, file) {
			p, err := ParseListing(line)
			if err != nil {
				t.Fatal(err)
			}
			if p.CodeURL == "" {
				if strings.Contains(p.Abstract, "https://github.com/") && !strings.Contains(p.Abstract, "github.com/SAI-") {
					t.Errorf("%s: no code link found in %q", p.ID, p.Abstract)
				}
				continue
			}
			found++
			if again := FindCodeURL(p.CodeURL); again != p.CodeURL {
				t.Errorf("%s: FindCodeURL(%q) = %q; want it unchanged", p.ID, p.CodeURL, again)
			}
		}
	}
	if found < 10 {
		t.Errorf("found %d code links in the samples; want at least 10", found)
	}
}

func FuzzFindCodeURL(f *testing.F) {
	for _, s := range []string{
		"Code: https://github.com/a/b.git.", `\href{https://github.com/x\_y/z}{z}`,
		"huggingface.co/spaces/x/y", "gitlab.com/a/b/c/-/tree/main", "codeberg.org/a/b",
		"www.github.com/a/b", ".com/", "github.com/ /", "huggingface.co/datasets/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u := FindCodeURL(s)
		if u == "" {
			return
		}
		if !strings.HasPrefix(u, "https://") || strings.ContainsAny(u, " \n\\?#") {
			t.Fatalf("FindCodeURL(%q) = %q: not a clean link", s, u)
		}
		if again := FindCodeURL(u); again != u {
			t.Fatalf("FindCodeURL(%q) = %q, but FindCodeURL(%q) = %q", s, u, u, again)
		}
	})
}

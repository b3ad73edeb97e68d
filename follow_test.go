package quire

import (
	"errors"
	"strings"
	"testing"
)

func TestFollowMatches(t *testing.T) {
	p := &Paper{ID: "2506.00001", Authors: []string{"Ada  Lovelace", "Charles Babbage"}, Categories: []string{"math.HO", "cs.DM"}}
	tests := []struct {
		name string
		f    Follow
		want bool
	}{
		{"author", Follow{Kind: FollowAuthor, Name: "ada lovelace"}, true},
		{"other author", Follow{Kind: FollowAuthor, Name: "A. Lovelace"}, false},
		{"with co-author", Follow{Kind: FollowAuthor, Name: "Ada Lovelace", CoAuthor: "CHARLES BABBAGE"}, true},
		{"without co-author", Follow{Kind: FollowAuthor, Name: "Ada Lovelace", CoAuthor: "Mary Somerville"}, false},
		{"in category", Follow{Kind: FollowAuthor, Name: "Ada Lovelace", Category: "cs.DM"}, true},
		{"in archive", Follow{Kind: FollowAuthor, Name: "Ada Lovelace", Category: "math"}, true},
		{"not in category", Follow{Kind: FollowAuthor, Name: "Ada Lovelace", Category: "cs.CL"}, false},
		{"both qualifiers", Follow{Kind: FollowAuthor, Name: "Ada Lovelace", CoAuthor: "Charles Babbage", Category: "cs"}, true},
		{"category", Follow{Kind: FollowCategory, Name: "cs.DM"}, true},
		{"archive", Follow{Kind: FollowCategory, Name: "cs"}, true},
		{"prefix is not an archive", Follow{Kind: FollowCategory, Name: "cs.D"}, false},
		{"other category", Follow{Kind: FollowCategory, Name: "hep-th"}, false},
		{"organization", Follow{Kind: FollowOrganization, Name: "Google"}, true},
		{"other organization", Follow{Kind: FollowOrganization, Name: "google-research"}, false},
		{"author is no organization", Follow{Kind: FollowAuthor, Name: "google"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.f.Matches(p, []string{"google", "deepmind"}); got != tc.want {
				t.Errorf("(%+v).Matches = %v, want %v", tc.f, got, tc.want)
			}
		})
	}
}

func TestCanonicalCategory(t *testing.T) {
	for in, want := range map[string]string{
		"cs.cl": "cs.CL", " CS.CL ": "cs.CL", "hep-th": "hep-th", "Physics.Optics": "physics.optics",
		"cond-mat.STAT-MECH": "cond-mat.stat-mech", "cs": "cs",
	} {
		if got, err := CanonicalCategory(in); err != nil || got != want {
			t.Errorf("CanonicalCategory(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "cs.", ".CL", "cs/CL", "cs.C L", "-cs", "cs-", "a.b.c", "ç.CL"} {
		if got, err := CanonicalCategory(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("CanonicalCategory(%q) = %q, %v; want ErrInvalid", in, got, err)
		}
	}
}

func TestCanonicalOrganization(t *testing.T) {
	for in, want := range map[string]string{" google ": "google", "Tencent-Hunyuan": "Tencent-Hunyuan", "utokyo_ai.lab": "utokyo_ai.lab"} {
		if got, err := CanonicalOrganization(in); err != nil || got != want {
			t.Errorf("CanonicalOrganization(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "goo gle", "google/x", "<b>", strings.Repeat("a", MaxOrganizationNameLen+1)} {
		if got, err := CanonicalOrganization(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("CanonicalOrganization(%q) = %q, %v; want ErrInvalid", in, got, err)
		}
	}
}

func TestFollowTitleAndKey(t *testing.T) {
	a := &Follow{Kind: FollowAuthor, Name: "Ada Lovelace", CoAuthor: "Charles Babbage", Category: "math.HO"}
	if got, want := a.Title(), "Ada Lovelace (with Charles Babbage, in math.HO)"; got != want {
		t.Errorf("Title = %q, want %q", got, want)
	}
	b := &Follow{Kind: FollowAuthor, Name: "ADA  lovelace", CoAuthor: "charles babbage", Category: "math.HO"}
	if a.Key() != b.Key() {
		t.Errorf("Key(%+v) != Key(%+v)", a, b)
	}
	// A name cannot pass for a name and a qualifier.
	c := &Follow{Kind: FollowAuthor, Name: "Ada Lovelace Charles Babbage"}
	if a.Key() == c.Key() {
		t.Errorf("Key(%+v) == Key(%+v)", a, c)
	}
}

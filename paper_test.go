package quire

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestUnwrap(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"  A fully differential calculation is\npresented for the production.\n", "A fully differential calculation is presented for the production."},
		{"First paragraph\nwraps here.\n  Second paragraph\nalso wraps.", "First paragraph wraps here.\n\nSecond paragraph also wraps."},
		{"One.\n\n\nTwo.", "One.\n\nTwo."},
		{"tabs\tand  spaces\r\nacross", "tabs and spaces across"},
		{"nul\x00byte and \xffbad utf8", "nul byte and \uFFFDbad utf8"},
		{"", ""},
	} {
		if got := Unwrap(tc.in); got != tc.want {
			t.Errorf("Unwrap(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMerge(t *testing.T) {
	t1 := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	t2 := t1.AddDate(0, 1, 0)
	stored := Paper{ID: "2401.00001", Version: 2, Title: "T2", Abstract: "A2", Authors: []string{"a"},
		PublishedAt: t1, Categories: []string{"cs.CL"}}
	for _, tc := range []struct {
		name    string
		in      Paper
		want    Paper
		changed bool
	}{
		{"same", stored, stored, false},
		{"empty fields keep values", Paper{ID: stored.ID}, stored, false},
		{"older version keeps content", Paper{ID: stored.ID, Version: 1, Title: "T1", DOI: "10.1/x"},
			func() Paper { p := stored; p.DOI = "10.1/x"; return p }(), true},
		{"newer version replaces content", Paper{ID: stored.ID, Version: 3, Title: "T3", UpdatedAt: t2},
			func() Paper { p := stored; p.Version, p.Title, p.UpdatedAt = 3, "T3", t2; return p }(), true},
		{"unknown version only fills empty fields", Paper{ID: stored.ID, Title: "Retitled", Categories: []string{"cs.AI"}, CodeURL: "https://github.com/a/b"},
			func() Paper { p := stored; p.CodeURL = "https://github.com/a/b"; return p }(), true},
		{"same version is authoritative", Paper{ID: stored.ID, Version: 2, Title: "Corrected", Categories: []string{"cs.AI"}},
			func() Paper { p := stored; p.Title, p.Categories = "Corrected", []string{"cs.AI"}; return p }(), true},
		{"earliest publication wins", Paper{ID: stored.ID, PublishedAt: t2}, stored, false},
		{"earlier publication replaces", Paper{ID: stored.ID, PublishedAt: t1.AddDate(0, 0, -1)},
			func() Paper { p := stored; p.PublishedAt = t1.AddDate(0, 0, -1); return p }(), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, changed := Merge(&stored, &tc.in)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Merge mismatch (-want +got):\n%s", diff)
			}
			if changed != tc.changed {
				t.Errorf("Merge changed = %v, want %v", changed, tc.changed)
			}
		})
	}
}

// TestMergeStable merges two versionless records of one paper in turn, as
// importing an arXiv listing and a daily list that share papers does: after
// the first round, importing either again changes nothing.
func TestMergeStable(t *testing.T) {
	listing := Paper{ID: "2506.00001", Title: "Listing title", Abstract: "Listing abstract.",
		Categories: []string{"cs.CL"}, CodeURL: "https://github.com/a/from-abstract"}
	daily := Paper{ID: "2506.00001", Title: "Daily title", Abstract: "Daily abstract.",
		CodeURL: "https://github.com/a/curated", ProjectURL: "https://example.org"}
	m1, _ := Merge(&listing, &daily)
	for _, in := range []Paper{listing, daily, listing} {
		if _, changed := Merge(&m1, &in); changed {
			t.Errorf("merging %q again changed the paper", in.Title)
		}
	}
	if m1.Title != "Listing title" || m1.ProjectURL != "https://example.org" {
		t.Errorf("merged = %+v; want the first title kept and the project page filled", m1)
	}
}

// TestMergeWithdrawal: a stored withdrawal stays whatever record comes
// next; a record that carries one sets it, an authoritative one even over
// a stored date.
func TestMergeWithdrawal(t *testing.T) {
	t1 := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	w1, w2 := t1.AddDate(0, 2, 0), t1.AddDate(0, 3, 0)
	live := Paper{ID: "2401.00001", Version: 2, Title: "T2", PublishedAt: t1}
	withdrawn := live
	withdrawn.WithdrawnAt = w1
	with := func(p Paper, f func(*Paper)) Paper { f(&p); return p }
	for _, tc := range []struct {
		name       string
		stored, in Paper
		want       time.Time
		changed    bool
	}{
		{"newer record without it keeps it", withdrawn, with(live, func(p *Paper) { p.Version = 3 }), w1, true},
		{"versionless record without it keeps it", withdrawn, Paper{ID: live.ID, Title: "Other"}, w1, false},
		{"same record again", withdrawn, withdrawn, w1, false},
		{"newer withdrawn record sets it", live, with(live, func(p *Paper) { p.Version, p.WithdrawnAt = 3, w2 }), w2, true},
		{"newer withdrawn record moves it", withdrawn, with(live, func(p *Paper) { p.Version, p.WithdrawnAt = 3, w2 }), w2, true},
		{"older withdrawn record fills it", live, with(live, func(p *Paper) { p.Version, p.WithdrawnAt = 1, w2 }), w2, true},
		{"older withdrawn record does not move it", withdrawn, with(live, func(p *Paper) { p.Version, p.WithdrawnAt = 1, w2 }), w1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, changed := Merge(&tc.stored, &tc.in)
			if !got.WithdrawnAt.Equal(tc.want) || changed != tc.changed {
				t.Errorf("Merge = withdrawn %v, changed %v; want %v, %v", got.WithdrawnAt, changed, tc.want, tc.changed)
			}
			if got.Withdrawn() != !tc.want.IsZero() {
				t.Errorf("Withdrawn() = %v with WithdrawnAt %v", got.Withdrawn(), got.WithdrawnAt)
			}
		})
	}
}

// TestPaperWithdrawnAtKept: Normalize puts the withdrawal date in stored
// form, Equal compares it, and Validate refuses one no backend can keep.
func TestPaperWithdrawnAtKept(t *testing.T) {
	at := time.Date(2024, 3, 2, 10, 0, 0, 500, time.FixedZone("CET", 3600))
	p := Paper{ID: "2401.00001", Title: "T", WithdrawnAt: at}
	p.Normalize()
	if want := time.Date(2024, 3, 2, 9, 0, 0, 0, time.UTC); p.WithdrawnAt != want {
		t.Errorf("Normalize: WithdrawnAt = %v, want %v", p.WithdrawnAt, want)
	}
	live := p
	live.WithdrawnAt = time.Time{}
	if p.Equal(&live) || live.Equal(&p) {
		t.Error("Equal ignores WithdrawnAt")
	}
	same := p
	same.WithdrawnAt = p.WithdrawnAt.In(time.FixedZone("EST", -5*3600))
	if !p.Equal(&same) {
		t.Error("Equal compares WithdrawnAt's zone, not its instant")
	}
	bad := p
	bad.WithdrawnAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := bad.Validate(); err == nil {
		t.Error("Validate accepts a withdrawal in the year 10000")
	}
}

func TestPreparePapers(t *testing.T) {
	in := []*Paper{
		{ID: "2401.00001", Version: 1, Title: "  Old\n  title ", Authors: []string{" A ", ""}},
		nil,
		{ID: "2401.00002"},
		{ID: "2401.00001", Version: 2, Title: "New title"},
	}
	out, skipped := PreparePapers(in)
	if skipped != 2 || len(out) != 1 {
		t.Fatalf("PreparePapers = %d papers, %d skipped; want 1, 2", len(out), skipped)
	}
	want := &Paper{ID: "2401.00001", Version: 2, Title: "New title", Authors: []string{"A"}}
	if diff := cmp.Diff(want, out[0]); diff != "" {
		t.Errorf("PreparePapers mismatch (-want +got):\n%s", diff)
	}
	if in[0].Title != "  Old\n  title " || len(in[0].Authors) != 2 {
		t.Errorf("PreparePapers modified its input: %+v", in[0])
	}
}

func TestMergeEntry(t *testing.T) {
	day := time.Date(2025, 6, 16, 0, 0, 0, 0, time.UTC)
	stored := DailyEntry{Day: day, PaperID: "2506.00001", Upvotes: 5, AISummary: "S", Submitter: Submitter{Name: "ak"}}
	got, changed := MergeEntry(&stored, &DailyEntry{Day: day, PaperID: "2506.00001", Upvotes: 9, NumComments: 2})
	want := stored
	want.Upvotes, want.NumComments = 9, 2
	if diff := cmp.Diff(want, got); diff != "" || !changed {
		t.Errorf("MergeEntry mismatch (-want +got):\n%s changed=%v", diff, changed)
	}
	if _, changed := MergeEntry(&stored, &stored); changed {
		t.Error("MergeEntry(same) reported a change")
	}
}

func TestMergeEntryOrganization(t *testing.T) {
	day := time.Date(2026, 8, 21, 0, 0, 0, 0, time.UTC)
	google := Organization{Name: "google", Fullname: "Google", AvatarURL: "https://example.org/g.png"}
	with := DailyEntry{Day: day, PaperID: "2608.00001", Organization: google}
	without := DailyEntry{Day: day, PaperID: "2608.00001"}
	tests := []struct {
		name        string
		stored, in  DailyEntry
		want        Organization
		wantChanged bool
	}{
		{"empty keeps stored", with, without, google, false},
		{"new organization", without, with, google, true},
		{"same organization, fewer fields", with, DailyEntry{Day: day, PaperID: "2608.00001", Organization: Organization{Name: "google"}}, google, false},
		{"other organization replaces", with, DailyEntry{Day: day, PaperID: "2608.00001", Organization: Organization{Name: "deepmind", Fullname: "Deepmind"}},
			Organization{Name: "deepmind", Fullname: "Deepmind"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, changed := MergeEntry(&tc.stored, &tc.in)
			if diff := cmp.Diff(tc.want, got.Organization); diff != "" || changed != tc.wantChanged {
				t.Errorf("MergeEntry organization mismatch (-want +got):\n%s changed=%v, want %v", diff, changed, tc.wantChanged)
			}
		})
	}
}

func FuzzNormalizeText(f *testing.F) {
	for _, s := range []string{"a\nb", "  x\n  y", "é\u00a0ü", "\x00\xff", "one  two", "\n\n\nz", " \t "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u := Unwrap(s)
		if Unwrap(u) != u {
			t.Errorf("Unwrap not idempotent: %q -> %q -> %q", s, u, Unwrap(u))
		}
		o := OneLine(s)
		if OneLine(o) != o || strings.ContainsAny(o, "\n\t\x00") || !utf8.ValidString(o) {
			t.Errorf("OneLine(%q) = %q is not clean", s, o)
		}
	})
}

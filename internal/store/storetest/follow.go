package storetest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
)

// followTests are the follow tests, registered in Run.
var followTests = []struct {
	name string
	fn   func(*testing.T, quire.Store)
}{
	{"FollowLifecycle", testFollowLifecycle},
	{"FollowInvalid", testFollowInvalid},
	{"FollowedPapers", testFollowedPapers},
	{"FollowedPapersPaging", testFollowedPapersPaging},
	{"FollowOrganization", testFollowOrganization},
	{"FollowConcurrent", testFollowConcurrent},
}

// runFollows runs the follow tests, each on a fresh store.
func runFollows(t *testing.T, newStore NewStore) {
	for _, tc := range followTests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

// MustCreateFollow stores a follow and fails the test on error.
func MustCreateFollow(t *testing.T, s quire.Store, f *quire.Follow) *quire.Follow {
	t.Helper()
	got, err := s.CreateFollow(ctx(t), f)
	if err != nil {
		t.Fatalf("CreateFollow(%+v): %v", f, err)
	}
	return got
}

// followSummary is a follow without its id and time, for comparisons.
type followSummary struct {
	Kind                     quire.FollowKind
	Name, CoAuthor, Category string
	Digest                   bool
}

func summarize(fs []*quire.Follow) []followSummary {
	out := []followSummary{}
	for _, f := range fs {
		out = append(out, followSummary{f.Kind, f.Name, f.CoAuthor, f.Category, f.Digest})
	}
	return out
}

func mustFindFollows(t *testing.T, s quire.Store, accountID int64) []*quire.Follow {
	t.Helper()
	fs, err := s.FindFollows(ctx(t), accountID)
	if err != nil {
		t.Fatalf("FindFollows(%d): %v", accountID, err)
	}
	return fs
}

func testFollowLifecycle(t *testing.T, s quire.Store) {
	alice := MustCreateAccount(t, s, "alice")
	bob := MustCreateAccount(t, s, "bob")
	if got := mustFindFollows(t, s, alice.ID); got == nil || len(got) != 0 {
		t.Errorf("FindFollows(no follows) = %#v, want an empty slice", got)
	}
	ada := MustCreateFollow(t, s, &quire.Follow{AccountID: alice.ID, Kind: quire.FollowAuthor,
		Name: "  Ada\n  Lovelace ", CoAuthor: "Charles  Babbage", Category: "MATH.ho"})
	if ada.ID == 0 || ada.AccountID != alice.ID || ada.Name != "Ada Lovelace" || ada.CoAuthor != "Charles Babbage" ||
		ada.Category != "math.HO" || ada.Digest || ada.CreatedAt.IsZero() {
		t.Errorf("CreateFollow = %+v, want Ada Lovelace with Charles Babbage in math.HO, no digest", ada)
	}
	// The same follow, whatever the case and spacing of the names, is
	// one follow; following it again sets its digest choice.
	again := MustCreateFollow(t, s, &quire.Follow{AccountID: alice.ID, Kind: quire.FollowAuthor,
		Name: "ada lovelace", CoAuthor: "CHARLES BABBAGE", Category: "math.HO", Digest: true})
	if again.ID != ada.ID || !again.Digest || again.Name != "Ada Lovelace" || !again.CreatedAt.Equal(ada.CreatedAt) {
		t.Errorf("CreateFollow(again) = %+v, want follow %d kept as first written, with Digest", again, ada.ID)
	}
	cat := MustCreateFollow(t, s, &quire.Follow{AccountID: alice.ID, Kind: quire.FollowCategory, Name: "CS.cl"})
	plain := MustCreateFollow(t, s, &quire.Follow{AccountID: alice.ID, Kind: quire.FollowAuthor, Name: "Ada Lovelace"})
	if plain.ID == ada.ID {
		t.Errorf("an unqualified follow of the same name reused follow %d", ada.ID)
	}
	MustCreateFollow(t, s, &quire.Follow{AccountID: alice.ID, Kind: quire.FollowCategory, Name: "hep-th", Digest: true})
	// Bob's follows are his own.
	MustCreateFollow(t, s, &quire.Follow{AccountID: bob.ID, Kind: quire.FollowAuthor, Name: "Ada Lovelace"})

	want := []followSummary{
		{quire.FollowAuthor, "Ada Lovelace", "", "", false},
		{quire.FollowAuthor, "Ada Lovelace", "Charles Babbage", "math.HO", true},
		{quire.FollowCategory, "cs.CL", "", "", false},
		{quire.FollowCategory, "hep-th", "", "", true},
	}
	if diff := cmp.Diff(want, summarize(mustFindFollows(t, s, alice.ID))); diff != "" {
		t.Errorf("FindFollows(alice) mismatch (-want +got):\n%s", diff)
	}
	// Another account cannot remove alice's follow, nor tell it exists.
	if err := s.DeleteFollow(ctx(t), cat.ID, bob.ID); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("DeleteFollow(other account's) error = %v, want ErrNotFound", err)
	}
	if err := s.DeleteFollow(ctx(t), cat.ID, alice.ID); err != nil {
		t.Fatalf("DeleteFollow: %v", err)
	}
	if err := s.DeleteFollow(ctx(t), cat.ID, alice.ID); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("DeleteFollow(twice) error = %v, want ErrNotFound", err)
	}
	if got := len(mustFindFollows(t, s, alice.ID)); got != 3 {
		t.Errorf("alice has %d follows after one was removed, want 3", got)
	}
	if got := len(mustFindFollows(t, s, bob.ID)); got != 1 {
		t.Errorf("bob has %d follows, want 1", got)
	}
	// A disabled account keeps its follows but may not change them.
	mod := MustCreateAccount(t, s, "mod")
	if err := s.SetAccountDisabled(ctx(t), bob.ID, true, quire.Moderation{ActorID: mod.ID, At: ts("2025-06-20T09:00:00Z")}); err != nil {
		t.Fatalf("SetAccountDisabled: %v", err)
	}
	if _, err := s.CreateFollow(ctx(t), &quire.Follow{AccountID: bob.ID, Kind: quire.FollowCategory, Name: "cs"}); !errors.Is(err, quire.ErrUnauthorized) {
		t.Errorf("CreateFollow(disabled account) error = %v, want ErrUnauthorized", err)
	}
	bobs := mustFindFollows(t, s, bob.ID)
	if err := s.DeleteFollow(ctx(t), bobs[0].ID, bob.ID); !errors.Is(err, quire.ErrUnauthorized) {
		t.Errorf("DeleteFollow(disabled account) error = %v, want ErrUnauthorized", err)
	}
}

func testFollowInvalid(t *testing.T, s quire.Store) {
	alice := MustCreateAccount(t, s, "alice")
	tooLong := strings.Repeat("abcdefghij", quire.MaxFollowNameLen/10+1)
	for _, tc := range []struct {
		name string
		f    quire.Follow
		kind error
	}{
		{"no account", quire.Follow{Kind: quire.FollowCategory, Name: "cs"}, quire.ErrInvalid},
		{"unknown account", quire.Follow{AccountID: alice.ID + 1000, Kind: quire.FollowCategory, Name: "cs"}, quire.ErrNotFound},
		{"no kind", quire.Follow{AccountID: alice.ID, Name: "cs"}, quire.ErrInvalid},
		{"unknown kind", quire.Follow{AccountID: alice.ID, Kind: "institution", Name: "Google"}, quire.ErrInvalid},
		{"empty organization", quire.Follow{AccountID: alice.ID, Kind: quire.FollowOrganization, Name: " "}, quire.ErrInvalid},
		{"bad organization", quire.Follow{AccountID: alice.ID, Kind: quire.FollowOrganization, Name: "google/research"}, quire.ErrInvalid},
		{"qualified organization", quire.Follow{AccountID: alice.ID, Kind: quire.FollowOrganization, Name: "google", Category: "cs"}, quire.ErrInvalid},
		{"empty author", quire.Follow{AccountID: alice.ID, Kind: quire.FollowAuthor, Name: " \n "}, quire.ErrInvalid},
		{"long author", quire.Follow{AccountID: alice.ID, Kind: quire.FollowAuthor, Name: tooLong}, quire.ErrInvalid},
		{"NUL author", quire.Follow{AccountID: alice.ID, Kind: quire.FollowAuthor, Name: "Ada\x00"}, quire.ErrInvalid},
		{"invalid UTF-8", quire.Follow{AccountID: alice.ID, Kind: quire.FollowAuthor, Name: "Ada \xff"}, quire.ErrInvalid},
		{"own co-author", quire.Follow{AccountID: alice.ID, Kind: quire.FollowAuthor, Name: "Ada", CoAuthor: "ADA"}, quire.ErrInvalid},
		{"bad qualifier category", quire.Follow{AccountID: alice.ID, Kind: quire.FollowAuthor, Name: "Ada", Category: "cs.C L"}, quire.ErrInvalid},
		{"bad category", quire.Follow{AccountID: alice.ID, Kind: quire.FollowCategory, Name: "cs/CL"}, quire.ErrInvalid},
		{"empty category", quire.Follow{AccountID: alice.ID, Kind: quire.FollowCategory, Name: ""}, quire.ErrInvalid},
		{"qualified category", quire.Follow{AccountID: alice.ID, Kind: quire.FollowCategory, Name: "cs", CoAuthor: "Ada"}, quire.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.CreateFollow(ctx(t), &tc.f); !errors.Is(err, tc.kind) {
				t.Errorf("CreateFollow(%+v) error = %v, want kind %v", tc.f, err, tc.kind)
			}
		})
	}
	if got := mustFindFollows(t, s, alice.ID); len(got) != 0 {
		t.Errorf("invalid follows were stored: %+v", got)
	}
	since := ts("2025-01-01T00:00:00Z")
	for _, tc := range []struct {
		since time.Time
		limit int
	}{
		{time.Time{}, 10},
		{since, 0},
		{since, -1},
		{since, quire.MaxFollowedPapers + 1},
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), 10},
	} {
		if _, err := s.FollowedPapers(ctx(t), alice.ID, tc.since, tc.limit); !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("FollowedPapers(%v, %d) error = %v, want ErrInvalid", tc.since, tc.limit, err)
		}
	}
}

// followedIDs lists the ids of followed papers with the titles of the
// follows that matched them.
func followedIDs(fps []*quire.FollowedPaper) []string {
	out := []string{}
	for _, fp := range fps {
		s := fp.Paper.ID + ":"
		for i, f := range fp.Because {
			if i > 0 {
				s += ";"
			}
			s += f.Title()
		}
		out = append(out, s)
	}
	return out
}

func mustFollowedPapers(t *testing.T, s quire.Store, accountID int64, since time.Time, limit int) []*quire.FollowedPaper {
	t.Helper()
	fps, err := s.FollowedPapers(ctx(t), accountID, since, limit)
	if err != nil {
		t.Fatalf("FollowedPapers: %v", err)
	}
	return fps
}

func testFollowedPapers(t *testing.T, s quire.Store) {
	paper := func(id, published string, cats []string, authors ...string) *quire.Paper {
		p := &quire.Paper{ID: id, Version: 1, Title: "Paper " + id, Authors: authors, Abstract: "Abstract.", Categories: cats}
		if published != "" {
			p.PublishedAt = ts(published)
		}
		return p
	}
	MustUpsertPapers(t, s,
		paper("2506.00001", "2025-06-01T10:00:00Z", []string{"math.HO", "cs.DM"}, "Ada Lovelace", "Charles Babbage"),
		paper("2506.00002", "2025-06-02T10:00:00Z", []string{"physics.hist-ph"}, "ADA  LOVELACE"),
		paper("2506.00003", "2025-06-03T10:00:00Z", []string{"cs.CL"}, "Grace Hopper"),
		paper("2506.00004", "2025-06-04T10:00:00Z", []string{"math.HO"}, "Ada Lovelace", "Mary Somerville"),
		paper("2506.00005", "2025-06-05T10:00:00Z", []string{"cs.CLX"}, "Someone Else"), // not in cs.CL
		paper("2506.00006", "2025-06-05T10:00:00Z", []string{"cs.LG"}, "A. Lovelace"),   // another name
		paper("2506.00007", "", []string{"cs.CL"}, "Ada Lovelace"),                      // no date
		paper("2506.00008", "2025-05-01T10:00:00Z", []string{"cs.CL"}, "Ada Lovelace"),  // too old
		paper("2506.00009", "2025-06-06T10:00:00Z", []string{"cs.CL"}, "Ada Lovelace"),  // hidden below
		paper("2506.00010", "2025-06-06T10:00:00Z", []string{"cs.CL"}, "Ada Lovelace"),  // withdrawn below
		paper("2506.00011", "2025-06-07T10:00:00Z", []string{"math.HO"}, "Ada Lovelace", "Charles Babbage"),
	)
	mod := MustCreateAccount(t, s, "mod")
	if err := s.SetPaperHidden(ctx(t), "2506.00009", true, quire.Moderation{ActorID: mod.ID, At: ts("2025-06-20T09:00:00Z")}); err != nil {
		t.Fatalf("SetPaperHidden: %v", err)
	}
	if n, err := s.MarkWithdrawn(ctx(t), []string{"2506.00010"}, ts("2025-06-20T09:00:00Z")); err != nil || n != 1 {
		t.Fatalf("MarkWithdrawn = %d, %v", n, err)
	}
	alice := MustCreateAccount(t, s, "alice")
	bob := MustCreateAccount(t, s, "bob")
	since := ts("2025-05-15T00:00:00Z")
	if got := mustFollowedPapers(t, s, alice.ID, since, 10); got == nil || len(got) != 0 {
		t.Errorf("FollowedPapers(no follows) = %#v, want an empty slice", got)
	}
	// Bob follows the Ada Lovelace who writes with Charles Babbage, and
	// the one who writes on the history of mathematics.
	MustCreateFollow(t, s, &quire.Follow{AccountID: bob.ID, Kind: quire.FollowAuthor, Name: "Ada Lovelace", CoAuthor: "charles babbage"})
	MustCreateFollow(t, s, &quire.Follow{AccountID: bob.ID, Kind: quire.FollowAuthor, Name: "ada lovelace", Category: "math"})
	want := []string{
		"2506.00011:ada lovelace (in math);Ada Lovelace (with charles babbage)",
		"2506.00004:ada lovelace (in math)",
		"2506.00001:ada lovelace (in math);Ada Lovelace (with charles babbage)",
	}
	if diff := cmp.Diff(want, followedIDs(mustFollowedPapers(t, s, bob.ID, since, 10))); diff != "" {
		t.Errorf("FollowedPapers(bob) mismatch (-want +got):\n%s", diff)
	}
	// Alice follows every Ada Lovelace, and cs.CL.
	MustCreateFollow(t, s, &quire.Follow{AccountID: alice.ID, Kind: quire.FollowAuthor, Name: "Ada Lovelace"})
	MustCreateFollow(t, s, &quire.Follow{AccountID: alice.ID, Kind: quire.FollowCategory, Name: "cs.CL"})
	want = []string{
		"2506.00011:Ada Lovelace",
		"2506.00004:Ada Lovelace",
		"2506.00003:cs.CL",
		"2506.00002:Ada Lovelace",
		"2506.00001:Ada Lovelace",
	}
	if diff := cmp.Diff(want, followedIDs(mustFollowedPapers(t, s, alice.ID, since, 10))); diff != "" {
		t.Errorf("FollowedPapers(alice) mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want[:2], followedIDs(mustFollowedPapers(t, s, alice.ID, since, 2))); diff != "" {
		t.Errorf("FollowedPapers(alice, limit 2) mismatch (-want +got):\n%s", diff)
	}
	// since is inclusive.
	if diff := cmp.Diff(want[:3], followedIDs(mustFollowedPapers(t, s, alice.ID, ts("2025-06-03T10:00:00Z"), 10))); diff != "" {
		t.Errorf("FollowedPapers(alice, since the 3rd) mismatch (-want +got):\n%s", diff)
	}
	// A whole archive takes in its categories.
	carol := MustCreateAccount(t, s, "carol")
	MustCreateFollow(t, s, &quire.Follow{AccountID: carol.ID, Kind: quire.FollowCategory, Name: "cs"})
	want = []string{"2506.00006:cs", "2506.00005:cs", "2506.00003:cs", "2506.00001:cs"}
	if diff := cmp.Diff(want, followedIDs(mustFollowedPapers(t, s, carol.ID, since, 10))); diff != "" {
		t.Errorf("FollowedPapers(carol) mismatch (-want +got):\n%s", diff)
	}
	// The papers come whole.
	fps := mustFollowedPapers(t, s, carol.ID, since, 1)
	if len(fps) != 1 || fps[0].Paper.Title != "Paper 2506.00006" || !fps[0].Paper.PublishedAt.Equal(ts("2025-06-05T10:00:00Z")) {
		t.Errorf("FollowedPapers(carol, 1) = %+v, want paper 2506.00006 with its title and date", fps)
	}
}

// testFollowedPapersPaging follows a paper that lies beyond several reads
// of papers published at one time, so that the reads must page by id.
func testFollowedPapersPaging(t *testing.T, s quire.Store) {
	papers := numbered(1201)
	MustUpsertPapers(t, s, papers...)
	alice := MustCreateAccount(t, s, "alice")
	MustCreateFollow(t, s, &quire.Follow{AccountID: alice.ID, Kind: quire.FollowAuthor, Name: "Author 3"})
	MustCreateFollow(t, s, &quire.Follow{AccountID: alice.ID, Kind: quire.FollowAuthor, Name: "Author 1200"})
	want := []string{"2501.01201:Author 1200", "2501.00004:Author 3"}
	if diff := cmp.Diff(want, followedIDs(mustFollowedPapers(t, s, alice.ID, ts("2025-01-01T00:00:00Z"), 10))); diff != "" {
		t.Errorf("FollowedPapers mismatch (-want +got):\n%s", diff)
	}
	// A follow every paper matches fills the page from the newest (here:
	// the highest ids).
	MustCreateFollow(t, s, &quire.Follow{AccountID: alice.ID, Kind: quire.FollowCategory, Name: "cs.AI"})
	fps := mustFollowedPapers(t, s, alice.ID, ts("2025-01-01T00:00:00Z"), quire.MaxFollowedPapers)
	if len(fps) != quire.MaxFollowedPapers || fps[0].Paper.ID != "2501.01201" ||
		fps[len(fps)-1].Paper.ID != fmt.Sprintf("2501.%05d", 1201-quire.MaxFollowedPapers+1) {
		t.Errorf("FollowedPapers(cs.AI) = %d papers from %s, want %d from 2501.01201 down", len(fps), fps[0].Paper.ID, quire.MaxFollowedPapers)
	}
}

// testFollowConcurrent follows one thing from many goroutines at once: it
// is stored once, and the limit on follows holds.
func testFollowConcurrent(t *testing.T, s quire.Store) {
	alice := MustCreateAccount(t, s, "alice")
	var wg sync.WaitGroup
	ids := make([]int64, 8)
	errs := make([]error, 8)
	for i := range ids {
		wg.Go(func() {
			f, err := s.CreateFollow(ctx(t), &quire.Follow{AccountID: alice.ID, Kind: quire.FollowCategory, Name: "cs.CL"})
			if err == nil {
				ids[i] = f.ID
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("CreateFollow #%d: %v", i, err)
		}
		if ids[i] != ids[0] {
			t.Errorf("CreateFollow #%d stored follow %d, #0 follow %d", i, ids[i], ids[0])
		}
	}
	for i := 1; i < quire.MaxFollows; i++ {
		MustCreateFollow(t, s, &quire.Follow{AccountID: alice.ID, Kind: quire.FollowAuthor, Name: fmt.Sprintf("Author %d", i)})
	}
	_, err := s.CreateFollow(ctx(t), &quire.Follow{AccountID: alice.ID, Kind: quire.FollowCategory, Name: "cs.LG"})
	if !errors.Is(err, quire.ErrRateLimited) {
		t.Errorf("CreateFollow(beyond %d) error = %v, want ErrRateLimited", quire.MaxFollows, err)
	}
	// Following again what one already follows is still fine.
	if _, err := s.CreateFollow(ctx(t), &quire.Follow{AccountID: alice.ID, Kind: quire.FollowCategory, Name: "cs.CL", Digest: true}); err != nil {
		t.Errorf("CreateFollow(known, at the limit): %v", err)
	}
}

// testFollowOrganization follows organizations: one follow per handle
// whatever its case, listed after authors and categories, matching the
// papers whose visible daily entries name the organization.
func testFollowOrganization(t *testing.T, s quire.Store) {
	paper := func(id, published string) *quire.Paper {
		return &quire.Paper{ID: id, Version: 1, Title: "Paper " + id, Authors: []string{"Ada Lovelace"},
			Abstract: "Abstract.", Categories: []string{"cs.CL"}, PublishedAt: ts(published)}
	}
	MustUpsertPapers(t, s,
		paper("2608.00001", "2026-08-01T10:00:00Z"),
		paper("2608.00002", "2026-08-02T10:00:00Z"),
		paper("2608.00003", "2026-08-03T10:00:00Z"),
		paper("2608.00004", "2026-08-04T10:00:00Z"),
	)
	org := func(d, id, name string) *quire.DailyEntry {
		e := entry(d, id, 1, 0, "")
		e.Organization = quire.Organization{Name: name, Fullname: name}
		return e
	}
	MustUpsertEntries(t, s,
		org("2026-08-01", "2608.00001", "google"),
		entry("2026-08-02", "2608.00001", 1, 0, ""), // listed again, without organization
		org("2026-08-02", "2608.00002", "deepmind"),
		org("2026-08-03", "2608.00003", "Google"), // the handle in another case
		org("2026-08-04", "2608.00004", "google"), // its entry is hidden below
		entry("2026-08-05", "2608.00002", 1, 0, ""),
	)
	mod := MustCreateAccount(t, s, "mod")
	if err := s.SetEntryHidden(ctx(t), day("2026-08-04"), "2608.00004", true, quire.Moderation{ActorID: mod.ID, At: ts("2026-08-20T09:00:00Z")}); err != nil {
		t.Fatalf("SetEntryHidden: %v", err)
	}
	alice := MustCreateAccount(t, s, "alice")
	g := MustCreateFollow(t, s, &quire.Follow{AccountID: alice.ID, Kind: quire.FollowOrganization, Name: " google "})
	if g.Name != "google" || g.Kind != quire.FollowOrganization {
		t.Errorf("CreateFollow(organization) = %+v, want google", g)
	}
	if again := MustCreateFollow(t, s, &quire.Follow{AccountID: alice.ID, Kind: quire.FollowOrganization, Name: "GOOGLE", Digest: true}); again.ID != g.ID || !again.Digest {
		t.Errorf("CreateFollow(GOOGLE) = %+v, want follow %d with Digest", again, g.ID)
	}
	MustCreateFollow(t, s, &quire.Follow{AccountID: alice.ID, Kind: quire.FollowCategory, Name: "cs.LG"})
	MustCreateFollow(t, s, &quire.Follow{AccountID: alice.ID, Kind: quire.FollowAuthor, Name: "Grace Hopper"})
	want := []followSummary{
		{quire.FollowAuthor, "Grace Hopper", "", "", false},
		{quire.FollowCategory, "cs.LG", "", "", false},
		{quire.FollowOrganization, "google", "", "", true},
	}
	if diff := cmp.Diff(want, summarize(mustFindFollows(t, s, alice.ID))); diff != "" {
		t.Errorf("FindFollows(alice) mismatch (-want +got):\n%s", diff)
	}
	since := ts("2026-07-01T00:00:00Z")
	wantIDs := []string{"2608.00003:google", "2608.00001:google"}
	if diff := cmp.Diff(wantIDs, followedIDs(mustFollowedPapers(t, s, alice.ID, since, 10))); diff != "" {
		t.Errorf("FollowedPapers(google) mismatch (-want +got):\n%s", diff)
	}
	// An organization follow and an author follow may both match a paper.
	bob := MustCreateAccount(t, s, "bob")
	MustCreateFollow(t, s, &quire.Follow{AccountID: bob.ID, Kind: quire.FollowOrganization, Name: "deepmind"})
	MustCreateFollow(t, s, &quire.Follow{AccountID: bob.ID, Kind: quire.FollowAuthor, Name: "Ada Lovelace"})
	wantIDs = []string{"2608.00004:Ada Lovelace", "2608.00003:Ada Lovelace", "2608.00002:Ada Lovelace;deepmind", "2608.00001:Ada Lovelace"}
	if diff := cmp.Diff(wantIDs, followedIDs(mustFollowedPapers(t, s, bob.ID, since, 10))); diff != "" {
		t.Errorf("FollowedPapers(bob) mismatch (-want +got):\n%s", diff)
	}
}

package digest_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/ingest"
)

// mustMember makes an account with the address of a subscription,
// confirmed unless unconfirmed, with follows.
func (f *fixture) mustMember(tb testing.TB, name string, confirmed bool, follows ...*quire.Follow) {
	tb.Helper()
	ctx := tb.Context()
	a, err := f.db.CreateAccount(ctx, &quire.Account{Username: name, Email: name + "@example.org",
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$a2V5", CreatedAt: sentDay.Add(-72 * time.Hour)})
	if err != nil {
		tb.Fatal(err)
	}
	if confirmed {
		if err := f.db.SetEmailVerified(ctx, a.ID, sentDay.Add(-71*time.Hour)); err != nil {
			tb.Fatal(err)
		}
	}
	for _, fl := range follows {
		fl.AccountID = a.ID
		if _, err := f.db.CreateFollow(ctx, fl); err != nil {
			tb.Fatal(err)
		}
	}
}

// TestBuildFollows adds a section per follow marked for the digest, for
// subscribers whose confirmed account has the subscription's address.
func TestBuildFollows(t *testing.T) {
	f := mustFixture(t)
	// The day after the list's week: no list, so no trending papers, and
	// the papers of 2025-06-11 on are new for topics.
	p := quire.PeriodBefore(quire.Daily, time.Date(2025, 6, 19, 7, 0, 0, 0, time.UTC))
	kwak := &quire.Follow{Kind: quire.FollowAuthor, Name: "Min-Seop Kwak", Digest: true}
	sahoo := &quire.Follow{Kind: quire.FollowAuthor, Name: "Subham Sekhar Sahoo"} // not for the digest
	ada := f.mustSubscriber(t, "ada@example.org", quire.Daily, quire.Topics{}, false)
	f.mustMember(t, "ada", true, kwak, sahoo)
	// Bob never confirmed his account's address: his follows stay out.
	bob := f.mustSubscriber(t, "bob@example.org", quire.Daily, quire.Topics{}, false)
	f.mustMember(t, "bob", false, &quire.Follow{Kind: quire.FollowAuthor, Name: "Min-Seop Kwak", Digest: true})
	// Carol has no account.
	carol := f.mustSubscriber(t, "carol@example.org", quire.Daily, quire.Topics{}, false)

	st, err := f.builder().Build(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Subscriptions != 3 || st.Queued != 1 || st.Empty != 2 {
		t.Errorf("Build = %+v, want 3 subscriptions, 1 queued, 2 empty", st)
	}
	ds := f.mustDigests(t, ada.ID)
	if len(ds) != 1 {
		t.Fatalf("ada has %d digests, want 1", len(ds))
	}
	if diff := cmp.Diff([]string{"2506.11924"}, ds[0].PaperIDs); diff != "" {
		t.Errorf("ada's papers mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]quire.DigestSection{{Title: "New from Min-Seop Kwak", Count: 1}}, ds[0].Sections); diff != "" {
		t.Errorf("ada's sections mismatch (-want +got):\n%s", diff)
	}
	for _, sub := range []*quire.Subscription{bob, carol} {
		if ds := f.mustDigests(t, sub.ID); len(ds) != 0 {
			t.Errorf("%s got %d digests, want none", sub.Email, len(ds))
		}
	}
	// A paper sent once is not sent again.
	next := quire.PeriodBefore(quire.Daily, time.Date(2025, 6, 20, 7, 0, 0, 0, time.UTC))
	if st, err := f.builder().Build(t.Context(), next); err != nil || st.Queued != 0 {
		t.Errorf("Build(next day) = %+v, %v; want nothing queued", st, err)
	}
}

// TestBuildFollowsOrganization adds a section for a followed organization:
// the papers daily lists show under it. deepmind's paper on the list of
// 2026-08-21 is not among the ten trending ones, which come first.
func TestBuildFollowsOrganization(t *testing.T) {
	f := mustFixture(t)
	im := &ingest.Importer{Store: f.db, Logger: quiet}
	if _, err := im.ImportFile(t.Context(), "../../testdata/hf/daily_papers_2026-08-21.json"); err != nil {
		t.Fatal(err)
	}
	p := quire.PeriodBefore(quire.Daily, time.Date(2026, 8, 23, 7, 0, 0, 0, time.UTC))
	ada := f.mustSubscriber(t, "ada@example.org", quire.Daily, quire.Topics{}, false)
	f.mustMember(t, "ada", true, &quire.Follow{Kind: quire.FollowOrganization, Name: "DeepMind", Digest: true})
	if _, err := f.builder().Build(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	ds := f.mustDigests(t, ada.ID)
	if len(ds) != 1 {
		t.Fatalf("ada has %d digests, want 1", len(ds))
	}
	if !slices.Contains(ds[0].PaperIDs, "2608.19891") {
		t.Errorf("ada's papers %v lack deepmind's 2608.19891", ds[0].PaperIDs)
	}
	if want := (quire.DigestSection{Title: "New from DeepMind", Count: 1}); !slices.Contains(ds[0].Sections, want) {
		t.Errorf("ada's sections %+v lack %+v", ds[0].Sections, want)
	}
}

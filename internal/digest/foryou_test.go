package digest_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
)

// mustFeedMember makes an account with the address of a subscription,
// confirmed unless unconfirmed, with upvotes and cold-start choices.
func (f *fixture) mustFeedMember(tb testing.TB, name string, confirmed bool, upvotes []string, in *quire.Interests) {
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
	for _, id := range upvotes {
		if _, _, err := f.db.SetVote(ctx, a.ID, id, true); err != nil {
			tb.Fatal(err)
		}
	}
	if in != nil {
		if err := f.db.SetInterests(ctx, a.ID, in); err != nil {
			tb.Fatal(err)
		}
	}
}

// TestBuildForYou puts a "For you" section first in the digests of members
// with a personal feed, and trending fills in around it, each paper once.
func TestBuildForYou(t *testing.T) {
	f := mustFixture(t)
	p := quire.PeriodBefore(quire.Daily, sentDay) // the list of 2025-06-16
	old := []string{"2405.21060", "2405.21075", "2405.21048"}
	ada := f.mustSubscriber(t, "ada@example.org", quire.Daily, quire.Topics{}, false)
	f.mustFeedMember(t, "ada", true, old, &quire.Interests{Authors: []string{"Subham Sekhar Sahoo"}})
	// Bob has one upvote: too few for a personal feed.
	bob := f.mustSubscriber(t, "bob@example.org", quire.Daily, quire.Topics{}, false)
	f.mustFeedMember(t, "bob", true, old[:1], nil)
	// Carol never confirmed her account's address.
	carol := f.mustSubscriber(t, "carol@example.org", quire.Daily, quire.Topics{}, false)
	f.mustFeedMember(t, "carol", false, old, &quire.Interests{Authors: []string{"Subham Sekhar Sahoo"}})

	if _, err := f.builder().Build(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	da := f.mustDigests(t, ada.ID)
	if len(da) != 1 {
		t.Fatalf("ada has %d digests, want 1", len(da))
	}
	// The store has no vectors here: the feed ranks the chosen author's
	// paper first, then by upvotes (ties by id).
	wantForYou := []string{"2506.10892", "2506.11924", "2506.09427", "2506.11928", "2506.08477"}
	if diff := cmp.Diff(wantForYou, da[0].PaperIDs[:5]); diff != "" {
		t.Errorf("ada's For you papers mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]quire.DigestSection{{Title: "For you", Count: 5}, {Title: "Trending", Count: 4}}, da[0].Sections); diff != "" {
		t.Errorf("ada's sections mismatch (-want +got):\n%s", diff)
	}
	seen := map[string]bool{}
	for _, id := range da[0].PaperIDs {
		if seen[id] {
			t.Errorf("paper %s twice in ada's digest", id)
		}
		seen[id] = true
	}
	if len(seen) != 9 {
		t.Errorf("ada's digest holds %d papers, want the list's 9", len(seen))
	}
	for _, sub := range []*quire.Subscription{bob, carol} {
		ds := f.mustDigests(t, sub.ID)
		if len(ds) != 1 {
			t.Fatalf("%s has %d digests, want 1", sub.Email, len(ds))
		}
		if diff := cmp.Diff([]quire.DigestSection{{Title: "Trending", Count: 9}}, ds[0].Sections); diff != "" {
			t.Errorf("%s's sections mismatch (-want +got):\n%s", sub.Email, diff)
		}
	}
}

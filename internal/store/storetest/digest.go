package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"quire"
)

// MustSubscribe subscribes addr with frequency f at at and fails the test
// on error.
func MustSubscribe(t *testing.T, s quire.Store, addr string, f quire.Frequency, at time.Time) *quire.Subscription {
	t.Helper()
	sub, err := s.Subscribe(ctx(t), &quire.Subscription{Email: addr, Frequency: f, CreatedAt: at})
	if err != nil {
		t.Fatalf("Subscribe(%q): %v", addr, err)
	}
	return sub
}

// MustSubscribeActive is MustSubscribe followed by a confirmation at at.
func MustSubscribeActive(t *testing.T, s quire.Store, addr string, f quire.Frequency, at time.Time) *quire.Subscription {
	t.Helper()
	sub := MustSubscribe(t, s, addr, f, at)
	if err := s.ConfirmSubscription(ctx(t), sub.ID, at); err != nil {
		t.Fatalf("ConfirmSubscription(%q): %v", addr, err)
	}
	return MustFindSubscription(t, s, sub.ID)
}

// MustFindSubscription reads a subscription and fails the test on error.
func MustFindSubscription(t *testing.T, s quire.Store, id int64) *quire.Subscription {
	t.Helper()
	sub, err := s.FindSubscription(ctx(t), id)
	if err != nil {
		t.Fatalf("FindSubscription(%d): %v", id, err)
	}
	return sub
}

// MustEnqueueDigests queues digests and fails the test on error.
func MustEnqueueDigests(t *testing.T, s quire.Store, digests ...*quire.Digest) int {
	t.Helper()
	n, err := s.EnqueueDigests(ctx(t), digests)
	if err != nil {
		t.Fatalf("EnqueueDigests: %v", err)
	}
	return n
}

// MustClaimDigests claims digests and fails the test on error.
func MustClaimDigests(t *testing.T, s quire.Store, now time.Time, lease time.Duration, limit int) []*quire.Digest {
	t.Helper()
	ds, err := s.ClaimDigests(ctx(t), now, lease, limit)
	if err != nil {
		t.Fatalf("ClaimDigests(%v): %v", now, err)
	}
	return ds
}

// MustFindDigest reads a digest and fails the test on error.
func MustFindDigest(t *testing.T, s quire.Store, id int64) *quire.Digest {
	t.Helper()
	d, err := s.FindDigest(ctx(t), id)
	if err != nil {
		t.Fatalf("FindDigest(%d): %v", id, err)
	}
	return d
}

// digestIDs are the IDs of ds, in order.
func digestIDs(ds []*quire.Digest) []int64 {
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	return ids
}

// digestFor is a digest of sub for period key, its papers all in one
// section, queued at created.
func digestFor(sub *quire.Subscription, key string, created time.Time, papers ...string) *quire.Digest {
	d := &quire.Digest{SubscriptionID: sub.ID, PeriodKey: key, PaperIDs: papers, CreatedAt: created}
	if len(papers) > 0 {
		d.Sections = []quire.DigestSection{{Title: "Trending", Count: len(papers)}}
	}
	return d
}

// findDigestID returns the one of ids that is the digest of subscription
// sub for period key.
func findDigestID(t *testing.T, s quire.Store, ids []int64, sub int64, key string) int64 {
	t.Helper()
	for _, id := range ids {
		if d := MustFindDigest(t, s, id); d.SubscriptionID == sub && d.PeriodKey == key {
			return id
		}
	}
	t.Fatalf("no digest of subscription %d for %s among %v", sub, key, ids)
	return 0
}

func testSubscribe(t *testing.T, s quire.Store) {
	t0 := ts("2026-11-20T09:00:00Z")
	in := &quire.Subscription{Email: "  Ada.Lovelace@Example.ORG ", Frequency: "Weekly",
		Topics:    quire.Topics{Query: " retrieval ", Categories: []string{"cs.CL", "cs.CL", " cs.IR"}, Authors: []string{"Ada  Lovelace", "ada lovelace"}},
		CreatedAt: t0, ConfirmedAt: t0} // a confirmation in the request is ignored
	got, err := s.Subscribe(ctx(t), in)
	if err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	want := &quire.Subscription{ID: got.ID, Email: "ada.lovelace@example.org", Frequency: quire.Weekly,
		Topics:    quire.Topics{Query: "retrieval", Categories: []string{"cs.CL", "cs.IR"}, Authors: []string{"Ada Lovelace"}},
		CreatedAt: t0, UpdatedAt: t0}
	if diff := cmp.Diff(want, got); diff != "" || got.ID <= 0 {
		t.Errorf("Subscribe mismatch (-want +got):\n%s", diff)
	}
	if got.Active() {
		t.Errorf("a new subscription is active before it is confirmed")
	}
	for name, find := range map[string]func() (*quire.Subscription, error){
		"ByID": func() (*quire.Subscription, error) { return s.FindSubscription(ctx(t), got.ID) },
		"ByEmail": func() (*quire.Subscription, error) {
			return s.FindSubscriptionByEmail(ctx(t), "ADA.lovelace@example.org")
		},
	} {
		sub, err := find()
		if err != nil {
			t.Errorf("FindSubscription%s: %v", name, err)
			continue
		}
		if diff := cmp.Diff(want, sub); diff != "" {
			t.Errorf("FindSubscription%s mismatch (-want +got):\n%s", name, diff)
		}
	}

	// Pending: a second request replaces the preferences, on the same row.
	t1 := ts("2026-11-20T10:00:00Z")
	again, err := s.Subscribe(ctx(t), &quire.Subscription{Email: "ada.lovelace@example.org", Frequency: quire.Daily, CreatedAt: t1})
	if err != nil {
		t.Fatalf("Subscribe(pending again): %v", err)
	}
	want = &quire.Subscription{ID: got.ID, Email: "ada.lovelace@example.org", Frequency: quire.Daily, CreatedAt: t0, UpdatedAt: t1}
	if diff := cmp.Diff(want, again); diff != "" {
		t.Errorf("Subscribe(pending again) mismatch (-want +got):\n%s", diff)
	}

	// Active: a request for the address changes nothing.
	t2 := ts("2026-11-20T11:00:00Z")
	if err := s.ConfirmSubscription(ctx(t), got.ID, t2); err != nil {
		t.Fatalf("ConfirmSubscription: %v", err)
	}
	active := MustFindSubscription(t, s, got.ID)
	if !active.Active() || !active.ConfirmedAt.Equal(t2) {
		t.Fatalf("confirmed subscription = %+v, want active since %v", active, t2)
	}
	unchanged, err := s.Subscribe(ctx(t), &quire.Subscription{Email: "Ada.Lovelace@example.org", Frequency: quire.Weekly,
		Topics: quire.Topics{Query: "someone else's idea"}, CreatedAt: ts("2026-11-20T12:00:00Z")})
	if err != nil {
		t.Fatalf("Subscribe(active): %v", err)
	}
	if diff := cmp.Diff(active, unchanged); diff != "" {
		t.Errorf("Subscribe(active) changed the subscription (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(active, MustFindSubscription(t, s, got.ID)); diff != "" {
		t.Errorf("stored subscription after Subscribe(active) (-want +got):\n%s", diff)
	}

	// Unsubscribed: a request makes it pending again with the new
	// preferences, still on the same row.
	t3 := ts("2026-11-21T08:00:00Z")
	if err := s.Unsubscribe(ctx(t), got.ID, t3); err != nil {
		t.Fatalf("Unsubscribe: %v", err)
	}
	t4 := ts("2026-11-22T08:00:00Z")
	back, err := s.Subscribe(ctx(t), &quire.Subscription{Email: "ada.lovelace@example.org", Frequency: quire.Weekly,
		Topics: quire.Topics{Categories: []string{"hep-th"}}, CreatedAt: t4})
	if err != nil {
		t.Fatalf("Subscribe(unsubscribed): %v", err)
	}
	want = &quire.Subscription{ID: got.ID, Email: "ada.lovelace@example.org", Frequency: quire.Weekly,
		Topics: quire.Topics{Categories: []string{"hep-th"}}, CreatedAt: t0, UpdatedAt: t4}
	if diff := cmp.Diff(want, back); diff != "" {
		t.Errorf("Subscribe(unsubscribed) mismatch (-want +got):\n%s", diff)
	}

	// Another address is another row.
	other := MustSubscribe(t, s, "grace@example.org", quire.Daily, t4)
	if other.ID == got.ID {
		t.Errorf("two addresses share subscription %d", got.ID)
	}
}

// Requests for one address at once (a double click, a retried form) never
// make two rows.
func testSubscribeConcurrent(t *testing.T, s quire.Store) {
	const requests = 16
	ids := make([]int64, requests)
	errs := make([]error, requests)
	var wg sync.WaitGroup
	for i := range requests {
		wg.Go(func() {
			addr := "same@example.org"
			if i%2 == 1 {
				addr = "Same@Example.ORG"
			}
			sub, err := s.Subscribe(ctx(t), &quire.Subscription{Email: addr,
				Frequency: quire.Daily, Topics: quire.Topics{Query: fmt.Sprintf("q%d", i)}})
			if err == nil {
				ids[i] = sub.ID
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("request %d: %v", i, err)
		}
	}
	stored, err := s.FindSubscriptionByEmail(ctx(t), "same@example.org")
	if err != nil {
		t.Fatalf("FindSubscriptionByEmail: %v", err)
	}
	for i, id := range ids {
		if id != stored.ID {
			t.Errorf("request %d got subscription %d, want the one row %d", i, id, stored.ID)
		}
	}
	if next := MustSubscribe(t, s, "next@example.org", quire.Daily, time.Time{}); next.ID <= stored.ID {
		t.Errorf("next subscription %d, want an ID above %d", next.ID, stored.ID)
	}
}

func testSubscriptionLifecycle(t *testing.T, s quire.Store) {
	t0 := ts("2026-11-20T09:00:00Z")
	sub := MustSubscribe(t, s, "lin@example.org", quire.Daily, t0)

	// Confirming twice keeps the first confirmation.
	t1, t2 := ts("2026-11-20T09:05:00Z"), ts("2026-11-20T09:10:00Z")
	for _, at := range []time.Time{t1, t2} {
		if err := s.ConfirmSubscription(ctx(t), sub.ID, at); err != nil {
			t.Fatalf("ConfirmSubscription(%v): %v", at, err)
		}
	}
	if got := MustFindSubscription(t, s, sub.ID); !got.ConfirmedAt.Equal(t1) || !got.UpdatedAt.Equal(t1) {
		t.Errorf("after confirming twice: ConfirmedAt %v, UpdatedAt %v; want both %v", got.ConfirmedAt, got.UpdatedAt, t1)
	}

	// An update replaces frequency and topics, normalised.
	if err := s.UpdateSubscription(ctx(t), sub.ID, "WEEKLY", quire.Topics{Authors: []string{" Lin  Wu ", "lin wu"}, Query: " agents "}); err != nil {
		t.Fatalf("UpdateSubscription: %v", err)
	}
	got := MustFindSubscription(t, s, sub.ID)
	want := quire.Topics{Query: "agents", Authors: []string{"Lin Wu"}}
	if got.Frequency != quire.Weekly || !got.Active() {
		t.Errorf("after update: frequency %q, active %v; want weekly, active", got.Frequency, got.Active())
	}
	if diff := cmp.Diff(want, got.Topics); diff != "" {
		t.Errorf("updated topics mismatch (-want +got):\n%s", diff)
	}
	if got.UpdatedAt.Before(t1) {
		t.Errorf("UpdatedAt %v went back before %v", got.UpdatedAt, t1)
	}
	// Clearing the topics stores none.
	if err := s.UpdateSubscription(ctx(t), sub.ID, quire.Weekly, quire.Topics{}); err != nil {
		t.Fatalf("UpdateSubscription(no topics): %v", err)
	}
	if got := MustFindSubscription(t, s, sub.ID); !got.Topics.Empty() {
		t.Errorf("topics after clearing = %+v, want none", got.Topics)
	}

	// Unsubscribing twice keeps the first time; confirming afterwards does
	// not bring the subscription back.
	t3, t4 := ts("2026-11-21T09:00:00Z"), ts("2026-11-22T09:00:00Z")
	for _, at := range []time.Time{t3, t4} {
		if err := s.Unsubscribe(ctx(t), sub.ID, at); err != nil {
			t.Fatalf("Unsubscribe(%v): %v", at, err)
		}
	}
	if err := s.ConfirmSubscription(ctx(t), sub.ID, t4); err != nil {
		t.Fatalf("ConfirmSubscription(unsubscribed): %v", err)
	}
	got = MustFindSubscription(t, s, sub.ID)
	if !got.UnsubscribedAt.Equal(t3) || !got.ConfirmedAt.Equal(t1) || got.Active() {
		t.Errorf("after unsubscribing twice and confirming: %+v; want unsubscribed at %v, confirmed at %v, inactive", got, t3, t1)
	}
}

func testSubscriptionInvalid(t *testing.T, s quire.Store) {
	for _, tc := range []struct {
		name string
		in   quire.Subscription
	}{
		{"no address", quire.Subscription{Frequency: quire.Daily}},
		{"not an address", quire.Subscription{Email: "ada at example.org", Frequency: quire.Daily}},
		{"display name", quire.Subscription{Email: "Ada <ada@example.org>", Frequency: quire.Daily}},
		{"no frequency", quire.Subscription{Email: "ada@example.org"}},
		{"monthly", quire.Subscription{Email: "ada@example.org", Frequency: "monthly"}},
		{"bad category", quire.Subscription{Email: "ada@example.org", Frequency: quire.Daily, Topics: quire.Topics{Categories: []string{"cs.CL; DROP"}}}},
		{"query on two lines", quire.Subscription{Email: "ada@example.org", Frequency: quire.Daily, Topics: quire.Topics{Query: "a\nb"}}},
		{"long query", quire.Subscription{Email: "ada@example.org", Frequency: quire.Daily, Topics: quire.Topics{Query: strings.Repeat("q", quire.MaxTopicQueryLen+1)}}},
	} {
		if _, err := s.Subscribe(ctx(t), &tc.in); !errors.Is(err, quire.ErrInvalid) || quire.UserMessage(err) == "" {
			t.Errorf("Subscribe(%s) error = %v, want ErrInvalid with a message", tc.name, err)
		}
	}
	if _, err := s.FindSubscriptionByEmail(ctx(t), "ada@example.org"); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("after invalid requests, FindSubscriptionByEmail error = %v, want ErrNotFound", err)
	}
	if _, err := s.FindSubscriptionByEmail(ctx(t), "not an address"); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("FindSubscriptionByEmail(invalid) error = %v, want ErrNotFound", err)
	}
	const unknown = 999999
	if _, err := s.FindSubscription(ctx(t), unknown); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("FindSubscription(unknown) error = %v, want ErrNotFound", err)
	}
	for name, fn := range map[string]func() error{
		"Confirm":     func() error { return s.ConfirmSubscription(ctx(t), unknown, time.Time{}) },
		"Update":      func() error { return s.UpdateSubscription(ctx(t), unknown, quire.Daily, quire.Topics{}) },
		"Unsubscribe": func() error { return s.Unsubscribe(ctx(t), unknown, time.Time{}) },
	} {
		if err := fn(); !errors.Is(err, quire.ErrNotFound) {
			t.Errorf("%s(unknown) error = %v, want ErrNotFound", name, err)
		}
	}
	sub := MustSubscribe(t, s, "ada@example.org", quire.Daily, time.Time{})
	if err := s.UpdateSubscription(ctx(t), sub.ID, "hourly", quire.Topics{}); !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("UpdateSubscription(hourly) error = %v, want ErrInvalid", err)
	}
	if err := s.UpdateSubscription(ctx(t), sub.ID, quire.Daily, quire.Topics{Authors: []string{"A\x00B"}}); !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("UpdateSubscription(NUL in author) error = %v, want ErrInvalid", err)
	}
	if got := MustFindSubscription(t, s, sub.ID); got.Frequency != quire.Daily || !got.Topics.Empty() {
		t.Errorf("subscription after refused updates = %+v, want daily without topics", got)
	}
	if _, err := s.ListActiveSubscriptions(ctx(t), quire.Daily, 0, 0); !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("ListActiveSubscriptions(limit 0) error = %v, want ErrInvalid", err)
	}
	if _, err := s.ListActiveSubscriptions(ctx(t), "yearly", 0, 10); !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("ListActiveSubscriptions(yearly) error = %v, want ErrInvalid", err)
	}
}

func testListActiveSubscriptions(t *testing.T, s quire.Store) {
	at := ts("2026-11-20T09:00:00Z")
	var want []int64
	for i := range 7 {
		sub := MustSubscribeActive(t, s, fmt.Sprintf("daily%d@example.org", i), quire.Daily, at)
		want = append(want, sub.ID)
		// Between them: a weekly one, a pending one, one that left and one
		// suppressed, none of which is listed.
		switch i {
		case 1:
			MustSubscribeActive(t, s, "weekly@example.org", quire.Weekly, at)
		case 2:
			MustSubscribe(t, s, "pending@example.org", quire.Daily, at)
		case 3:
			gone := MustSubscribeActive(t, s, "gone@example.org", quire.Daily, at)
			if err := s.Unsubscribe(ctx(t), gone.ID, at); err != nil {
				t.Fatal(err)
			}
		case 4:
			bounced := MustSubscribeActive(t, s, "bounced@example.org", quire.Daily, at)
			MustEnqueueDigests(t, s, digestFor(bounced, "daily:2026-11-19", at))
			d := MustClaimDigests(t, s, at, time.Hour, 10)
			if len(d) != 1 {
				t.Fatalf("claimed %d digests, want the bounced address's one", len(d))
			}
			if err := s.FailDigest(ctx(t), d[0].ID, "550 no such user", true, at); err != nil {
				t.Fatal(err)
			}
		}
	}
	var got []int64
	after := int64(0)
	for page := 0; ; page++ {
		subs, err := s.ListActiveSubscriptions(ctx(t), quire.Daily, after, 3)
		if err != nil {
			t.Fatalf("ListActiveSubscriptions(after %d): %v", after, err)
		}
		if len(subs) == 0 {
			break
		}
		if len(subs) > 3 || page > 5 {
			t.Fatalf("page %d has %d subscriptions, want at most 3", page, len(subs))
		}
		for _, sub := range subs {
			if !sub.Active() || sub.Frequency != quire.Daily {
				t.Errorf("listed %+v, want only active daily subscriptions", sub)
			}
			got = append(got, sub.ID)
		}
		after = subs[len(subs)-1].ID
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("active daily subscriptions mismatch (-want +got):\n%s", diff)
	}
	weekly, err := s.ListActiveSubscriptions(ctx(t), quire.Weekly, 0, 10)
	if err != nil || len(weekly) != 1 || weekly[0].Email != "weekly@example.org" {
		t.Errorf("ListActiveSubscriptions(weekly) = %v, %v; want weekly@example.org", weekly, err)
	}
}

func testEnqueueDigests(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, numbered(5)...)
	at := ts("2026-11-23T06:00:00Z")
	ada := MustSubscribeActive(t, s, "ada@example.org", quire.Daily, at)
	bob := MustSubscribeActive(t, s, "bob@example.org", quire.Weekly, at)
	adaDigest := &quire.Digest{SubscriptionID: ada.ID, PeriodKey: "daily:2026-11-20",
		PaperIDs:  []string{"2501.00001", "2501.00002", "2501.00003"},
		Sections:  []quire.DigestSection{{Title: "Trending", Count: 2}, {Title: "cs.CL", Count: 1}},
		CreatedAt: at}
	if n := MustEnqueueDigests(t, s, adaDigest, digestFor(bob, "weekly:2026-W47", at, "2501.00004")); n != 2 {
		t.Errorf("EnqueueDigests = %d new, want 2", n)
	}
	// Queuing the period again adds nothing and changes nothing, even with
	// other papers; a new period for ada is new.
	later := ts("2026-11-23T07:00:00Z")
	n := MustEnqueueDigests(t, s, digestFor(ada, "daily:2026-11-20", later, "2501.00005"),
		digestFor(bob, "weekly:2026-W47", later), digestFor(ada, "daily:2026-11-23", later, "2501.00001"))
	if n != 1 {
		t.Errorf("EnqueueDigests(again, plus one new period) = %d new, want 1", n)
	}
	if n := MustEnqueueDigests(t, s, digestFor(ada, "daily:2026-11-20", later)); n != 0 {
		t.Errorf("EnqueueDigests(same period a third time) = %d new, want 0", n)
	}
	if st, err := s.DigestStats(ctx(t), "daily:2026-11-20"); err != nil || st != (quire.DigestRunStats{Pending: 1}) {
		t.Errorf("DigestStats(daily:2026-11-20) = %+v, %v; want 1 pending", st, err)
	}

	claimed := MustClaimDigests(t, s, later, time.Hour, 10)
	if len(claimed) != 3 {
		t.Fatalf("claimed %d digests, want 3", len(claimed))
	}
	id := findDigestID(t, s, digestIDs(claimed), ada.ID, "daily:2026-11-20")
	got := MustFindDigest(t, s, id)
	want := &quire.Digest{ID: id, SubscriptionID: ada.ID, Email: "ada@example.org", PeriodKey: "daily:2026-11-20",
		PaperIDs: adaDigest.PaperIDs, Sections: adaDigest.Sections, Status: quire.DigestSending, Attempts: 1,
		NextAttemptAt: at, LeaseUntil: later.Add(time.Hour), CreatedAt: at}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("queued digest mismatch (-want +got):\n%s", diff)
	}
	// Each digest keeps its own papers.
	bobID := findDigestID(t, s, digestIDs(claimed), bob.ID, "weekly:2026-W47")
	if got := MustFindDigest(t, s, bobID); !slices.Equal(got.PaperIDs, []string{"2501.00004"}) ||
		got.Email != "bob@example.org" || got.Sections[0].Count != 1 {
		t.Errorf("bob's digest = %+v, want the one paper it was queued with", got)
	}
	if n, err := s.EnqueueDigests(ctx(t), nil); err != nil || n != 0 {
		t.Errorf("EnqueueDigests(none) = %d, %v; want 0, nil", n, err)
	}
}

func testFindGivenPapers(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, numbered(5)...)
	at := ts("2026-11-23T06:00:00Z")
	ada := MustSubscribeActive(t, s, "ada@example.org", quire.Daily, at)
	bob := MustSubscribeActive(t, s, "bob@example.org", quire.Daily, at)
	all := []string{"2501.00001", "2501.00002", "2501.00003", "2501.00004", "2501.00005"}
	given := func(sub *quire.Subscription, ids ...string) map[string]bool {
		t.Helper()
		return MustFindGiven(t, s, sub.ID, ids...)
	}
	if m := given(ada, all...); len(m) != 0 {
		t.Errorf("given papers before any digest = %v, want none", m)
	}
	// The same paper in two sections of one digest is given once.
	MustEnqueueDigests(t, s, &quire.Digest{SubscriptionID: ada.ID, PeriodKey: "daily:2026-11-19",
		PaperIDs: []string{"2501.00001", "2501.00002", "2501.00001"},
		Sections: []quire.DigestSection{{Title: "Trending", Count: 2}, {Title: "cs.CL", Count: 1}}, CreatedAt: at},
		digestFor(bob, "daily:2026-11-19", at, "2501.00005"))
	MustEnqueueDigests(t, s, digestFor(ada, "daily:2026-11-20", at, "2501.00002", "2501.00003"))
	// A period queued again does not give its new papers.
	MustEnqueueDigests(t, s, digestFor(ada, "daily:2026-11-20", at, "2501.00004"))

	want := map[string]bool{"2501.00001": true, "2501.00002": true, "2501.00003": true}
	if diff := cmp.Diff(want, given(ada, append(all, "2501.00001", "", "no such paper", "bad\x00id")...)); diff != "" {
		t.Errorf("ada's given papers mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]bool{"2501.00005": true}, given(bob, all...)); diff != "" {
		t.Errorf("bob's given papers mismatch (-want +got):\n%s", diff)
	}
	if m := given(ada); len(m) != 0 {
		t.Errorf("FindGivenPapers(no ids) = %v, want none", m)
	}
	if m, err := s.FindGivenPapers(ctx(t), 999999, all); err != nil || len(m) != 0 {
		t.Errorf("FindGivenPapers(unknown subscription) = %v, %v; want none", m, err)
	}
}

func testClaimDigests(t *testing.T, s quire.Store) {
	t0 := ts("2026-11-23T06:00:00Z")
	active := MustSubscribeActive(t, s, "active@example.org", quire.Daily, t0)
	pending := MustSubscribe(t, s, "pending@example.org", quire.Daily, t0)
	gone := MustSubscribeActive(t, s, "gone@example.org", quire.Daily, t0)
	late := MustSubscribeActive(t, s, "late@example.org", quire.Daily, t0)
	MustEnqueueDigests(t, s, digestFor(active, "daily:2026-11-20", t0), digestFor(pending, "daily:2026-11-20", t0),
		digestFor(gone, "daily:2026-11-20", t0), digestFor(late, "daily:2026-11-20", t0.Add(2*time.Hour)),
		digestFor(active, "daily:2026-11-21", t0.Add(time.Minute)))
	if err := s.Unsubscribe(ctx(t), gone.ID, t0); err != nil {
		t.Fatal(err)
	}

	// Due now: the active address's two digests, in queue order; not the
	// pending or unsubscribed ones, nor the one due later.
	now := t0.Add(10 * time.Minute)
	claimed := MustClaimDigests(t, s, now, 3*time.Hour, 10)
	type row struct {
		Email, Key string
		Status     quire.DigestStatus
		Attempts   int
		Lease      time.Time
	}
	rows := func(ds []*quire.Digest) []row {
		var out []row
		for _, d := range ds {
			out = append(out, row{d.Email, d.PeriodKey, d.Status, d.Attempts, d.LeaseUntil})
		}
		return out
	}
	lease := now.Add(3 * time.Hour)
	want := []row{
		{"active@example.org", "daily:2026-11-20", quire.DigestSending, 1, lease},
		{"active@example.org", "daily:2026-11-21", quire.DigestSending, 1, lease},
	}
	if diff := cmp.Diff(want, rows(claimed)); diff != "" {
		t.Fatalf("claimed digests mismatch (-want +got):\n%s", diff)
	}
	if claimed[0].ID >= claimed[1].ID {
		t.Errorf("claimed IDs %v, want ascending", digestIDs(claimed))
	}
	// Claimed rows are held: a second claim gets nothing.
	if again := MustClaimDigests(t, s, now, time.Minute, 10); len(again) != 0 {
		t.Errorf("second claim = %v, want nothing while the lease runs", rows(again))
	}

	// The first is sent; sending it again is a conflict.
	sent := t0.Add(11 * time.Minute)
	if err := s.MarkDigestSent(ctx(t), claimed[0].ID, "<digest-1@quire.example>", sent); err != nil {
		t.Fatalf("MarkDigestSent: %v", err)
	}
	got := MustFindDigest(t, s, claimed[0].ID)
	wantDigest := *claimed[0]
	wantDigest.Status, wantDigest.MessageID, wantDigest.SentAt, wantDigest.LeaseUntil = quire.DigestSent, "<digest-1@quire.example>", sent, time.Time{}
	if diff := cmp.Diff(&wantDigest, got); diff != "" {
		t.Errorf("sent digest mismatch (-want +got):\n%s", diff)
	}
	if err := s.MarkDigestSent(ctx(t), claimed[0].ID, "<again@quire.example>", sent); !errors.Is(err, quire.ErrConflict) {
		t.Errorf("MarkDigestSent(sent) error = %v, want ErrConflict", err)
	}

	// Later the late one is due, and a confirmed pending address's digest
	// too; the sent one never again.
	if err := s.ConfirmSubscription(ctx(t), pending.ID, t0); err != nil {
		t.Fatal(err)
	}
	later := t0.Add(2 * time.Hour)
	claimed = MustClaimDigests(t, s, later, 15*time.Minute, 10)
	var emails []string
	for _, d := range claimed {
		emails = append(emails, d.Email)
	}
	if diff := cmp.Diff([]string{"pending@example.org", "late@example.org"}, emails); diff != "" {
		t.Errorf("later claim mismatch (-want +got):\n%s", diff)
	}
	// A claim of one takes one.
	MustEnqueueDigests(t, s, digestFor(late, "daily:2026-11-21", t0), digestFor(late, "daily:2026-11-22", t0))
	if one := MustClaimDigests(t, s, later, time.Minute, 1); len(one) != 1 || one[0].PeriodKey != "daily:2026-11-21" {
		t.Errorf("ClaimDigests(limit 1) = %v, want the first queued", rows(one))
	}
	if st, err := s.DigestStats(ctx(t), "daily:2026-11-20"); err != nil ||
		st != (quire.DigestRunStats{Sending: 2, Sent: 1, Failed: 1}) {
		t.Errorf("DigestStats = %+v, %v; want 2 sending, 1 sent, 1 given up (its subscriber left)", st, err)
	}
}

// A node that dies leaves its digests sending: once the lease has passed,
// another node claims them again.
func testClaimDigestsLeaseExpiry(t *testing.T, s quire.Store) {
	t0 := ts("2026-11-23T06:00:00Z")
	sub := MustSubscribeActive(t, s, "ada@example.org", quire.Daily, t0)
	MustEnqueueDigests(t, s, digestFor(sub, "daily:2026-11-20", t0))
	first := MustClaimDigests(t, s, t0, 10*time.Minute, 10)
	if len(first) != 1 || first[0].Attempts != 1 {
		t.Fatalf("first claim = %d digests, want 1 at attempt 1", len(first))
	}
	if got := MustClaimDigests(t, s, t0.Add(9*time.Minute+59*time.Second), 10*time.Minute, 10); len(got) != 0 {
		t.Errorf("claim before the lease ends took %d digests, want none", len(got))
	}
	// A lease is never shorter than asked: one taken mid-second ends at
	// the next whole second after now+lease.
	second := MustClaimDigests(t, s, t0.Add(10*time.Minute), 90*time.Second+time.Millisecond, 10)
	if len(second) != 1 || second[0].ID != first[0].ID || second[0].Attempts != 2 {
		t.Fatalf("claim after the lease = %v, want digest %d at attempt 2", digestIDs(second), first[0].ID)
	}
	if want := t0.Add(10*time.Minute + 91*time.Second); !second[0].LeaseUntil.Equal(want) {
		t.Errorf("new lease until %v, want %v", second[0].LeaseUntil, want)
	}
	if err := s.MarkDigestSent(ctx(t), first[0].ID, "<m@quire.example>", t0.Add(11*time.Minute)); err != nil {
		t.Errorf("MarkDigestSent after the second claim: %v", err)
	}
}

func testRetryAndFailDigests(t *testing.T, s quire.Store) {
	t0 := ts("2026-11-23T06:00:00Z")
	ada := MustSubscribeActive(t, s, "ada@example.org", quire.Daily, t0)
	bob := MustSubscribeActive(t, s, "bob@example.org", quire.Daily, t0)
	MustEnqueueDigests(t, s, digestFor(ada, "daily:2026-11-20", t0), digestFor(bob, "daily:2026-11-20", t0),
		digestFor(bob, "daily:2026-11-21", t0.Add(24*time.Hour)))
	claimed := MustClaimDigests(t, s, t0, 3*time.Hour, 10)
	if len(claimed) != 2 {
		t.Fatalf("claimed %d digests, want 2", len(claimed))
	}
	adaD, bobD := claimed[0], claimed[1]

	// A temporary refusal: pending again until the retry time.
	retryAt := t0.Add(time.Hour)
	if err := s.RetryDigest(ctx(t), adaD.ID, retryAt, "421 4.7.0 try again later"); err != nil {
		t.Fatalf("RetryDigest: %v", err)
	}
	got := MustFindDigest(t, s, adaD.ID)
	if got.Status != quire.DigestPending || !got.NextAttemptAt.Equal(retryAt) || got.LastError != "421 4.7.0 try again later" ||
		!got.LeaseUntil.IsZero() || got.Attempts != 1 {
		t.Errorf("retried digest = %+v, want pending until %v with the error, attempt 1, no lease", got, retryAt)
	}
	if err := s.RetryDigest(ctx(t), adaD.ID, retryAt, "again"); !errors.Is(err, quire.ErrConflict) {
		t.Errorf("RetryDigest(pending) error = %v, want ErrConflict", err)
	}
	if c := MustClaimDigests(t, s, retryAt.Add(-time.Second), time.Minute, 10); len(c) != 0 {
		t.Errorf("claim before the retry time took %v, want nothing", digestIDs(c))
	}
	c := MustClaimDigests(t, s, retryAt, time.Minute, 10)
	if len(c) != 1 || c[0].ID != adaD.ID || c[0].Attempts != 2 || c[0].LastError == "" {
		t.Fatalf("claim at the retry time = %v, want digest %d at attempt 2 keeping its last error", digestIDs(c), adaD.ID)
	}

	// Marked sent, then refused at the end of the SMTP transaction: put
	// back, it is no longer sent.
	if err := s.MarkDigestSent(ctx(t), adaD.ID, "<a@quire.example>", retryAt); err != nil {
		t.Fatal(err)
	}
	long := "451 " + strings.Repeat("é", 2000) + "\xff\x00"
	if err := s.RetryDigest(ctx(t), adaD.ID, retryAt.Add(time.Hour), long); err != nil {
		t.Fatalf("RetryDigest(sent): %v", err)
	}
	got = MustFindDigest(t, s, adaD.ID)
	if got.Status != quire.DigestPending || got.MessageID != "" || !got.SentAt.IsZero() {
		t.Errorf("digest taken back from sent = %+v, want pending without message id or sent time", got)
	}
	if !strings.HasPrefix(got.LastError, "451 éé") || len(got.LastError) > 1000 || !utf8.ValidString(got.LastError) {
		t.Errorf("kept error is %d bytes, valid %v; want a valid prefix of the reply, at most 1000 bytes",
			len(got.LastError), utf8.ValidString(got.LastError))
	}

	// Given up without suppressing: the subscription stays active.
	if err := s.FailDigest(ctx(t), adaD.ID, "too many tries", false, retryAt); err != nil {
		t.Fatalf("FailDigest: %v", err)
	}
	if got := MustFindDigest(t, s, adaD.ID); got.Status != quire.DigestFailed || got.LastError != "too many tries" {
		t.Errorf("failed digest = %+v, want failed with its error", got)
	}
	if err := s.FailDigest(ctx(t), adaD.ID, "again", false, retryAt); !errors.Is(err, quire.ErrConflict) {
		t.Errorf("FailDigest(failed) error = %v, want ErrConflict", err)
	}
	for name, fn := range map[string]func() error{
		"MarkDigestSent": func() error { return s.MarkDigestSent(ctx(t), adaD.ID, "<x@quire.example>", retryAt) },
		"RetryDigest":    func() error { return s.RetryDigest(ctx(t), adaD.ID, retryAt, "x") },
	} {
		if err := fn(); !errors.Is(err, quire.ErrConflict) {
			t.Errorf("%s(failed) error = %v, want ErrConflict", name, err)
		}
	}
	if !MustFindSubscription(t, s, ada.ID).Active() {
		t.Errorf("ada's subscription is inactive after a failure without suppression")
	}

	// A permanent refusal suppresses bob: his next digest is never claimed,
	// and asking to subscribe again changes nothing.
	suppressedAt := t0.Add(5 * time.Minute)
	if err := s.FailDigest(ctx(t), bobD.ID, "550 5.1.1 no such user", true, suppressedAt); err != nil {
		t.Fatalf("FailDigest(suppress): %v", err)
	}
	sub := MustFindSubscription(t, s, bob.ID)
	if sub.Active() || !sub.SuppressedAt.Equal(suppressedAt) {
		t.Errorf("bob's subscription = %+v, want suppressed at %v", sub, suppressedAt)
	}
	if c := MustClaimDigests(t, s, t0.Add(48*time.Hour), time.Minute, 10); len(c) != 0 {
		t.Errorf("claim after suppression took %v, want nothing", digestIDs(c))
	}
	again, err := s.Subscribe(ctx(t), &quire.Subscription{Email: "bob@example.org", Frequency: quire.Weekly})
	if err != nil {
		t.Fatalf("Subscribe(suppressed): %v", err)
	}
	if diff := cmp.Diff(sub, again); diff != "" {
		t.Errorf("Subscribe(suppressed) changed the subscription (-want +got):\n%s", diff)
	}
	if st, err := s.DigestStats(ctx(t), "daily:2026-11-20"); err != nil || st != (quire.DigestRunStats{Failed: 2}) {
		t.Errorf("DigestStats = %+v, %v; want 2 failed", st, err)
	}
	if st, err := s.DigestStats(ctx(t), "daily:1999-01-01"); err != nil || st != (quire.DigestRunStats{}) {
		t.Errorf("DigestStats(no such period) = %+v, %v; want zeros", st, err)
	}
}

// Nodes claiming at once never hold the same digest.
func testClaimDigestsConcurrent(t *testing.T, s quire.Store) {
	const subs, periods, claimers, batch = 40, 5, 8, 7
	t0 := ts("2026-11-23T06:00:00Z")
	var queue []*quire.Digest
	for i := range subs {
		sub := MustSubscribeActive(t, s, fmt.Sprintf("reader%02d@example.org", i), quire.Daily, t0)
		for p := range periods {
			queue = append(queue, digestFor(sub, fmt.Sprintf("daily:2026-11-%02d", 10+p), t0))
		}
	}
	if n := MustEnqueueDigests(t, s, queue...); n != subs*periods {
		t.Fatalf("queued %d digests, want %d", n, subs*periods)
	}
	got := make([][]*quire.Digest, claimers)
	errs := make([]error, claimers)
	var wg sync.WaitGroup
	for i := range claimers {
		wg.Go(func() {
			for {
				ds, err := s.ClaimDigests(ctx(t), t0.Add(time.Minute), time.Hour, batch)
				if err != nil {
					errs[i] = err
					return
				}
				if len(ds) == 0 {
					return
				}
				got[i] = append(got[i], ds...)
			}
		})
	}
	wg.Wait()
	seen := map[int64]int{}
	for i := range claimers {
		if errs[i] != nil {
			t.Errorf("claimer %d: %v", i, errs[i])
		}
		for _, d := range got[i] {
			if prev, ok := seen[d.ID]; ok {
				t.Errorf("digest %d claimed by claimers %d and %d", d.ID, prev, i)
			}
			seen[d.ID] = i
			if d.Attempts != 1 || d.Status != quire.DigestSending {
				t.Errorf("digest %d claimed at attempt %d, status %s; want 1, sending", d.ID, d.Attempts, d.Status)
			}
		}
	}
	if len(seen) != subs*periods {
		t.Errorf("claimed %d distinct digests, want all %d", len(seen), subs*periods)
	}
	var sending int
	for p := range periods {
		st, err := s.DigestStats(ctx(t), fmt.Sprintf("daily:2026-11-%02d", 10+p))
		if err != nil {
			t.Fatal(err)
		}
		sending += st.Sending
		if st.Pending != 0 {
			t.Errorf("period %d: %d digests left pending", p, st.Pending)
		}
	}
	if sending != subs*periods {
		t.Errorf("%d digests sending, want %d", sending, subs*periods)
	}
}

func testDigestInvalid(t *testing.T, s quire.Store) {
	MustUpsertPapers(t, s, numbered(2)...)
	t0 := ts("2026-11-23T06:00:00Z")
	sub := MustSubscribeActive(t, s, "ada@example.org", quire.Daily, t0)
	good := digestFor(sub, "daily:2026-11-20", t0, "2501.00001")
	tooMany := make([]string, quire.MaxDigestPapers+1)
	for i := range tooMany {
		tooMany[i] = "2501.00001"
	}
	for _, tc := range []struct {
		name string
		d    *quire.Digest
		kind error
	}{
		{"empty period key", digestFor(sub, "", t0), quire.ErrInvalid},
		{"long period key", digestFor(sub, "daily:"+strings.Repeat("x", 59), t0), quire.ErrInvalid},
		{"period key on two lines", digestFor(sub, "daily:\n2026", t0), quire.ErrInvalid},
		{"too many papers", digestFor(sub, "daily:2026-11-21", t0, tooMany...), quire.ErrInvalid},
		{"no subscription", &quire.Digest{PeriodKey: "daily:2026-11-21"}, quire.ErrInvalid},
		{"empty paper id", digestFor(sub, "daily:2026-11-21", t0, ""), quire.ErrInvalid},
		{"sections miscount", &quire.Digest{SubscriptionID: sub.ID, PeriodKey: "daily:2026-11-21", PaperIDs: []string{"2501.00001"},
			Sections: []quire.DigestSection{{Title: "Trending", Count: 2}}}, quire.ErrInvalid},
		{"unknown subscription", &quire.Digest{SubscriptionID: 999999, PeriodKey: "daily:2026-11-21"}, quire.ErrNotFound},
		{"unknown paper", digestFor(sub, "daily:2026-11-21", t0, "2501.00001", "2501.09999"), quire.ErrNotFound},
	} {
		// Each bad digest comes after a good one: nothing of the batch
		// may be stored.
		n, err := s.EnqueueDigests(ctx(t), []*quire.Digest{good, tc.d})
		if !errors.Is(err, tc.kind) || n != 0 {
			t.Errorf("EnqueueDigests(%s) = %d, %v; want 0 and an error of kind %v", tc.name, n, err, tc.kind)
		}
	}
	if m := MustFindGiven(t, s, sub.ID, "2501.00001"); len(m) != 0 {
		t.Errorf("papers given by refused batches: %v", m)
	}
	if st, err := s.DigestStats(ctx(t), "daily:2026-11-20"); err != nil || st != (quire.DigestRunStats{}) {
		t.Errorf("DigestStats after refused batches = %+v, %v; want nothing queued", st, err)
	}
	// A key of exactly 64 bytes and exactly the most papers are fine.
	if n := MustEnqueueDigests(t, s, digestFor(sub, "daily:"+strings.Repeat("x", 58), t0, tooMany[1:]...)); n != 1 {
		t.Errorf("EnqueueDigests(at the limits) = %d, want 1", n)
	}

	for _, tc := range []struct {
		name  string
		lease time.Duration
		limit int
	}{{"limit 0", time.Minute, 0}, {"negative limit", time.Minute, -1}, {"no lease", 0, 10}, {"lease under a second", time.Millisecond, 10}} {
		if _, err := s.ClaimDigests(ctx(t), t0, tc.lease, tc.limit); !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("ClaimDigests(%s) error = %v, want ErrInvalid", tc.name, err)
		}
	}
	const unknown = 999999
	if _, err := s.FindDigest(ctx(t), unknown); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("FindDigest(unknown) error = %v, want ErrNotFound", err)
	}
	for name, fn := range map[string]func() error{
		"MarkDigestSent": func() error { return s.MarkDigestSent(ctx(t), unknown, "<x@quire.example>", t0) },
		"RetryDigest":    func() error { return s.RetryDigest(ctx(t), unknown, t0, "x") },
		"FailDigest":     func() error { return s.FailDigest(ctx(t), unknown, "x", true, t0) },
	} {
		if err := fn(); !errors.Is(err, quire.ErrNotFound) {
			t.Errorf("%s(unknown) error = %v, want ErrNotFound", name, err)
		}
	}
	d := MustClaimDigests(t, s, t0, time.Minute, 1)
	if len(d) != 1 {
		t.Fatalf("claimed %d digests, want 1", len(d))
	}
	if err := s.MarkDigestSent(ctx(t), d[0].ID, "<x\x00@quire.example>", t0); !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("MarkDigestSent(NUL in message id) error = %v, want ErrInvalid", err)
	}
	if got := MustFindDigest(t, s, d[0].ID); got.Status != quire.DigestSending {
		t.Errorf("digest after a refused mark is %s, want sending", got.Status)
	}
}

// MustFindGiven is FindGivenPapers that fails the test on error.
func MustFindGiven(t *testing.T, s quire.Store, subscriptionID int64, paperIDs ...string) map[string]bool {
	t.Helper()
	m, err := s.FindGivenPapers(ctx(t), subscriptionID, paperIDs)
	if err != nil {
		t.Fatalf("FindGivenPapers(%d): %v", subscriptionID, err)
	}
	return m
}

package digest_test

import (
	"slices"
	"testing"
	"time"

	"quire"
)

// TestBuildLeavesWithdrawn: a paper that arXiv withdrew is in neither the
// trending section nor a topic's, though the search index still holds it.
func TestBuildLeavesWithdrawn(t *testing.T) {
	for _, tc := range []struct {
		name   string
		topics quire.Topics
		sent   time.Time
	}{
		// The list of 2025-06-16: trending papers.
		{"trending", quire.Topics{}, sentDay},
		// Papers new on 2025-03-18 in the arXiv listings: topics only.
		{"topics", quire.Topics{Query: "gaussian splatting", Categories: []string{"cs.CV", "cs.RO"}}, time.Date(2025, 3, 19, 7, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			build := func(f *fixture) *quire.Digest {
				t.Helper()
				sub := f.mustSubscriber(t, "ada@example.org", quire.Daily, tc.topics, false)
				b := f.builder()
				b.Now = func() time.Time { return tc.sent }
				if _, err := b.Build(t.Context(), quire.PeriodBefore(quire.Daily, tc.sent)); err != nil {
					t.Fatal(err)
				}
				ds := f.mustDigests(t, sub.ID)
				if len(ds) != 1 {
					t.Fatalf("%d digests, want 1", len(ds))
				}
				return ds[0]
			}
			before := build(mustFixture(t))
			// The first paper of each section.
			var gone []string
			start := 0
			for _, s := range before.Sections {
				if s.Count > 0 {
					gone = append(gone, before.PaperIDs[start])
				}
				start += s.Count
			}
			if len(gone) == 0 {
				t.Fatalf("the digest has sections %+v", before.Sections)
			}

			f := mustFixture(t)
			if n, err := f.db.MarkWithdrawn(t.Context(), gone, sentDay); err != nil || n != len(gone) {
				t.Fatalf("MarkWithdrawn = %d, %v; want %d", n, err, len(gone))
			}
			after := build(f)
			for _, id := range gone {
				if slices.Contains(after.PaperIDs, id) {
					t.Errorf("the digest holds the withdrawn paper %s: %v", id, after.PaperIDs)
				}
			}
			if len(after.PaperIDs) == 0 {
				t.Error("the digest is empty")
			}
		})
	}
}

// TestBuildLeavesHidden: a paper that moderators hid is in no topic
// section either.
func TestBuildLeavesHidden(t *testing.T) {
	topics := quire.Topics{Query: "gaussian splatting", Categories: []string{"cs.CV", "cs.RO"}}
	day := time.Date(2025, 3, 19, 7, 0, 0, 0, time.UTC)
	build := func(f *fixture, email string) *quire.Digest {
		t.Helper()
		sub := f.mustSubscriber(t, email, quire.Daily, topics, false)
		b := f.builder()
		b.Now = func() time.Time { return day }
		if _, err := b.Build(t.Context(), quire.PeriodBefore(quire.Daily, day)); err != nil {
			t.Fatal(err)
		}
		return f.mustDigests(t, sub.ID)[0]
	}
	before := build(mustFixture(t), "ada@example.org")
	target := before.PaperIDs[0]
	f := mustFixture(t)
	if err := f.db.SetPaperHidden(t.Context(), target, true, quire.Moderation{Reason: "spam"}); err != nil {
		t.Fatal(err)
	}
	after := build(f, "ada@example.org")
	if slices.Contains(after.PaperIDs, target) {
		t.Errorf("the digest holds the hidden paper %s", target)
	}
	if len(after.PaperIDs) == 0 {
		t.Error("the digest is empty")
	}
}

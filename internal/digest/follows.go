package digest

import (
	"context"
	"unicode/utf8"

	"quire"
	"quire/internal/store/input"
)

// A member whose account has the subscription's address (confirmed on
// both sides) gets a section per follow they marked for the digest
// (quire.Follow.Digest), after the subscription's own topics: the newest
// papers the follow matches, published in the period or the topicLookback
// days before it. The store matches them (quire.FollowStore.FollowedPapers),
// so a section holds what the member's /following page lists.

// followReader is what follow sections need of the store. A store without
// it leaves digests to their topics.
type followReader interface {
	FindAccountByEmail(ctx context.Context, email string) (*quire.Account, error)
	quire.FollowStore
}

// followSection is one follow's section: its title and papers, newest
// first.
type followSection struct {
	title string
	ids   []string
}

// followSections returns the follow sections of subscription s for
// period p, or none when no confirmed account has its address.
func (b *Builder) followSections(ctx context.Context, s *quire.Subscription, p quire.DigestPeriod) ([]followSection, error) {
	fr, ok := b.Store.(followReader)
	if !ok {
		return nil, nil
	}
	acct, err := confirmedMember(ctx, fr, s)
	if acct == nil || err != nil {
		return nil, err
	}
	follows, err := fr.FindFollows(ctx, acct.ID)
	if err != nil {
		return nil, err
	}
	var secs []followSection
	index := map[int64]int{} // follow id → its section
	for _, f := range follows {
		if f.Digest {
			index[f.ID] = len(secs)
			secs = append(secs, followSection{title: followTitle(f)})
		}
	}
	if len(secs) == 0 {
		return nil, nil
	}
	papers, err := fr.FollowedPapers(ctx, acct.ID, p.Start.AddDate(0, 0, -topicLookback), quire.MaxFollowedPapers)
	if err != nil {
		return nil, err
	}
	for _, fp := range papers {
		if !fp.Paper.PublishedAt.Before(p.End) {
			continue // after the period: the next digest has it
		}
		for _, f := range fp.Because {
			if i, ok := index[f.ID]; ok {
				secs[i].ids = append(secs[i].ids, fp.Paper.ID)
			}
		}
	}
	return secs, nil
}

// followTitle is the title of a follow's section, cut to what a digest
// keeps.
func followTitle(f *quire.Follow) string {
	t := "New in " + f.Name
	if f.Kind == quire.FollowAuthor || f.Kind == quire.FollowOrganization {
		t = "New from " + f.Title()
	}
	if len(t) <= input.MaxSectionTitle {
		return t
	}
	t = t[:input.MaxSectionTitle-len("…")]
	for !utf8.ValidString(t) {
		t = t[:len(t)-1]
	}
	return t + "…"
}

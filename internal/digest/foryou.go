package digest

import (
	"context"
	"errors"

	"quire"
	"quire/internal/foryou"
)

// A member whose account has the subscription's address (confirmed on
// both sides) and enough signals for a personal feed (foryou.Feed's
// Personal) gets a "For you" section after Trending: the papers of the
// period's lists that internal/foryou ranks best for them, as their
// /for-you page would.

// forYouReader is what the For you section needs of the store. A store
// without it leaves digests without the section.
type forYouReader interface {
	FindAccountByEmail(ctx context.Context, email string) (*quire.Account, error)
	foryou.Store
}

// forYouPool is how many papers the section is chosen from, so that some
// remain once trending ones and those sent before are taken out.
const forYouPool = 20

// forYouPapers returns the papers of the For you section of subscription
// s for period p, best first, or none when no confirmed member with a
// personal feed has its address.
func (b *Builder) forYouPapers(ctx context.Context, s *quire.Subscription, p quire.DigestPeriod) ([]string, error) {
	fr, ok := b.Store.(forYouReader)
	if !ok {
		return nil, nil
	}
	acct, err := confirmedMember(ctx, fr, s)
	if acct == nil || err != nil {
		return nil, err
	}
	rec := &foryou.Recommender{Store: fr, Model: foryou.EngineModel(b.Search)}
	feed, err := rec.FeedBetween(ctx, acct.ID, p.Start, p.End, forYouPool)
	if err != nil || !feed.Personal {
		return nil, err
	}
	ids := make([]string, len(feed.Items))
	for i, it := range feed.Items {
		ids[i] = it.Paper.ID
	}
	return ids, nil
}

// accountFinder finds the account that has an address.
type accountFinder interface {
	FindAccountByEmail(ctx context.Context, email string) (*quire.Account, error)
}

// confirmedMember returns the live account that has confirmed the address
// of s, or nil. An address its account never confirmed could be anyone's:
// a member's follows and tastes must not reach another person's mail.
func confirmedMember(ctx context.Context, f accountFinder, s *quire.Subscription) (*quire.Account, error) {
	acct, err := f.FindAccountByEmail(ctx, s.Email)
	if errors.Is(err, quire.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if acct.EmailVerifiedAt.IsZero() || acct.Disabled() {
		return nil, nil
	}
	return acct, nil
}

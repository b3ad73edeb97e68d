package quire

import (
	"context"
	"time"
)

// Store is everything Quire keeps. Each backend (internal/store/sqlite,
// internal/store/postgres) implements it and passes the conformance suite in
// internal/store/storetest. Components that need only part of it declare the
// narrower interface they use.
type Store interface {
	PaperStore
	DailyStore
	SearchStore
	CommunityStore
	// E-mail digests: subscriptions and the outbox (see digest.go).
	SubscriptionStore
	DigestStore
	LeaseStore
	ReadingListStore
	FollowStore
	SignalStore
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

// PaperStore keeps the catalogue.
type PaperStore interface {
	// FindPaperByID returns the paper with canonical id, or an error of kind
	// ErrNotFound.
	FindPaperByID(ctx context.Context, id string) (*Paper, error)
	// UpsertPapers inserts new papers and merges records of known ones (see
	// Merge), in one transaction. Papers that fail Validate are not stored
	// and are counted as skipped; it returns an error only when the write
	// fails, and then nothing of the batch is stored.
	UpsertPapers(ctx context.Context, papers []*Paper) (UpsertStats, error)
	// CountPapers returns the number of papers in the catalogue.
	CountPapers(ctx context.Context) (int, error)
	// MarkWithdrawn records that arXiv withdrew the papers paperIDs at at,
	// in one transaction, and returns how many it marked. Ids not in the
	// catalogue are skipped (arXiv reports withdrawals of papers Quire
	// never stored), and a paper already withdrawn keeps its date. A
	// marked paper moves up the change feed, so that search drops it; lists
	// leave it out from then on. at must be set.
	MarkWithdrawn(ctx context.Context, paperIDs []string, at time.Time) (int, error)
}

// CommunityStore keeps what Quire's own accounts do: who they are, their
// sessions and API tokens, their votes, comments and submissions, the
// moderators' decisions, and the rate-limit counters that guard them.
type CommunityStore interface {
	AccountStore
	SessionStore
	APITokenStore
	VoteStore
	CommentStore
	SubmissionStore
	ModerationStore
	RateLimitStore
}

// DailyStore keeps the daily lists. Its reads report each entry's displayed
// counts, Upvotes and NumComments, which add the community's votes and
// visible comments on the paper to the imported ones (see VoteStore),
// and leave out hidden entries; lists also leave out hidden papers (see
// ModerationStore) and withdrawn ones (see PaperStore.MarkWithdrawn).
type DailyStore interface {
	// UpsertDailyEntries inserts new entries and merges known ones (see
	// MergeEntry), in one transaction, keyed by (Day, PaperID). An entry
	// whose paper is not in the catalogue, or that fails Validate, is
	// skipped; it returns an error only when the write fails, and then
	// nothing of the batch is stored.
	UpsertDailyEntries(ctx context.Context, entries []*DailyEntry) (UpsertStats, error)
	// FindDailyItems returns the entries that match f, with their papers, and
	// whether more follow the page. When f covers more than one day, a paper
	// listed on several of them appears once, with its best-voted entry.
	FindDailyItems(ctx context.Context, f DailyFilter) (items []*DailyItem, more bool, err error)
	// FindDailyEntriesByPaper returns a paper's entries, newest day first
	// (an empty slice when it was never listed).
	FindDailyEntriesByPaper(ctx context.Context, paperID string) ([]*DailyEntry, error)
	// LatestDay returns the newest day with at least one entry on or
	// before the given day, or an error of kind ErrNotFound.
	LatestDay(ctx context.Context, onOrBefore time.Time) (time.Time, error)
	// NeighbourDays returns the nearest days with entries strictly before
	// and after day; either is zero when there is none.
	NeighbourDays(ctx context.Context, day time.Time) (prev, next time.Time, err error)
}

// DailyFilter selects daily entries. The zero value selects every entry,
// best-voted first.
type DailyFilter struct {
	// From (inclusive) and To (exclusive) bound the day; zero means open.
	From, To time.Time
	// Submitter, when set, keeps entries submitted by this account name.
	Submitter string
	// Organization, when set, keeps entries listed under this organization
	// (its handle, compared without regard to case).
	Organization string
	Sort         DailySort
	Offset       int
	// Limit is the page size; 0 means no limit.
	Limit int
}

// DailySort orders daily entries.
type DailySort string

// Orders of daily lists.
const (
	// SortUpvotes: most upvoted first, then most commented, then newest.
	SortUpvotes DailySort = "upvotes"
	// SortNew: most recently submitted first.
	SortNew DailySort = "new"
)

// UpsertStats counts what a batch write did.
type UpsertStats struct {
	Inserted, Updated, Unchanged, Skipped int
}

// Add accumulates o into s.
func (s *UpsertStats) Add(o UpsertStats) {
	s.Inserted += o.Inserted
	s.Updated += o.Updated
	s.Unchanged += o.Unchanged
	s.Skipped += o.Skipped
}

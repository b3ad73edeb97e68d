// Package storetest is the conformance suite for quire.Store: every
// behavioural test of the store lives here and runs against each backend
// (internal/store/sqlite, internal/store/postgres) on a real database.
package storetest

import (
	"context"
	"testing"
	"time"

	"quire"
)

// NewStore returns an empty, migrated store for one test and arranges for it
// to be closed when the test ends.
type NewStore func(t *testing.T) quire.Store

// Run runs the whole suite, each test on a fresh store.
func Run(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(*testing.T, quire.Store)
	}{
		{"PaperRoundTrip", testPaperRoundTrip},
		{"PaperNotFound", testPaperNotFound},
		{"UpsertPapersIdempotent", testUpsertPapersIdempotent},
		{"UpsertPapersMerge", testUpsertPapersMerge},
		{"UpsertPapersSkipsInvalid", testUpsertPapersSkipsInvalid},
		{"UpsertPapersDuplicatesInBatch", testUpsertPapersDuplicatesInBatch},
		{"UpsertPapersHostileText", testUpsertPapersHostileText},
		{"UpsertPapersConcurrent", testUpsertPapersConcurrent},
		{"UpsertPapersLargeBatch", testUpsertPapersLargeBatch},
		{"UpsertPapersUnstorableDates", testUpsertPapersUnstorableDates},
		{"MarkWithdrawn", testMarkWithdrawn},
		{"MarkWithdrawnLists", testMarkWithdrawnLists},
		{"MarkWithdrawnKeptByUpsert", testMarkWithdrawnKeptByUpsert},
		{"MarkWithdrawnInvalid", testMarkWithdrawnInvalid},
		{"DailyEntryRoundTrip", testDailyEntryRoundTrip},
		{"DailyEntriesNeedPaper", testDailyEntriesNeedPaper},
		{"DailyEntriesLatestCounts", testDailyEntriesLatestCounts},
		{"FindDailyItemsDay", testFindDailyItemsDay},
		{"FindDailyItemsSortNew", testFindDailyItemsSortNew},
		{"FindDailyItemsPaging", testFindDailyItemsPaging},
		{"FindDailyItemsPeriodDedupe", testFindDailyItemsPeriodDedupe},
		{"FindDailyItemsSubmitter", testFindDailyItemsSubmitter},
		{"FindDailyItemsOrganization", testFindDailyItemsOrganization},
		{"DailyEntryWithoutOrganization", testDailyEntryWithoutOrganization},
		{"FindDailyItemsBadSort", testFindDailyItemsBadSort},
		{"FindDailyEntriesByPaper", testFindDailyEntriesByPaper},
		{"LatestDay", testLatestDay},
		{"NeighbourDays", testNeighbourDays},
		{"PaperChangesFeed", testPaperChangesFeed},
		{"PaperChangesPaging", testPaperChangesPaging},
		{"PaperChangesStats", testPaperChangesStats},
		{"PaperChangesConcurrent", testPaperChangesConcurrent},
		{"FindPapersByIDs", testFindPapersByIDs},
		{"Models", testModels},
		{"Embeddings", testEmbeddings},
		{"EmbeddingsInvalid", testEmbeddingsInvalid},
		{"EmbeddingsLargeBatch", testEmbeddingsLargeBatch},
		{"PapersWithoutEmbedding", testPapersWithoutEmbedding},
		{"Settings", testSettings},
		{"SearchSnapshots", testSearchSnapshots},
		{"SearchSnapshotInvalid", testSearchSnapshotInvalid},
		{"SimilarPapers", testSimilarPapers},
		{"SimilarPapersInvalid", testSimilarPapersInvalid},
		{"AccountRoundTrip", testAccountRoundTrip},
		{"AccountConflicts", testAccountConflicts},
		{"AccountConcurrentCreate", testAccountConcurrentCreate},
		{"AccountInvalid", testAccountInvalid},
		{"AccountUpdates", testAccountUpdates},
		{"ListAccounts", testListAccounts},
		{"SessionLifecycle", testSessionLifecycle},
		{"SessionInvalid", testSessionInvalid},
		{"DeleteSessions", testDeleteSessions},
		{"APITokens", testAPITokens},
		{"Votes", testVotes},
		{"VotesReorderLists", testVotesReorderLists},
		{"VotesFeed", testVotesFeed},
		{"VotesConcurrent", testVotesConcurrent},
		{"CommentThread", testCommentThread},
		{"CommentAuthorOnly", testCommentAuthorOnly},
		{"CommentInvalid", testCommentInvalid},
		{"CommentHidden", testCommentHidden},
		{"SubmitPaper", testSubmitPaper},
		{"SubmitPaperThenImport", testSubmitPaperThenImport},
		{"SubmitPaperCounts", testSubmitPaperCounts},
		{"SubmitPaperConcurrentQuota", testSubmitPaperConcurrentQuota},
		{"SubmitPaperConcurrentSame", testSubmitPaperConcurrentSame},
		{"HidePaper", testHidePaper},
		{"HideEntry", testHideEntry},
		{"DisableAccount", testDisableAccount},
		{"SetAccountRole", testSetAccountRole},
		{"ListAudit", testListAudit},
		{"RateLimitWindows", testRateLimitWindows},
		{"RateLimitPrune", testRateLimitPrune},
		{"RateLimitConcurrent", testRateLimitConcurrent},
		{"RateLimitInvalid", testRateLimitInvalid},
		{"Subscribe", testSubscribe},
		{"SubscribeConcurrent", testSubscribeConcurrent},
		{"SubscriptionLifecycle", testSubscriptionLifecycle},
		{"SubscriptionInvalid", testSubscriptionInvalid},
		{"ListActiveSubscriptions", testListActiveSubscriptions},
		{"EnqueueDigests", testEnqueueDigests},
		{"FindGivenPapers", testFindGivenPapers},
		{"ClaimDigests", testClaimDigests},
		{"ClaimDigestsLeaseExpiry", testClaimDigestsLeaseExpiry},
		{"ClaimDigestsConcurrent", testClaimDigestsConcurrent},
		{"RetryAndFailDigests", testRetryAndFailDigests},
		{"DigestInvalid", testDigestInvalid},
		{"Leases", testLeases},
		{"LeaseInvalid", testLeaseInvalid},
		{"LeaseConcurrent", testLeaseConcurrent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newStore(t))
		})
	}
	runReadingLists(t, newStore)
	runFollows(t, newStore)
	runSignals(t, newStore)
}

func ctx(t *testing.T) context.Context { return t.Context() }

func day(s string) time.Time {
	d, err := quire.ParseDay(s)
	if err != nil {
		panic(err)
	}
	return d
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// MustUpsertPapers stores papers and fails the test on error.
func MustUpsertPapers(t *testing.T, s quire.Store, papers ...*quire.Paper) quire.UpsertStats {
	t.Helper()
	st, err := s.UpsertPapers(ctx(t), papers)
	if err != nil {
		t.Fatalf("UpsertPapers: %v", err)
	}
	return st
}

// MustUpsertEntries stores entries and fails the test on error.
func MustUpsertEntries(t *testing.T, s quire.Store, entries ...*quire.DailyEntry) quire.UpsertStats {
	t.Helper()
	st, err := s.UpsertDailyEntries(ctx(t), entries)
	if err != nil {
		t.Fatalf("UpsertDailyEntries: %v", err)
	}
	return st
}

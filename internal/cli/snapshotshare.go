package cli

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"quire"
	"quire/internal/search"
	"quire/internal/store"
)

// snapshotLease is held by the node that is sharing its index snapshot, so
// that nodes started together do not all upload one.
const snapshotLease = "search-snapshot"

// snapshotShareLease bounds how long a sharing node holds the lease if it
// dies while uploading; an upload of a million papers' snapshot takes
// seconds.
const snapshotShareLease = 30 * time.Minute

// shareSnapshots keeps a recent index snapshot in the database for nodes
// that start without one (see search.Engine.FetchShared): until ctx ends it
// looks every quarter of interval (at least a minute) whether the shared
// snapshot is missing or older than interval, and if so, under the lease,
// saves this node's index and shares it. A node joining then applies only
// the changes made since, from the change feed.
func (s *searcher) shareSnapshots(ctx context.Context, db store.DB, interval time.Duration, logger *slog.Logger) {
	holder := leaseHolder()
	every(ctx, max(interval/4, time.Minute), func(ctx context.Context) error {
		_, err := s.shareSnapshot(ctx, db, interval, holder, time.Now(), logger)
		return err
	}, logger, "search: sharing the index snapshot")
}

// shareSnapshot shares this node's snapshot when the shared one is missing
// or older than interval at now and this node takes the lease, and reports
// whether it did.
func (s *searcher) shareSnapshot(ctx context.Context, db store.DB, interval time.Duration, holder string, now time.Time, logger *slog.Logger) (bool, error) {
	e := s.p.Load()
	if e == nil || !e.Ready() {
		return false, nil
	}
	shared, err := db.FindSearchSnapshot(ctx)
	switch {
	case errors.Is(err, quire.ErrNotFound):
	case err != nil:
		return false, err
	case now.Sub(shared.CreatedAt) < interval:
		return false, nil
	}
	release, ok, err := holdLease(ctx, db, snapshotLease, holder, snapshotShareLease, now, logger)
	if err != nil || !ok {
		return false, err
	}
	defer release()
	// Another node may have shared one while this one took the lease.
	if again, err := db.FindSearchSnapshot(ctx); err == nil && (shared == nil || again.ID != shared.ID) {
		return false, nil
	}
	if err := e.Save(); err != nil {
		return false, err
	}
	if _, err := e.PublishSnapshot(ctx, db); err != nil {
		if errors.Is(err, search.ErrNoSnapshot) {
			return false, nil // no snapshot path: nothing to share
		}
		return false, err
	}
	return true, nil
}

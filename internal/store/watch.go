package store

import (
	"context"

	"quire/internal/store/postgres"
)

// ChangeWatcher is a store that announces committed changes to papers as
// they happen, from whichever node made them, so that a node's search index
// can follow another node's writes at once instead of at its next poll of
// the change feed. PostgreSQL implements it with LISTEN/NOTIFY. SQLite does
// not: one process writes it, and polling serves that process.
//
// An announcement says only that the feed moved; the reader learns what
// changed from the feed itself (FindPaperChanges), and keeps polling it,
// since an announcement made while the watcher was reconnecting is lost.
type ChangeWatcher interface {
	// WatchPaperChanges returns a channel that receives a value after
	// changes are committed (one waiting value stands for any number of
	// them) and is closed once ctx ends. It fails when it cannot start
	// listening at all.
	WatchPaperChanges(ctx context.Context) (<-chan struct{}, error)
}

var _ ChangeWatcher = (*postgres.DB)(nil)

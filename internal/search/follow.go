package search

import (
	"context"
	"time"
)

// Follow keeps the engine current until ctx ends. It syncs with the store
// whenever wake delivers, which a store's announcement of committed changes
// makes prompt (see store.ChangeWatcher), and every interval in any case:
// the poll is the catch-up that repairs an announcement lost while the
// announcer was reconnecting, or a sync that failed. A nil wake (a store
// that announces nothing) leaves the poll alone. Failures are logged and
// the next wake or tick tries again, from where the engine stands.
//
// Announcements that arrive during a sync wait as one: the sync after it
// reads the feed to its end, whatever their number.
func (e *Engine) Follow(ctx context.Context, interval time.Duration, wake <-chan struct{}) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case _, ok := <-wake:
			if !ok {
				wake = nil // the announcer stopped: poll only
				continue
			}
		}
		if _, err := e.Sync(ctx); err != nil && ctx.Err() == nil {
			e.logger.Error("search: following the catalogue", "error", err)
		}
	}
}

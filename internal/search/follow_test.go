package search_test

import (
	"context"
	"testing"
	"time"

	"quire"
	"quire/internal/search"
	"quire/internal/store"
	"quire/internal/testenv"
)

// TestFollow: Follow syncs as soon as it is woken, however long its poll,
// and polls when nothing wakes it (no announcer, or one that stopped).
func TestFollow(t *testing.T) {
	for _, tc := range []struct {
		name     string
		dsn      func(tb testing.TB) string
		interval time.Duration
		// wake returns Follow's wake channel and what to do after a
		// write, for a store db.
		wake func(t *testing.T, ctx context.Context, db store.DB) (<-chan struct{}, func())
	}{
		{"woken by hand", sqlitePath, time.Hour, func(t *testing.T, _ context.Context, _ store.DB) (<-chan struct{}, func()) {
			ch := make(chan struct{}, 1)
			return ch, func() { ch <- struct{}{} }
		}},
		{"woken by PostgreSQL", testenv.PostgresURL, time.Hour, func(t *testing.T, ctx context.Context, db store.DB) (<-chan struct{}, func()) {
			w, ok := db.(store.ChangeWatcher)
			if !ok {
				t.Fatalf("%T does not announce changes", db)
			}
			ch, err := w.WatchPaperChanges(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return ch, func() {}
		}},
		{"polling", sqlitePath, 10 * time.Millisecond, func(*testing.T, context.Context, store.DB) (<-chan struct{}, func()) {
			return nil, func() {}
		}},
		{"polling after the announcer stopped", sqlitePath, 10 * time.Millisecond, func(*testing.T, context.Context, store.DB) (<-chan struct{}, func()) {
			ch := make(chan struct{})
			close(ch)
			return ch, func() {}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, _, err := store.OpenMigrated(t.Context(), tc.dsn(t), store.MigrateAlways)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			e := MustEngine(t, db, nil, "")
			ctx, cancel := context.WithCancel(context.Background())
			wake, woken := tc.wake(t, ctx, db)
			followed := make(chan struct{})
			go func() {
				defer close(followed)
				e.Follow(ctx, tc.interval, wake)
			}()
			t.Cleanup(func() {
				cancel()
				<-followed
			})

			novel := &quire.Paper{ID: "2601.99999", Title: "Zebrafish fin regeneration atlas",
				Abstract: "We map the zebrafishomics regenerome.", Authors: []string{"A. Fish"}}
			if _, err := db.UpsertPapers(t.Context(), []*quire.Paper{novel}); err != nil {
				t.Fatal(err)
			}
			woken()
			r := search.Request{Query: "zebrafishomics regenerome", Mode: search.Lexical}
			deadline := time.Now().Add(30 * time.Second)
			for len(mustSearch(t, e, r).Results) == 0 {
				if time.Now().After(deadline) {
					t.Fatal("the engine did not follow the write")
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}

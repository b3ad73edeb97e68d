package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"quire"
)

// MustAcquireLease tries to take the lease and fails the test on error.
func MustAcquireLease(t *testing.T, s quire.Store, name, holder string, ttl time.Duration, now time.Time) bool {
	t.Helper()
	ok, err := s.AcquireLease(ctx(t), name, holder, ttl, now)
	if err != nil {
		t.Fatalf("AcquireLease(%q, %q, %v, %v): %v", name, holder, ttl, now, err)
	}
	return ok
}

func testLeases(t *testing.T, s quire.Store) {
	const name = "arxiv-sync"
	t0 := ts("2026-11-27T03:00:00Z")
	steps := []struct {
		what   string
		lease  string
		holder string
		ttl    time.Duration
		at     time.Time
		want   bool
	}{
		{"a free lease is taken", name, "node-a", time.Minute, t0, true},
		{"another holder is refused while it is held", name, "node-b", time.Minute, t0.Add(30 * time.Second), false},
		{"and at its last second", name, "node-b", time.Minute, t0.Add(59 * time.Second), false},
		{"the holder extends it", name, "node-a", time.Minute, t0.Add(59 * time.Second), true},
		{"the extension holds past the first end", name, "node-b", time.Minute, t0.Add(90 * time.Second), false},
		{"once expired, another holder takes it over", name, "node-b", time.Minute, t0.Add(119 * time.Second), true},
		{"the former holder is then refused", name, "node-a", time.Minute, t0.Add(130 * time.Second), false},
		{"another name is a separate lease", "other", "node-a", time.Minute, t0.Add(130 * time.Second), true},
	}
	for _, st := range steps {
		if got := MustAcquireLease(t, s, st.lease, st.holder, st.ttl, st.at); got != st.want {
			t.Errorf("%s: AcquireLease(%q, %q, %v) = %v, want %v", st.what, st.lease, st.holder, st.at.Format(time.TimeOnly), got, st.want)
		}
	}

	// Releasing by someone else leaves the lease held; the holder's
	// release frees it at once, long before it would expire.
	t1 := t0.Add(131 * time.Second)
	if err := s.ReleaseLease(ctx(t), name, "node-a"); err != nil {
		t.Fatalf("ReleaseLease by a non-holder: %v", err)
	}
	if MustAcquireLease(t, s, name, "node-c", time.Minute, t1) {
		t.Error("a release by a non-holder freed the lease")
	}
	if err := s.ReleaseLease(ctx(t), name, "node-b"); err != nil {
		t.Fatalf("ReleaseLease: %v", err)
	}
	if !MustAcquireLease(t, s, name, "node-c", time.Minute, t1) {
		t.Error("the released lease was refused")
	}
	if err := s.ReleaseLease(ctx(t), "never-taken", "node-c"); err != nil {
		t.Errorf("releasing a lease never taken: %v", err)
	}
}

func testLeaseInvalid(t *testing.T, s quire.Store) {
	t0 := ts("2026-11-27T03:00:00Z")
	for _, tc := range []struct {
		what         string
		name, holder string
		ttl          time.Duration
		now          time.Time
	}{
		{"no name", "", "node-a", time.Minute, t0},
		{"no holder", "arxiv-sync", "", time.Minute, t0},
		{"a NUL in the holder", "arxiv-sync", "node\x00a", time.Minute, t0},
		{"a ttl under a second", "arxiv-sync", "node-a", 500 * time.Millisecond, t0},
		{"no time", "arxiv-sync", "node-a", time.Minute, time.Time{}},
	} {
		ok, err := s.AcquireLease(ctx(t), tc.name, tc.holder, tc.ttl, tc.now)
		if ok || !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("AcquireLease with %s = %v, %v; want an error of kind ErrInvalid", tc.what, ok, err)
		}
	}
	if err := s.ReleaseLease(ctx(t), "", "node-a"); !errors.Is(err, quire.ErrInvalid) {
		t.Errorf("ReleaseLease without a name = %v, want an error of kind ErrInvalid", err)
	}
}

// testLeaseConcurrent races holders for one free lease, then for the same
// lease once it expired: each time exactly one wins.
func testLeaseConcurrent(t *testing.T, s quire.Store) {
	const holders = 8
	t0 := ts("2026-11-27T03:00:00Z")
	for round, at := range []time.Time{t0, t0.Add(2 * time.Minute)} {
		won := make([]bool, holders)
		errs := make([]error, holders)
		var wg sync.WaitGroup
		for i := range holders {
			wg.Go(func() {
				holder := fmt.Sprintf("round%d-node%d", round, i)
				won[i], errs[i] = s.AcquireLease(ctx(t), "arxiv-sync", holder, time.Minute, at)
			})
		}
		wg.Wait()
		winners := 0
		for i := range holders {
			if errs[i] != nil {
				t.Errorf("round %d, holder %d: %v", round, i, errs[i])
			}
			if won[i] {
				winners++
			}
		}
		if winners != 1 {
			t.Errorf("round %d: %d of %d racing holders took the lease, want exactly 1", round, winners, holders)
		}
	}
}

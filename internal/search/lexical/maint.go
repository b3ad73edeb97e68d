package lexical

import (
	"slices"
	"sync"
)

// Merge policy: segments fall into levels by live size, a factor of
// mergeFactor apart; when a level holds mergeFactor segments they are
// merged into one of the next level. A document is therefore rewritten
// about log_mergeFactor(N/memMax) times in its life. A segment whose dead
// share passes maxDeadShare is rewritten on its own.
const (
	mergeFactor  = 8
	maxDeadShare = 0.3
	// maxFrozen frozen segments may wait for compaction before Add waits
	// for the background work to catch up.
	maxFrozen = 4
	// sortedTail new terms make the background work re-sort the vocabulary.
	sortedTail = 4096
)

// maintenance tracks the background goroutine that compacts and merges
// segments. It runs only while there is work and exits when there is none,
// so an idle index holds no goroutine.
type maintenance struct {
	mu      sync.Mutex
	cond    *sync.Cond
	running bool
	pending bool
}

// kick makes sure the background work runs.
func (ix *Index) kick() {
	m := &ix.maint
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pending = true
	if !m.running {
		m.running = true
		go ix.maintLoop()
	}
}

func (ix *Index) maintLoop() {
	m := &ix.maint
	for {
		m.mu.Lock()
		m.pending = false
		m.mu.Unlock()
		for ix.maintainOnce() {
			m.mu.Lock()
			m.cond.Broadcast()
			m.mu.Unlock()
		}
		m.mu.Lock()
		if !m.pending {
			m.running = false
			m.cond.Broadcast()
			m.mu.Unlock()
			return
		}
		m.mu.Unlock()
	}
}

// waitIdle waits until the background work has nothing left to do.
func (ix *Index) waitIdle() {
	m := &ix.maint
	m.mu.Lock()
	defer m.mu.Unlock()
	for m.running {
		m.cond.Wait()
	}
}

// waitBacklog makes Add wait while too many frozen segments are queued, so
// a bulk load cannot outrun compaction and pile up uncompressed postings.
func (ix *Index) waitBacklog() {
	m := &ix.maint
	m.mu.Lock()
	defer m.mu.Unlock()
	for m.running && ix.frozenCount() > maxFrozen {
		m.cond.Wait()
	}
}

func (ix *Index) frozenCount() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n := 0
	for _, s := range ix.segs {
		if s.isMem() {
			n++
		}
	}
	return n
}

// Flush compacts every document added so far and waits for the background
// work to finish. Searching does not need it; it bounds memory and makes
// the next searches faster.
func (ix *Index) Flush() {
	ix.mu.Lock()
	ix.freezeLocked()
	ix.mu.Unlock()
	ix.kick()
	ix.waitIdle()
}

// Compact merges all segments into one, dropping deleted documents. Call
// it after a bulk load: one segment is the fastest to search and to load.
func (ix *Index) Compact() {
	ix.Flush()
	ix.maintMu.Lock()
	defer ix.maintMu.Unlock()
	ix.mu.RLock()
	inputs := slices.Clone(ix.segs)
	ix.mu.RUnlock()
	if len(inputs) > 1 || (len(inputs) == 1 && (inputs[0].ndead > 0 || inputs[0].isMem())) {
		out, remaps := ix.buildSegment(inputs, false)
		ix.swap(inputs, out, remaps)
	}
	ix.voc.refreshSorted()
}

// maintainOnce does one piece of background work and reports whether
// there was any.
func (ix *Index) maintainOnce() bool {
	ix.maintMu.Lock()
	defer ix.maintMu.Unlock()
	inputs := ix.pickMerge()
	if len(inputs) == 0 {
		ix.voc.mu.RLock()
		stale := len(ix.voc.refs)-len(ix.voc.sorted) >= sortedTail
		ix.voc.mu.RUnlock()
		if stale {
			ix.voc.refreshSorted()
		}
		return stale
	}
	out, remaps := ix.buildSegment(inputs, false)
	ix.swap(inputs, out, remaps)
	return true
}

// pickMerge chooses the segments to rewrite next: the oldest frozen
// segment, else a full level, else the deadest segment past maxDeadShare.
func (ix *Index) pickMerge() []*segment {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	for _, s := range ix.segs {
		if s.isMem() {
			return []*segment{s}
		}
	}
	levels := map[int][]*segment{}
	for _, s := range ix.segs {
		l := ix.level(s.liveLen())
		levels[l] = append(levels[l], s)
	}
	best := -1
	for l, ss := range levels {
		if len(ss) >= mergeFactor && (best < 0 || l < best) {
			best = l
		}
	}
	if best >= 0 {
		ss := levels[best]
		slices.SortFunc(ss, func(a, b *segment) int { return a.liveLen() - b.liveLen() })
		return ss[:mergeFactor]
	}
	var worst *segment
	share := maxDeadShare
	for _, s := range ix.segs {
		if sh := float64(s.ndead) / float64(max(s.len(), 1)); sh > share {
			worst, share = s, sh
		}
	}
	if worst != nil {
		return []*segment{worst}
	}
	return nil
}

// level returns the merge level of a segment of n live documents: 0 below
// memMax·mergeFactor/2, then one more per factor of mergeFactor.
func (ix *Index) level(n int) int {
	l := 0
	for x := ix.memMax * mergeFactor / 2; n >= x && l < 20; x *= mergeFactor {
		l++
	}
	return l
}

// swap replaces inputs by out. Documents deleted or replaced while out was
// being built are marked dead in out. out may be nil or empty when no input
// document was live.
func (ix *Index) swap(inputs []*segment, out *segment, remaps [][]uint32) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	keep := out != nil && out.len() > 0
	if keep {
		out.serial = ix.newSerialLocked()
		ix.bySerial[out.serial] = out
		for k, in := range inputs {
			for ord, nord := range remaps[k] {
				if nord == noDoc {
					continue
				}
				id := in.ids[ord]
				if ix.loc.get(id) == (loc{serial: in.serial, ord: uint32(ord)}) {
					ix.loc.set(id, loc{serial: out.serial, ord: nord})
				} else {
					out.markDead(nord)
				}
			}
		}
	}
	segs := ix.segs[:0]
	for _, s := range ix.segs {
		if !slices.Contains(inputs, s) {
			segs = append(segs, s)
		}
	}
	clear(ix.segs[len(segs):])
	ix.segs = segs
	for _, in := range inputs {
		delete(ix.bySerial, in.serial)
	}
	if keep && out.liveLen() > 0 {
		ix.segs = append(ix.segs, out)
	} else if keep {
		delete(ix.bySerial, out.serial)
	}
}

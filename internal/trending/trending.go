// Package trending ranks recently listed papers by community activity: votes
// and comments, discounted by how long ago the paper was listed. It is pure
// computation; callers load the candidates and pass the time. The formula,
// its parameters and why they were chosen are in docs/ranking.md.
package trending

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"quire"
)

const (
	// HalfLife is how long a paper takes to lose half its score, at any
	// age: a paper listed yesterday needs twice the votes of one listed
	// today to rank level with it. Lists are daily, so a day is the unit
	// in which readers see papers age.
	HalfLife = 24 * time.Hour

	// CommentWeight is what one comment counts for, in votes. A comment
	// takes more effort than a vote, but one person can post many, and
	// most papers carry one automatic comment, so it counts for half.
	CommentWeight = 0.5

	// Window is how long after its listing a paper stays a candidate.
	// After seven half-lives a paper keeps 1/128 of its score, so one
	// listed earlier could only outrank a fresh paper with 128 times its
	// votes; callers therefore load only papers listed within the window
	// (see WindowStart) and never score the whole catalogue.
	Window = 7 * 24 * time.Hour
)

// Item is a paper as the ranking sees it.
type Item struct {
	ID string
	// Votes and Comments are the paper's counts; negative counts are
	// treated as zero.
	Votes, Comments int
	// ListedAt is when the paper was put on Quire's list, not when it
	// appeared on arXiv: votes start when readers can see it, and a paper
	// listed long after its arXiv date deserves the same start as any
	// other.
	ListedAt time.Time
}

// FromEntry is the item for a daily entry: listed when it was submitted,
// or at the start of its day when the source did not record the time.
func FromEntry(e *quire.DailyEntry) Item {
	listed := e.SubmittedAt
	if listed.IsZero() {
		listed = e.Day
	}
	return Item{ID: e.PaperID, Votes: e.Upvotes, Comments: e.NumComments, ListedAt: listed}
}

// WindowStart is the listing time candidates must be after at now. Papers
// are listed by day, so a caller can load the days from
// quire.TruncateDay(WindowStart(now)) on and let Rank drop the few that
// fall just outside.
func WindowStart(now time.Time) time.Time { return now.Add(-Window) }

// Score is the trending score of it at now:
//
//	(Votes + CommentWeight·Comments) · 2^(−age/HalfLife)
//
// where age is now − ListedAt, and 0 when ListedAt is after now (clocks
// disagree). A paper with neither votes nor comments scores 0. Score does
// not apply Window; Rank does.
func Score(it Item, now time.Time) float64 {
	w := float64(max(it.Votes, 0)) + CommentWeight*float64(max(it.Comments, 0))
	if w == 0 {
		return 0
	}
	// Sub saturates instead of overflowing, so a zero ListedAt gives a
	// huge age and a score of 0.
	age := max(now.Sub(it.ListedAt), 0)
	return w * math.Exp2(-age.Hours()/HalfLife.Hours())
}

// InWindow reports whether it is a candidate at now: listed after
// WindowStart(now). Papers listed after now are candidates.
func InWindow(it Item, now time.Time) bool {
	return it.ListedAt.After(WindowStart(now))
}

// Rank returns the candidates among items (see InWindow), highest Score
// first. Equal scores go newest listing first, then by ID, so the order is
// the same however items are ordered. items is not modified.
func Rank(items []Item, now time.Time) []Item {
	type scored struct {
		Item
		score float64
	}
	cands := make([]scored, 0, len(items))
	for _, it := range items {
		if InWindow(it, now) {
			cands = append(cands, scored{it, Score(it, now)})
		}
	}
	slices.SortStableFunc(cands, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		if c := b.ListedAt.Compare(a.ListedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	out := make([]Item, len(cands))
	for i, c := range cands {
		out[i] = c.Item
	}
	return out
}

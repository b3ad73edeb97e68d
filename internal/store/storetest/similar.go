package storetest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"quire"
)

func testSimilarPapers(t *testing.T, s quire.Store) {
	ps := numbered(4)
	MustUpsertPapers(t, s, ps...)
	feedEnd := lastSeq(MustFindPaperChanges(t, s, 0, 100))
	if _, err := s.FindSimilarPapers(ctx(t), ps[0].ID); !errors.Is(err, quire.ErrNotFound) {
		t.Fatalf("FindSimilarPapers before any is stored: %v, want ErrNotFound", err)
	}
	at := time.Date(2026, 11, 27, 21, 30, 15, 123_000_000, time.UTC)
	first := quire.SimilarPapers{PaperID: ps[0].ID, Model: "quire-static-256-abc", K: 3, ComputedAt: at,
		Neighbours: []quire.Neighbour{{PaperID: ps[2].ID, Score: 0.8125}, {PaperID: ps[1].ID, Score: -0.25}}}
	other := quire.SimilarPapers{PaperID: ps[1].ID, Model: "quire-static-256-abc", K: 1, ComputedAt: at,
		Neighbours: []quire.Neighbour{{PaperID: ps[0].ID, Score: 0.5}}}
	unknown := quire.SimilarPapers{PaperID: "2999.00001", Model: "m", K: 1, ComputedAt: at}
	if err := s.PutSimilarPapers(ctx(t), []quire.SimilarPapers{first, other, unknown}); err != nil {
		t.Fatalf("PutSimilarPapers: %v", err)
	}
	for _, want := range []quire.SimilarPapers{first, other} {
		got, err := s.FindSimilarPapers(ctx(t), want.PaperID)
		if err != nil {
			t.Fatalf("FindSimilarPapers(%s): %v", want.PaperID, err)
		}
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("FindSimilarPapers(%s) (-want +got):\n%s", want.PaperID, diff)
		}
	}
	if _, err := s.FindSimilarPapers(ctx(t), unknown.PaperID); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("FindSimilarPapers(a paper not in the catalogue): %v, want ErrNotFound (its set skipped)", err)
	}

	// A later set replaces the earlier one, whatever its model; none
	// found is stored as none.
	later := quire.SimilarPapers{PaperID: ps[0].ID, Model: "openai-text-embedding-3-small", K: 6,
		ComputedAt: at.Add(time.Hour), Neighbours: []quire.Neighbour{}}
	if err := s.PutSimilarPapers(ctx(t), []quire.SimilarPapers{later}); err != nil {
		t.Fatalf("PutSimilarPapers(replacement): %v", err)
	}
	got, err := s.FindSimilarPapers(ctx(t), ps[0].ID)
	if err != nil {
		t.Fatalf("FindSimilarPapers after replacement: %v", err)
	}
	if diff := cmp.Diff(&later, got); diff != "" {
		t.Errorf("FindSimilarPapers after replacement (-want +got):\n%s", diff)
	}
	// Derived data: storing it is not a change to the papers.
	if cs := MustFindPaperChanges(t, s, feedEnd, 100); len(cs) != 0 {
		t.Errorf("PutSimilarPapers moved %d papers up the change feed, want none", len(cs))
	}
	if err := s.PutSimilarPapers(ctx(t), nil); err != nil {
		t.Errorf("PutSimilarPapers(nil): %v", err)
	}
}

func testSimilarPapersInvalid(t *testing.T, s quire.Store) {
	ps := numbered(2)
	MustUpsertPapers(t, s, ps...)
	at := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	good := quire.SimilarPapers{PaperID: ps[0].ID, Model: "m", K: 2, ComputedAt: at,
		Neighbours: []quire.Neighbour{{PaperID: ps[1].ID, Score: 0.5}}}
	if err := s.PutSimilarPapers(ctx(t), []quire.SimilarPapers{good}); err != nil {
		t.Fatalf("PutSimilarPapers: %v", err)
	}
	for name, bad := range map[string]func(*quire.SimilarPapers){
		"no paper id":      func(p *quire.SimilarPapers) { p.PaperID = "" },
		"NUL in model":     func(p *quire.SimilarPapers) { p.Model = "m\x00" },
		"none asked":       func(p *quire.SimilarPapers) { p.K = 0 },
		"too many asked":   func(p *quire.SimilarPapers) { p.K = 1000 },
		"more than asked":  func(p *quire.SimilarPapers) { p.K = 1; p.Neighbours = append(p.Neighbours, p.Neighbours[0]) },
		"no time":          func(p *quire.SimilarPapers) { p.ComputedAt = time.Time{} },
		"bad neighbour id": func(p *quire.SimilarPapers) { p.Neighbours = []quire.Neighbour{{PaperID: "\xff"}} },
	} {
		set := good
		set.Neighbours = append([]quire.Neighbour(nil), good.Neighbours...)
		set.Model = "replaced"
		bad(&set)
		// The bad set comes second: nothing of the batch is stored.
		second := quire.SimilarPapers{PaperID: ps[1].ID, Model: "m", K: 1, ComputedAt: at}
		err := s.PutSimilarPapers(ctx(t), []quire.SimilarPapers{second, set})
		if !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("%s: PutSimilarPapers error = %v, want ErrInvalid", name, err)
		}
		if msg := quire.UserMessage(err); strings.Contains(msg, "\x00") {
			t.Errorf("%s: message %q repeats the bad text", name, msg)
		}
		if _, err := s.FindSimilarPapers(ctx(t), ps[1].ID); !errors.Is(err, quire.ErrNotFound) {
			t.Errorf("%s: the batch's valid set was stored (%v), want none of the batch", name, err)
		}
	}
	got, err := s.FindSimilarPapers(ctx(t), ps[0].ID)
	if err != nil || got.Model != "m" {
		t.Errorf("FindSimilarPapers after refused writes = %+v, %v; want the first set unchanged", got, err)
	}
	for _, id := range []string{"", "\x00", "'; DROP TABLE similar_papers; --"} {
		if _, err := s.FindSimilarPapers(ctx(t), id); !errors.Is(err, quire.ErrNotFound) {
			t.Errorf("FindSimilarPapers(%q): %v, want ErrNotFound", id, err)
		}
	}
}

package storetest

import (
	"fmt"

	"quire"
)

// These records are taken from real ones (arXiv and the daily-papers
// archive), trimmed to what the tests need.

func paperKaggle() *quire.Paper {
	return &quire.Paper{
		ID:      "0704.0001",
		Version: 2,
		Title:   "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies",
		Authors: []string{"C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"},
		Abstract: "A fully differential calculation in perturbative quantum chromodynamics is presented " +
			"for the production of massive photon pairs at hadron colliders.\n\nSecond paragraph.",
		Categories:  []string{"hep-ph"},
		PublishedAt: ts("2007-04-02T19:18:42Z"),
		UpdatedAt:   ts("2007-07-24T20:10:27Z"),
		Comments:    "37 pages, 15 figures; published version",
		JournalRef:  "Phys.Rev.D76:013009,2007",
		DOI:         "10.1103/PhysRevD.76.013009",
		Versions: []quire.Version{
			{N: 1, CreatedAt: ts("2007-04-02T19:18:42Z")},
			{N: 2, CreatedAt: ts("2007-07-24T20:10:27Z")},
		},
	}
}

func paperHF() *quire.Paper {
	return &quire.Paper{
		ID:          "2608.19880",
		Title:       "EnvHarness: Awakening Static Worlds for Agent Learning",
		Authors:     []string{"Chengsong Huang", "Zifeng Wang", "Rujun Han"},
		Abstract:    "LLM agents learn by interacting with environments, yet these environments are hand-built and static.",
		PublishedAt: ts("2026-08-20T00:00:00Z"),
		ProjectURL:  "https://envharness.com/",
		CodeURL:     "https://github.com/google-research/envharness",
	}
}

func paperOldStyle() *quire.Paper {
	return &quire.Paper{
		ID:         "hep-th/9901001",
		Version:    1,
		Title:      "A paper with an old-style identifier",
		Authors:    []string{"A. Author"},
		Abstract:   "Abstract.",
		Categories: []string{"hep-th", "gr-qc"},
	}
}

// numbered returns n distinct valid papers with ids 2501.00001, 2501.00002, …
func numbered(n int) []*quire.Paper {
	ps := make([]*quire.Paper, n)
	for i := range ps {
		ps[i] = &quire.Paper{
			ID:          fmt.Sprintf("2501.%05d", i+1),
			Version:     1,
			Title:       fmt.Sprintf("Paper number %d", i+1),
			Authors:     []string{"First Author", fmt.Sprintf("Author %d", i)},
			Abstract:    "We study things.",
			Categories:  []string{"cs.CL", "cs.AI"},
			PublishedAt: ts("2025-01-02T10:00:00Z"),
		}
	}
	return ps
}

func entry(d, id string, upvotes, comments int, submitted string) *quire.DailyEntry {
	e := &quire.DailyEntry{
		Day:         day(d),
		PaperID:     id,
		Upvotes:     upvotes,
		NumComments: comments,
		Submitter:   quire.Submitter{Name: "akhaliq", Fullname: "AK", AvatarURL: "https://example.org/ak.png"},
	}
	if submitted != "" {
		e.SubmittedAt = ts(submitted)
	}
	return e
}

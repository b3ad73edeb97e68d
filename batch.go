package quire

import "slices"

// PreparePapers readies a batch for a store: it copies and normalises each
// paper, drops those that fail Validate (counting them as skipped), and folds
// repeated ids into one record with Merge, in order, so that a batch holding
// two versions of a paper stores the newer one. Stores call it first so every
// backend treats a batch alike.
func PreparePapers(in []*Paper) (out []*Paper, skipped int) {
	seen := make(map[string]int, len(in))
	out = make([]*Paper, 0, len(in))
	for _, src := range in {
		if src == nil {
			skipped++
			continue
		}
		p := *src
		p.Authors = slices.Clone(p.Authors)
		p.Categories = slices.Clone(p.Categories)
		p.Versions = slices.Clone(p.Versions)
		p.Normalize()
		if p.Validate() != nil {
			skipped++
			continue
		}
		if i, ok := seen[p.ID]; ok {
			merged, _ := Merge(out[i], &p)
			out[i] = &merged
			continue
		}
		seen[p.ID] = len(out)
		out = append(out, &p)
	}
	return out, skipped
}

// PrepareEntries is PreparePapers for daily entries, keyed by (Day, PaperID).
func PrepareEntries(in []*DailyEntry) (out []*DailyEntry, skipped int) {
	type key struct {
		day int64
		id  string
	}
	seen := make(map[key]int, len(in))
	out = make([]*DailyEntry, 0, len(in))
	for _, src := range in {
		if src == nil {
			skipped++
			continue
		}
		e := *src
		e.AIKeywords = slices.Clone(e.AIKeywords)
		e.Normalize()
		if e.Validate() != nil {
			skipped++
			continue
		}
		k := key{e.Day.Unix(), e.PaperID}
		if i, ok := seen[k]; ok {
			merged, _ := MergeEntry(out[i], &e)
			out[i] = &merged
			continue
		}
		seen[k] = len(out)
		out = append(out, &e)
	}
	return out, skipped
}

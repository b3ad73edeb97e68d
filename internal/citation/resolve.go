package citation

import (
	"context"

	"quire"
)

// Catalogue is what Resolve reads of the store.
type Catalogue interface {
	FindPapersByIDs(ctx context.Context, ids []string) ([]*quire.Paper, error)
	FindPaperIDsByDOI(ctx context.Context, dois []string) (map[string]string, error)
}

// Resolution says which catalogue papers the entries of a file name.
type Resolution struct {
	// PaperIDs are the papers found, in the order of the file, each once.
	PaperIDs []string
	// Unknown are the keys of entries with an arXiv id or a DOI that the
	// catalogue does not hold; NoID the keys of entries with neither.
	Unknown []string
	NoID    []string
}

// Resolve matches entries to the catalogue: by arXiv id first, then by
// DOI.
func Resolve(ctx context.Context, c Catalogue, entries []Entry) (*Resolution, error) {
	var ids, dois []string
	arxivOf := make([]string, len(entries))
	doiOf := make([]string, len(entries))
	for i := range entries {
		arxivOf[i], doiOf[i] = entries[i].ArXivID(), entries[i].DOI()
		if arxivOf[i] != "" {
			ids = append(ids, arxivOf[i])
		}
		if doiOf[i] != "" {
			dois = append(dois, doiOf[i])
		}
	}
	known := map[string]bool{}
	if len(ids) > 0 {
		papers, err := c.FindPapersByIDs(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, p := range papers {
			known[p.ID] = true
		}
	}
	byDOI := map[string]string{}
	if len(dois) > 0 {
		var err error
		if byDOI, err = c.FindPaperIDsByDOI(ctx, dois); err != nil {
			return nil, err
		}
	}
	res := &Resolution{}
	seen := map[string]bool{}
	for i, e := range entries {
		id := ""
		switch {
		case known[arxivOf[i]]:
			id = arxivOf[i]
		case byDOI[doiOf[i]] != "":
			id = byDOI[doiOf[i]]
		case arxivOf[i] != "" || doiOf[i] != "":
			res.Unknown = append(res.Unknown, e.Key)
			continue
		default:
			res.NoID = append(res.NoID, e.Key)
			continue
		}
		if !seen[id] {
			seen[id] = true
			res.PaperIDs = append(res.PaperIDs, id)
		}
	}
	return res, nil
}

package api

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"quire"
)

// Page sizes of GET /api/papers.
const (
	defaultListLimit = 100
	maxListLimit     = 500
)

// cursorPrefix marks the cursors of GET /api/papers, so that a token from
// elsewhere (or a future format) is refused rather than misread.
const cursorPrefix = "c1:"

// listPapers serves GET /api/papers: the whole catalogue, page by page, in
// the order of the store's change feed. A paper written while a client
// pages moves to the end of the feed, so a walk from the first page to the
// last misses no paper that existed when it began, and sees a changed one
// again. Papers that moderators hid are left out; withdrawn papers stay,
// marked, so that a copy of the catalogue learns of withdrawals.
func (h *Handler) listPapers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := intParam(q, "limit", defaultListLimit)
	if err != nil {
		return err
	}
	if limit < 1 || limit > maxListLimit {
		return quire.Invalidf("limit must be between 1 and %d, not %d", maxListLimit, limit)
	}
	after, err := decodeCursor(q.Get("cursor"))
	if err != nil {
		return err
	}
	ctx := r.Context()
	// One more than the page tells whether another page follows.
	changes, err := h.store.FindPaperChanges(ctx, after, limit+1)
	if err != nil {
		return err
	}
	more := len(changes) > limit
	if more {
		changes = changes[:limit]
	}
	ids := make([]string, len(changes))
	for i, c := range changes {
		ids[i] = c.Paper.ID
	}
	hidden, err := h.store.FindHiddenPapers(ctx, ids)
	if err != nil {
		return err
	}
	out := make([]Paper, 0, len(changes))
	for _, c := range changes {
		if _, gone := hidden[c.Paper.ID]; gone {
			continue
		}
		p := newPaper(&c.Paper, nil)
		p.Upvotes = c.Upvotes
		addExtensions(&p, &c.Paper)
		out = append(out, p)
	}
	if more {
		// The cursor is the position of the page's last row read, hidden
		// or not, so that the next page starts right after it.
		q.Set("cursor", encodeCursor(changes[len(changes)-1].Seq))
		next := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		w.Header().Set("Link", fmt.Sprintf("<%s>; rel=\"next\"", next.String()))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// encodeCursor makes the opaque cursor of a change-feed position.
func encodeCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(seq, 10)))
}

// decodeCursor reads a cursor made by encodeCursor; "" is the start.
func decodeCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	bad := quire.Invalidf("cursor %q is not one this server gave out; start without one, or follow the Link header's next page", clip(s))
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, bad
	}
	digits, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if !ok {
		return 0, bad
	}
	seq, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || seq < 0 || strconv.FormatInt(seq, 10) != digits {
		return 0, bad
	}
	return seq, nil
}

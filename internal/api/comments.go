package api

import (
	"errors"
	"net/http"

	"quire"
	"quire/internal/arxiv"
	"quire/internal/markdown"
)

// Comment is one comment on a paper, as the API returns it.
type Comment struct {
	ID      int64  `json:"id"`
	PaperID string `json:"paperId"`
	// ParentID is the comment this one replies to, left out for a
	// top-level comment.
	ParentID int64 `json:"parentId,omitempty"`
	// Author is left out, with Body and HTML empty, when the comment was
	// deleted or hidden: it keeps its place in the thread so that replies
	// stay under it, but says nothing more.
	Author *User `json:"author,omitempty"`
	// Body is the Markdown source; HTML is it rendered and sanitised, safe
	// to insert into a page.
	Body      string `json:"body"`
	HTML      string `json:"html"`
	CreatedAt string `json:"createdAt"`
	EditedAt  string `json:"editedAt,omitempty"`
	Deleted   bool   `json:"deleted"`
	Hidden    bool   `json:"hidden"`
}

func newComment(c *quire.Comment) (Comment, error) {
	out := Comment{
		ID:        c.ID,
		PaperID:   c.PaperID,
		ParentID:  c.ParentID,
		CreatedAt: formatTime(c.CreatedAt),
		Deleted:   !c.DeletedAt.IsZero(),
		Hidden:    !c.HiddenAt.IsZero(),
	}
	if !c.Visible() {
		return out, nil
	}
	html, err := markdown.Render(c.Body)
	if err != nil {
		return out, err
	}
	out.Author = &User{Name: c.Author}
	out.Body = c.Body
	out.HTML = string(html)
	out.EditedAt = formatTime(c.EditedAt)
	return out, nil
}

// comments serves GET /api/papers/{id}/comments: every comment on the
// paper in order of creation, a reply always after its parent.
func (h *Handler) comments(w http.ResponseWriter, r *http.Request, rawID string) error {
	id, _, err := arxiv.ParseID(rawID)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if _, err := h.store.FindPaperByID(ctx, id); err != nil {
		if errors.Is(err, quire.ErrNotFound) {
			return quire.NotFoundf("Paper not found")
		}
		return err
	}
	cs, err := h.store.FindComments(ctx, id)
	if err != nil {
		return err
	}
	out := make([]Comment, len(cs))
	for i, c := range cs {
		if out[i], err = newComment(c); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// commentRequest is the body of POST /api/papers/{id}/comments.
type commentRequest struct {
	Body string `json:"body"`
	// ParentID is the comment replied to; absent, null or 0 for a
	// top-level comment.
	ParentID *int64 `json:"parentId"`
}

// addComment serves POST /api/papers/{id}/comments and answers 201 with
// the comment as stored.
func (h *Handler) addComment(w http.ResponseWriter, r *http.Request, rawID string) error {
	_, acct, err := h.authenticate(r)
	if err != nil {
		return err
	}
	id, _, err := arxiv.ParseID(rawID)
	if err != nil {
		return err
	}
	var req commentRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	c := &quire.Comment{PaperID: id, AccountID: acct.ID}
	if req.ParentID != nil {
		c.ParentID = *req.ParentID
	}
	// Checked before counting against the limit, so that a typo does not
	// use up the account's comments.
	if c.Body, err = quire.NormalizeCommentBody(req.Body); err != nil {
		return err
	}
	ctx := r.Context()
	if err := h.limit(ctx, h.commentLimit, acct); err != nil {
		return err
	}
	c.CreatedAt = h.now()
	stored, err := h.store.AddComment(ctx, c)
	if err != nil {
		return writeRefusal(err)
	}
	out, err := newComment(stored)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

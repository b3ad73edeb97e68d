package web

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"quire"
	"quire/internal/arxiv"
	"quire/internal/markdown"
)

// CommentView is one comment of a paper's thread as a reader sees it.
type CommentView struct {
	ID      int64
	Author  string
	Date    string
	DateISO string
	Edited  bool
	// HTML is the rendered body; empty when the comment is deleted, or
	// hidden and the reader is not a moderator.
	HTML    template.HTML
	Deleted bool
	Hidden  bool
	// Source is the Markdown, for the author's edit form.
	Source string
	// Mine lets the author edit and delete; Moderate lets a moderator hide
	// or show it; Reply offers the reply form.
	Mine, Moderate, Reply bool
	Replies               []*CommentView
}

// Thread is the comments of a paper page.
type Thread struct {
	// Count is the paper's displayed comment count.
	Count    string
	Comments []*CommentView
	// Action is where new comments go; Token is set for a signed-in
	// reader, LoginHref for others.
	Action    string
	Token     string
	LoginHref string
}

func commentsPath(id string) string { return paperPath(id) + "/comments" }

// commentAnchor is the address of a comment on its paper's page.
func commentAnchor(paperID string, commentID int64) string {
	return paperPath(paperID) + "#comment-" + strconv.FormatInt(commentID, 10)
}

// fillThread loads and renders a paper's comments for the reader of r.
func (h *Handler) fillThread(r *http.Request, page *PaperPage) error {
	ctx := r.Context()
	comments, err := h.comm.store.FindComments(ctx, page.ID)
	if err != nil {
		return err
	}
	counts, err := h.comm.store.CommentCounts(ctx, []string{page.ID})
	if err != nil {
		return err
	}
	a := currentAccount(r)
	moderator := a != nil && a.Role.CanModerate()
	t := &Thread{Count: plural(counts[page.ID], "comment"), Action: commentsPath(page.ID)}
	if a != nil {
		t.Token = h.comm.csrf.Token(r)
	} else {
		t.LoginHref = loginHref(paperPath(page.ID))
	}
	byID := make(map[int64]*CommentView, len(comments))
	for _, c := range comments {
		v := &CommentView{
			ID: c.ID, Author: c.Author, Date: formatDate(c.CreatedAt), DateISO: c.CreatedAt.UTC().Format(quire.DayLayout),
			Edited: !c.EditedAt.IsZero(), Deleted: !c.DeletedAt.IsZero(), Hidden: !c.HiddenAt.IsZero(),
		}
		mine := a != nil && a.ID == c.AccountID
		if !v.Deleted && (!v.Hidden || moderator) {
			if v.HTML, err = markdown.Render(c.Body); err != nil {
				return err
			}
		}
		if !v.Deleted {
			v.Mine = mine && !v.Hidden
			v.Moderate = moderator
			v.Reply = a != nil && !v.Hidden
			if v.Mine {
				v.Source = c.Body
			}
		}
		byID[c.ID] = v
		// Comments come in order of creation, so a parent is always seen
		// before its replies.
		if p := byID[c.ParentID]; c.ParentID != 0 && p != nil {
			p.Replies = append(p.Replies, v)
		} else {
			t.Comments = append(t.Comments, v)
		}
	}
	page.Thread = t
	return nil
}

// paperIDFromPath reads the paper of /papers/{id}/… or
// /papers/{archive}/{num}/….
func paperIDFromPath(r *http.Request) (string, error) {
	raw := r.PathValue("id")
	if raw == "" {
		raw = r.PathValue("archive") + "/" + r.PathValue("num")
	}
	id, _, err := arxiv.ParseID(raw)
	return id, err
}

// addComment serves POST /papers/{id}/comments: a new comment, or a reply
// when parent is set.
func (h *Handler) addComment(w http.ResponseWriter, r *http.Request) error {
	id, err := paperIDFromPath(r)
	if err != nil {
		return err
	}
	a := currentAccount(r)
	ctx := r.Context()
	if err := allow(ctx, h.comm.comment, "account:"+quire.IDTargetID(a.ID)); err != nil {
		return err
	}
	var parent int64
	if s := r.PostFormValue("parent"); s != "" {
		if parent, err = strconv.ParseInt(s, 10, 64); err != nil || parent <= 0 {
			return quire.Invalidf("The comment to reply to is not valid.")
		}
	}
	body, err := quire.NormalizeCommentBody(r.PostFormValue("body"))
	if err != nil {
		return err
	}
	c, err := h.comm.store.AddComment(ctx, &quire.Comment{PaperID: id, ParentID: parent, AccountID: a.ID, Body: body, CreatedAt: h.now()})
	if err != nil {
		return refusal(err)
	}
	h.Purge()
	http.Redirect(w, r, commentAnchor(id, c.ID), http.StatusSeeOther)
	return nil
}

// commentAction reads the comment of /comments/{cid}/….
func (h *Handler) commentAction(r *http.Request) (*quire.Comment, error) {
	cid, err := strconv.ParseInt(r.PathValue("cid"), 10, 64)
	if err != nil || cid <= 0 {
		return nil, quire.NotFoundf("There is no such comment.")
	}
	c, err := h.comm.store.FindComment(r.Context(), cid)
	if errors.Is(err, quire.ErrNotFound) {
		return nil, quire.NotFoundf("There is no such comment.")
	}
	return c, err
}

// editComment serves POST /comments/{cid}/edit, for the author.
func (h *Handler) editComment(w http.ResponseWriter, r *http.Request) error {
	c, err := h.commentAction(r)
	if err != nil {
		return err
	}
	a := currentAccount(r)
	if err := allow(r.Context(), h.comm.comment, "account:"+quire.IDTargetID(a.ID)); err != nil {
		return err
	}
	body, err := quire.NormalizeCommentBody(r.PostFormValue("body"))
	if err != nil {
		return err
	}
	if _, err := h.comm.store.EditComment(r.Context(), c.ID, a.ID, body, h.now()); err != nil {
		return refusal(err)
	}
	h.Purge()
	http.Redirect(w, r, commentAnchor(c.PaperID, c.ID), http.StatusSeeOther)
	return nil
}

// deleteComment serves POST /comments/{cid}/delete, for the author.
func (h *Handler) deleteComment(w http.ResponseWriter, r *http.Request) error {
	c, err := h.commentAction(r)
	if err != nil {
		return err
	}
	if err := h.comm.store.DeleteComment(r.Context(), c.ID, currentAccount(r).ID, h.now()); err != nil {
		return refusal(err)
	}
	h.Purge()
	http.Redirect(w, r, commentAnchor(c.PaperID, c.ID), http.StatusSeeOther)
	return nil
}

// hideComment serves POST /comments/{cid}/hide, for moderators: hidden=1
// hides the comment, hidden=0 shows it again. The store logs the action.
func (h *Handler) hideComment(w http.ResponseWriter, r *http.Request) error {
	a := currentAccount(r)
	if !a.Role.CanModerate() {
		return forbidden(quire.Unauthorizedf("Only moderators can hide comments."))
	}
	c, err := h.commentAction(r)
	if err != nil {
		return err
	}
	hidden := r.PostFormValue("hidden") != "0"
	m := quire.Moderation{ActorID: a.ID, Reason: strings.TrimSpace(r.PostFormValue("reason")), At: h.now()}
	if err := h.comm.store.SetCommentHidden(r.Context(), c.ID, hidden, m); err != nil {
		return refusal(err)
	}
	h.Purge()
	http.Redirect(w, r, commentAnchor(c.PaperID, c.ID), http.StatusSeeOther)
	return nil
}

// refusal shows the store's ErrUnauthorized (another member's comment, a
// disabled account) as 403: the reader is signed in, so logging in again
// would not help.
func refusal(err error) error {
	if errors.Is(err, quire.ErrUnauthorized) {
		return forbidden(err)
	}
	return err
}

package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"quire"
	"quire/internal/auth"
)

// Follows: the authors, categories and organizations the token's account
// follows (see
// quire.Follow). Every endpoint needs a token.
//
//	GET    /api/follows          the account's follows
//	POST   /api/follows          follow: {"kind", "name", "coAuthor", "category", "digest"};
//	                             kind is "author", "category" or "organization"
//	DELETE /api/follows/{fid}    unfollow; answers with the follows left

// Follow is a follow as the API shows it.
type Follow struct {
	ID   int64  `json:"id"`
	Kind string `json:"kind"`
	Name string `json:"name"`
	// CoAuthor and Category narrow an author follow ("" for none).
	CoAuthor string `json:"coAuthor"`
	Category string `json:"category"`
	Digest   bool   `json:"digest"`
	// Title describes the follow: "Ada Lovelace (with Charles Babbage)".
	Title     string    `json:"title"`
	CreatedAt time.Time `json:"createdAt"`
}

// followRequest is the body of POST /api/follows.
type followRequest struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	CoAuthor string `json:"coAuthor"`
	Category string `json:"category"`
	Digest   bool   `json:"digest"`
}

func newFollow(f *quire.Follow) Follow {
	return Follow{ID: f.ID, Kind: string(f.Kind), Name: f.Name, CoAuthor: f.CoAuthor, Category: f.Category,
		Digest: f.Digest, Title: f.Title(), CreatedAt: f.CreatedAt}
}

// followAPI serves the follow endpoints.
type followAPI struct {
	h     *Handler
	store quire.FollowStore
	limit *auth.CounterLimiter
}

// followRoutes registers the follow endpoints when the store keeps
// follows.
func (h *Handler) followRoutes() {
	fs, ok := h.store.(quire.FollowStore)
	if !ok {
		return
	}
	a := &followAPI{h: h, store: fs,
		limit: &auth.CounterLimiter{Counter: h.store, Name: "api-follow", Limit: 120, Window: time.Minute, Now: h.now}}
	h.handle("GET /api/follows", a.index)
	h.handle("POST /api/follows", a.create)
	h.handle("DELETE /api/follows/{fid}", a.delete)
}

// writeFollows answers with the account's follows.
func (a *followAPI) writeFollows(w http.ResponseWriter, r *http.Request, accountID int64) error {
	follows, err := a.store.FindFollows(r.Context(), accountID)
	if err != nil {
		return err
	}
	out := make([]Follow, len(follows))
	for i, f := range follows {
		out[i] = newFollow(f)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// index serves GET /api/follows.
func (a *followAPI) index(w http.ResponseWriter, r *http.Request) error {
	_, acct, err := a.h.authenticate(r)
	if err != nil {
		return err
	}
	return a.writeFollows(w, r, acct.ID)
}

// create serves POST /api/follows. Following again what the account
// follows sets its digest choice and answers with it.
func (a *followAPI) create(w http.ResponseWriter, r *http.Request) error {
	_, acct, err := a.h.authenticate(r)
	if err != nil {
		return err
	}
	if err := a.h.limit(r.Context(), a.limit, acct); err != nil {
		return err
	}
	var req followRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	f, err := a.store.CreateFollow(r.Context(), &quire.Follow{AccountID: acct.ID, Kind: quire.FollowKind(req.Kind),
		Name: req.Name, CoAuthor: req.CoAuthor, Category: req.Category, Digest: req.Digest})
	if err != nil {
		return followRefusal(err)
	}
	writeJSON(w, http.StatusOK, newFollow(f))
	return nil
}

// delete serves DELETE /api/follows/{fid}.
func (a *followAPI) delete(w http.ResponseWriter, r *http.Request) error {
	_, acct, err := a.h.authenticate(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("fid"), 10, 64)
	if err != nil || id <= 0 {
		return quire.ErrNoFollow
	}
	if err := a.h.limit(r.Context(), a.limit, acct); err != nil {
		return err
	}
	if err := a.store.DeleteFollow(r.Context(), id, acct.ID); err != nil {
		return followRefusal(err)
	}
	return a.writeFollows(w, r, acct.ID)
}

// followRefusal is writeRefusal for follows: a follow not found keeps its
// own message.
func followRefusal(err error) error {
	if errors.Is(err, quire.ErrNotFound) {
		return err
	}
	return writeRefusal(err)
}

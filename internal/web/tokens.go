package web

import (
	"net/http"
	"strconv"
	"strings"

	"quire"
	"quire/internal/auth"
)

// Personal access tokens, created and revoked on the account page. API
// clients send one as "Authorization: Bearer qk_…" to vote, comment and
// submit; the store keeps only its hash, so the token is shown once.

// TokenRow is one token in the account page's list.
type TokenRow struct {
	ID       int64
	Name     string
	Prefix   string
	Created  string
	LastUsed string
}

// fillTokens lists the account's live tokens into page.
func (h *Handler) fillTokens(r *http.Request, page *AccountPage) error {
	ts, err := h.comm.store.ListAPITokens(r.Context(), page.Account.ID)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if !t.RevokedAt.IsZero() {
			continue
		}
		row := TokenRow{ID: t.ID, Name: t.Name, Prefix: t.Prefix, Created: formatDate(t.CreatedAt), LastUsed: "never"}
		if !t.LastUsedAt.IsZero() {
			row.LastUsed = formatDate(t.LastUsedAt)
		}
		page.Tokens = append(page.Tokens, row)
	}
	return nil
}

// tokenPrefixLen is how much of a token the list shows: the "qk_" marker
// and a few characters, too few to guess the rest from.
const tokenPrefixLen = 10

// createToken serves POST /account/tokens: a new token, shown once.
func (h *Handler) createToken(w http.ResponseWriter, r *http.Request) error {
	page := h.newAccountPage(r)
	name := strings.TrimSpace(r.PostFormValue("name"))
	if name == "" {
		name = "API token"
	}
	raw, hash := auth.NewAPIToken()
	_, err := h.comm.store.CreateAPIToken(r.Context(), &quire.APIToken{
		AccountID: page.Account.ID, Name: name, Hash: hash,
		Prefix: raw[:tokenPrefixLen], CreatedAt: h.now(),
	})
	if err != nil {
		if msg := quire.UserMessage(err); msg != "" {
			page.Error = msg
			if err := h.fillTokens(r, page); err != nil {
				return err
			}
			return h.render(w, r, http.StatusBadRequest, "account.html", page)
		}
		return err
	}
	page.NewToken = raw
	if err := h.fillTokens(r, page); err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "account.html", page)
}

// revokeToken serves POST /account/tokens/{tid}/revoke.
func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("tid"), 10, 64)
	if err != nil || id <= 0 {
		return quire.Invalidf("%q is not a token number.", r.PathValue("tid"))
	}
	a := currentAccount(r)
	if err := h.comm.store.RevokeAPIToken(r.Context(), a.ID, id, h.now()); err != nil {
		return err
	}
	http.Redirect(w, r, "/account?revoked=1", http.StatusSeeOther)
	return nil
}

package web

import (
	"errors"
	"net/http"
	"strings"

	"quire"
	"quire/internal/auth"
)

// AuthPage is the data of auth.html: the sign-up and log-in forms.
type AuthPage struct {
	BasePage
	// Mode is "signup" or "login".
	Mode    string
	Heading string
	Action  string
	Token   string
	Return  string
	// Error explains why the last attempt failed; Notice reports what was
	// done before (a password reset).
	Error    string
	Notice   string
	Username string
	Email    string
}

// AccountPage is the data of account.html.
type AccountPage struct {
	BasePage
	Account *quire.Account
	Joined  string
	Token   string
	Error   string
	Notice  string
	// Tokens are the live personal access tokens; NewToken is the one just
	// created, shown this once.
	Tokens   []TokenRow
	NewToken string
	// Follows are the authors and categories the member follows.
	Follows []FollowRow
}

func (h *Handler) authPage(r *http.Request, mode string) *AuthPage {
	p := &AuthPage{Mode: mode, Token: h.comm.csrf.Token(r), Return: returnPath(r, "")}
	switch mode {
	case "signup":
		p.Heading, p.Action = "Sign up", "/signup"
	default:
		p.Heading, p.Action = "Log in", "/login"
	}
	p.BasePage = h.base(p.Heading, "", "")
	return p
}

// signupPage serves GET /signup.
func (h *Handler) signupPage(w http.ResponseWriter, r *http.Request) error {
	if currentAccount(r) != nil {
		http.Redirect(w, r, returnPath(r, "/"), http.StatusSeeOther)
		return nil
	}
	return h.render(w, r, http.StatusOK, "auth.html", h.authPage(r, "signup"))
}

// signup serves POST /signup: a new account, signed in at once.
func (h *Handler) signup(w http.ResponseWriter, r *http.Request) error {
	page := h.authPage(r, "signup")
	page.Username, page.Email = r.PostFormValue("username"), r.PostFormValue("email")
	fail := func(status int, err error) error {
		if quire.UserMessage(err) == "" {
			return err
		}
		page.Error = quire.UserMessage(err)
		if rl := (*rateLimited)(nil); errors.As(err, &rl) {
			h.setRetryAfter(w, rl)
		}
		return h.render(w, r, status, "auth.html", page)
	}
	name, err := quire.NormalizeUsername(page.Username)
	if err != nil {
		return fail(http.StatusBadRequest, err)
	}
	email, err := quire.NormalizeEmail(page.Email)
	if err != nil {
		return fail(http.StatusBadRequest, err)
	}
	pw := r.PostFormValue("password")
	if err := auth.ValidatePassword(pw); err != nil {
		return fail(http.StatusBadRequest, quire.Invalidf("%s", userText(err)))
	}
	// Only attempts that could create an account count, so that typing
	// mistakes do not lock a shared address out.
	if err := allow(r.Context(), h.comm.signupIP, h.comm.clientIP.Key(r)); err != nil {
		return fail(http.StatusTooManyRequests, err)
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	a, err := h.comm.store.CreateAccount(r.Context(), &quire.Account{
		Username: name, Email: email, PasswordHash: hash, Role: quire.RoleMember, CreatedAt: h.now(),
	})
	if errors.Is(err, quire.ErrConflict) {
		return fail(http.StatusConflict, err)
	}
	if err != nil {
		return err
	}
	if err := h.startSession(w, r, a); err != nil {
		return err
	}
	// A failure is logged; the account page offers to send it again.
	h.sendVerification(r, a)
	http.Redirect(w, r, returnPath(r, "/"), http.StatusSeeOther)
	return nil
}

// userText is the message of a password-policy error: auth's errors are
// written for users but carry a package prefix.
func userText(err error) string {
	if msg := quire.UserMessage(err); msg != "" {
		return msg
	}
	return strings.TrimPrefix(err.Error(), "auth: ")
}

// loginPage serves GET /login.
func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) error {
	if currentAccount(r) != nil {
		http.Redirect(w, r, returnPath(r, "/"), http.StatusSeeOther)
		return nil
	}
	page := h.authPage(r, "login")
	if r.URL.Query().Get("reset") == "1" {
		page.Notice = "Your password was changed. Log in with the new one."
	}
	return h.render(w, r, http.StatusOK, "auth.html", page)
}

// errBadLogin is the one answer to a wrong username or password, so that
// the form does not tell which accounts exist.
var errBadLogin = quire.Unauthorizedf("The username or password is not right.")

// login serves POST /login.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) error {
	page := h.authPage(r, "login")
	page.Username = strings.TrimSpace(r.PostFormValue("username"))
	fail := func(status int, err error) error {
		page.Error = quire.UserMessage(err)
		if rl := (*rateLimited)(nil); errors.As(err, &rl) {
			h.setRetryAfter(w, rl)
		}
		return h.render(w, r, status, "auth.html", page)
	}
	ctx := r.Context()
	if err := allow(ctx, h.comm.loginIP, h.comm.clientIP.Key(r)); err != nil {
		return fail(http.StatusTooManyRequests, err)
	}
	if err := allow(ctx, h.comm.loginUser, strings.ToLower(page.Username)); err != nil {
		return fail(http.StatusTooManyRequests, err)
	}
	pw := r.PostFormValue("password")
	var a *quire.Account
	var err error
	if strings.Contains(page.Username, "@") {
		a, err = h.comm.store.FindAccountByEmail(ctx, page.Username)
	} else {
		a, err = h.comm.store.FindAccountByUsername(ctx, page.Username)
	}
	if errors.Is(err, quire.ErrNotFound) || errors.Is(err, quire.ErrInvalid) {
		// As slow as a real check, so that timing does not tell either.
		auth.DummyCheck(pw)
		return fail(http.StatusUnauthorized, errBadLogin)
	}
	if err != nil {
		return err
	}
	ok, rehash, err := auth.CheckPassword(a.PasswordHash, pw)
	if err != nil {
		return err
	}
	if !ok {
		return fail(http.StatusUnauthorized, errBadLogin)
	}
	if a.Disabled() {
		return fail(http.StatusForbidden, quire.Unauthorizedf("This account is disabled."))
	}
	if rehash {
		if hash, err := auth.HashPassword(pw); err == nil {
			if err := h.comm.store.SetPasswordHash(ctx, a.ID, hash); err != nil {
				h.logger.Error("replacing a password hash", "error", err)
			}
		}
	}
	if err := h.startSession(w, r, a); err != nil {
		return err
	}
	http.Redirect(w, r, returnPath(r, "/"), http.StatusSeeOther)
	return nil
}

// logout serves POST /logout.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	if v := currentViewer(r); v != nil {
		if err := h.comm.store.DeleteSession(r.Context(), v.hash); err != nil {
			return err
		}
	}
	h.comm.clearSessionCookie(w)
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

func (h *Handler) newAccountPage(r *http.Request) *AccountPage {
	a := currentAccount(r)
	return &AccountPage{
		BasePage: h.base("Your account", "", ""),
		Account:  a,
		Joined:   formatDate(a.CreatedAt),
		Token:    h.comm.csrf.Token(r),
	}
}

// accountPage serves GET /account.
func (h *Handler) accountPage(w http.ResponseWriter, r *http.Request) error {
	page := h.newAccountPage(r)
	switch {
	case r.URL.Query().Get("changed") == "1":
		page.Notice = "Your password was changed, and your other sessions were logged out."
	case r.URL.Query().Get("revoked") == "1":
		page.Notice = "The token was revoked: API requests that send it are refused from now on."
	case r.URL.Query().Get("sent") == "1":
		page.Notice = "A confirmation link is on its way to " + page.Account.Email + "."
	case r.URL.Query().Get("verified") == "1":
		page.Notice = "Your address is already confirmed."
	}
	return h.renderAccount(w, r, http.StatusOK, page)
}

// renderAccount renders the account page with its tokens.
func (h *Handler) renderAccount(w http.ResponseWriter, r *http.Request, status int, page *AccountPage) error {
	if err := h.fillTokens(r, page); err != nil {
		return err
	}
	if fs := h.followStore(); fs != nil && page.Account != nil {
		follows, err := fs.FindFollows(r.Context(), page.Account.ID)
		if err != nil {
			return err
		}
		for _, f := range follows {
			page.Follows = append(page.Follows, newFollowRow(f))
		}
	}
	return h.render(w, r, status, "account.html", page)
}

// changePassword serves POST /account/password. Every other session of
// the account ends: whoever knew the old password is logged out.
func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) error {
	v := currentViewer(r)
	page := h.newAccountPage(r)
	fail := func(status int, msg string) error {
		page.Error = msg
		return h.renderAccount(w, r, status, page)
	}
	ctx := r.Context()
	if err := allow(ctx, h.comm.password, "account:"+quire.IDTargetID(v.account.ID)); err != nil {
		var rl *rateLimited
		errors.As(err, &rl)
		h.setRetryAfter(w, rl)
		return fail(http.StatusTooManyRequests, quire.UserMessage(err))
	}
	ok, _, err := auth.CheckPassword(v.account.PasswordHash, r.PostFormValue("current"))
	if err != nil {
		return err
	}
	if !ok {
		return fail(http.StatusUnauthorized, "The current password is not right.")
	}
	pw := r.PostFormValue("new")
	if err := auth.ValidatePassword(pw); err != nil {
		return fail(http.StatusBadRequest, userText(err))
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	if err := h.comm.store.SetPasswordHash(ctx, v.account.ID, hash); err != nil {
		return err
	}
	if err := h.comm.store.DeleteAccountSessions(ctx, v.account.ID, v.hash); err != nil {
		return err
	}
	http.Redirect(w, r, "/account?changed=1", http.StatusSeeOther)
	return nil
}

func (h *Handler) setRetryAfter(w http.ResponseWriter, rl *rateLimited) {
	if rl != nil {
		w.Header().Set("Retry-After", retryAfterSeconds(rl.retry))
	}
}

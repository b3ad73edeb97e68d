package auth

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
)

// CSRF request fields: a form sends the token in a hidden field, a script
// in a header.
const (
	CSRFField  = "csrf_token"
	CSRFHeader = "X-CSRF-Token"
)

// Names of the cookie that identifies a visitor without a session. Over
// HTTPS it carries the __Host- prefix, which browsers only accept from the
// site itself with Secure, Path=/ and no Domain, so neither a sibling
// subdomain nor a network attacker can plant one. Browsers refuse
// __Host- cookies without Secure, and Secure cookies over plain HTTP
// (bar some on localhost), so a site served over plain HTTP uses the
// unprefixed name without Secure.
const (
	CSRFCookieSecure   = "__Host-quire_csrf"
	CSRFCookieInsecure = "quire_csrf"
)

// Reasons a request is refused, passed to CSRFOptions.Deny.
var (
	// ErrCSRFToken: the request has no CSRF token, or one made for another
	// session or visitor.
	ErrCSRFToken = errors.New("auth: missing or mismatched CSRF token")
	// ErrCrossOrigin: the browser says the request came from another site.
	ErrCrossOrigin = errors.New("auth: cross-origin request")
)

// CSRFOptions configures NewCSRF.
type CSRFOptions struct {
	// Secure says the site is served over HTTPS (directly or behind a
	// TLS-terminating proxy), choosing the cookie's name and Secure flag.
	Secure bool
	// SessionID returns the session token of a signed-in request (say, the
	// value of its session cookie) and "" otherwise. Tokens of a signed-in
	// visitor are bound to it; others to an anonymous random cookie. Nil
	// means there are no sessions.
	SessionID func(r *http.Request) string
	// Exempt reports requests that need no protection at all, such as API
	// requests authenticated by a bearer token (browsers never attach one
	// on their own; see IsBearerRequest). Such a request must then be
	// authenticated by its bearer token only, never by a cookie.
	Exempt func(r *http.Request) bool
	// ExemptPatterns are http.ServeMux patterns of endpoints that other
	// sites may post to, such as "POST /unsubscribe/{token}" for RFC 8058
	// one-click unsubscription, which mail clients post without cookies.
	// Such endpoints must authorise the request by something in it (a
	// signed token in the URL).
	ExemptPatterns []string
	// TrustedOrigins are other origins ("https://example.org") whose pages
	// may post to the site; they still need a token.
	TrustedOrigins []string
	// Deny writes the response to a refused request, err being
	// ErrCSRFToken or ErrCrossOrigin. Nil writes a 403 with a plain-text
	// explanation.
	Deny func(w http.ResponseWriter, r *http.Request, err error)
}

// CSRF protects server-rendered forms from cross-site request forgery
// without JavaScript and without server-side state, so any node of a
// cluster sharing the secret accepts a form made by another.
//
// A request with an unsafe method (anything but GET, HEAD, OPTIONS and
// TRACE) must pass two checks. First, where the browser sends
// Sec-Fetch-Site or Origin, they must show the request came from the site
// itself or a trusted origin (http.CrossOriginProtection). Second, it must
// carry a token from Token, in the CSRFField form field or the CSRFHeader
// header, bound to the same session or anonymous visitor: a token is
// HMAC-SHA256(key, session token or anonymous cookie), so it cannot be
// forged without the secret and one visitor's token fails for another.
// Each call of Token masks the token with fresh random bytes, so that a
// compressed page does not leak it byte by byte (BREACH).
//
// Visitors without a session get an anonymous cookie of TokenBytes random
// bytes: HttpOnly, SameSite=Lax, Path=/, no Domain and no expiry (it ends
// with the browser session), named CSRFCookieSecure with Secure when
// CSRFOptions.Secure is set and CSRFCookieInsecure otherwise.
type CSRF struct {
	key        []byte
	opts       CSRFOptions
	cookieName string
	origins    *http.CrossOriginProtection
	exempt     *http.ServeMux
}

// exemptMatch is the handler registered for exempt patterns; ServeMux
// returns it only for a request that one of them matches. It is a pointer,
// so that comparing it with the handler ServeMux returns is well defined.
var exemptMatch http.Handler = new(noopHandler)

type noopHandler struct{}

func (*noopHandler) ServeHTTP(http.ResponseWriter, *http.Request) {}

// NewCSRF returns a CSRF keyed by secret, which must be at least
// MinSecretBytes long; it may be the same secret as a Signer's, as each
// derives its own key from it.
func NewCSRF(secret []byte, opts CSRFOptions) (*CSRF, error) {
	if err := checkSecret(secret); err != nil {
		return nil, fmt.Errorf("auth: CSRF %w", err)
	}
	c := &CSRF{
		key:        deriveKey(secret, "csrf"),
		opts:       opts,
		cookieName: CSRFCookieInsecure,
		origins:    http.NewCrossOriginProtection(),
		exempt:     http.NewServeMux(),
	}
	if opts.Secure {
		c.cookieName = CSRFCookieSecure
	}
	for _, o := range opts.TrustedOrigins {
		if err := c.origins.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("auth: CSRF trusted origin: %w", err)
		}
	}
	for _, p := range opts.ExemptPatterns {
		if err := handleSafely(c.exempt, p); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// handleSafely registers pattern, turning the panic of a malformed or
// conflicting pattern into an error.
func handleSafely(mux *http.ServeMux, pattern string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("auth: CSRF exempt pattern %q: %v", pattern, p)
		}
	}()
	mux.Handle(pattern, exemptMatch)
	return nil
}

// Protect is the middleware: it gives visitors without a session their
// anonymous cookie, and refuses unsafe requests that fail the checks
// described on CSRF. It does not replace the request (which would hide
// the ServeMux's r.Pattern from outer middleware): a cookie it issues is
// added to the request's own Cookie header, so that Token sees it.
func (c *CSRF) Protect(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c.isExempt(r) {
			next.ServeHTTP(w, r)
			return
		}
		if c.sessionID(r) == "" && c.anonID(r) == "" {
			id, _ := NewToken()
			http.SetCookie(w, &http.Cookie{
				Name:     c.cookieName,
				Value:    id,
				Path:     "/",
				Secure:   c.opts.Secure,
				HttpOnly: true,
				SameSite: http.SameSiteLaxMode,
			})
			r.AddCookie(&http.Cookie{Name: c.cookieName, Value: id})
		}
		err := c.check(r)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			// A body past middleware.BodyLimit's cap is not a forgery.
			http.Error(w, "Request body too large.", http.StatusRequestEntityTooLarge)
			return
		}
		if err != nil {
			w.Header().Set("Cache-Control", "no-store")
			if c.opts.Deny != nil {
				c.opts.Deny(w, r, err)
				return
			}
			http.Error(w, DenyMessage(err), http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// DenyMessage returns the explanation to show for a refusal by Protect.
func DenyMessage(err error) string {
	if errors.Is(err, ErrCrossOrigin) {
		return "This request came from another site, so it was refused. " +
			"If you sent it from this site, please reload the page and try again."
	}
	return "This form has expired or belongs to another session. " +
		"Please reload the page and try again (your browser must accept cookies from this site)."
}

// Token returns a token for forms and scripts of r's page to send back
// with unsafe requests, or "" when r has neither a session nor the
// anonymous cookie (Protect did not run, or r is exempt). Tokens stay
// valid as long as the session or anonymous cookie they were made for.
func (c *CSRF) Token(r *http.Request) string {
	want := c.expected(r)
	if want == nil {
		return ""
	}
	// pad || (pad XOR token): a fresh encoding of the same token each time.
	b := make([]byte, 2*len(want))
	rand.Read(b[:len(want)]) // never fails (crypto/rand aborts the program instead)
	for i := range want {
		b[len(want)+i] = b[i] ^ want[i]
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// IsBearerRequest reports whether r carries an "Authorization: Bearer"
// header. It suits CSRFOptions.Exempt: a browser never adds that header by
// itself, and a script of another site cannot set it on a request to this
// one unless the site allows it by CORS, which Quire does not.
func IsBearerRequest(r *http.Request) bool {
	_, ok := BearerToken(r)
	return ok
}

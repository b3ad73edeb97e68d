package auth

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire/internal/middleware"
)

// csrfSite is a small site behind CSRF.Protect: a form page that prints a
// token, endpoints that accept posts, and a one-click unsubscribe endpoint.
// Sessions are the value of the "session" cookie.
func csrfSite(tb testing.TB, opts CSRFOptions) (*CSRF, http.Handler) {
	tb.Helper()
	opts.SessionID = func(r *http.Request) string {
		if c, err := r.Cookie("session"); err == nil {
			return c.Value
		}
		return ""
	}
	if opts.ExemptPatterns == nil {
		opts.ExemptPatterns = []string{"POST /unsubscribe/{token}"}
	}
	if opts.Exempt == nil {
		opts.Exempt = IsBearerRequest
	}
	c := MustCSRF(tb, opts)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /form", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, c.Token(r))
	})
	ok := func(w http.ResponseWriter, r *http.Request) {
		// The handler still sees the form the middleware parsed.
		io.WriteString(w, "ok "+r.PostFormValue("title"))
	}
	mux.HandleFunc("POST /submit", ok)
	mux.HandleFunc("PUT /submit", ok)
	mux.HandleFunc("DELETE /submit", ok)
	mux.HandleFunc("POST /unsubscribe/{token}", ok)
	mux.HandleFunc("POST /api/votes", ok)
	return c, c.Protect(mux)
}

// visitor holds a browser's cookies for csrfSite.
type visitor struct {
	anon    string // anonymous cookie value
	session string
}

func (v visitor) request(method, target string, body url.Values) *http.Request {
	var r *http.Request
	if body != nil {
		r = httptest.NewRequest(method, target, strings.NewReader(body.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, target, nil)
	}
	if v.anon != "" {
		r.AddCookie(&http.Cookie{Name: CSRFCookieInsecure, Value: v.anon})
	}
	if v.session != "" {
		r.AddCookie(&http.Cookie{Name: "session", Value: v.session})
	}
	return r
}

// MustToken loads the form page as v and returns its token.
func MustToken(tb testing.TB, h http.Handler, v visitor) string {
	tb.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, v.request("GET", "/form", nil))
	if w.Code != http.StatusOK || w.Body.Len() == 0 {
		tb.Fatalf("GET /form = %d %q, want 200 and a token", w.Code, w.Body)
	}
	return w.Body.String()
}

func TestCSRFAnonymousCookie(t *testing.T) {
	for _, tc := range []struct {
		name   string
		secure bool
		want   http.Cookie
	}{
		{"http", false, http.Cookie{Name: CSRFCookieInsecure, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode}},
		{"https", true, http.Cookie{Name: CSRFCookieSecure, Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, h := csrfSite(t, CSRFOptions{Secure: tc.secure})
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", "/form", nil))
			cookies := w.Result().Cookies()
			if len(cookies) != 1 {
				t.Fatalf("first visit set %d cookies, want 1", len(cookies))
			}
			got := *cookies[0]
			if !isToken(got.Value) {
				t.Errorf("cookie value %q is not a random token", got.Value)
			}
			got.Value, got.Raw = "", ""
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("cookie mismatch (-want +got):\n%s", diff)
			}
			// The page rendered on that first visit has a token for the
			// cookie just set.
			r := httptest.NewRequest("POST", "/submit", nil)
			r.AddCookie(&http.Cookie{Name: tc.want.Name, Value: cookies[0].Value})
			r.Header.Set(CSRFHeader, w.Body.String())
			if err := c.check(r); err != nil {
				t.Errorf("token from the first visit refused: %v", err)
			}

			// A returning visitor keeps the cookie.
			r = httptest.NewRequest("GET", "/form", nil)
			r.AddCookie(cookies[0])
			w = httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if n := len(w.Result().Cookies()); n != 0 {
				t.Errorf("second visit set %d cookies, want 0", n)
			}
		})
	}
}

func TestCSRF(t *testing.T) {
	_, h := csrfSite(t, CSRFOptions{TrustedOrigins: []string{"https://mirror.example.org"}})
	anon, _ := NewToken()
	otherAnon, _ := NewToken()
	alice := visitor{anon: anon}
	mallory := visitor{anon: otherAnon}
	aliceIn := visitor{anon: anon, session: "session-alice"}
	malloryIn := visitor{anon: otherAnon, session: "session-mallory"}

	aliceTok := MustToken(t, h, alice)
	aliceInTok := MustToken(t, h, aliceIn)
	malloryTok := MustToken(t, h, mallory)
	malloryInTok := MustToken(t, h, malloryIn)
	form := func(tok string) url.Values { return url.Values{CSRFField: {tok}, "title": {"hello"}} }

	for _, tc := range []struct {
		name     string
		req      *http.Request
		header   map[string]string
		wantCode int
		wantBody string
	}{
		{"form field", alice.request("POST", "/submit", form(aliceTok)), nil, 200, "ok hello"},
		{"header", alice.request("POST", "/submit", nil), map[string]string{CSRFHeader: aliceTok}, 200, "ok "},
		{"PUT with header", alice.request("PUT", "/submit", nil), map[string]string{CSRFHeader: aliceTok}, 200, "ok "},
		{"signed in", aliceIn.request("POST", "/submit", form(aliceInTok)), nil, 200, "ok hello"},
		{"GET needs nothing", alice.request("GET", "/form", nil), map[string]string{"Sec-Fetch-Site": "cross-site"}, 200, ""},
		{"no token", alice.request("POST", "/submit", url.Values{"title": {"hello"}}), nil, 403, "form has expired"},
		{"DELETE without token", alice.request("DELETE", "/submit", nil), nil, 403, "form has expired"},
		{"empty token", alice.request("POST", "/submit", form("")), nil, 403, "form has expired"},
		{"garbage token", alice.request("POST", "/submit", form("not-a-token")), nil, 403, "form has expired"},
		{"token in the URL", alice.request("POST", "/submit?"+CSRFField+"="+url.QueryEscape(aliceTok), nil), nil, 403, "form has expired"},
		{"other visitor's token", alice.request("POST", "/submit", form(malloryTok)), nil, 403, "form has expired"},
		{"other session's token", aliceIn.request("POST", "/submit", form(malloryInTok)), nil, 403, "form has expired"},
		{"anonymous token once signed in", aliceIn.request("POST", "/submit", form(aliceTok)), nil, 403, "form has expired"},
		{"session token without the session", alice.request("POST", "/submit", form(aliceInTok)), nil, 403, "form has expired"},
		{"no cookie at all", visitor{}.request("POST", "/submit", form(aliceTok)), nil, 403, "form has expired"},
		{"same origin", alice.request("POST", "/submit", form(aliceTok)), map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://example.com"}, 200, "ok hello"},
		{"cross-site", alice.request("POST", "/submit", form(aliceTok)), map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "another site"},
		{"same-site subdomain", alice.request("POST", "/submit", form(aliceTok)), map[string]string{"Sec-Fetch-Site": "same-site"}, 403, "another site"},
		{"foreign Origin, old browser", alice.request("POST", "/submit", form(aliceTok)), map[string]string{"Origin": "https://evil.example"}, 403, "another site"},
		{"matching Origin, old browser", alice.request("POST", "/submit", form(aliceTok)), map[string]string{"Origin": "http://example.com"}, 200, "ok hello"},
		{"trusted origin", alice.request("POST", "/submit", form(aliceTok)), map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://mirror.example.org"}, 200, "ok hello"},
		{"trusted origin still needs a token", alice.request("POST", "/submit", nil), map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://mirror.example.org"}, 403, "form has expired"},
		{"one-click unsubscribe", visitor{}.request("POST", "/unsubscribe/tok", url.Values{"List-Unsubscribe": {"One-Click"}}), map[string]string{"Sec-Fetch-Site": "cross-site"}, 200, "ok "},
		{"bearer API request", visitor{}.request("POST", "/api/votes", nil), map[string]string{"Authorization": "Bearer qk_x"}, 200, "ok "},
		{"API request without bearer", alice.request("POST", "/api/votes", nil), nil, 403, "form has expired"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.header {
				tc.req.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, tc.req)
			if w.Code != tc.wantCode || !strings.Contains(w.Body.String(), tc.wantBody) {
				t.Errorf("%s %s = %d %q; want %d containing %q", tc.req.Method, tc.req.URL, w.Code, w.Body, tc.wantCode, tc.wantBody)
			}
			if w.Code == http.StatusForbidden && w.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("refusal has Cache-Control %q, want no-store", w.Header().Get("Cache-Control"))
			}
		})
	}
}

func TestCSRFTokenIsMasked(t *testing.T) {
	c, h := csrfSite(t, CSRFOptions{})
	anon, _ := NewToken()
	v := visitor{anon: anon}
	a, b := MustToken(t, h, v), MustToken(t, h, v)
	if a == b {
		t.Errorf("two tokens for one visitor are equal (%q); want fresh masks", a)
	}
	for _, tok := range []string{a, b} {
		r := v.request("POST", "/submit", nil)
		r.Header.Set(CSRFHeader, tok)
		if err := c.check(r); err != nil {
			t.Errorf("token %q refused: %v", tok, err)
		}
	}
	if tok := c.Token(httptest.NewRequest("GET", "/form", nil)); tok != "" {
		t.Errorf("Token(request without session or cookie) = %q, want \"\"", tok)
	}
}

func TestCSRFSecretSeparatesSites(t *testing.T) {
	// A token made with another secret (another Quire site) is refused,
	// even for the same anonymous cookie value.
	other, err := NewCSRF(otherSecret, CSRFOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := MustCSRF(t, CSRFOptions{})
	anon, _ := NewToken()
	v := visitor{anon: anon}
	r := v.request("POST", "/submit", nil)
	r.Header.Set(CSRFHeader, other.Token(v.request("GET", "/form", nil)))
	if err := c.check(r); !errors.Is(err, ErrCSRFToken) {
		t.Errorf("check(token of another secret) = %v, want ErrCSRFToken", err)
	}
}

func TestCSRFDeny(t *testing.T) {
	var got error
	_, h := csrfSite(t, CSRFOptions{Deny: func(w http.ResponseWriter, r *http.Request, err error) {
		got = err
		http.Error(w, "custom", http.StatusForbidden)
	}})
	for _, tc := range []struct {
		name, site string
		want       error
	}{
		{"token", "", ErrCSRFToken},
		{"origin", "cross-site", ErrCrossOrigin},
	} {
		got = nil
		r := visitor{}.request("POST", "/submit", nil)
		if tc.site != "" {
			r.Header.Set("Sec-Fetch-Site", tc.site)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if got != tc.want || w.Body.String() != "custom\n" {
			t.Errorf("%s: Deny got %v and wrote %q; want %v and the custom page", tc.name, got, w.Body, tc.want)
		}
	}
}

func TestCSRFKeepsRequest(t *testing.T) {
	// Middleware outside Protect (metrics, logs) must see the pattern the
	// mux sets, so Protect must pass on the request it was given.
	_, h := csrfSite(t, CSRFOptions{})
	r := visitor{}.request("GET", "/form", nil)
	h.ServeHTTP(httptest.NewRecorder(), r)
	if r.Pattern != "GET /form" {
		t.Errorf("r.Pattern after Protect = %q, want \"GET /form\"", r.Pattern)
	}
}

func TestNewCSRFErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		secret []byte
		opts   CSRFOptions
		want   string
	}{
		{"short secret", testSecret[:16], CSRFOptions{}, "at least 32"},
		{"origin with path", testSecret, CSRFOptions{TrustedOrigins: []string{"https://example.org/path"}}, "trusted origin"},
		{"origin without scheme", testSecret, CSRFOptions{TrustedOrigins: []string{"example.org"}}, "trusted origin"},
		{"bad pattern", testSecret, CSRFOptions{ExemptPatterns: []string{"POST /a/{"}}, "exempt pattern"},
		{"duplicate pattern", testSecret, CSRFOptions{ExemptPatterns: []string{"POST /a", "POST /a"}}, "exempt pattern"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewCSRF(tc.secret, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewCSRF = %v, %v; want an error about %q", c, err, tc.want)
			}
		})
	}
}

func TestCSRFBodyTooLarge(t *testing.T) {
	// Behind middleware.BodyLimit, a chunked body over the cap is a 413,
	// not a forgery.
	_, site := csrfSite(t, CSRFOptions{})
	h := middleware.BodyLimit(64)(site)
	anon, _ := NewToken()
	body := url.Values{CSRFField: {strings.Repeat("x", 200)}}
	r := visitor{anon: anon}.request("POST", "/submit", body)
	r.ContentLength = -1 // as for a chunked body: BodyLimit cannot refuse it up front
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized form = %d %q, want 413", w.Code, w.Body)
	}
}

func TestCSRFMultipartForm(t *testing.T) {
	// Forms with file inputs post multipart bodies; the token is read
	// from them too.
	_, h := csrfSite(t, CSRFOptions{})
	anon, _ := NewToken()
	v := visitor{anon: anon}
	tok := MustToken(t, h, v)
	var body strings.Builder
	mw := multipart.NewWriter(&body)
	mw.WriteField(CSRFField, tok)
	mw.WriteField("title", "multipart")
	mw.Close()
	r := v.request("POST", "/submit", nil)
	r.Body = io.NopCloser(strings.NewReader(body.String()))
	r.Header.Set("Content-Type", mw.FormDataContentType())
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK || w.Body.String() != "ok multipart" {
		t.Errorf("multipart form = %d %q, want 200 \"ok multipart\"", w.Code, w.Body)
	}
}

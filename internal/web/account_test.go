package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"quire/internal/web"
)

// mustCommunityFixture serves the two real daily lists with accounts on.
func mustCommunityFixture(tb testing.TB) *communityServer {
	tb.Helper()
	db := MustOpenStore(tb)
	MustImportDaily(tb, db, "../../testdata/hf/daily_papers_2024-06-03.json")
	MustImportDaily(tb, db, "../../testdata/hf/daily_papers_2025-06-16.json")
	return MustCommunityServer(tb, db, nil)
}

func TestSignUpAndLogIn(t *testing.T) {
	srv := mustCommunityFixture(t)
	b := srv.NewBrowser(t)

	r := b.Get("/signup")
	checkPage(t, r, http.StatusOK, `action="/signup"`, `name="csrf_token"`)
	if cc := r.header.Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("sign-up form Cache-Control = %q", cc)
	}

	r = b.Submit("/signup", "/signup", url.Values{"username": {"Ada"}, "email": {"ada@example.org"},
		"password": {"correct horse battery"}, "return": {"/papers/date/2025-06-16"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/papers/date/2025-06-16" {
		t.Fatalf("sign-up: %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	set := r.header.Get("Set-Cookie")
	for _, want := range []string{"quire_session=", "HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=2592000"} {
		if !strings.Contains(set, want) {
			t.Errorf("Set-Cookie %q lacks %q", set, want)
		}
	}
	r = b.Get("/papers/date/2025-06-16")
	checkPage(t, r, http.StatusOK, `href="/account" class="username">ada</a>`, `action="/logout"`)
	if cc := r.header.Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("signed-in page Cache-Control = %q", cc)
	}
	checkPage(t, b.Get("/account"), http.StatusOK, "ada@example.org")

	// Log out, then back in with the e-mail address.
	r = b.Submit("/account", "/logout", nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("log-out: %d\n%s", r.status, r.body)
	}
	r = b.Get("/papers/date/2025-06-16")
	checkPage(t, r, http.StatusOK, `Log in</a> / <a href="/signup">Sign up</a>`)
	if strings.Contains(r.body, "csrf_token") {
		t.Error("a page for visitors holds a form token")
	}
	if r := b.Get("/account"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login?return=%2Faccount" {
		t.Errorf("account page after log-out: %d to %q", r.status, r.header.Get("Location"))
	}
	r = b.Submit("/login", "/login", url.Values{"username": {"ADA@example.org"}, "password": {"correct horse battery"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
		t.Fatalf("log-in: %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	checkPage(t, b.Get("/account"), http.StatusOK, "ada@example.org")
}

func TestSignUpRefusals(t *testing.T) {
	srv := mustCommunityFixture(t)
	srv.NewBrowser(t).MustSignUp("taken")
	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"bad username", url.Values{"username": {"a b"}, "email": {"x@example.org"}, "password": {"correct horse battery"}}, 400, "A username may hold only"},
		{"bad email", url.Values{"username": {"someone"}, "email": {"nope"}, "password": {"correct horse battery"}}, 400, "is not an e-mail address"},
		{"short password", url.Values{"username": {"someone"}, "email": {"x@example.org"}, "password": {"short"}}, 400, "at least"},
		{"taken username", url.Values{"username": {"Taken"}, "email": {"y@example.org"}, "password": {"correct horse battery"}}, 409, "taken"},
		{"taken email", url.Values{"username": {"other"}, "email": {"taken@example.org"}, "password": {"correct horse battery"}}, 409, "cannot be created with these details"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := srv.NewBrowser(t)
			r := b.Submit("/signup", "/signup", tc.form)
			checkPage(t, r, tc.status, tc.want, `class="form-error"`)
			if b.SessionCookie() != nil {
				t.Error("a refused sign-up signed in")
			}
		})
	}
}

func TestLogInRefusals(t *testing.T) {
	srv := mustCommunityFixture(t)
	srv.NewBrowser(t).MustSignUp("ada")
	b := srv.NewBrowser(t)
	wrong := b.Submit("/login", "/login", url.Values{"username": {"ada"}, "password": {"wrong password here"}})
	unknown := b.Submit("/login", "/login", url.Values{"username": {"nobody"}, "password": {"wrong password here"}})
	checkPage(t, wrong, http.StatusUnauthorized, "The username or password is not right.")
	checkPage(t, unknown, http.StatusUnauthorized, "The username or password is not right.")
	if b.SessionCookie() != nil {
		t.Error("a refused log-in signed in")
	}

	// Brute force on one account: refused with 429 and Retry-After once
	// past the limit (ten per account per window; two are spent above on
	// "ada" and "nobody").
	var last response
	for range 10 {
		last = b.Submit("/login", "/login", url.Values{"username": {"ada"}, "password": {"guess guess guess"}})
		if last.status == http.StatusTooManyRequests {
			break
		}
	}
	checkPage(t, last, http.StatusTooManyRequests, "Too many requests")
	if last.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// Even the right password waits now.
	r := b.Submit("/login", "/login", url.Values{"username": {"ada"}, "password": {"correct horse battery"}})
	if r.status != http.StatusTooManyRequests {
		t.Errorf("right password during lock-out: %d", r.status)
	}
}

func TestChangePassword(t *testing.T) {
	srv := mustCommunityFixture(t)
	laptop := srv.NewBrowser(t)
	laptop.MustSignUp("ada")
	phone := srv.NewBrowser(t)
	if r := phone.Submit("/login", "/login", url.Values{"username": {"ada"}, "password": {"correct horse battery"}}); r.status != http.StatusSeeOther {
		t.Fatalf("log-in: %d", r.status)
	}

	r := laptop.Submit("/account", "/account/password", url.Values{"current": {"not it at all"}, "new": {"another good password"}})
	checkPage(t, r, http.StatusUnauthorized, "The current password is not right.")
	r = laptop.Submit("/account", "/account/password", url.Values{"current": {"correct horse battery"}, "new": {"short"}})
	checkPage(t, r, http.StatusBadRequest, "at least")

	r = laptop.Submit("/account", "/account/password", url.Values{"current": {"correct horse battery"}, "new": {"another good password"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("password change: %d\n%s", r.status, r.body)
	}
	checkPage(t, laptop.Get("/account?changed=1"), http.StatusOK, "Your password was changed")
	// The other session is over; the new password works, the old one not.
	if r := phone.Get("/account"); r.status != http.StatusSeeOther {
		t.Errorf("other session after the change: %d", r.status)
	}
	other := srv.NewBrowser(t)
	checkPage(t, other.Submit("/login", "/login", url.Values{"username": {"ada"}, "password": {"correct horse battery"}}), http.StatusUnauthorized)
	if r := other.Submit("/login", "/login", url.Values{"username": {"ada"}, "password": {"another good password"}}); r.status != http.StatusSeeOther {
		t.Errorf("log-in with the new password: %d", r.status)
	}
}

func TestSignUpLimit(t *testing.T) {
	srv := mustCommunityFixture(t)
	// Five accounts an hour from one address; refused attempts that could
	// not create one (a malformed name) do not count.
	for range 3 {
		checkPage(t, srv.NewBrowser(t).Submit("/signup", "/signup", url.Values{"username": {"x"}}), http.StatusBadRequest)
	}
	var last response
	for i := range 6 {
		name := "member" + string(rune('a'+i))
		last = srv.NewBrowser(t).Submit("/signup", "/signup", url.Values{"username": {name}, "email": {name + "@example.org"}, "password": {"correct horse battery"}})
		if i < 5 && last.status != http.StatusSeeOther {
			t.Fatalf("sign-up %d: %d\n%s", i+1, last.status, last.body)
		}
	}
	checkPage(t, last, http.StatusTooManyRequests, "Too many requests")
	if last.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
}

func TestSessionExpiry(t *testing.T) {
	srv := mustCommunityFixture(t)
	b := srv.NewBrowser(t)
	b.MustSignUp("ada")

	// Within a minute of the last touch, requests write nothing.
	r := b.Get("/account")
	checkPage(t, r, http.StatusOK, "ada@example.org")
	if c := r.header.Get("Set-Cookie"); c != "" {
		t.Errorf("a request right after sign-in set %q", c)
	}
	// Later ones slide the expiry forward, so an active member stays in.
	for range 2 {
		srv.clock.Advance(29 * 24 * time.Hour)
		r = b.Get("/account")
		checkPage(t, r, http.StatusOK, "ada@example.org")
		if c := r.header.Get("Set-Cookie"); !strings.Contains(c, "Max-Age=2592000") {
			t.Errorf("after 29 days, Set-Cookie = %q", c)
		}
	}
	// Thirty idle days end the session, whatever the browser keeps.
	srv.clock.Advance(30*24*time.Hour + time.Second)
	if r := b.Get("/account"); r.status != http.StatusSeeOther {
		t.Errorf("after 30 idle days: %d", r.status)
	}
}

func TestSecureCookies(t *testing.T) {
	db := MustOpenStore(t)
	h, err := web.New(db, web.Options{
		Now:       func() time.Time { return today },
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Community: &web.CommunityOptions{Store: db, Secret: testSecret, Secure: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	// The browser would send the __Host- cookies only over HTTPS, so the
	// requests carry them by hand.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "https://quire.example/signup", nil))
	var csrf *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == "__Host-quire_csrf" {
			csrf = c
		}
	}
	m := tokenRE.FindStringSubmatch(rec.Body.String())
	if csrf == nil || m == nil {
		t.Fatalf("sign-up page: cookies %v, token %v", rec.Result().Cookies(), m)
	}
	form := url.Values{"csrf_token": {m[1]}, "username": {"ada"}, "email": {"ada@example.org"}, "password": {"correct horse battery"}}
	req := httptest.NewRequest(http.MethodPost, "https://quire.example/signup", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(csrf)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-up: %d\n%s", rec.Code, rec.Body)
	}
	set := rec.Header().Get("Set-Cookie")
	for _, want := range []string{"__Host-quire_session=", "Path=/", "Secure", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(set, want) {
			t.Errorf("Set-Cookie %q lacks %q", set, want)
		}
	}
	if strings.Contains(set, "Domain=") {
		t.Errorf("Set-Cookie %q has a Domain", set)
	}
}

func TestLogInLimitPerAddress(t *testing.T) {
	srv := mustCommunityFixture(t)
	b := srv.NewBrowser(t)
	token := b.Token("/login")
	// Many accounts tried from one address: refused past twenty attempts,
	// though no account reached its own limit.
	var last response
	for i := range 25 {
		last = b.Post("/login", url.Values{"csrf_token": {token}, "username": {"user" + string(rune('a'+i))}, "password": {"guess guess guess"}})
		if last.status == http.StatusTooManyRequests {
			if i < 20 {
				t.Errorf("refused after only %d attempts", i)
			}
			break
		}
	}
	checkPage(t, last, http.StatusTooManyRequests, "Too many requests")
	if last.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
}

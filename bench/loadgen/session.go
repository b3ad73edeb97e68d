package main

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// Browser is one visitor of the site's pages: its cookies and the client
// address it claims. The nodes must trust the load generator as a proxy
// (--trusted-proxies 127.0.0.1) for the address to count, as they would
// trust a load balancer: the per-address limits of log-ins and mail then
// apply to each visitor rather than to the load generator as a whole.
type Browser struct {
	B    *Balancer
	Addr string // sent as X-Forwarded-For; "" for none

	mu      sync.Mutex
	cookies map[string]string
}

// csrfField finds the form token in a page.
var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// Get fetches path and returns the answer.
func (br *Browser) Get(path string) (*Response, error) {
	return br.do(http.MethodGet, path, nil)
}

// PostForm posts form to path, adding the form token of the page at
// formPath.
func (br *Browser) PostForm(formPath, path string, form url.Values) (*Response, error) {
	page, err := br.Get(formPath)
	if err != nil {
		return page, err
	}
	if page.Status != http.StatusOK {
		return page, fmt.Errorf("GET %s: %d", formPath, page.Status)
	}
	m := csrfField.FindSubmatch(page.Body)
	if m == nil {
		return page, fmt.Errorf("GET %s: the page has no form token", formPath)
	}
	form.Set("csrf_token", string(m[1]))
	return br.do(http.MethodPost, path, form)
}

func (br *Browser) do(method, path string, form url.Values) (*Response, error) {
	resp, err := br.B.Do(func(base string) (*http.Request, error) {
		var body *strings.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		} else {
			body = strings.NewReader("")
		}
		req, err := http.NewRequest(method, base+path, body)
		if err != nil {
			return nil, err
		}
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", base)
		}
		if br.Addr != "" {
			req.Header.Set("X-Forwarded-For", br.Addr)
		}
		br.mu.Lock()
		for k, v := range br.cookies {
			req.AddCookie(&http.Cookie{Name: k, Value: v})
		}
		br.mu.Unlock()
		return req, nil
	})
	if resp != nil && resp.Header != nil {
		br.mu.Lock()
		if br.cookies == nil {
			br.cookies = map[string]string{}
		}
		for _, c := range (&http.Response{Header: resp.Header}).Cookies() {
			if c.MaxAge < 0 || c.Value == "" {
				delete(br.cookies, c.Name)
			} else {
				br.cookies[c.Name] = c.Value
			}
		}
		br.mu.Unlock()
	}
	return resp, err
}

// Login signs in with a username and password.
func (br *Browser) Login(username, password string) error {
	resp, err := br.PostForm("/login", "/login", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		return fmt.Errorf("logging in as %s: %w", username, err)
	}
	if resp.Status != http.StatusSeeOther && resp.Status != http.StatusFound {
		return fmt.Errorf("logging in as %s: answered %d: %s", username, resp.Status, excerpt(resp.Body))
	}
	return nil
}

// newToken finds the token shown once on the account page.
var newToken = regexp.MustCompile(`id="new-token">(qk_[^<]+)<`)

// CreateToken creates a personal API token on the account page and
// returns it.
func (br *Browser) CreateToken(name string) (string, error) {
	resp, err := br.PostForm("/account", "/account/tokens", url.Values{"name": {name}})
	if err != nil {
		return "", fmt.Errorf("creating a token: %w", err)
	}
	m := newToken.FindSubmatch(resp.Body)
	if resp.Status != http.StatusOK || m == nil {
		return "", fmt.Errorf("creating a token: answered %d without a token: %s", resp.Status, excerpt(resp.Body))
	}
	return string(m[1]), nil
}

// excerpt shortens a body for an error message.
func excerpt(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

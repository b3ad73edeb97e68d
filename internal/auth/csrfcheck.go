package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
)

// check returns nil for a request that may proceed.
func (c *CSRF) check(r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return nil
	}
	if c.origins.Check(r) != nil {
		return ErrCrossOrigin
	}
	sent, err := c.sentToken(r)
	if err != nil {
		return err
	}
	want, got := c.expected(r), unmask(sent)
	if want == nil || got == nil || !hmac.Equal(got, want) {
		return ErrCSRFToken
	}
	return nil
}

// sentToken returns the token the request carries. The form field is read
// from the body only: a token in the URL would leak through logs and
// Referer headers. The error is that of a body over its size limit; other
// parse errors just leave the token empty.
func (c *CSRF) sentToken(r *http.Request) (string, error) {
	if t := r.Header.Get(CSRFHeader); t != "" {
		return t, nil
	}
	// r.PostFormValue would drop the error, and so does ParseMultipartForm
	// on a body that is not multipart, hence ParseForm first. 32 MiB in
	// memory is PostFormValue's default.
	err := r.ParseForm()
	if err == nil {
		err = r.ParseMultipartForm(32 << 20)
	}
	if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
		return "", err
	}
	return r.PostFormValue(CSRFField), nil
}

// expected returns the unmasked token for r, or nil if r has no session
// and no anonymous cookie.
func (c *CSRF) expected(r *http.Request) []byte {
	var bound string
	if id := c.sessionID(r); id != "" {
		bound = "session\x00" + id
	} else if id := c.anonID(r); id != "" {
		bound = "anonymous\x00" + id
	} else {
		return nil
	}
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(bound))
	return m.Sum(nil)
}

// unmask reverses Token's masking, returning nil for malformed input.
func unmask(s string) []byte {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != 2*sha256.Size {
		return nil
	}
	pad, masked := b[:sha256.Size], b[sha256.Size:]
	for i := range masked {
		masked[i] ^= pad[i]
	}
	return masked
}

func (c *CSRF) sessionID(r *http.Request) string {
	if c.opts.SessionID == nil {
		return ""
	}
	return c.opts.SessionID(r)
}

// anonID returns the anonymous cookie's value if it has the shape of one.
func (c *CSRF) anonID(r *http.Request) string {
	ck, err := r.Cookie(c.cookieName)
	if err != nil || !isToken(ck.Value) {
		return ""
	}
	return ck.Value
}

func (c *CSRF) isExempt(r *http.Request) bool {
	if c.opts.Exempt != nil && c.opts.Exempt(r) {
		return true
	}
	h, _ := c.exempt.Handler(r)
	return h == exemptMatch
}

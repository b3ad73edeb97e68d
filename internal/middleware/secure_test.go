package middleware

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSecureHeaders(t *testing.T) {
	base := map[string]string{
		"Content-Security-Policy": "default-src 'self'; img-src 'self' https: data:; style-src 'self'; " +
			"script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "strict-origin-when-cross-origin",
		"X-Frame-Options":        "DENY",
		"Permissions-Policy":     "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
	}
	with := func(k, v string) map[string]string {
		m := maps.Clone(base)
		m[k] = v
		return m
	}
	tests := []struct {
		name    string
		opts    SecureOptions
		handler http.HandlerFunc
		want    map[string]string
	}{
		{"plain HTTP has no HSTS", SecureOptions{}, nil, base},
		{"HTTPS, default max-age", SecureOptions{HTTPS: true}, nil,
			with("Strict-Transport-Security", "max-age=31536000")},
		{"HTTPS, one day", SecureOptions{HTTPS: true, HSTSMaxAge: 24 * time.Hour}, nil,
			with("Strict-Transport-Security", "max-age=86400")},
		{"handler may override", SecureOptions{}, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Frame-Options", "SAMEORIGIN")
		}, with("X-Frame-Options", "SAMEORIGIN")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.handler
			if h == nil {
				h = func(w http.ResponseWriter, r *http.Request) {}
			}
			rec := httptest.NewRecorder()
			SecureHeaders(tc.opts)(h).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
			got := make(map[string]string)
			for k := range rec.Header() {
				if k != "Content-Type" {
					got[k] = rec.Header().Get(k)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("headers mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

package middleware

import (
	"net/http"
	"strconv"
	"time"
)

// ContentSecurityPolicy allows same-origin scripts, styles and forms only,
// and images from the site, any HTTPS origin (avatars, figures) and data:
// URLs. Pages must therefore keep scripts and styles in static files: inline
// <script> and style="" attributes are blocked.
const ContentSecurityPolicy = "default-src 'self'; img-src 'self' https: data:; style-src 'self'; " +
	"script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// PermissionsPolicy turns off powerful browser features the site never uses.
const PermissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

// SecureOptions configures SecureHeaders.
type SecureOptions struct {
	// HTTPS says the site is served over HTTPS (directly or behind a
	// TLS-terminating proxy). Only then is Strict-Transport-Security sent:
	// sent over plain HTTP to a self-hosted instance, it would lock browsers
	// out of it.
	HTTPS bool
	// HSTSMaxAge is how long browsers remember to use HTTPS only. Zero means
	// one year.
	HSTSMaxAge time.Duration
}

// SecureHeaders sets security headers on every response before the handler
// runs, so a handler may still override one (a page that must be framed,
// say). See ContentSecurityPolicy for what the policy allows.
func SecureHeaders(opts SecureOptions) func(http.Handler) http.Handler {
	headers := [][2]string{
		{"Content-Security-Policy", ContentSecurityPolicy},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "strict-origin-when-cross-origin"},
		{"X-Frame-Options", "DENY"},
		{"Permissions-Policy", PermissionsPolicy},
	}
	if opts.HTTPS {
		age := opts.HSTSMaxAge
		if age <= 0 {
			age = 365 * 24 * time.Hour
		}
		headers = append(headers, [2]string{"Strict-Transport-Security",
			"max-age=" + strconv.FormatInt(int64(age/time.Second), 10)})
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			for _, kv := range headers {
				h.Set(kv[0], kv[1])
			}
			next.ServeHTTP(w, r)
		})
	}
}

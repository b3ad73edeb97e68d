package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

// TokenBytes is the number of random bytes in a token: 256 bits, which no
// one can guess or enumerate.
const TokenBytes = 32

// APITokenPrefix starts every API token, so that people and secret
// scanners can tell a leaked Quire key from other random strings.
const APITokenPrefix = "qk_"

// encodedTokenLen is the length of a token's unpadded base64url text.
var encodedTokenLen = base64.RawURLEncoding.EncodedLen(TokenBytes)

// NewToken returns a fresh random token for a session cookie or a similar
// bearer secret: raw is TokenBytes random bytes in unpadded URL-safe
// base64 (43 characters), to hand to the client once; hash is
// HashToken(raw), to store. Storing only the hash means a leaked database
// copy holds no usable sessions, while a lookup stays a plain equality
// match (the raw token has full entropy, so no salt or slow hash is
// needed).
func NewToken() (raw string, hash []byte) {
	b := make([]byte, TokenBytes)
	rand.Read(b) // never fails (crypto/rand aborts the program instead)
	raw = base64.RawURLEncoding.EncodeToString(b)
	return raw, HashToken(raw)
}

// NewAPIToken is NewToken with APITokenPrefix in front of raw. hash covers
// the whole string, prefix included, as HashToken(raw) does on lookup.
func NewAPIToken() (raw string, hash []byte) {
	r, _ := NewToken()
	raw = APITokenPrefix + r
	return raw, HashToken(raw)
}

// HashToken returns the SHA-256 of raw, the form in which tokens are stored
// and looked up.
func HashToken(raw string) []byte {
	h := sha256.Sum256([]byte(raw))
	return h[:]
}

// IsAPIToken reports whether s has the shape of a token from NewAPIToken.
// It says nothing about whether the token exists; it lets a caller refuse
// garbage before a database lookup.
func IsAPIToken(s string) bool {
	rest, ok := strings.CutPrefix(s, APITokenPrefix)
	return ok && isToken(rest)
}

// isToken reports whether s has the shape of NewToken's raw text.
func isToken(s string) bool {
	if len(s) != encodedTokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// BearerToken returns the token of an "Authorization: Bearer <token>"
// header, and whether there was one. The scheme is matched without regard
// to case, as RFC 9110 requires.
func BearerToken(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"quire"
)

// Purposes of signed links. A token signed for one purpose never verifies
// for another, so a password-reset link cannot confirm an email address.
const (
	PurposeVerifyEmail   = "verify-email"
	PurposeResetPassword = "reset-password"
	PurposeUnsubscribe   = "unsubscribe"
	PurposeConfirmDigest = "confirm-digest"
	// PurposeManageDigest opens a subscriber's preferences; PurposeViewDigest
	// the web view of one digest.
	PurposeManageDigest = "manage-digest"
	PurposeViewDigest   = "view-digest"
)

// Errors of Verify and VerifyBound. All are of kind quire.ErrInvalid and
// carry a message for the person who followed the link; test for them with
// errors.Is.
var (
	// ErrTokenInvalid: the token is malformed, was altered, was signed with
	// another key or for another purpose.
	ErrTokenInvalid = fmt.Errorf("auth: %w", quire.Invalidf(
		"This link is not valid. Please check that it was copied completely."))
	// ErrTokenExpired: the token is genuine but past its expiry time.
	ErrTokenExpired = fmt.Errorf("auth: %w", quire.Invalidf(
		"This link has expired. Please ask for a new one."))
	// ErrTokenUsed: the token is genuine, but the value it was bound to has
	// changed since (see SignBound): typically, it was used already.
	ErrTokenUsed = fmt.Errorf("auth: %w", quire.Invalidf(
		"This link has already been used. Please ask for a new one if you still need it."))
)

// Token layout, before unpadded base64url encoding:
//
//	kind (1 byte) | expiry (uvarint, Unix seconds) | subject | [binding tag, 16 bytes] | MAC (32 bytes)
//
// The MAC is HMAC-SHA256 over the length-prefixed purpose followed by
// everything before it. The binding tag, present only in bound tokens, is a
// truncated HMAC under a second key over the purpose, the binding value and
// the body; it is checked after the MAC, so that a binding is only ever
// looked up for a subject the server itself signed.
const (
	kindPlain byte = 1
	kindBound byte = 2

	macLen = sha256.Size
	tagLen = 16
	// maxTokenLen bounds the work done on a token from a URL.
	maxTokenLen = 2048
)

// signingKey is one secret's pair of derived keys.
type signingKey struct{ mac, bind []byte }

// A Signer makes and checks signed, expiring tokens for links sent by email:
// address verification, password reset, digest confirmation and
// unsubscription. Tokens are URL-safe and carry their subject and expiry in
// the clear (they are signed, not encrypted): never sign a secret as a
// subject. A Signer is safe for concurrent use.
type Signer struct {
	keys []signingKey // keys[0] signs; all verify
}

// NewSigner returns a Signer keyed by secret, which must be at least
// MinSecretBytes long. Tokens signed with the previous secrets still verify,
// so a secret can be replaced without breaking the links already sent; drop
// a previous secret once its links have expired.
func NewSigner(secret []byte, previous ...[]byte) (*Signer, error) {
	s := new(Signer)
	for _, sec := range append([][]byte{secret}, previous...) {
		if err := checkSecret(sec); err != nil {
			return nil, fmt.Errorf("auth: link signing %w", err)
		}
		s.keys = append(s.keys, signingKey{mac: deriveKey(sec, "link"), bind: deriveKey(sec, "link-binding")})
	}
	return s, nil
}

// Sign returns a token saying subject for purpose, valid until expires
// (to the second).
func (s *Signer) Sign(purpose, subject string, expires time.Time) string {
	return s.sign(kindPlain, purpose, subject, "", expires)
}

// SignBound is Sign for a token that is also bound to binding, a value the
// server can look up again when the token comes back and that changes once
// the token has done its job. For a password reset, bind to the account's
// current password hash: once the password changes, the link stops working,
// so it works once. The binding never appears in the token, so a password
// hash can be used as it is. Check such tokens with VerifyBound.
func (s *Signer) SignBound(purpose, subject, binding string, expires time.Time) string {
	return s.sign(kindBound, purpose, subject, binding, expires)
}

func (s *Signer) sign(kind byte, purpose, subject, binding string, expires time.Time) string {
	k := s.keys[0]
	b := []byte{kind}
	b = binary.AppendUvarint(b, uint64(max(expires.Unix(), 0)))
	b = append(b, subject...)
	if kind == kindBound {
		b = append(b, bindingTag(k, purpose, binding, b)...)
	}
	b = append(b, mac(k.mac, purpose, b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Verify checks a token made by Sign for purpose and returns its subject.
// The error is ErrTokenInvalid for a token that is malformed, altered, made
// for another purpose or bound (see SignBound), and ErrTokenExpired for a
// genuine token whose expiry is not after now.
func (s *Signer) Verify(token, purpose string, now time.Time) (subject string, err error) {
	p, err := s.open(token, purpose, now)
	if err != nil {
		return "", err
	}
	if p.kind != kindPlain {
		return "", ErrTokenInvalid
	}
	return p.subject, nil
}

// VerifyBound checks a token made by SignBound for purpose and returns its
// subject. Once the signature and expiry have been checked, it calls
// binding with the subject to get the subject's current binding value,
// which must be the one the token was signed with; if it is not, the error
// is ErrTokenUsed. An error from binding is returned wrapped, except that
// quire.ErrNotFound (the subject no longer exists) becomes ErrTokenInvalid.
// Other errors are those of Verify.
func (s *Signer) VerifyBound(token, purpose string, now time.Time, binding func(subject string) (string, error)) (subject string, err error) {
	p, err := s.open(token, purpose, now)
	if err != nil {
		return "", err
	}
	if p.kind != kindBound {
		return "", ErrTokenInvalid
	}
	current, err := binding(p.subject)
	if errors.Is(err, quire.ErrNotFound) {
		return "", ErrTokenInvalid
	}
	if err != nil {
		return "", fmt.Errorf("auth: looking up the link's binding: %w", err)
	}
	if !hmac.Equal(p.tag, bindingTag(p.key, purpose, current, p.body)) {
		return "", ErrTokenUsed
	}
	return p.subject, nil
}

// parsedToken is a token whose MAC has been checked.
type parsedToken struct {
	kind    byte
	subject string
	body    []byte // kind, expiry and subject: what the binding tag covers
	tag     []byte // binding tag, for bound tokens
	key     signingKey
}

// open decodes token, checks its MAC against every key and then its expiry.
func (s *Signer) open(token, purpose string, now time.Time) (parsedToken, error) {
	if len(token) > maxTokenLen {
		return parsedToken{}, ErrTokenInvalid
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(raw) < 2+macLen {
		return parsedToken{}, ErrTokenInvalid
	}
	signed, sum := raw[:len(raw)-macLen], raw[len(raw)-macLen:]
	var p parsedToken
	found := false
	for _, k := range s.keys {
		// Every key is tried, so the time taken does not depend on which
		// one matched.
		if hmac.Equal(sum, mac(k.mac, purpose, signed)) && !found {
			p.key, found = k, true
		}
	}
	if !found {
		return parsedToken{}, ErrTokenInvalid
	}
	p.kind, p.body = signed[0], signed
	if p.kind == kindBound {
		if len(signed) < 1+tagLen {
			return parsedToken{}, ErrTokenInvalid
		}
		p.body, p.tag = signed[:len(signed)-tagLen], signed[len(signed)-tagLen:]
	}
	exp, n := binary.Uvarint(p.body[1:])
	if n <= 0 || exp > 1<<62 {
		return parsedToken{}, ErrTokenInvalid
	}
	p.subject = string(p.body[1+n:])
	if !now.Before(time.Unix(int64(exp), 0)) {
		return parsedToken{}, ErrTokenExpired
	}
	return p, nil
}

// mac returns the HMAC-SHA256 of the length-prefixed purpose and msg.
func mac(key []byte, purpose string, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(binary.AppendUvarint(nil, uint64(len(purpose))))
	m.Write([]byte(purpose))
	m.Write(msg)
	return m.Sum(nil)
}

// bindingTag ties a token body to a binding value under the binding key.
func bindingTag(k signingKey, purpose, binding string, body []byte) []byte {
	m := hmac.New(sha256.New, k.bind)
	for _, s := range []string{purpose, binding} {
		m.Write(binary.AppendUvarint(nil, uint64(len(s))))
		m.Write([]byte(s))
	}
	m.Write(body)
	return m.Sum(nil)[:tagLen]
}

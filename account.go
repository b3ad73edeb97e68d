package quire

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what an account may do beyond voting, commenting and submitting.
type Role string

// The roles, each allowed what the one before it may do.
const (
	RoleMember    Role = "member"
	RoleModerator Role = "moderator" // also hides content and disables members
	RoleAdmin     Role = "admin"     // also grants roles
)

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	return r == RoleMember || r == RoleModerator || r == RoleAdmin
}

// CanModerate reports whether r may hide content and disable accounts.
func (r Role) CanModerate() bool { return r == RoleModerator || r == RoleAdmin }

// Account is a person who signs in. Usernames and e-mail addresses are kept
// in lower case, so each is unique whatever its case.
type Account struct {
	ID           int64
	Username     string
	Email        string
	PasswordHash string
	Role         Role
	// EmailVerifiedAt is zero until the address is confirmed; DisabledAt is
	// set while moderators keep the account out.
	EmailVerifiedAt time.Time
	DisabledAt      time.Time
	CreatedAt       time.Time
}

// Disabled reports whether moderators have disabled a.
func (a *Account) Disabled() bool { return !a.DisabledAt.IsZero() }

// Limits on account fields.
const (
	MinUsernameLen = 3
	MaxUsernameLen = 32
	// MaxEmailLen is the longest address SMTP can carry (RFC 5321).
	MaxEmailLen = 254
	// MaxPasswordHashLen bounds the stored hash; encoded argon2id or bcrypt
	// hashes are about a hundred bytes.
	MaxPasswordHashLen = 1024
)

// ValidateUsername reports whether name can be a username: 3 to 32 letters,
// digits, '_' or '-'. Letters may be of either case; usernames are stored
// and compared in lower case (see NormalizeUsername).
func ValidateUsername(name string) error {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return Invalidf("A username may hold only letters a-z, digits, '_' and '-'; %q does not.", clip(name))
		}
	}
	// Only ASCII is left, so bytes are characters.
	if n := len(name); n < MinUsernameLen || n > MaxUsernameLen {
		return Invalidf("A username has %d to %d characters; %q has %d.", MinUsernameLen, MaxUsernameLen, clip(name), n)
	}
	return nil
}

// NormalizeUsername returns name trimmed and in lower case, the form stores
// keep and look up, or an error of kind ErrInvalid when it is not a valid
// username.
func NormalizeUsername(name string) (string, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if err := ValidateUsername(name); err != nil {
		return "", err
	}
	return name, nil
}

// NormalizeEmail returns addr trimmed and in lower case, the form stores keep
// and look up, or an error of kind ErrInvalid when it does not look like a
// plain address (local@domain.tld, no display name, no spaces). Whether the
// address works is for a confirmation mail to find out.
func NormalizeEmail(addr string) (string, error) {
	bad := Invalidf("%q is not an e-mail address of the form name@example.org.", clip(addr))
	// Checked before lowering the case, which would turn invalid bytes into
	// U+FFFD.
	if !utf8.ValidString(addr) {
		return "", bad
	}
	addr = strings.ToLower(strings.TrimSpace(addr))
	if addr == "" || len(addr) > MaxEmailLen {
		return "", bad
	}
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" || domain == "" || strings.Contains(domain, "@") ||
		!strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") ||
		strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return "", bad
	}
	for _, r := range addr {
		// Spaces, controls and the characters that would make it a display
		// name or a list are never part of a plain address.
		if r <= ' ' || r == 0x7f || strings.ContainsRune(`<>()[],;:\"`, r) {
			return "", bad
		}
	}
	return addr, nil
}

// Normalize puts a in the form stores keep: username and e-mail trimmed and
// in lower case, the member role when none is given, times in UTC at second
// precision.
func (a *Account) Normalize() {
	a.Username = lowerText(a.Username)
	a.Email = lowerText(a.Email)
	if a.Role == "" {
		a.Role = RoleMember
	}
	a.EmailVerifiedAt = normTime(a.EmailVerifiedAt)
	a.DisabledAt = normTime(a.DisabledAt)
	a.CreatedAt = normTime(a.CreatedAt)
}

// lowerText is s trimmed and in lower case, unless s is not valid UTF-8,
// which lowering would hide (invalid bytes become U+FFFD) from Validate.
func lowerText(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	return strings.ToLower(strings.TrimSpace(s))
}

// Validate reports whether a, normalised, can be stored.
func (a *Account) Validate() error {
	if err := ValidateUsername(a.Username); err != nil {
		return err
	}
	if _, err := NormalizeEmail(a.Email); err != nil {
		return err
	}
	switch {
	case !a.Role.Valid():
		return Invalidf("%q is not a role (member, moderator or admin)", clip(string(a.Role)))
	case a.PasswordHash == "" || len(a.PasswordHash) > MaxPasswordHashLen || !isText(a.PasswordHash):
		return Invalidf("account %s has no usable password hash", a.Username)
	case !storable(a.EmailVerifiedAt) || !storable(a.DisabledAt) || !storable(a.CreatedAt):
		return Invalidf("account %s has a date outside the years 1-9999", a.Username)
	}
	return nil
}

// ErrEmailTaken is returned by CreateAccount when another account has the
// address. It is of kind ErrConflict, and its message deliberately does not
// say that the address is known, so that a sign-up form cannot be used to
// find out who has an account.
var ErrEmailTaken error = &userError{kind: ErrConflict,
	msg: "An account cannot be created with these details. If you already have one, sign in or reset your password."}

// TokenHashLen is the length of the session and API token hashes stores
// keep: a SHA-256 digest. Stores never see the tokens themselves.
const TokenHashLen = 32

// Session is a signed-in browser, known to the store by the SHA-256 of its
// cookie's token.
type Session struct {
	TokenHash []byte
	AccountID int64
	CreatedAt time.Time
	// ExpiresAt is when the session stops being valid; LastSeenAt is the
	// last request seen with it (see SessionStore.TouchSession).
	ExpiresAt  time.Time
	LastSeenAt time.Time
}

// Validate reports whether s can be stored.
func (s *Session) Validate() error {
	switch {
	case len(s.TokenHash) != TokenHashLen:
		return Invalidf("a session token hash has %d bytes, not %d", len(s.TokenHash), TokenHashLen)
	case s.AccountID <= 0:
		return Invalidf("session has no account")
	case s.ExpiresAt.IsZero() || !storable(s.ExpiresAt) || !storable(s.CreatedAt) || !storable(s.LastSeenAt):
		return Invalidf("session has no expiry, or a date outside the years 1-9999")
	}
	return nil
}

// APIToken is a long-lived credential for the API, known to the store by
// the SHA-256 of the token.
type APIToken struct {
	ID        int64
	AccountID int64
	// Name is the owner's label for it ("laptop script").
	Name string
	Hash []byte
	// Prefix is the token's first characters, shown so the owner can tell
	// tokens apart.
	Prefix     string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// Limits on API token fields.
const (
	MaxTokenNameLen   = 100
	MaxTokenPrefixLen = 16
)

// Normalize puts t in the form stores keep.
func (t *APIToken) Normalize() {
	t.Name = OneLine(t.Name)
	t.CreatedAt = normTime(t.CreatedAt)
	t.LastUsedAt = normTime(t.LastUsedAt)
	t.RevokedAt = normTime(t.RevokedAt)
}

// Validate reports whether t, normalised, can be stored.
func (t *APIToken) Validate() error {
	switch {
	case t.AccountID <= 0:
		return Invalidf("API token has no account")
	case t.Name == "" || len(t.Name) > MaxTokenNameLen:
		return Invalidf("A token needs a name of at most %d bytes.", MaxTokenNameLen)
	case len(t.Hash) != TokenHashLen:
		return Invalidf("an API token hash has %d bytes, not %d", TokenHashLen, len(t.Hash))
	case t.Prefix == "" || len(t.Prefix) > MaxTokenPrefixLen || strings.IndexFunc(t.Prefix, notTokenChar) >= 0:
		return Invalidf("API token prefix %q is not 1 to %d letters, digits, '_' or '-'", clip(t.Prefix), MaxTokenPrefixLen)
	case !storable(t.CreatedAt) || !storable(t.LastUsedAt) || !storable(t.RevokedAt):
		return Invalidf("API token %q has a date outside the years 1-9999", t.Name)
	}
	return nil
}

func notTokenChar(r rune) bool {
	return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-')
}

// isText reports whether every backend keeps s as it is: PostgreSQL refuses
// NUL and invalid UTF-8 in text.
func isText(s string) bool { return utf8.ValidString(s) && !strings.Contains(s, "\x00") }

// AccountStore keeps accounts. Moderation of accounts (roles, disabling) is
// in ModerationStore, which records it in the audit log.
type AccountStore interface {
	// CreateAccount stores a new account (see Account.Normalize and
	// Validate) and returns it as stored, with its ID and, when a's is
	// zero, CreatedAt set to now. A taken username is an error of kind
	// ErrConflict that says so; a taken e-mail address is ErrEmailTaken.
	CreateAccount(ctx context.Context, a *Account) (*Account, error)
	// FindAccountByID, FindAccountByUsername and FindAccountByEmail return
	// an account, disabled or not, or an error of kind ErrNotFound. Names
	// and addresses are matched whatever their case.
	FindAccountByID(ctx context.Context, id int64) (*Account, error)
	FindAccountByUsername(ctx context.Context, username string) (*Account, error)
	FindAccountByEmail(ctx context.Context, email string) (*Account, error)
	// ListAccounts returns at most limit accounts (limit ≥ 1) after the
	// first offset, oldest first.
	ListAccounts(ctx context.Context, limit, offset int) ([]*Account, error)
	// SetPasswordHash replaces an account's password hash. Sessions are
	// left alone: see SessionStore.DeleteAccountSessions.
	SetPasswordHash(ctx context.Context, accountID int64, hash string) error
	// SetEmailVerified records when the account's address was confirmed
	// (the zero time: not confirmed).
	SetEmailVerified(ctx context.Context, accountID int64, at time.Time) error
}

// SessionStore keeps browser sessions. Every method that takes a token hash
// treats one of the wrong length as unknown.
type SessionStore interface {
	// CreateSession stores s; a zero CreatedAt is now and a zero
	// LastSeenAt is CreatedAt. The account must exist (ErrNotFound).
	CreateSession(ctx context.Context, s *Session) error
	// FindSession returns the session with tokenHash and its account, or an
	// error of kind ErrNotFound when there is none, it expired by now, or
	// the account is disabled.
	FindSession(ctx context.Context, tokenHash []byte, now time.Time) (*Session, *Account, error)
	// TouchSession records that the session was seen at seenAt and, when
	// expiresAt is not zero, moves its expiry there (sliding sessions). An
	// unknown session is not an error.
	TouchSession(ctx context.Context, tokenHash []byte, seenAt, expiresAt time.Time) error
	// DeleteSession ends one session (signing out); an unknown one is not
	// an error.
	DeleteSession(ctx context.Context, tokenHash []byte) error
	// DeleteAccountSessions ends every session of the account except the
	// one with keepHash (nil: all), as after a password change.
	DeleteAccountSessions(ctx context.Context, accountID int64, keepHash []byte) error
	// DeleteExpiredSessions removes sessions expired by now and returns how
	// many.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)
}

// APITokenStore keeps API tokens.
type APITokenStore interface {
	// CreateAPIToken stores t (see APIToken.Validate) and returns it as
	// stored, with its ID and, when t's is zero, CreatedAt set to now. A
	// hash already stored is an error of kind ErrConflict; an unknown
	// account one of kind ErrNotFound.
	CreateAPIToken(ctx context.Context, t *APIToken) (*APIToken, error)
	// ListAPITokens returns an account's tokens, revoked ones included,
	// oldest first.
	ListAPITokens(ctx context.Context, accountID int64) ([]*APIToken, error)
	// FindAPIToken returns the token with hash and its account, or an error
	// of kind ErrNotFound when there is none, it is revoked, or the account
	// is disabled.
	FindAPIToken(ctx context.Context, hash []byte) (*APIToken, *Account, error)
	// RevokeAPIToken revokes the account's token id at at (zero: now).
	// Revoking a revoked token changes nothing; a token of another account
	// is an error of kind ErrNotFound, as an unknown one.
	RevokeAPIToken(ctx context.Context, accountID, tokenID int64, at time.Time) error
	// TouchAPIToken records that the token was used at at.
	TouchAPIToken(ctx context.Context, tokenID int64, at time.Time) error
}

// AccountConflict is the error for a new account that clashes with a stored
// one: by username, or else by e-mail address, whose message does not say
// the address is known.
func AccountConflict(username string, usernameTaken bool) error {
	if usernameTaken {
		return Conflictf("The username %q is taken.", username)
	}
	return ErrEmailTaken
}

package quire

import (
	"errors"
	"fmt"
)

// Error kinds. Store and service methods return errors that wrap one of these
// (test with errors.Is); the web and API layers map each kind to a status.
var (
	// ErrNotFound: the requested object does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the input is malformed or out of range. Messages wrapping it
	// are safe to show to users.
	ErrInvalid = errors.New("invalid input")
	// ErrConflict: the operation clashes with the current state.
	ErrConflict = errors.New("conflict")
	// ErrUnauthorized: the caller is not allowed to do this.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrRateLimited: the caller did this too often.
	ErrRateLimited = errors.New("rate limited")
	// ErrUnavailable: the service cannot answer yet (an index still loading).
	ErrUnavailable = errors.New("temporarily unavailable")
	// ErrSchemaOutdated: the database schema is older than this binary expects.
	ErrSchemaOutdated = errors.New("database schema is out of date")
)

// Invalidf returns an error of kind ErrInvalid whose message is meant for users.
func Invalidf(format string, args ...any) error {
	return &userError{kind: ErrInvalid, msg: fmt.Sprintf(format, args...)}
}

// NotFoundf returns an error of kind ErrNotFound whose message is meant for users.
func NotFoundf(format string, args ...any) error {
	return &userError{kind: ErrNotFound, msg: fmt.Sprintf(format, args...)}
}

// Conflictf returns an error of kind ErrConflict whose message is meant for
// users.
func Conflictf(format string, args ...any) error {
	return &userError{kind: ErrConflict, msg: fmt.Sprintf(format, args...)}
}

// Unauthorizedf returns an error of kind ErrUnauthorized whose message is
// meant for users.
func Unauthorizedf(format string, args ...any) error {
	return &userError{kind: ErrUnauthorized, msg: fmt.Sprintf(format, args...)}
}

// RateLimitedf returns an error of kind ErrRateLimited whose message is meant
// for users.
func RateLimitedf(format string, args ...any) error {
	return &userError{kind: ErrRateLimited, msg: fmt.Sprintf(format, args...)}
}

// userError carries a message that may be shown to users as is.
type userError struct {
	kind error
	msg  string
}

func (e *userError) Error() string { return e.msg }
func (e *userError) Unwrap() error { return e.kind }

// Unavailablef returns an error of kind ErrUnavailable whose message is meant
// for users.
func Unavailablef(format string, args ...any) error {
	return &userError{kind: ErrUnavailable, msg: fmt.Sprintf(format, args...)}
}

// UserMessage returns the message of the first user-facing error in err's
// chain, or "" when there is none (internal errors are never shown).
func UserMessage(err error) string {
	var ue *userError
	if errors.As(err, &ue) {
		return ue.msg
	}
	return ""
}

// Wrap adds context to *errp when it is non-nil, keeping its kind:
//
//	defer quire.Wrap(&err, "FindPaperByID(%q)", id)
func Wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
	}
}

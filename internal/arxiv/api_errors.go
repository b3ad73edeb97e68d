package arxiv

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"quire"
)

// Errors of APIClient.Fetch that are neither about the identifiers nor
// about context cancellation. Both are also of kind quire.ErrUnavailable,
// with a user message that suggests trying again later.
var (
	// ErrUnreachable: every attempt failed with a network error, a timeout
	// or an answer that says arXiv is busy (HTTP 429 or 5xx).
	ErrUnreachable = errors.New("arXiv could not be reached")
	// ErrBadResponse: arXiv answered with something that is not an API
	// response (not an Atom feed, truncated, or an unexpected HTTP status).
	ErrBadResponse = errors.New("arXiv sent a response that could not be read")
)

var (
	unreachableMessage = quire.Unavailablef("arXiv could not be reached; please try again in a few minutes")
	badResponseMessage = quire.Unavailablef("arXiv sent a response that could not be read; please try again later")
)

// APIError is an error that the arXiv API reports in an error feed: a
// feed with a single entry whose id is http://arxiv.org/api/errors#… and
// whose summary is the message.
type APIError struct {
	// Status is the HTTP status the feed came with (arXiv uses 200 and
	// 400), 0 when the feed was parsed on its own.
	Status int
	// Message is arXiv's message, e.g. "incorrect id format for 1234.12345".
	Message string
}

func newAPIError(status int, msg string) *APIError {
	return &APIError{Status: status, Message: msg}
}

func (e *APIError) Error() string { return "arXiv API error: " + e.Message }

// Unwrap gives the error its kind. An error about an identifier is of kind
// quire.ErrInvalid, with arXiv's message as the user message; other errors
// concern the query Quire built and have no kind.
func (e *APIError) Unwrap() error {
	if aboutIdentifier(e.Message) {
		return quire.Invalidf("arXiv rejected the identifier: %s", e.Message)
	}
	return nil
}

// aboutIdentifier reports whether an arXiv error message concerns an
// identifier: "incorrect id format for 1234.12345", "malformed id".
func aboutIdentifier(msg string) bool {
	words := strings.FieldsFunc(strings.ToLower(msg), func(r rune) bool {
		return !('a' <= r && r <= 'z' || r == '_')
	})
	for _, w := range words {
		switch w {
		case "id", "ids", "id_list", "identifier", "identifiers":
			return true
		}
	}
	return false
}

// unreachableError is returned when the last permitted attempt failed
// transiently, or when arXiv asked for a longer pause than the client
// waits. The cause is kept for logs only: it is often a timeout, and
// errors.Is(err, context.DeadlineExceeded) must not make the caller think
// that its own deadline passed.
type unreachableError struct {
	detail string
}

func (e *unreachableError) Error() string {
	return "arXiv could not be reached: " + e.detail
}

func (e *unreachableError) Unwrap() []error {
	return []error{ErrUnreachable, unreachableMessage}
}

// badResponseError describes an unreadable answer; like unreachableError it
// keeps its cause (often a quire.ErrInvalid from ParseAPIFeed) out of the
// chain, since the fault is arXiv's, not the user's.
type badResponseError struct {
	cause error
}

func (e *badResponseError) Error() string {
	return "arXiv sent a response that could not be read: " + e.cause.Error()
}

func (e *badResponseError) Unwrap() []error {
	return []error{ErrBadResponse, badResponseMessage}
}

// transientError is a failed attempt worth repeating. after is the
// response's Retry-After, when hasAfter.
type transientError struct {
	err      error
	after    time.Duration
	hasAfter bool
}

func (e *transientError) Error() string { return e.err.Error() }

// notFoundError names the identifiers arXiv has no paper for.
func notFoundError(ids []string) error {
	if len(ids) == 1 {
		return quire.NotFoundf("arXiv has no paper with the identifier %s", ids[0])
	}
	const show = 10
	list := strings.Join(ids[:min(len(ids), show)], ", ")
	if len(ids) > show {
		list += fmt.Sprintf(" and %d more", len(ids)-show)
	}
	return quire.NotFoundf("arXiv has no papers with the identifiers %s", list)
}

package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"quire"
	"quire/internal/httperr"
)

// errMethod answers a request whose method no route accepts.
var errMethod = errors.New("method not allowed")

// errorBody is the envelope of every error response.
type errorBody struct {
	Error string `json:"error"`
}

// apiError is a refusal whose status the error kinds do not tell apart
// (403 and 413), or that needs headers of its own (401 with its challenge,
// 429 with Retry-After). Its message is shown to users.
type apiError struct {
	status int
	msg    string
	// authenticate is the WWW-Authenticate challenge of a 401.
	authenticate string
	// retryAfter is when a 429 may be retried.
	retryAfter time.Duration
	// err is the cause, if any, kept for the log.
	err error
}

func (e *apiError) Error() string {
	if e.err != nil {
		return e.msg + ": " + e.err.Error()
	}
	return e.msg
}

func (e *apiError) Unwrap() error { return e.err }

// forbidden refuses an authenticated account (403).
func forbidden(msg string, cause error) error {
	return &apiError{status: http.StatusForbidden, msg: msg, err: cause}
}

// tooMany refuses a request over a limit (429) until retryAfter has passed.
func tooMany(msg string, retryAfter time.Duration, cause error) error {
	return &apiError{status: http.StatusTooManyRequests, msg: msg, retryAfter: retryAfter, err: cause}
}

// writeRefusal turns a store's refusal of a write into the API's answer: a
// disabled account (quire.ErrUnauthorized once the token was accepted) is
// forbidden, not unauthenticated, and an unknown paper reads as on GET.
func writeRefusal(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, quire.ErrUnauthorized):
		msg := quire.UserMessage(err)
		if msg == "" {
			msg = "This account may not do this."
		}
		return forbidden(msg, err)
	case errors.Is(err, quire.ErrNotFound):
		return quire.NotFoundf("Paper not found")
	}
	return err
}

// serveError writes err as a JSON error envelope with the status of its kind.
// Internal errors are logged and answered with a generic message.
func (h *Handler) serveError(w http.ResponseWriter, r *http.Request, err error) {
	status := httperr.Status(err)
	msg := httperr.Message(err, status)
	var ae *apiError
	switch {
	case errors.Is(err, errMethod):
		status, msg = http.StatusMethodNotAllowed, "Method not allowed."
	case errors.As(err, &ae):
		status, msg = ae.status, ae.msg
		if ae.authenticate != "" {
			w.Header().Set("WWW-Authenticate", ae.authenticate)
		}
	}
	switch status {
	case http.StatusServiceUnavailable:
		if ae == nil {
			// An index loading at start, or arXiv busy, is ready again
			// soon; an apiError's 503 is a setting, which waiting does not
			// change.
			w.Header().Set("Retry-After", "10")
		}
	case http.StatusTooManyRequests:
		var retry time.Duration
		if ae != nil {
			retry = ae.retryAfter
		}
		// Whole seconds rounded up, at least one: "0" would invite an
		// immediate retry that is refused again.
		w.Header().Set("Retry-After", strconv.FormatInt(max(1, int64((retry+time.Second-1)/time.Second)), 10))
	}
	httperr.Log(h.logger, r, status, err)
	writeJSON(w, status, errorBody{Error: msg})
}

package api

import (
	"errors"
	"net/http"

	"quire/internal/httperr"
)

// errMethod answers a request whose method no route accepts.
var errMethod = errors.New("method not allowed")

// errorBody is the envelope of every error response.
type errorBody struct {
	Error string `json:"error"`
}

// serveError writes err as a JSON error envelope with the status of its kind.
// Internal errors are logged and answered with a generic message.
func (h *Handler) serveError(w http.ResponseWriter, r *http.Request, err error) {
	status := httperr.Status(err)
	msg := httperr.Message(err, status)
	if errors.Is(err, errMethod) {
		status, msg = http.StatusMethodNotAllowed, "Method not allowed."
	}
	if status == http.StatusServiceUnavailable {
		// An index loading at start is ready within a minute or so.
		w.Header().Set("Retry-After", "10")
	}
	httperr.Log(h.logger, r, status, err)
	writeJSON(w, status, errorBody{Error: msg})
}

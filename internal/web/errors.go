package web

import (
	"errors"
	"net/http"

	"quire/internal/httperr"
)

// ErrorPage is the data of error.html.
type ErrorPage struct {
	BasePage
	Status  int
	Heading string
	Message string
}

// serveError renders err as an error page with the status of its kind.
// Internal errors are logged and shown with a generic message.
func (h *Handler) serveError(w http.ResponseWriter, r *http.Request, err error) {
	status := httperr.Status(err)
	msg := httperr.Message(err, status)
	if errors.Is(err, errMethod) {
		status, msg = http.StatusMethodNotAllowed, "This page cannot be changed."
	}
	httperr.Log(h.logger, r, status, err)

	heading := http.StatusText(status)
	switch status {
	case http.StatusNotFound:
		heading = "Page not found"
	case http.StatusBadRequest:
		heading = "That address is not valid"
	case http.StatusInternalServerError:
		heading = "Something went wrong"
	case http.StatusServiceUnavailable:
		heading = "Not ready yet"
		// An index loading at start is ready within a minute or so.
		w.Header().Set("Retry-After", "10")
	}
	page := &ErrorPage{
		BasePage: h.base(heading, msg, ""),
		Status:   status,
		Heading:  heading,
		Message:  msg,
	}
	if r.URL.Path == "/papers" {
		// Keep the search in the header's box, to fix or to retry.
		page.Query = r.URL.Query().Get("q")
	}
	if rerr := h.render(w, status, "error.html", page); rerr != nil {
		h.logger.Error("rendering error page", "error", rerr)
		http.Error(w, msg, status)
	}
}

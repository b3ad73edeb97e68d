package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

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
	if fe := (*forbiddenError)(nil); errors.As(err, &fe) {
		status = http.StatusForbidden
	}
	if errors.Is(err, errMethod) {
		status, msg = http.StatusMethodNotAllowed, "This page cannot be changed."
	}
	httperr.Log(h.logger, r, status, err)
	if rl := (*rateLimited)(nil); errors.As(err, &rl) {
		w.Header().Set("Retry-After", retryAfterSeconds(rl.retry))
	}
	if wantsJSON(r) && r.Method != http.MethodGet {
		privateNoStore(w)
		writeJSON(w, status, map[string]any{"error": msg})
		return
	}

	heading := http.StatusText(status)
	switch status {
	case http.StatusNotFound:
		heading = "Page not found"
	case http.StatusBadRequest:
		heading = "That address is not valid"
	case http.StatusInternalServerError:
		heading = "Something went wrong"
	case http.StatusForbidden:
		heading = "Not allowed yet"
	case http.StatusTooManyRequests:
		heading = "Too many requests"
	case http.StatusServiceUnavailable:
		heading = "Not ready yet"
		// An index loading at start is ready within a minute or so.
		w.Header().Set("Retry-After", "10")
	}
	h.renderError(w, r, status, heading, msg)
}

// serveStatus renders an error page with a given status and message.
func (h *Handler) serveStatus(w http.ResponseWriter, r *http.Request, status int, heading, msg string) {
	if wantsJSON(r) {
		writeJSON(w, status, map[string]any{"error": msg})
		return
	}
	h.renderError(w, r, status, heading, msg)
}

func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, status int, heading, msg string) {
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
	if rerr := h.render(w, r, status, "error.html", page); rerr != nil {
		h.logger.Error("rendering error page", "error", rerr)
		http.Error(w, msg, status)
	}
}

// writeJSON answers the page's script.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// retryAfterSeconds is d in whole seconds rounded up, at least one.
func retryAfterSeconds(d time.Duration) string {
	return strconv.FormatInt(max(1, int64((d+time.Second-1)/time.Second)), 10)
}

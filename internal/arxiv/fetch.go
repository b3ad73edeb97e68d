package arxiv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"quire/internal/retry"
)

// get sends one GET for the arXiv clients (the API's and the OAI-PMH
// harvester's) and reads the body, at most maxBody bytes. It sorts the
// failures the way both retry them: a network failure, a broken body or a
// "come back later" answer (see busy; with the Retry-After asked for) is a
// *transientError; a body over the bound a *badResponseError; the end of
// ctx is returned as such. what names the client in messages.
func get(ctx context.Context, hc *http.Client, timeout time.Duration, u, userAgent, accept string, maxBody int64, what string) (status int, body []byte, err error) {
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, fmt.Errorf("%s request: %w", what, err)
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", accept)
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, nil, fmt.Errorf("%s: %w", what, ctx.Err())
		}
		return 0, nil, &transientError{err: err}
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	switch {
	case err != nil && ctx.Err() != nil:
		return 0, nil, fmt.Errorf("%s: %w", what, ctx.Err())
	case err != nil:
		return 0, nil, &transientError{err: fmt.Errorf("reading the response: %w", err)}
	case int64(len(body)) > maxBody:
		return 0, nil, &badResponseError{cause: fmt.Errorf("the response is larger than %d bytes", maxBody)}
	}
	if reason := busy(resp.StatusCode, body); reason != "" {
		te := &transientError{err: errors.New(reason)}
		te.after, te.hasAfter = retry.After(resp.Header.Get("Retry-After"))
		return 0, nil, te
	}
	return resp.StatusCode, body, nil
}

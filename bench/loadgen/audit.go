package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sync"
)

// Audit compares a run's write log with what the site shows afterwards,
// reading only through HTTP: comments through the API, each account's
// votes on the paper pages as that account sees them (the API does not
// say who voted), vote counts through the API, and the mail of
// subscriptions in Mailpit.
type Audit struct {
	B        *Balancer
	State    *State
	Log      *WriteLog
	Password string
	// Mailpit is the mail catcher's web address; "" skips subscriptions.
	Mailpit string
	Workers int
}

// AuditResult is the audit's outcome. Lost and Duplicated must be zero.
type AuditResult struct {
	Acked map[string]int `json:"acked"`
	// Failed counts writes that got no 2xx; Landed those of them that
	// were stored all the same (the answer was lost, not the write).
	Failed map[string]int `json:"failed"`
	Landed map[string]int `json:"failed_but_stored"`
	// Lost lists acknowledged writes missing; Duplicated writes stored
	// more than once; CountMismatch papers whose vote count moved by more
	// or less than the votes found.
	Lost          []string `json:"lost"`
	Duplicated    []string `json:"duplicated"`
	CountMismatch []string `json:"count_mismatch"`
	Skipped       string   `json:"skipped,omitempty"`
}

// OK reports whether no write was lost or duplicated.
func (r *AuditResult) OK() bool {
	return len(r.Lost) == 0 && len(r.Duplicated) == 0 && len(r.CountMismatch) == 0
}

// Run checks every write of the log.
func (a *Audit) Run() (*AuditResult, error) {
	r := &AuditResult{Acked: map[string]int{}, Failed: map[string]int{}, Landed: map[string]int{}}
	byKind := map[string][]Write{}
	for _, w := range a.Log.Writes {
		if w.Acked {
			r.Acked[w.Kind]++
		} else if w.Status != http.StatusTooManyRequests {
			// A refusal for the rate is an answer: nothing was written.
			r.Failed[w.Kind]++
		}
		byKind[w.Kind] = append(byKind[w.Kind], w)
	}
	if err := a.comments(r, byKind[kindComment]); err != nil {
		return nil, err
	}
	if err := a.votes(r, byKind[kindVote]); err != nil {
		return nil, err
	}
	if a.Mailpit == "" {
		if len(byKind[kindSubscribe]) > 0 {
			r.Skipped = "subscriptions: no Mailpit address given"
		}
	} else if err := a.subscriptions(r, byKind[kindSubscribe]); err != nil {
		return nil, err
	}
	return r, nil
}

// markerPattern finds this run's comment markers.
func markerPattern(runID string) *regexp.Regexp {
	return regexp.MustCompile(regexp.QuoteMeta(runID) + `-c[0-9]+`)
}

// comments checks that every acknowledged comment is stored exactly once,
// and none more than once.
func (a *Audit) comments(r *AuditResult, ws []Write) error {
	papers := map[string]bool{}
	for _, w := range ws {
		papers[w.Paper] = true
	}
	re := markerPattern(a.Log.RunID)
	seen := map[string]int{}
	for p := range papers {
		var cs []struct {
			Body string `json:"body"`
		}
		if err := getJSON(a.B, "/api/papers/"+p+"/comments", &cs); err != nil {
			return err
		}
		for _, c := range cs {
			for _, m := range re.FindAllString(c.Body, -1) {
				seen[m]++
			}
		}
	}
	logged := map[string]bool{}
	for _, w := range ws {
		logged[w.Marker] = true
		n := seen[w.Marker]
		switch {
		case n > 1:
			r.Duplicated = append(r.Duplicated, fmt.Sprintf("comment %s on %s stored %d times", w.Marker, w.Paper, n))
		case n == 0 && w.Acked:
			r.Lost = append(r.Lost, fmt.Sprintf("comment %s on %s (answered %d at %d ms)", w.Marker, w.Paper, w.Status, w.AtMs))
		case n == 1 && !w.Acked:
			r.Landed[kindComment]++
		}
	}
	for m, n := range seen {
		if !logged[m] {
			r.Duplicated = append(r.Duplicated, fmt.Sprintf("comment %s stored %d times but never sent", m, n))
		}
	}
	return nil
}

// pageVote returns whether a paper page, as a signed-in account sees it,
// shows the paper's own vote button pressed. The page also holds cards of
// similar papers with buttons of their own: only the paper's vote form,
// in the paper-vote block, counts.
func pageVote(body []byte) (voted bool, err error) {
	i := bytes.Index(body, []byte(`class="paper-vote"`))
	if i < 0 {
		return false, fmt.Errorf("the page has no vote block")
	}
	form := body[i:]
	end := bytes.Index(form, []byte("</form>"))
	if end < 0 || !bytes.Contains(form[:end], []byte(`class="vote-button`)) {
		return false, fmt.Errorf("the page has no vote form (not signed in?)")
	}
	return bytes.Contains(form[:end], []byte(`class="vote-button voted"`)), nil
}

// votes checks every account's vote on every paper it tried to vote on,
// as the account sees it, and that each paper's count moved by exactly the
// votes found.
func (a *Audit) votes(r *AuditResult, ws []Write) error {
	type pair struct{ account, paper string }
	tried := map[pair]*Write{}
	for i := range ws {
		w := &ws[i]
		p := pair{w.Account, w.Paper}
		// Acknowledged wins over a failed attempt of the same pair.
		if old, ok := tried[p]; !ok || (!old.Acked && w.Acked) {
			tried[p] = w
		}
	}
	byAccount := map[string][]string{}
	for p := range tried {
		byAccount[p.account] = append(byAccount[p.account], p.paper)
	}
	addr := map[string]string{}
	for _, acct := range a.State.Accounts {
		addr[acct.Username] = acct.Addr
	}
	found := map[pair]bool{}
	var mu sync.Mutex
	var firstErr error
	next := make(chan string)
	var wg sync.WaitGroup
	for range max(a.Workers, 1) {
		wg.Go(func() {
			for acct := range next {
				br := &Browser{B: a.B, Addr: addr[acct]}
				err := br.Login(acct, a.Password)
				for _, p := range byAccount[acct] {
					if err != nil {
						break
					}
					var resp *Response
					resp, err = br.Get("/papers/" + p)
					if err == nil && resp.Status != http.StatusOK {
						err = fmt.Errorf("GET /papers/%s as %s: %d", p, acct, resp.Status)
					}
					if err != nil {
						break
					}
					var on bool
					if on, err = pageVote(resp.Body); err != nil {
						err = fmt.Errorf("GET /papers/%s as %s: %w", p, acct, err)
					} else if on {
						mu.Lock()
						found[pair{acct, p}] = true
						mu.Unlock()
					}
				}
				if err != nil {
					mu.Lock()
					firstErr = cmpOr(firstErr, err)
					mu.Unlock()
				}
			}
		})
	}
	accts := make([]string, 0, len(byAccount))
	for acct := range byAccount {
		accts = append(accts, acct)
	}
	slices.Sort(accts)
	for _, acct := range accts {
		next <- acct
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	perPaper := map[string]int{}
	for p, w := range tried {
		switch {
		case found[p]:
			perPaper[p.paper]++
			if !w.Acked {
				r.Landed[kindVote]++
			}
		case w.Acked:
			r.Lost = append(r.Lost, fmt.Sprintf("vote of %s for %s (answered %d at %d ms)", p.account, p.paper, w.Status, w.AtMs))
		}
	}
	for paper, before := range a.Log.Upvotes {
		after, err := paperUpvotes(a.B, paper)
		if err != nil {
			return err
		}
		if after-before != perPaper[paper] {
			r.CountMismatch = append(r.CountMismatch, fmt.Sprintf("%s: %d upvotes before, %d after, %d votes of this run found", paper, before, after, perPaper[paper]))
		}
	}
	return nil
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// subscriptions checks that every acknowledged subscription's mail
// reached Mailpit exactly once.
func (a *Audit) subscriptions(r *AuditResult, ws []Write) error {
	for _, w := range ws {
		n, err := mailCount(a.B.Client, a.Mailpit, w.Marker)
		if err != nil {
			return err
		}
		switch {
		case n > 1:
			r.Duplicated = append(r.Duplicated, fmt.Sprintf("subscription %s mailed %d times", w.Marker, n))
		case n == 0 && w.Acked:
			r.Lost = append(r.Lost, fmt.Sprintf("subscription %s: answered %d at %d ms, but no mail", w.Marker, w.Status, w.AtMs))
		case n == 1 && !w.Acked:
			r.Landed[kindSubscribe]++
		}
	}
	return nil
}

// mailCount asks Mailpit how many messages went to addr.
func mailCount(c *http.Client, mailpit, addr string) (int, error) {
	u := mailpit + "/api/v1/search?query=" + url.QueryEscape(`to:"`+addr+`"`)
	resp, err := c.Get(u)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("Mailpit search: %d: %s", resp.StatusCode, excerpt(body))
	}
	var out struct {
		MessagesCount int `json:"messages_count"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return 0, fmt.Errorf("Mailpit search: %w", err)
	}
	return out.MessagesCount, nil
}

// PrintAudit writes the outcome as text.
func PrintAudit(w io.Writer, r *AuditResult) {
	verdict := "PASS"
	if !r.OK() {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "audit %s: acknowledged %v; failed %v (stored all the same: %v); lost %d, duplicated %d, count mismatches %d\n",
		verdict, r.Acked, r.Failed, r.Landed, len(r.Lost), len(r.Duplicated), len(r.CountMismatch))
	for _, list := range [][]string{r.Lost, r.Duplicated, r.CountMismatch} {
		for i, s := range list {
			if i == 10 {
				fmt.Fprintf(w, "  … and %d more\n", len(list)-10)
				break
			}
			fmt.Fprintln(w, "  "+s)
		}
	}
	if r.Skipped != "" {
		fmt.Fprintln(w, "  not checked: "+r.Skipped)
	}
}

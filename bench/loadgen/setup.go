package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
)

// Account is one account the load writes with.
type Account struct {
	Username string `json:"username"`
	Token    string `json:"token"`
	// Addr is the client address its requests claim (X-Forwarded-For).
	Addr string `json:"addr"`
}

// State is what setup prepares for a run: the accounts with their API
// tokens, the papers to read, the papers to vote on and comment on, and
// the searches.
type State struct {
	Accounts    []Account `json:"accounts"`
	Papers      []string  `json:"papers"`
	WritePapers []string  `json:"write_papers"`
	Queries     []string  `json:"queries"`
	// Daily is the daily-list request of the mix.
	Daily string `json:"daily"`
}

// Setup prepares a State.
type Setup struct {
	B        *Balancer
	Prefix   string // accounts are Prefix0001, Prefix0002, ...
	Accounts int
	Password string
	Queries  string // JSON lines {"q": "..."}, as bench/gen1m writes them
	// NQueries bounds the searches kept, and ReadQueries the searches
	// whose results provide the papers to read.
	NQueries, ReadQueries int
	// WritePapers is how many listed papers are voted on and commented on.
	WritePapers int
	// AllDaily makes the mix's daily-list request /api/daily_papers with
	// no parameters (the whole archive, newest first) instead of the
	// latest day's list.
	AllDaily bool
	Workers  int
}

// accountName is the username of account i (from 1).
func accountName(prefix string, i int) string { return fmt.Sprintf("%s%04d", prefix, i) }

// clientAddr is a distinct private address for the i-th visitor.
func clientAddr(i int) string { return fmt.Sprintf("10.%d.%d.%d", 64+i>>16&63, i>>8&255, i&255) }

// Run signs every account in, creates its token, and gathers the papers
// and searches.
func (s *Setup) Run() (*State, error) {
	st := &State{}
	var err error
	if st.Queries, err = readQueryFile(s.Queries, s.NQueries); err != nil {
		return nil, err
	}
	if st.WritePapers, err = s.dailyPapers(); err != nil {
		return nil, err
	}
	if len(st.WritePapers) == 0 {
		return nil, errors.New("GET /api/daily_papers lists no papers: import a daily list first")
	}
	if st.Papers, err = s.searchedPapers(st.Queries); err != nil {
		return nil, err
	}
	if st.Daily, err = s.dailyPath(); err != nil {
		return nil, err
	}
	st.Papers = append(st.Papers, st.WritePapers...)
	slices.Sort(st.Papers)
	st.Papers = slices.Compact(st.Papers)

	st.Accounts = make([]Account, s.Accounts)
	errs := make([]error, s.Accounts)
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(s.Workers, 1) {
		wg.Go(func() {
			for i := range next {
				a := Account{Username: accountName(s.Prefix, i+1), Addr: clientAddr(i + 1)}
				br := &Browser{B: s.B, Addr: a.Addr}
				if errs[i] = br.Login(a.Username, s.Password); errs[i] == nil {
					a.Token, errs[i] = br.CreateToken("load test")
				}
				st.Accounts[i] = a
			}
		})
	}
	for i := range s.Accounts {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return st, nil
}

// dailyPapers returns the ids of the WritePapers newest papers of the
// daily lists: listed papers show their votes in the API.
func (s *Setup) dailyPapers() ([]string, error) {
	var ids []string
	for page := 0; len(ids) < s.WritePapers; page++ {
		var items []struct {
			Paper struct {
				ID string `json:"id"`
			} `json:"paper"`
		}
		if err := getJSON(s.B, fmt.Sprintf("/api/daily_papers?limit=100&p=%d", page), &items); err != nil {
			return nil, err
		}
		for _, it := range items {
			ids = append(ids, it.Paper.ID)
		}
		if len(items) < 100 {
			break
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)[:min(len(ids), s.WritePapers)], nil
}

// dailyPath returns the request of the latest day's list, as clients of
// Hugging Face's API ask for a day, or /api/daily_papers when AllDaily.
func (s *Setup) dailyPath() (string, error) {
	if s.AllDaily {
		return "/api/daily_papers", nil
	}
	var items []struct {
		PublishedAt string `json:"publishedAt"`
	}
	if err := getJSON(s.B, "/api/daily_papers?limit=1", &items); err != nil {
		return "", err
	}
	if len(items) == 0 || len(items[0].PublishedAt) < 10 {
		return "", errors.New("GET /api/daily_papers?limit=1: no list with a date")
	}
	return "/api/daily_papers?date=" + items[0].PublishedAt[:10], nil
}

// searchedPapers returns the ids found by the first ReadQueries searches.
func (s *Setup) searchedPapers(qs []string) ([]string, error) {
	var ids []string
	for _, q := range qs[:min(len(qs), s.ReadQueries)] {
		var items []struct {
			Paper struct {
				ID string `json:"id"`
			} `json:"paper"`
		}
		if err := getJSON(s.B, "/api/papers/search?limit=20&q="+url.QueryEscape(q), &items); err != nil {
			return nil, err
		}
		for _, it := range items {
			ids = append(ids, it.Paper.ID)
		}
	}
	return ids, nil
}

// getJSON decodes the JSON answer of a GET that must answer 200.
func getJSON(b *Balancer, path string, v any) error {
	resp, err := b.Do(func(base string) (*http.Request, error) { return http.NewRequest(http.MethodGet, base+path, nil) })
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	if resp.Status != http.StatusOK {
		return fmt.Errorf("GET %s: answered %d: %s", path, resp.Status, excerpt(resp.Body))
	}
	if err := json.Unmarshal(resp.Body, v); err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	return nil
}

// readQueryFile reads up to n searches of a JSON-lines query set.
func readQueryFile(path string, n int) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() && len(qs) < n {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var q struct {
			Q string `json:"q"`
		}
		if err := json.Unmarshal([]byte(line), &q); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if q.Q != "" {
			qs = append(qs, q.Q)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("%s holds no queries", path)
	}
	return qs, nil
}

// writeJSONFile writes v to path, indented.
func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// readJSONFile reads path into v.
func readJSONFile(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

package hfdaily

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"quire"
)

// recordedDays are responses of GET /api/daily_papers?date=… saved byte
// for byte, one per schema generation.
var recordedDays = []string{"2024-06-03", "2025-06-16", "2026-08-21"}

func recorded(tb testing.TB, day string) []byte {
	tb.Helper()
	b, err := os.ReadFile("../../testdata/hf/daily_papers_" + day + ".json")
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// replay answers ?date= with the recorded response of that day and an
// empty list for other days; fail, when set, answers instead when it
// returns true (after writing its own response).
type replay struct {
	tb   testing.TB
	mu   sync.Mutex
	hits []string
	ua   string
	fail func(w http.ResponseWriter, r *http.Request, hit int) bool
}

func (rp *replay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rp.mu.Lock()
	rp.hits = append(rp.hits, r.URL.RawQuery)
	rp.ua = r.Header.Get("User-Agent")
	hit := len(rp.hits)
	rp.mu.Unlock()
	if rp.fail != nil && rp.fail(w, r, hit) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	for _, d := range recordedDays {
		if r.URL.Query().Get("date") == d {
			w.Write(recorded(rp.tb, d))
			return
		}
	}
	w.Write([]byte("[]"))
}

func newTestClient(tb testing.TB, h http.Handler) *Client {
	tb.Helper()
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	c, err := NewClient(ClientOptions{URL: srv.URL + "/api/daily_papers", Contact: "https://papers.example.org",
		MinInterval: time.Millisecond, Backoff: time.Millisecond})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestFetchDayReadsRecordedResponses(t *testing.T) {
	rp := &replay{tb: t}
	c := newTestClient(t, rp)
	for _, day := range recordedDays {
		t.Run(day, func(t *testing.T) {
			d, err := c.FetchDay(t.Context(), mustDay(t, day))
			if err != nil {
				t.Fatal(err)
			}
			var items []json.RawMessage
			if err := json.Unmarshal(recorded(t, day), &items); err != nil {
				t.Fatal(err)
			}
			if len(d.Entries) != len(items) || len(d.Papers) != len(items) || d.Malformed != 0 {
				t.Fatalf("got %d entries, %d papers, %d malformed; the response lists %d", len(d.Entries), len(d.Papers), d.Malformed, len(items))
			}
			for i, raw := range items {
				p, e, err := ParseItem(raw, mustDay(t, day))
				if err != nil {
					t.Fatal(err)
				}
				if !d.Papers[i].Equal(p) || !d.Entries[i].Equal(e) {
					t.Errorf("item %d: the client's paper or entry differs from ParseItem's", i)
				}
				if got := d.Entries[i].Day.Format(quire.DayLayout); got != day {
					t.Errorf("item %d is listed on %s, want %s", i, got, day)
				}
			}
		})
	}
	if !strings.Contains(rp.ua, "Quire") || !strings.Contains(rp.ua, "https://papers.example.org") {
		t.Errorf("User-Agent %q names neither Quire nor the contact", rp.ua)
	}
	if q := rp.hits[0]; !strings.Contains(q, "date=2024-06-03") || !strings.Contains(q, "limit=100") {
		t.Errorf("first request's query %q", q)
	}
}

func TestFetchDayRetries(t *testing.T) {
	for _, tc := range []struct {
		name string
		fail func(w http.ResponseWriter, r *http.Request, hit int) bool
		hits int
	}{
		{"503 with Retry-After", func(w http.ResponseWriter, r *http.Request, hit int) bool {
			if hit == 1 {
				w.Header().Set("Retry-After", "0")
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return true
			}
			return false
		}, 2},
		{"429 twice", func(w http.ResponseWriter, r *http.Request, hit int) bool {
			if hit <= 2 {
				http.Error(w, "slow down", http.StatusTooManyRequests)
				return true
			}
			return false
		}, 3},
		{"truncated body", func(w http.ResponseWriter, r *http.Request, hit int) bool {
			if hit == 1 {
				body := recorded(t, "2025-06-16")
				w.Header().Set("Content-Length", strconv.Itoa(len(body)))
				w.Write(body[:len(body)/2])
				return true // the handler returns with bytes missing
			}
			return false
		}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rp := &replay{tb: t, fail: tc.fail}
			c := newTestClient(t, rp)
			d, err := c.FetchDay(t.Context(), mustDay(t, "2025-06-16"))
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Entries) != 9 {
				t.Errorf("got %d entries after retrying, want the day's 9", len(d.Entries))
			}
			if len(rp.hits) != tc.hits {
				t.Errorf("%d requests, want %d", len(rp.hits), tc.hits)
			}
		})
	}
}

func TestFetchDayFailures(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		status     int
		body       string
		hits       int
	}{
		{"not found is not retried", "answered 404", http.StatusNotFound, `{"error":"no"}`, 1},
		{"an object, not a list", "JSON array", http.StatusOK, `{"error":"Invalid date"}`, 1},
		{"not JSON", "not valid JSON", http.StatusOK, `<html>login</html>`, 1},
		{"always failing", "after 5 attempts", http.StatusBadGateway, `bad gateway`, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rp := &replay{tb: t, fail: func(w http.ResponseWriter, r *http.Request, hit int) bool {
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
				return true
			}}
			c := newTestClient(t, rp)
			_, err := c.FetchDay(t.Context(), mustDay(t, "2025-06-16"))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one saying %q", err, tc.want)
			}
			if len(rp.hits) != tc.hits {
				t.Errorf("%d requests, want %d", len(rp.hits), tc.hits)
			}
		})
	}
}

// TestFetchDaySkipsMalformedItems keeps the good items of a day whose
// response has bad ones.
func TestFetchDaySkipsMalformedItems(t *testing.T) {
	var items []json.RawMessage
	if err := json.Unmarshal(recorded(t, "2026-08-21"), &items); err != nil {
		t.Fatal(err)
	}
	bad := []json.RawMessage{
		json.RawMessage(`{"paper":{"id":"not an id"}}`),
		json.RawMessage(`{"paper":{"id":"2508.15260","publishedAt":"yesterday"}}`),
		json.RawMessage(`17`),
	}
	body, err := json.Marshal(append(append([]json.RawMessage{}, bad...), items...))
	if err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	d, err := c.FetchDay(t.Context(), mustDay(t, "2026-08-21"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Malformed != len(bad) || len(d.Problems) != len(bad) || len(d.Entries) != len(items) {
		t.Errorf("got %d malformed (%d problems) and %d entries, want %d and %d", d.Malformed, len(d.Problems), len(d.Entries), len(bad), len(items))
	}
}

// TestFetchDayPages follows pages while they are full, as the API pages
// with limit and p, and stops on an upstream that ignores p.
func TestFetchDayPages(t *testing.T) {
	var items []json.RawMessage
	if err := json.Unmarshal(recorded(t, "2026-08-21"), &items); err != nil {
		t.Fatal(err)
	}
	// 230 distinct items made from the recorded ones under new ids.
	var all []json.RawMessage
	for i := range 230 {
		var it map[string]any
		if err := json.Unmarshal(items[i%len(items)], &it); err != nil {
			t.Fatal(err)
		}
		it["paper"].(map[string]any)["id"] = fmt.Sprintf("2508.%05d", 10000+i)
		b, _ := json.Marshal(it)
		all = append(all, b)
	}
	pageOf := func(p int) []json.RawMessage { return all[min(p*100, len(all)):min((p+1)*100, len(all))] }
	for _, tc := range []struct {
		name  string
		serve func(p int) []json.RawMessage
		want  int
		hits  int
	}{
		{"paging upstream", pageOf, 230, 3},
		{"upstream without paging", func(int) []json.RawMessage { return pageOf(0) }, 100, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hits int
			c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits++
				p, _ := strconv.Atoi(r.URL.Query().Get("p"))
				json.NewEncoder(w).Encode(tc.serve(p))
			}))
			d, err := c.FetchDay(t.Context(), mustDay(t, "2026-08-21"))
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Entries) != tc.want || hits != tc.hits {
				t.Errorf("got %d entries in %d requests, want %d in %d", len(d.Entries), hits, tc.want, tc.hits)
			}
		})
	}
}

func TestNewClientRefusesBadURLs(t *testing.T) {
	for _, u := range []string{"", "ftp://example.org/api", "huggingface.co/api/daily_papers", "http://"} {
		if _, err := NewClient(ClientOptions{URL: u}); err == nil {
			t.Errorf("NewClient(%q) accepted it", u)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	for v, want := range map[string]time.Duration{
		"": 0, "7": 7 * time.Second, "-3": 0, "junk": 0, "999999": maxRetryAfter,
	} {
		if got := retryAfter(v); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", v, got, want)
		}
	}
	if got := retryAfter(time.Now().Add(time.Minute).UTC().Format(http.TimeFormat)); got <= 0 || got > time.Minute {
		t.Errorf("retryAfter(a date a minute ahead) = %v", got)
	}
}

func mustDay(tb testing.TB, s string) time.Time {
	tb.Helper()
	d, err := quire.ParseDay(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

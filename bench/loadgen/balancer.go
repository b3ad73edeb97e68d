package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Balancer spreads requests over base URLs in turn, as a load balancer in
// front of several nodes would. Like one with passive health checks
// (nginx's max_fails and fail_timeout), it takes a node out for DownFor
// when a connection to it cannot be made, and sends that request to the
// next node: nothing was sent, so even a write may go elsewhere. A request
// that fails after it was sent is not repeated. With Watch, it also takes
// out a node whose health check fails, as a balancer with active checks
// does. The last node is always tried, so a lone node gets every request
// whatever its health.
type Balancer struct {
	Bases   []string
	DownFor time.Duration
	Client  *http.Client

	next      atomic.Uint64
	mu        sync.Mutex
	down      map[int]time.Time
	unhealthy []atomic.Bool
}

// NewBalancer returns a Balancer over bases with a client sized for
// conns concurrent requests.
func NewBalancer(bases []string, conns int, timeout time.Duration) (*Balancer, error) {
	if len(bases) == 0 {
		return nil, errors.New("no base URL")
	}
	for i, b := range bases {
		u, err := url.Parse(b)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("%q is not a base URL such as http://127.0.0.1:8080", b)
		}
		bases[i] = strings.TrimRight(b, "/")
	}
	tr := &http.Transport{
		MaxIdleConnsPerHost: conns,
		DisableCompression:  true,
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
	}
	return &Balancer{
		Bases:   bases,
		DownFor: time.Second,
		Client: &http.Client{
			Timeout:   timeout,
			Transport: tr,
			// Redirects are answers too (a form post answers 303).
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		down:      map[int]time.Time{},
		unhealthy: make([]atomic.Bool, len(bases)),
	}, nil
}

// Watch checks every node's health path every interval until stop is
// closed: a node is in service while the path answers 200.
func (b *Balancer) Watch(path string, every time.Duration, stop <-chan struct{}) {
	client := &http.Client{Timeout: 3 * time.Second}
	for i, base := range b.Bases {
		go func() {
			t := time.NewTicker(every)
			defer t.Stop()
			for {
				resp, err := client.Get(base + path)
				ok := err == nil && resp.StatusCode == http.StatusOK
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				b.unhealthy[i].Store(!ok)
				select {
				case <-stop:
					return
				case <-t.C:
				}
			}
		}()
	}
}

// Response is a finished exchange: the status and the whole body.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Node is the index of the base URL that answered.
	Node int
	// Retries counts nodes tried before, whose connection failed.
	Retries int
}

// Do sends a request built by build for the chosen base URL, reads the
// whole answer and returns it.
func (b *Balancer) Do(build func(base string) (*http.Request, error)) (*Response, error) {
	n := len(b.Bases)
	start := int(b.next.Add(1) % uint64(n))
	var lastErr error
	retries := 0
	for i := range n {
		node := (start + i) % n
		if i < n-1 && b.isDown(node) {
			continue
		}
		req, err := build(b.Bases[node])
		if err != nil {
			return nil, err
		}
		resp, err := b.Client.Do(req)
		if err != nil {
			if notConnected(err) {
				b.markDown(node)
				lastErr = err
				retries++
				continue
			}
			return &Response{Node: node, Retries: retries}, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		out := &Response{Status: resp.StatusCode, Header: resp.Header, Body: body, Node: node, Retries: retries}
		return out, err
	}
	if lastErr == nil {
		lastErr = errors.New("every node is down")
	}
	return &Response{Retries: retries}, lastErr
}

func (b *Balancer) isDown(node int) bool {
	if b.unhealthy[node].Load() {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	until, ok := b.down[node]
	return ok && time.Now().Before(until)
}

func (b *Balancer) markDown(node int) {
	b.mu.Lock()
	b.down[node] = time.Now().Add(b.DownFor)
	b.mu.Unlock()
}

// notConnected reports whether err means no connection was made, so the
// request never reached the server.
func notConnected(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}

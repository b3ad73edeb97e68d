package web_test

import (
	"regexp"
	"strings"
	"testing"
)

func TestStatic(t *testing.T) {
	srv := newServer(t, MustOpenStore(t))
	home := MustGet(t, srv, "/")
	m := regexp.MustCompile(`href="(/static/([0-9a-f]+)/style\.css)"`).FindStringSubmatch(home.body)
	if m == nil {
		t.Fatal("the page links no hashed style.css")
	}
	css := MustGet(t, srv, m[1])
	if css.status != 200 || !strings.Contains(css.body, ".card") {
		t.Fatalf("GET %s: status %d", m[1], css.status)
	}
	for key, want := range map[string]string{
		"Content-Type":  "text/css; charset=utf-8",
		"Cache-Control": "public, max-age=31536000, immutable",
	} {
		if got := css.header.Get(key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if js := regexp.MustCompile(`src="(/static/[0-9a-f]+/app\.js)"`).FindStringSubmatch(home.body); js == nil {
		t.Error("the page loads no hashed app.js")
	} else if r := MustGet(t, srv, js[1]); r.status != 200 || !strings.Contains(r.body, "clipboard") {
		t.Errorf("GET %s: status %d", js[1], r.status)
	}

	for _, path := range []string{
		"/static/000000000000/style.css", // a stale hash must not be cached forever
		"/static/" + m[2] + "/missing.css",
		"/static/style.css",
	} {
		if r := MustGet(t, srv, path); r.status != 404 {
			t.Errorf("GET %s: status %d, want 404", path, r.status)
		}
	}

	ico := MustGet(t, srv, "/favicon.ico")
	if ico.status != 200 || ico.header.Get("Content-Type") != "image/x-icon" || !strings.HasPrefix(ico.body, "\x00\x00\x01\x00") {
		t.Errorf("GET /favicon.ico: status %d, type %q", ico.status, ico.header.Get("Content-Type"))
	}
}

func TestNotFound(t *testing.T) {
	srv := newServer(t, MustOpenStore(t))
	for _, path := range []string{"/nope", "/paper/2506.10892", "/about/us"} {
		t.Run(path, func(t *testing.T) {
			r := MustGet(t, srv, path)
			checkPage(t, r, 404, "Page not found", `<link rel="stylesheet"`, `<form class="search" role="search" action="/papers"`)
		})
	}
	r := MustDo(t, srv, "POST", "/papers/2506.10892")
	checkPage(t, r, 405, "Method Not Allowed")
	if r.header.Get("Allow") != "GET, HEAD" {
		t.Errorf("Allow = %q", r.header.Get("Allow"))
	}
}

func TestHead(t *testing.T) {
	srv := MustFixtureServer(t)
	for _, path := range []string{"/", "/papers/date/2025-06-16", "/papers/2506.10892", "/favicon.ico"} {
		r := MustDo(t, srv, "HEAD", path)
		if r.status != 200 || r.body != "" {
			t.Errorf("HEAD %s: status %d, %d body bytes; want 200 and no body", path, r.status, len(r.body))
		}
	}
}

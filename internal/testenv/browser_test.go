package testenv

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// testSite serves two small pages; the first loads a same-origin script
// that reacts to a button and fills a paragraph a little later.
func testSite(tb testing.TB) *httptest.Server {
	tb.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Quire test page</title>
<script src="/app.js" defer></script></head>
<body>
<h1>Daily papers</h1>
<ul><li>Attention</li><li>Diffusion</li><li>Retrieval</li></ul>
<a id="next" href="/second" data-kind="nav">Second page</a>
<button id="greet" type="button">Say hello</button>
<p id="out">waiting</p>
<p id="later"></p>
</body></html>`)
	})
	mux.HandleFunc("GET /app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		io.WriteString(w, `
document.getElementById("greet").addEventListener("click", () => {
  document.getElementById("out").textContent = "hello, reader";
  setTimeout(() => { document.getElementById("later").textContent = "done"; }, 100);
});`)
	})
	mux.HandleFunc("GET /second", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `<!doctype html><html><head><title>Second</title></head><body><h1>Second page</h1></body></html>`)
	})
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv
}

func TestBrowser(t *testing.T) {
	srv := testSite(t)
	b := StartBrowser(t)

	b.Navigate(srv.URL + "/")
	if got := b.Title(); got != "Quire test page" {
		t.Errorf("Title() = %q, want %q", got, "Quire test page")
	}
	if got := b.Find("#out").Text(); got != "waiting" {
		t.Errorf("#out text before click = %q, want %q", got, "waiting")
	}

	var items []string
	for _, li := range b.FindAll("ul li") {
		items = append(items, li.Text())
	}
	if got, want := strings.Join(items, ","), "Attention,Diffusion,Retrieval"; got != want {
		t.Errorf("FindAll(\"ul li\") texts = %q, want %q", got, want)
	}
	if got := b.Find("ul").Find("li:last-child").Text(); got != "Retrieval" {
		t.Errorf("scoped Find text = %q, want Retrieval", got)
	}
	if got := len(b.FindAll("table")); got != 0 {
		t.Errorf("FindAll(\"table\") found %d elements, want 0", got)
	}

	link := b.Find("#next")
	if got := link.Attr("href"); got != "/second" {
		t.Errorf("Attr(href) = %q, want /second", got)
	}
	if got := link.Attr("data-kind"); got != "nav" {
		t.Errorf("Attr(data-kind) = %q, want nav", got)
	}
	if got := link.Attr("data-missing"); got != "" {
		t.Errorf("Attr(data-missing) = %q, want empty", got)
	}

	b.Find("#greet").Click()
	if got := b.Find("#out").Text(); got != "hello, reader" {
		t.Errorf("#out text after click = %q, want %q", got, "hello, reader")
	}
	b.Wait("the delayed text", func() bool { return b.TextOf("#later") == "done" })
	if got := b.TextOf("#absent"); got != "" {
		t.Errorf("TextOf(\"#absent\") = %q, want empty", got)
	}

	if got := b.ExecuteScript("return arguments[0] + arguments[1]", 2, 3); got != 5.0 {
		t.Errorf("ExecuteScript sum = %v, want 5", got)
	}
	if got := b.ExecuteScript("return arguments[0].id", b.Find("#out")); got != "out" {
		t.Errorf("ExecuteScript with an element argument = %v, want out", got)
	}

	png := b.Screenshot()
	if sig := []byte("\x89PNG\r\n\x1a\n"); !bytes.HasPrefix(png, sig) {
		t.Errorf("Screenshot() starts with %q, want the PNG signature", png[:min(len(png), 8)])
	}

	b.SetWindowSize(390, 844)
	if got := b.ExecuteScript("return window.innerWidth"); got != 390.0 {
		t.Errorf("window.innerWidth after SetWindowSize(390, 844) = %v, want 390", got)
	}

	link.Click()
	// The element found on the first page is gone with it.
	if got := b.TextOf("#out"); got != "" {
		t.Errorf("TextOf(\"#out\") after leaving the page = %q, want empty", got)
	}
	if got, want := b.CurrentURL(), srv.URL+"/second"; got != want {
		t.Errorf("CurrentURL() after clicking the link = %q, want %q", got, want)
	}
	if got := b.Find("h1").Text(); got != "Second page" {
		t.Errorf("h1 on the second page = %q, want %q", got, "Second page")
	}
}

// recordingTB stops at the first Fatalf or Skipf and keeps its message,
// so that tests can check how a helper fails.
type recordingTB struct {
	testing.TB
	fatal, skip string
}

// stopped is the panic value with which recordingTB ends the step, as
// t.FailNow ends a test.
type stopped struct{}

func (r *recordingTB) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
	panic(stopped{})
}

func (r *recordingTB) Skipf(format string, args ...any) {
	r.skip = fmt.Sprintf(format, args...)
	panic(stopped{})
}

// run calls f with r and recovers its stop.
func (r *recordingTB) run(f func(tb testing.TB)) {
	defer func() {
		if p := recover(); p != nil && p != (stopped{}) {
			panic(p)
		}
	}()
	f(r)
}

func TestBrowserFailures(t *testing.T) {
	srv := testSite(t)
	b := StartBrowser(t)
	b.Navigate(srv.URL + "/")

	tests := []struct {
		name string
		step func(b *Browser)
		want string
	}{
		{"missing element", func(b *Browser) { b.Find("#nope") }, `browser: no element matches "#nope" on ` + srv.URL + "/"},
		{"invalid selector", func(b *Browser) { b.Find("[[") }, `browser: find "[[": invalid selector`},
		{"script throws", func(b *Browser) { b.ExecuteScript("throw new Error('kaput')") }, "kaput"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recordingTB{TB: t}
			rec.run(func(tb testing.TB) {
				// The same session, reporting to the recorder.
				bb := *b
				bb.tb = tb
				tc.step(&bb)
			})
			if !strings.Contains(rec.fatal, tc.want) {
				t.Errorf("Fatalf message = %q, want it to contain %q", rec.fatal, tc.want)
			}
		})
	}
}

func TestStartBrowserMissing(t *testing.T) {
	tests := []struct {
		name, ci            string
		wantFatal, wantSkip string
	}{
		{"skipped outside CI", "", "", "skipping browser test: QUIRE_CHROMEDRIVER="},
		{"fails in CI", "true", "browser tests need Chromium and its driver", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CI", tc.ci)
			t.Setenv("QUIRE_CHROMEDRIVER", t.TempDir()+"/no-such-chromedriver")
			rec := &recordingTB{TB: t}
			rec.run(func(tb testing.TB) { StartBrowser(tb) })
			if !strings.HasPrefix(rec.fatal, tc.wantFatal) || (tc.wantFatal == "") != (rec.fatal == "") {
				t.Errorf("Fatalf message = %q, want prefix %q", rec.fatal, tc.wantFatal)
			}
			if !strings.HasPrefix(rec.skip, tc.wantSkip) || (tc.wantSkip == "") != (rec.skip == "") {
				t.Errorf("Skipf message = %q, want prefix %q", rec.skip, tc.wantSkip)
			}
		})
	}
}

// TestBrowserNoJavaScript: with scripts off, the page's script does not
// run, while WebDriver's commands still work.
func TestBrowserNoJavaScript(t *testing.T) {
	srv := testSite(t)
	b := StartBrowserWith(t, BrowserOptions{NoJavaScript: true})
	b.Navigate(srv.URL + "/")
	b.Find("#greet").Click()
	time.Sleep(300 * time.Millisecond) // the script's timer would have fired
	if got := b.Find("#out").Text(); got != "waiting" {
		t.Errorf("#out = %q after the click: the page's script ran", got)
	}
	input := b.ExecuteScript(`const i = document.createElement("input"); i.id = "typed"; document.body.append(i); return i.id`)
	if input != "typed" {
		t.Fatalf("ExecuteScript = %v", input)
	}
	b.Find("#typed").SendKeys("scaling laws")
	if got := b.ExecuteScript(`return document.getElementById("typed").value`); got != "scaling laws" {
		t.Errorf("typed %q", got)
	}
	b.Find("#next").Click()
	b.Wait("second page", func() bool { return b.Title() == "Second" })
}

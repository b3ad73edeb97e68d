package testenv

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Browser is a headless Chromium session driven through chromedriver with
// the W3C WebDriver protocol, for end-to-end tests of the web pages. Every
// method fails the test (tb.Fatalf, with the WebDriver error) when the
// browser reports an error, so tests read as a list of steps.
type Browser struct {
	tb      testing.TB
	session string // http://127.0.0.1:port/session/id
	client  *http.Client
}

// Element is a DOM element found in the current page.
type Element struct {
	b   *Browser
	id  string
	css string // the selector that found it, for messages
}

// webElementKey is the JSON key under which WebDriver passes element
// references, fixed by the W3C specification.
const webElementKey = "element-6066-11e4-a52e-4f735466cecf"

// Timeouts. Each WebDriver call gets its own deadline, so a hung browser
// fails one test instead of the whole run.
const (
	driverStartTimeout = 20 * time.Second
	sessionTimeout     = 60 * time.Second // launching Chromium the first time is slow
	pageLoadTimeout    = 30 * time.Second
	callTimeout        = pageLoadTimeout + 15*time.Second
	waitTimeout        = 10 * time.Second
)

// StartBrowser starts chromedriver on a free loopback port and opens a
// headless Chromium session in a fresh profile; both are closed when the
// test ends. Without chromedriver or Chromium the test is skipped, unless
// the CI environment variable is set, where that is a failure instead.
// QUIRE_CHROMEDRIVER and QUIRE_CHROMIUM override the binaries' paths
// (default: chromedriver and chromium on PATH, then /usr/bin).
func StartBrowser(tb testing.TB) *Browser {
	tb.Helper()
	return StartBrowserWith(tb, BrowserOptions{})
}

// BrowserOptions configure StartBrowserWith.
type BrowserOptions struct {
	// NoJavaScript turns page scripts off, as some readers do, to prove
	// that the pages work without them. WebDriver's own commands (Find,
	// ExecuteScript) still run.
	NoJavaScript bool
}

// StartBrowserWith is StartBrowser with options.
func StartBrowserWith(tb testing.TB, opts BrowserOptions) *Browser {
	tb.Helper()
	driver, errD := findBinary("QUIRE_CHROMEDRIVER", "chromedriver")
	chromium, errC := findBinary("QUIRE_CHROMIUM", "chromium")
	if err := errors.Join(errD, errC); err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("browser tests need Chromium and its driver (Debian: apt-get install chromium chromium-driver): %v", err)
		}
		tb.Skipf("skipping browser test: %v", err)
	}

	// The profile directory is made before the driver starts, so that it is
	// removed after the driver's processes are gone (cleanups run last
	// registered, first run).
	profile := tb.TempDir()
	base := startDriver(tb, driver)
	b := &Browser{tb: tb, client: &http.Client{}}
	chromeOpts := map[string]any{
		"binary": chromium,
		"args": []string{
			"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
			"--disable-quic", "--no-first-run", "--disable-background-networking",
			"--disable-component-update", "--disable-sync",
			"--user-data-dir=" + profile, "--window-size=1280,900",
		},
	}
	if opts.NoJavaScript {
		// The content setting that the browser's own "Don't allow sites
		// to use JavaScript" sets.
		chromeOpts["prefs"] = map[string]any{"profile.managed_default_content_settings.javascript": 2}
	}
	caps := map[string]any{
		"capabilities": map[string]any{
			"alwaysMatch": map[string]any{
				"browserName":      "chrome",
				"pageLoadStrategy": "normal",
				"timeouts": map[string]int{
					"pageLoad": int(pageLoadTimeout / time.Millisecond),
					"script":   int(waitTimeout / time.Millisecond),
					"implicit": 0, // Find fails at once; Wait polls explicitly
				},
				"goog:chromeOptions": chromeOpts,
			},
		},
	}
	var created struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.call(sessionTimeout, "POST", base+"/session", caps, &created); err != nil {
		tb.Fatalf("browser: starting Chromium: %v", err)
	}
	b.session = base + "/session/" + created.SessionID
	tb.Cleanup(func() {
		// Closing the session quits Chromium; the driver's process group is
		// killed afterwards in any case (registered earlier, so it runs
		// later).
		if err := b.call(10*time.Second, "DELETE", b.session, nil, nil); err != nil {
			tb.Logf("browser: closing session: %v", err)
		}
	})
	return b
}

// findBinary returns the path in the environment variable env, or name's
// location on PATH or in /usr/bin.
func findBinary(env, name string) (string, error) {
	if p := os.Getenv(env); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", env, p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	if p := "/usr/bin/" + name; isExecutable(p) {
		return p, nil
	}
	return "", fmt.Errorf("%s not found on PATH or in /usr/bin", name)
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// driverPortLine is what chromedriver prints once it listens; asking for
// port 0 and reading the port back avoids racing other tests for one.
var driverPortLine = regexp.MustCompile(`started successfully on port (\d+)`)

// startDriver runs chromedriver and returns its base URL once it is ready.
func startDriver(tb testing.TB, path string) string {
	tb.Helper()
	out := &driverOutput{port: make(chan int, 1)}
	cmd := exec.Command(path, "--port=0")
	cmd.Stdout, cmd.Stderr = out, out
	// A process group of its own, so cleanup can kill Chromium too should
	// the session not close; WaitDelay bounds the wait for the output
	// pipes, which Chromium's processes inherit.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		tb.Fatalf("browser: starting %s: %v", path, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	tb.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	})

	var port int
	select {
	case port = <-out.port:
	case err := <-exited:
		tb.Fatalf("browser: chromedriver exited (%v):\n%s", err, out.String())
	case <-time.After(driverStartTimeout):
		tb.Fatalf("browser: chromedriver did not report its port within %v:\n%s", driverStartTimeout, out.String())
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)

	// The port is printed just before the driver serves; wait until it
	// says it is ready.
	b := &Browser{tb: tb, client: &http.Client{}}
	deadline := time.Now().Add(driverStartTimeout)
	for {
		var status struct {
			Ready bool `json:"ready"`
		}
		err := b.call(2*time.Second, "GET", base+"/status", nil, &status)
		if err == nil && status.Ready {
			return base
		}
		if time.Now().After(deadline) {
			tb.Fatalf("browser: chromedriver not ready within %v (last error: %v):\n%s", driverStartTimeout, err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// driverOutput keeps the first 64 KiB of chromedriver's output, for error
// messages, and reports the port it listens on.
type driverOutput struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	port chan int
	sent bool
}

func (o *driverOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if room := 64<<10 - o.buf.Len(); room > 0 {
		o.buf.Write(p[:min(len(p), room)])
	}
	if !o.sent {
		if m := driverPortLine.FindSubmatch(o.buf.Bytes()); m != nil {
			port, _ := strconv.Atoi(string(m[1]))
			o.port <- port
			o.sent = true
		}
	}
	return len(p), nil
}

func (o *driverOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// call sends one WebDriver command and decodes the "value" of its answer
// into out (when out is non-nil). A WebDriver error becomes an error with
// the driver's message.
func (b *Browser) call(timeout time.Duration, method, endpoint string, body, out any) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, endpoint, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	res, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	var reply struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(data, &reply); err != nil {
		return fmt.Errorf("%s: undecodable reply (%v): %.200s", res.Status, err, data)
	}
	if res.StatusCode != http.StatusOK {
		var e struct {
			Error   string `json:"error"`
			Message string `json:"message"`
		}
		json.Unmarshal(reply.Value, &e)
		// The message's first line says what went wrong; the rest is the
		// browser's version and stack.
		msg, _, _ := strings.Cut(e.Message, "\n")
		return &webDriverError{code: e.Error, msg: msg}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(reply.Value, out)
}

// webDriverError is an error reported by the driver, such as "no such
// element" or "javascript error".
type webDriverError struct{ code, msg string }

func (e *webDriverError) Error() string {
	if strings.HasPrefix(e.msg, e.code) {
		return e.msg
	}
	return e.code + ": " + e.msg
}

// do runs a command on the session and fails the test on error; what
// describes the step for the message.
func (b *Browser) do(what, method, path string, body, out any) {
	b.tb.Helper()
	if err := b.call(callTimeout, method, b.session+path, body, out); err != nil {
		b.tb.Fatalf("browser: %s: %v", what, err)
	}
}

// Navigate loads rawURL and waits for the page to load.
func (b *Browser) Navigate(rawURL string) {
	b.tb.Helper()
	b.do("navigate to "+rawURL, "POST", "/url", map[string]string{"url": rawURL}, nil)
}

// Title returns the current page's title.
func (b *Browser) Title() string {
	b.tb.Helper()
	var s string
	b.do("title", "GET", "/title", nil, &s)
	return s
}

// CurrentURL returns the current page's URL.
func (b *Browser) CurrentURL() string {
	b.tb.Helper()
	var s string
	b.do("current URL", "GET", "/url", nil, &s)
	return s
}

// Find returns the first element matching the CSS selector, and fails the
// test when there is none.
func (b *Browser) Find(css string) *Element {
	b.tb.Helper()
	return b.find("", css)
}

// FindAll returns the elements matching the CSS selector, in document
// order (none is not an error).
func (b *Browser) FindAll(css string) []*Element {
	b.tb.Helper()
	return b.findAll("", css)
}

// Find returns the first descendant of e matching the CSS selector, and
// fails the test when there is none.
func (e *Element) Find(css string) *Element {
	e.b.tb.Helper()
	return e.b.find("/element/"+e.id, css)
}

// FindAll returns the descendants of e matching the CSS selector.
func (e *Element) FindAll(css string) []*Element {
	e.b.tb.Helper()
	return e.b.findAll("/element/"+e.id, css)
}

func (b *Browser) find(scope, css string) *Element {
	b.tb.Helper()
	var ref map[string]string
	err := b.call(callTimeout, "POST", b.session+scope+"/element",
		map[string]string{"using": "css selector", "value": css}, &ref)
	var wdErr *webDriverError
	if errors.As(err, &wdErr) && wdErr.code == "no such element" {
		b.tb.Fatalf("browser: no element matches %q on %s", css, b.CurrentURL())
	}
	if err != nil {
		b.tb.Fatalf("browser: find %q: %v", css, err)
	}
	return &Element{b: b, id: ref[webElementKey], css: css}
}

func (b *Browser) findAll(scope, css string) []*Element {
	b.tb.Helper()
	var refs []map[string]string
	b.do(fmt.Sprintf("find all %q", css), "POST", scope+"/elements",
		map[string]string{"using": "css selector", "value": css}, &refs)
	els := make([]*Element, len(refs))
	for i, ref := range refs {
		els[i] = &Element{b: b, id: ref[webElementKey], css: css}
	}
	return els
}

// Text returns the element's rendered text, as a user sees it.
func (e *Element) Text() string {
	e.b.tb.Helper()
	var s string
	e.b.do(fmt.Sprintf("text of %q", e.css), "GET", "/element/"+e.id+"/text", nil, &s)
	return s
}

// TextOf returns the rendered text of the first element matching css, or
// "" when there is none or the page is being replaced. It looks the element
// up and reads it again on every call, so it suits Wait conditions over a
// form post: an element found on the old page goes stale once the new page
// arrives, and Find(...).Text() would fail the test there.
func (b *Browser) TextOf(css string) string {
	b.tb.Helper()
	var ref map[string]string
	err := b.call(callTimeout, "POST", b.session+"/element",
		map[string]string{"using": "css selector", "value": css}, &ref)
	if err == nil {
		var s string
		if err = b.call(callTimeout, "GET", b.session+"/element/"+ref[webElementKey]+"/text", nil, &s); err == nil {
			return s
		}
	}
	if replaced(err) {
		return ""
	}
	b.tb.Fatalf("browser: text of %q: %v", css, err)
	return ""
}

// replaced reports whether err says that the element is gone with the page
// it was found on. ChromeDriver reports an element found just before the
// new page replaced the old one either as stale or, when the DevTools node
// is already detached, as an unknown error from its inspector.
func replaced(err error) bool {
	var wdErr *webDriverError
	if !errors.As(err, &wdErr) {
		return false
	}
	switch wdErr.code {
	case "no such element", "stale element reference":
		return true
	case "unknown error":
		return strings.Contains(wdErr.msg, "does not belong to the document") ||
			strings.Contains(wdErr.msg, "No node with given id found")
	}
	return false
}

// Attr returns the element's attribute name, or "" when it has none.
func (e *Element) Attr(name string) string {
	e.b.tb.Helper()
	var s *string
	e.b.do(fmt.Sprintf("attribute %s of %q", name, e.css), "GET",
		"/element/"+e.id+"/attribute/"+url.PathEscape(name), nil, &s)
	if s == nil {
		return ""
	}
	return *s
}

// Click scrolls the element into view and clicks it, and fails the test
// when something else (an overlay) would receive the click.
func (e *Element) Click() {
	e.b.tb.Helper()
	e.b.do(fmt.Sprintf("click %q", e.css), "POST", "/element/"+e.id+"/click", map[string]any{}, nil)
}

// SendKeys types text into the element, as a reader would.
func (e *Element) SendKeys(text string) {
	e.b.tb.Helper()
	e.b.do(fmt.Sprintf("type into %q", e.css), "POST", "/element/"+e.id+"/value", map[string]any{"text": text}, nil)
}

// MarshalJSON encodes e as a WebDriver element reference, so elements can be
// passed to ExecuteScript, where they arrive as DOM nodes.
func (e *Element) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{webElementKey: e.id})
}

// SetWindowSize resizes the window, for instance to a phone's 390×844.
func (b *Browser) SetWindowSize(width, height int) {
	b.tb.Helper()
	b.do("set window size", "POST", "/window/rect", map[string]int{"width": width, "height": height}, nil)
}

// Screenshot returns a PNG image of the visible part of the page.
func (b *Browser) Screenshot() []byte {
	b.tb.Helper()
	var s string
	b.do("screenshot", "GET", "/screenshot", nil, &s)
	png, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b.tb.Fatalf("browser: screenshot: %v", err)
	}
	return png
}

// ExecuteScript runs js as the body of a function called with args (read
// them as arguments[0], …) and returns its result decoded from JSON:
// numbers are float64, objects map[string]any. A thrown exception fails the
// test.
func (b *Browser) ExecuteScript(js string, args ...any) any {
	b.tb.Helper()
	if args == nil {
		args = []any{}
	}
	var v any
	b.do("execute script", "POST", "/execute/sync", map[string]any{"script": js, "args": args}, &v)
	return v
}

// Wait polls cond until it holds, for pages that change after an
// asynchronous request, and fails the test if it does not within ten
// seconds; what describes the condition for the message.
func (b *Browser) Wait(what string, cond func() bool) {
	b.tb.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			b.tb.Fatalf("browser: timed out after %v waiting for %s on %s", waitTimeout, what, b.CurrentURL())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

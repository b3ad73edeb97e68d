package testenv

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// MailpitVersion is the Mailpit that .ci/run installs.
const MailpitVersion = "v1.33.1"

// MailpitOptions configure StartMailpit.
type MailpitOptions struct {
	// CertFile and KeyFile give the server a TLS certificate; with
	// RequireTLS it speaks TLS from the first byte, else it offers (and
	// with RequireSTARTTLS demands) STARTTLS.
	CertFile, KeyFile string
	RequireTLS        bool
	RequireSTARTTLS   bool
	// Auth makes the server accept any user name and password.
	Auth bool
	// IgnoreDuplicateIDs drops a message whose Message-ID was seen
	// before, as mail providers do.
	IgnoreDuplicateIDs bool
	// Chaos sets Mailpit's failure triggers, such as
	// "Recipient:451:0" or "Sender:550:100" (Mailpit's --chaos-triggers).
	Chaos string
}

// Mailpit is a real SMTP server for tests, whose HTTP API lists what it
// received.
type Mailpit struct {
	SMTPHost string
	SMTPPort int
	api      string
	tb       testing.TB
}

// StartMailpit starts Mailpit on free loopback ports with its store in a
// temporary folder; it is stopped when the test ends. Without the mailpit binary the
// test is skipped, unless CI is set. QUIRE_MAILPIT overrides its path
// (default: mailpit on PATH, then in Go's bin folder).
func StartMailpit(tb testing.TB, opts MailpitOptions) *Mailpit {
	tb.Helper()
	bin, err := findMailpit()
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("mail tests need Mailpit (go install github.com/axllent/mailpit@%s): %v", MailpitVersion, err)
		}
		tb.Skipf("skipping mail test: %v", err)
	}
	// A free port can be taken between choosing it and Mailpit binding
	// it (other tests start servers too); choose again then.
	for attempt := 1; ; attempt++ {
		m, taken := startMailpit(tb, bin, opts)
		if !taken {
			return m
		}
		if attempt == 3 {
			tb.Fatalf("mailpit could not bind free ports in %d attempts", attempt)
		}
	}
}

// startMailpit starts Mailpit on two free ports and waits until both
// answer. It reports taken when Mailpit exited because a port was taken.
func startMailpit(tb testing.TB, bin string, opts MailpitOptions) (m *Mailpit, taken bool) {
	tb.Helper()
	smtpPort, httpPort := mustFreePort(tb), mustFreePort(tb)
	args := []string{
		"--smtp", "127.0.0.1:" + strconv.Itoa(smtpPort),
		"--listen", "127.0.0.1:" + strconv.Itoa(httpPort),
		"--database", filepath.Join(tb.TempDir(), "mailpit.db"),
		"--disable-version-check", "--quiet", "--smtp-disable-rdns",
		// Keep every message (the default keeps the newest 500).
		"--max", "0",
	}
	if opts.CertFile != "" {
		args = append(args, "--smtp-tls-cert", opts.CertFile, "--smtp-tls-key", opts.KeyFile)
	}
	if opts.RequireTLS {
		args = append(args, "--smtp-require-tls")
	}
	if opts.RequireSTARTTLS {
		args = append(args, "--smtp-require-starttls")
	}
	if opts.Auth {
		args = append(args, "--smtp-auth-accept-any")
		if opts.CertFile == "" {
			args = append(args, "--smtp-auth-allow-insecure")
		}
	}
	if opts.IgnoreDuplicateIDs {
		args = append(args, "--ignore-duplicate-ids")
	}
	if opts.Chaos != "" {
		args = append(args, "--enable-chaos", "--chaos-triggers", opts.Chaos)
	}
	cmd := exec.Command(bin, args...)
	out := driverOutput{sent: true} // no port to look for in the output
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("mailpit: %v", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	tb.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	})
	m = &Mailpit{SMTPHost: "127.0.0.1", SMTPPort: smtpPort, api: "http://127.0.0.1:" + strconv.Itoa(httpPort), tb: tb}
	deadline := time.Now().Add(driverStartTimeout)
	for {
		select {
		case <-done:
			if strings.Contains(out.String(), "address already in use") {
				return nil, true
			}
			tb.Fatalf("mailpit exited at start: %s", out.String())
		default:
		}
		if resp, err := http.Get(m.api + "/api/v1/info"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("mailpit did not start in %s: %s", driverStartTimeout, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The SMTP listener may open a little after the web one.
	for {
		c, err := net.DialTimeout("tcp", net.JoinHostPort(m.SMTPHost, strconv.Itoa(smtpPort)), time.Second)
		if err == nil {
			c.Close()
			return m, false
		}
		if time.Now().After(deadline) {
			tb.Fatalf("mailpit's SMTP port did not open: %v; %s", err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func findMailpit() (string, error) {
	if p, err := findBinary("QUIRE_MAILPIT", "mailpit"); err == nil {
		return p, nil
	}
	gobin := os.Getenv("GOBIN")
	if gobin == "" {
		gopath := os.Getenv("GOPATH")
		if gopath == "" {
			home, _ := os.UserHomeDir()
			gopath = filepath.Join(home, "go")
		}
		gobin = filepath.Join(strings.Split(gopath, string(os.PathListSeparator))[0], "bin")
	}
	if p := filepath.Join(gobin, "mailpit"); isExecutable(p) {
		return p, nil
	}
	return "", fmt.Errorf("mailpit not found on PATH or in %s", gobin)
}

func mustFreePort(tb testing.TB) int {
	tb.Helper()
	p, err := freePort()
	if err != nil {
		tb.Fatalf("finding a free port: %v", err)
	}
	return p
}

// MailAddress is an address as Mailpit reports it.
type MailAddress struct {
	Name    string
	Address string
}

// MailSummary is a received message as Mailpit lists it.
type MailSummary struct {
	ID        string
	MessageID string
	From      MailAddress
	To        []MailAddress
	Subject   string
	Created   time.Time
}

// MailMessage is a received message with its parts.
type MailMessage struct {
	MailSummary
	Text string
	HTML string
}

// Messages returns every message received so far, newest first.
func (m *Mailpit) Messages() []MailSummary {
	m.tb.Helper()
	var all []MailSummary
	for {
		var out struct{ Messages []MailSummary }
		m.get(fmt.Sprintf("/api/v1/messages?limit=1000&start=%d", len(all)), &out)
		all = append(all, out.Messages...)
		if len(out.Messages) < 1000 {
			return all
		}
	}
}

// Count returns how many messages have arrived so far.
func (m *Mailpit) Count() int {
	m.tb.Helper()
	var out struct {
		Total int `json:"messages_count"`
	}
	m.get("/api/v1/messages?limit=1", &out)
	return out.Total
}

// Message returns one received message with its text and HTML parts.
func (m *Mailpit) Message(id string) *MailMessage {
	m.tb.Helper()
	var out MailMessage
	m.get("/api/v1/message/"+url.PathEscape(id), &out)
	return &out
}

// Headers returns one received message's header fields.
func (m *Mailpit) Headers(id string) map[string][]string {
	m.tb.Helper()
	out := map[string][]string{}
	m.get("/api/v1/message/"+url.PathEscape(id)+"/headers", &out)
	return out
}

// Raw returns one received message as the server received it.
func (m *Mailpit) Raw(id string) []byte {
	m.tb.Helper()
	var raw []byte
	m.get("/api/v1/message/"+url.PathEscape(id)+"/raw", &raw)
	return raw
}

// WaitMessages waits until at least n messages have arrived and returns
// them, newest first.
func (m *Mailpit) WaitMessages(n int) []MailSummary {
	m.tb.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		msgs := m.Messages()
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			m.tb.Fatalf("mailpit: %d messages after %s, want %d", len(msgs), waitTimeout, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// get fetches an API path into out: JSON, or the body itself when out is
// a *[]byte.
func (m *Mailpit) get(path string, out any) {
	m.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, m.api+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		m.tb.Fatalf("mailpit: GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		m.tb.Fatalf("mailpit: GET %s: %s %v: %s", path, resp.Status, err, body)
	}
	if raw, ok := out.(*[]byte); ok {
		*raw = body
		return
	}
	if err := json.Unmarshal(body, out); err != nil {
		m.tb.Fatalf("mailpit: GET %s: %v", path, err)
	}
}

package mail_test

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"quire/internal/mail"
)

// TestMessageBytes parses the encoded message back with the standard
// library and finds every field and both parts as they were given.
func TestMessageBytes(t *testing.T) {
	m := testMessage("reader@example.net")
	m.Text = "Zürich — " + strings.Repeat("a long line of text ", 40) + "\n.\nend"
	m.Date = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	m.MessageID = "abc@example.org"
	raw, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 78 {
			t.Errorf("line %d has %d bytes: %q", i, len(line), line)
		}
	}
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
		t.Error("a bare LF in the message")
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Errorf("Subject = %q, %v", subject, err)
	}
	if got := msg.Header.Get("Message-Id"); got != "<abc@example.org>" {
		t.Errorf("Message-ID = %q", got)
	}
	if d, err := msg.Header.Date(); err != nil || !d.Equal(m.Date) {
		t.Errorf("Date = %v, %v", d, err)
	}
	from, err := msg.Header.AddressList("From")
	if err != nil || from[0].Address != "quire@example.org" || from[0].Name != "Quire" {
		t.Errorf("From = %v, %v", from, err)
	}
	typ, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || typ != "multipart/alternative" {
		t.Fatalf("Content-Type = %q, %v", typ, err)
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	var parts []string
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(quotedprintable.NewReader(p))
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, p.Header.Get("Content-Type")+"|"+strings.ReplaceAll(string(body), "\r\n", "\n"))
	}
	want := []string{"text/plain; charset=utf-8|" + m.Text, "text/html; charset=utf-8|" + m.HTML}
	if len(parts) != 2 || parts[0] != want[0] || parts[1] != want[1] {
		t.Errorf("parts = %q\nwant %q", parts, want)
	}
}

func TestMessageTextOnly(t *testing.T) {
	m := testMessage("reader@example.net")
	m.HTML = ""
	raw, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get("Content-Type"); got != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	if msg.Header.Get("Date") == "" || !strings.HasSuffix(msg.Header.Get("Message-Id"), "@example.org>") {
		t.Errorf("Date %q, Message-ID %q: want defaults", msg.Header.Get("Date"), msg.Header.Get("Message-Id"))
	}
}

// TestMessageRefused lists messages that must not be written: header
// injection through any field, missing parts, bad addresses.
func TestMessageRefused(t *testing.T) {
	for name, change := range map[string]func(*mail.Message){
		"no text":             func(m *mail.Message) { m.Text = " \n" },
		"no recipient":        func(m *mail.Message) { m.To = netmail.Address{} },
		"bad recipient":       func(m *mail.Message) { m.To.Address = "not an address" },
		"recipient injection": func(m *mail.Message) { m.To.Address = "a@example.net\r\nBcc: b@example.net" },
		"name injection":      func(m *mail.Message) { m.From.Name = "Quire\r\nBcc: b@example.net" },
		"header injection":    func(m *mail.Message) { m.Header["List-Id"] = "x\r\nBcc: b@example.net" },
		"header name":         func(m *mail.Message) { m.Header["Bad Name:"] = "x" },
		"fixed header":        func(m *mail.Message) { m.Header["content-type"] = "text/html" },
		"non-ASCII value":     func(m *mail.Message) { m.Header["List-Id"] = "Zürich" },
	} {
		m := testMessage("reader@example.net")
		change(m)
		if _, err := m.Bytes(); err == nil {
			t.Errorf("%s: Bytes succeeded", name)
		}
	}
	// A subject with a line break is encoded, not injected.
	m := testMessage("reader@example.net")
	m.Subject = "Hi\r\nBcc: b@example.net"
	raw, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if msg.Header.Get("Bcc") != "" {
		t.Error("the subject injected a Bcc header")
	}
}

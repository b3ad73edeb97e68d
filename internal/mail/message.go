// Package mail writes e-mail messages (RFC 5322, MIME) and delivers them
// over SMTP. Quire sends two kinds: account mail (address confirmation,
// password reset) and digests; both go through a Sender.
package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"sort"
	"strings"
	"time"
)

// Message is one e-mail. Text is required; with HTML too, the message is
// multipart/alternative with the plain text first, as RFC 2046 orders the
// parts from the plainest to the richest.
type Message struct {
	From    mail.Address
	To      mail.Address
	Subject string
	Text    string
	HTML    string
	// Date and MessageID default to now and a random ID at the From
	// domain when zero.
	Date      time.Time
	MessageID string
	// Header holds further header fields, such as List-Id and
	// List-Unsubscribe; values are written as given (they must be ASCII).
	Header map[string]string
}

// MaxHeaderValueLen bounds a header value given in Message.Header.
const MaxHeaderValueLen = 2000

// fixed header fields that Header may not override.
var fixed = map[string]bool{
	"From": true, "To": true, "Subject": true, "Date": true, "Message-Id": true,
	"Mime-Version": true, "Content-Type": true, "Content-Transfer-Encoding": true,
}

// Validate reports what makes m unsendable.
func (m *Message) Validate() error {
	var errs []error
	if err := checkAddress("From", m.From); err != nil {
		errs = append(errs, err)
	}
	if err := checkAddress("To", m.To); err != nil {
		errs = append(errs, err)
	}
	if strings.TrimSpace(m.Text) == "" {
		errs = append(errs, errors.New("mail: the message has no text"))
	}
	for k, v := range m.Header {
		canon := canonical(k)
		switch {
		case fixed[canon]:
			errs = append(errs, fmt.Errorf("mail: header %s is set by the message itself", canon))
		case !isFieldName(k):
			errs = append(errs, fmt.Errorf("mail: %q is not a header field name", k))
		case len(v) > MaxHeaderValueLen || !isHeaderValue(v):
			errs = append(errs, fmt.Errorf("mail: the value of header %s must be printable ASCII on one line", canon))
		}
	}
	return errors.Join(errs...)
}

func checkAddress(field string, a mail.Address) error {
	if a.Address == "" {
		return fmt.Errorf("mail: no %s address", field)
	}
	if strings.ContainsAny(a.Address+a.Name, "\r\n") {
		return fmt.Errorf("mail: the %s address has a line break", field)
	}
	if _, err := mail.ParseAddress(a.Address); err != nil {
		return fmt.Errorf("mail: %s address %q: %w", field, a.Address, err)
	}
	return nil
}

// Bytes encodes m as a message ready for SMTP's DATA: CRLF line endings,
// encoded words for non-ASCII header text and quoted-printable bodies, so
// every line stays within SMTP's limits whatever the text.
func (m *Message) Bytes() ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	id := m.MessageID
	if id == "" {
		id = NewMessageID(m.From.Address)
	}
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", m.From.String())
	header("To", m.To.String())
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", "<"+strings.Trim(id, "<>")+">")
	keys := make([]string, 0, len(m.Header))
	for k := range m.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		header(canonical(k), m.Header[k])
	}
	header("MIME-Version", "1.0")
	if m.HTML == "" {
		writePart(&b, "text/plain", m.Text)
		return b.Bytes(), nil
	}
	boundary := "quire-" + randomHex(12)
	header("Content-Type", `multipart/alternative; boundary="`+boundary+`"`)
	b.WriteString("\r\n")
	for _, p := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		b.WriteString("--" + boundary + "\r\n")
		writePart(&b, p.typ, p.body)
		b.WriteString("\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	return b.Bytes(), nil
}

// writePart writes a part's Content-Type, its encoding and its body.
func writePart(b *bytes.Buffer, typ, body string) {
	fmt.Fprintf(b, "Content-Type: %s; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", typ)
	w := quotedprintable.NewWriter(b)
	// Line breaks become CRLF first; the writer keeps them as hard breaks.
	w.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")))
	w.Close()
}

// NewMessageID returns a globally unique message ID (without angle
// brackets) at the domain of the address from.
func NewMessageID(from string) string {
	domain := "quire.invalid"
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i < len(from)-1 {
		domain = from[i+1:]
	}
	return fmt.Sprintf("%d.%s@%s", time.Now().UnixNano(), randomHex(8), domain)
}

func randomHex(n int) string {
	buf := make([]byte, n)
	rand.Read(buf)
	return hex.EncodeToString(buf)
}

func canonical(k string) string {
	parts := strings.Split(k, "-")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + strings.ToLower(p[1:])
		}
	}
	return strings.Join(parts, "-")
}

// isFieldName reports whether s is a header field name (RFC 5322 §3.6.8).
func isFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == ':' {
			return false
		}
	}
	return true
}

func isHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < ' ' && c != '\t') || c >= 0x7f {
			return false
		}
	}
	return true
}

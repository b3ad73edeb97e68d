package mail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"quire/internal/mail"
	"quire/internal/testenv"
)

func testMessage(to string) *mail.Message {
	return &mail.Message{
		From:    netmail.Address{Name: "Quire", Address: "quire@example.org"},
		To:      netmail.Address{Address: to},
		Subject: "Confirm your address — Quire",
		Text:    "Hello,\n\nconfirm here: https://quire.example/confirm?t=abc\n",
		HTML:    `<p>Hello,</p><p><a href="https://quire.example/confirm?t=abc">Confirm</a></p>`,
		Header:  map[string]string{"List-Id": "<daily.quire.example>"},
	}
}

func mustSender(tb testing.TB, cfg mail.SMTPConfig) *mail.SMTP {
	tb.Helper()
	s, err := mail.NewSMTP(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// TestSendSecurities delivers one message under each kind of connection
// security and reads it back from the server.
func TestSendSecurities(t *testing.T) {
	cert, key, pool := selfSignedCert(t)
	tests := []struct {
		name string
		opts testenv.MailpitOptions
		cfg  mail.SMTPConfig
	}{
		{"plain", testenv.MailpitOptions{}, mail.SMTPConfig{Security: mail.Plain}},
		{"plain with auth", testenv.MailpitOptions{Auth: true}, mail.SMTPConfig{Security: mail.Plain, Username: "quire", Password: "secret"}},
		{"starttls with auth", testenv.MailpitOptions{CertFile: cert, KeyFile: key, RequireSTARTTLS: true, Auth: true},
			mail.SMTPConfig{Security: mail.StartTLS, Username: "quire", Password: "secret", TLS: &tls.Config{RootCAs: pool}}},
		{"implicit tls", testenv.MailpitOptions{CertFile: cert, KeyFile: key, RequireTLS: true},
			mail.SMTPConfig{Security: mail.ImplicitTLS, TLS: &tls.Config{RootCAs: pool}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mp := testenv.StartMailpit(t, tt.opts)
			cfg := tt.cfg
			cfg.Host, cfg.Port = mp.SMTPHost, mp.SMTPPort
			if err := mustSender(t, cfg).Send(context.Background(), testMessage("reader@example.net")); err != nil {
				t.Fatalf("Send: %v", err)
			}
			msgs := mp.WaitMessages(1)
			got := mp.Message(msgs[0].ID)
			if got.Subject != "Confirm your address — Quire" {
				t.Errorf("Subject = %q", got.Subject)
			}
			if len(got.To) != 1 || got.To[0].Address != "reader@example.net" {
				t.Errorf("To = %+v", got.To)
			}
			if !strings.Contains(got.Text, "https://quire.example/confirm?t=abc") {
				t.Errorf("text part = %q", got.Text)
			}
			if !strings.Contains(got.HTML, `href="https://quire.example/confirm?t=abc"`) {
				t.Errorf("HTML part = %q", got.HTML)
			}
			h := mp.Headers(msgs[0].ID)
			if h["List-Id"][0] != "<daily.quire.example>" {
				t.Errorf("List-Id = %q", h["List-Id"])
			}
		})
	}
}

// TestStartTLSRequired refuses to send in the clear when STARTTLS was asked
// for and the server does not offer it.
func TestStartTLSRequired(t *testing.T) {
	mp := testenv.StartMailpit(t, testenv.MailpitOptions{})
	s := mustSender(t, mail.SMTPConfig{Host: mp.SMTPHost, Port: mp.SMTPPort, Security: mail.StartTLS})
	err := s.Send(context.Background(), testMessage("reader@example.net"))
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("Send = %v, want a STARTTLS error", err)
	}
	if n := len(mp.Messages()); n != 0 {
		t.Errorf("%d messages arrived", n)
	}
}

// TestRefusals tells temporary refusals (4xx) from permanent ones (5xx), as
// the digest outbox needs to decide between retrying and giving up.
func TestRefusals(t *testing.T) {
	for _, tt := range []struct {
		chaos     string
		permanent bool
	}{
		{"Recipient:451:100", false},
		{"Recipient:550:100", true},
		{"Sender:421:100", false},
		{"Sender:554:100", true},
	} {
		t.Run(tt.chaos, func(t *testing.T) {
			mp := testenv.StartMailpit(t, testenv.MailpitOptions{Chaos: tt.chaos})
			s := mustSender(t, mail.SMTPConfig{Host: mp.SMTPHost, Port: mp.SMTPPort, Security: mail.Plain})
			err := s.Send(context.Background(), testMessage("reader@example.net"))
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if got := mail.Permanent(err); got != tt.permanent {
				t.Errorf("Permanent(%v) = %v, want %v", err, got, tt.permanent)
			}
		})
	}
}

// TestSendUnreachable fails clearly, as temporary, when nothing listens.
func TestSendUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := mustSender(t, mail.SMTPConfig{Host: "127.0.0.1", Port: port, Security: mail.Plain, Timeout: 5 * time.Second})
	err = s.Send(context.Background(), testMessage("reader@example.net"))
	if err == nil || mail.Permanent(err) || !strings.Contains(err.Error(), "connecting") {
		t.Fatalf("Send = %v, want a temporary connection error", err)
	}
}

// TestSendStalledServer gives up when the server never answers, at the
// context's end.
func TestSendStalledServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // accept, say nothing
		}
	}()
	s := mustSender(t, mail.SMTPConfig{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, Security: mail.Plain})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := s.Send(ctx, testMessage("reader@example.net")); err == nil {
		t.Fatal("Send succeeded against a silent server")
	}
}

func TestNewSMTPConfig(t *testing.T) {
	for _, cfg := range []mail.SMTPConfig{
		{Port: 25, Security: mail.Plain},
		{Host: "mail.example", Port: 0, Security: mail.Plain},
		{Host: "mail.example", Port: 70000, Security: mail.Plain},
		{Host: "mail.example", Port: 25, Security: "ssl"},
	} {
		if _, err := mail.NewSMTP(cfg); err == nil {
			t.Errorf("NewSMTP(%+v) succeeded", cfg)
		}
	}
}

// selfSignedCert writes a certificate for 127.0.0.1 and its key, and
// returns their paths and a pool that trusts the certificate.
func selfSignedCert(tb testing.TB) (certFile, keyFile string, pool *x509.CertPool) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"strconv"
	"sync"
	"time"
)

// Security is how the connection to the SMTP server is protected.
type Security string

const (
	// StartTLS upgrades a plain connection (usually port 587) and refuses
	// to go on when the server cannot.
	StartTLS Security = "starttls"
	// ImplicitTLS speaks TLS from the first byte (usually port 465).
	ImplicitTLS Security = "tls"
	// Plain sends in the clear: only for a relay on the same machine or a
	// test server.
	Plain Security = "none"
)

// ParseSecurity reads a Security from configuration.
func ParseSecurity(s string) (Security, error) {
	switch sec := Security(s); sec {
	case StartTLS, ImplicitTLS, Plain:
		return sec, nil
	}
	return "", fmt.Errorf("mail: unknown SMTP security %q (want starttls, tls or none)", s)
}

// SMTPConfig says where and how mail is sent.
type SMTPConfig struct {
	Host     string
	Port     int
	Security Security
	// Username and Password authenticate with AUTH PLAIN when Username is
	// set; net/smtp refuses to send them unencrypted except to localhost.
	Username, Password string
	// HelloName is the name given in EHLO ("localhost" when empty).
	HelloName string
	// Timeout bounds one delivery, from dialling to QUIT (30 s when zero).
	Timeout time.Duration
	// TLS, when set, replaces the default TLS settings (tests use it to
	// trust their own certificate).
	TLS *tls.Config
	// PerSecond, when positive, spaces deliveries to at most that many a
	// second, as many providers require.
	PerSecond float64
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m *Message) error
}

// SMTP delivers each message over its own connection to one server.
type SMTP struct {
	cfg SMTPConfig

	mu   sync.Mutex
	next time.Time // earliest start of the next delivery (PerSecond)
}

// NewSMTP checks cfg and returns a sender that uses it.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.Host == "" {
		return nil, errors.New("mail: no SMTP host")
	}
	if cfg.Port <= 0 || cfg.Port > 65535 {
		return nil, fmt.Errorf("mail: SMTP port %d is out of range", cfg.Port)
	}
	if _, err := ParseSecurity(string(cfg.Security)); err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.HelloName == "" {
		cfg.HelloName = "localhost"
	}
	return &SMTP{cfg: cfg}, nil
}

// Error is a reply of the SMTP server that refused a message.
type Error struct {
	Code int
	Msg  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("mail: the SMTP server answered %d %s", e.Code, e.Msg)
}

// Permanent reports whether err is a refusal that sending again will not
// change (an SMTP 5xx reply); connection failures and 4xx replies are
// temporary.
func Permanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code >= 500
}

// Send delivers m, waiting first if PerSecond requires it. It returns nil
// only once the server has accepted the message.
func (s *SMTP) Send(ctx context.Context, m *Message) error {
	raw, err := m.Bytes()
	if err != nil {
		return err
	}
	if err := s.wait(ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	conn, err := s.dial(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// The deadline covers the whole conversation; closing the connection
	// when ctx ends interrupts a server that stalls.
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if err := s.converse(conn, m, raw); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("mail: sending to %s: %w", s.addr(), ctx.Err())
		}
		return err
	}
	return nil
}

func (s *SMTP) addr() string { return net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port)) }

func (s *SMTP) tlsConfig() *tls.Config {
	if s.cfg.TLS != nil {
		c := s.cfg.TLS.Clone()
		if c.ServerName == "" {
			c.ServerName = s.cfg.Host
		}
		return c
	}
	return &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}
}

func (s *SMTP) dial(ctx context.Context) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.addr())
	if err != nil {
		return nil, fmt.Errorf("mail: connecting to the SMTP server: %w", err)
	}
	if s.cfg.Security != ImplicitTLS {
		return conn, nil
	}
	tc := tls.Client(conn, s.tlsConfig())
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("mail: TLS with the SMTP server: %w", err)
	}
	return tc, nil
}

func (s *SMTP) converse(conn net.Conn, m *Message, raw []byte) error {
	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		return smtpError("greeting", err)
	}
	defer c.Close()
	if err := c.Hello(s.cfg.HelloName); err != nil {
		return smtpError("EHLO", err)
	}
	if s.cfg.Security == StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("mail: the SMTP server does not offer STARTTLS; set the security to tls or none")
		}
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return smtpError("STARTTLS", err)
		}
	}
	if s.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)); err != nil {
			return smtpError("AUTH", err)
		}
	}
	if err := c.Mail(m.From.Address); err != nil {
		return smtpError("MAIL FROM", err)
	}
	if err := c.Rcpt(m.To.Address); err != nil {
		return smtpError("RCPT TO", err)
	}
	w, err := c.Data()
	if err != nil {
		return smtpError("DATA", err)
	}
	if _, err := w.Write(raw); err != nil {
		return smtpError("DATA", err)
	}
	if err := w.Close(); err != nil {
		return smtpError("end of DATA", err)
	}
	// The message is accepted; a failing QUIT does not undo that.
	c.Quit()
	return nil
}

// smtpError turns a server's reply into an *Error and keeps other failures
// (network, TLS) as they are, saying at which step they happened.
func smtpError(step string, err error) error {
	var te *textproto.Error
	if errors.As(err, &te) {
		return fmt.Errorf("mail: %s: %w", step, &Error{Code: te.Code, Msg: te.Msg})
	}
	return fmt.Errorf("mail: %s: %w", step, err)
}

// wait blocks until the next delivery may start under PerSecond.
func (s *SMTP) wait(ctx context.Context) error {
	if s.cfg.PerSecond <= 0 {
		return nil
	}
	gap := time.Duration(float64(time.Second) / s.cfg.PerSecond)
	s.mu.Lock()
	now := time.Now()
	start := s.next
	if start.Before(now) {
		start = now
	}
	s.next = start.Add(gap)
	s.mu.Unlock()
	if d := time.Until(start); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

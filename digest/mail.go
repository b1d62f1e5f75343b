package digest

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
)

// Mail is one message to one recipient.
type Mail struct {
	From      string
	To        string
	Subject   string
	MessageID string // without the angle brackets
	Date      time.Time
	Text      string
	HTML      string
}

// Mailer sends mails; SMTPMailer is the real one.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// SendError is a failed send, classified: Temporary ones (4xx replies,
// network failures, timeouts) are retried, the others (5xx) are not.
type SendError struct {
	Temporary bool
	Code      int // SMTP reply code or HTTP status, 0 when none
	Err       error
}

func (e *SendError) Error() string { return e.Err.Error() }
func (e *SendError) Unwrap() error { return e.Err }

// temporary reports whether err is worth retrying; errors that are not
// SendErrors are network or local failures, which are.
func temporary(err error) bool {
	var se *SendError
	if errors.As(err, &se) {
		return se.Temporary
	}
	return true
}

// SMTPOptions configures the SMTP client.
type SMTPOptions struct {
	Host     string
	Port     int
	Username string
	Password string
	// TLS is "starttls" (required), "tls" (implicit TLS, port 465 style) or
	// "none", which is refused unless Host is a loopback address. Empty
	// means starttls, or opportunistic STARTTLS on loopback.
	TLS string
	// Timeout bounds the connection and each step of the SMTP dialogue, so a
	// server that accepts and never answers cannot hold a send forever.
	Timeout time.Duration
	// TLSConfig overrides the TLS settings (tests use a private CA).
	TLSConfig *tls.Config
	HELO      string

	// wrap, set by tests, wraps the connection (to cut it mid-message).
	wrap func(net.Conn) net.Conn
}

// SMTPMailer sends each mail over its own SMTP connection.
type SMTPMailer struct {
	o SMTPOptions
}

// NewSMTPMailer checks the options and returns a mailer.
func NewSMTPMailer(o SMTPOptions) (*SMTPMailer, error) {
	if o.Host == "" {
		return nil, errors.New("smtp: no host configured")
	}
	if o.Port == 0 {
		switch o.TLS {
		case "tls":
			o.Port = 465
		case "none":
			o.Port = 25
		default:
			o.Port = 587
		}
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	switch o.TLS {
	case "", "starttls", "tls":
	case "none":
		if !isLoopback(o.Host) {
			return nil, fmt.Errorf("smtp: tls: none sends mail and password in clear; it is allowed for a loopback host only, not %s", o.Host)
		}
	default:
		return nil, fmt.Errorf("smtp: unknown tls mode %q (use starttls, tls or none)", o.TLS)
	}
	if o.TLSConfig == nil {
		o.TLSConfig = &tls.Config{ServerName: o.Host, MinVersion: tls.VersionTLS12}
	}
	return &SMTPMailer{o: o}, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send delivers m. The context cancels the whole dialogue, not only the
// dial: the connection is closed when ctx is done.
func (s *SMTPMailer) Send(ctx context.Context, m Mail) error {
	msg, err := buildMsg(m)
	if err != nil {
		return &SendError{Err: fmt.Errorf("build message: %w", err)}
	}
	opts := []mail.Option{
		mail.WithPort(s.o.Port),
		mail.WithTimeout(s.o.Timeout),
		mail.WithDialContextFunc(func(dctx context.Context, network, addr string) (net.Conn, error) {
			return s.dial(dctx, ctx, network, addr)
		}),
		mail.WithTLSConfig(s.o.TLSConfig),
	}
	switch {
	case s.o.TLS == "tls" || s.o.TLS == "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	case s.o.TLS == "" && isLoopback(s.o.Host):
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if s.o.HELO != "" {
		opts = append(opts, mail.WithHELO(s.o.HELO))
	}
	if s.o.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(s.o.Username), mail.WithPassword(s.o.Password))
	}
	c, err := mail.NewClient(s.o.Host, opts...)
	if err != nil {
		return &SendError{Err: fmt.Errorf("smtp client: %w", err)}
	}
	err = c.DialAndSendWithContext(ctx, msg)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("smtp %s: %w (%v)", s.o.Host, ctx.Err(), err)
	}
	return classifySMTP(s.o.Host, err)
}

// dial opens the connection (TLS first for implicit TLS, since a custom
// dialer bypasses go-mail's) and ties it to the context, so that
// cancelling a send stops it mid-dialogue like a killed process would.
//
// dctx is go-mail's dial context, cancelled as soon as the dial returns;
// ctx is the send's.
func (s *SMTPMailer) dial(dctx, ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: s.o.Timeout}
	conn, err := d.DialContext(dctx, network, addr)
	if err != nil {
		return nil, err
	}
	if s.o.TLS == "tls" {
		tc := tls.Client(conn, s.o.TLSConfig)
		hctx, cancel := context.WithTimeout(dctx, s.o.Timeout)
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("tls handshake: %w", err)
		}
		conn = tc
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	var c net.Conn = &ctxConn{Conn: conn, stop: stop}
	if s.o.wrap != nil {
		c = s.o.wrap(c)
	}
	return c, nil
}

type ctxConn struct {
	net.Conn
	stop func() bool
}

func (c *ctxConn) Close() error {
	c.stop()
	return c.Conn.Close()
}

// classifySMTP sorts an error of go-mail into temporary and permanent.
func classifySMTP(host string, err error) error {
	wrapped := fmt.Errorf("smtp %s: %w", host, err)
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return &SendError{Temporary: tp.Code < 500, Code: tp.Code, Err: wrapped}
	}
	var se *mail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		switch {
		case code >= 500:
			return &SendError{Code: code, Err: wrapped}
		case code >= 400:
			return &SendError{Temporary: true, Code: code, Err: wrapped}
		case se.Reason == mail.ErrGetSender || se.Reason == mail.ErrGetRcpts || se.Reason == mail.ErrNoUnencoded:
			return &SendError{Err: wrapped} // our message is wrong; retrying will not fix it
		}
	}
	// Network failures, timeouts, a server gone mid-dialogue.
	return &SendError{Temporary: true, Err: wrapped}
}

func buildMsg(m Mail) (*mail.Msg, error) {
	msg := mail.NewMsg(mail.WithCharset(mail.CharsetUTF8), mail.WithEncoding(mail.EncodingQP))
	if err := msg.From(m.From); err != nil {
		return nil, fmt.Errorf("from %q: %w", m.From, err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("to %q: %w", m.To, err)
	}
	msg.Subject(Subject(m.Subject))
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDateWithValue(m.Date)
	msg.SetUserAgent("veille")
	// RFC 3834: tell auto-responders not to answer.
	msg.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

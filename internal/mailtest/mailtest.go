// Package mailtest is the one SMTP server tests send real mail to: an
// emersion/go-smtp server on loopback that keeps what it receives and
// whose answers a test can script (refuse a recipient, fail or never
// answer a DATA). Only tests import it.
package mailtest

import (
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	smtp "github.com/emersion/go-smtp"
)

// Message is a mail as the server received it.
type Message struct {
	From string
	To   []string
	Data []byte
}

// Server is a real SMTP server on 127.0.0.1.
type Server struct {
	Addr string
	Port int

	// OnData, when set, decides the answer to the n-th DATA (1-based)
	// after the message has been read; returning ErrHang makes the server
	// keep the message and never answer.
	OnData func(n int, m Message) error
	// OnRcpt, when set, answers RCPT TO.
	OnRcpt func(to string) error
	// MidData, when set, is called with the DATA count once the first
	// bytes of a message have arrived, before the rest is read.
	MidData func(n int)

	mu        sync.Mutex
	msgs      []Message
	dataCalls int // DATA commands, accepted or not
	hang      chan struct{}
}

// ErrHang, returned by OnData, leaves the client waiting for a reply that
// never comes (until the test ends).
var ErrHang = errors.New("hang")

// NewServer starts a server for the test; it stops when the test ends.
func NewServer(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{hang: make(chan struct{})}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	s.Port = ln.Addr().(*net.TCPAddr).Port
	go srv.Serve(ln)
	tb.Cleanup(func() {
		close(s.hang)
		srv.Close()
	})
	return s
}

// Messages is what the server has kept, in the order received.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Count is how many messages the server has kept.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.msgs)
}

// To is the messages one of whose recipients is addr (case aside).
func (s *Server) To(addr string) []Message {
	var out []Message
	for _, m := range s.Messages() {
		for _, r := range m.To {
			if strings.EqualFold(r, addr) {
				out = append(out, m)
			}
		}
	}
	return out
}

// Error is an SMTP reply with that code, for OnData and OnRcpt.
func Error(code int, msg string) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: msg}
}

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if f := x.s.OnRcpt; f != nil {
		if err := f(to); err != nil {
			return err
		}
	}
	x.to = append(x.to, to)
	return nil
}
func (x *session) Data(r io.Reader) error {
	head := make([]byte, 64)
	k, err := io.ReadFull(r, head)
	if err != nil && err != io.ErrUnexpectedEOF {
		return err
	}
	x.s.mu.Lock()
	mid, next := x.s.MidData, x.s.dataCalls+1
	x.s.mu.Unlock()
	if mid != nil {
		mid(next)
	}
	rest, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg := Message{From: x.from, To: append([]string(nil), x.to...), Data: append(head[:k], rest...)}
	x.s.mu.Lock()
	x.s.dataCalls++
	n := x.s.dataCalls
	f := x.s.OnData
	x.s.mu.Unlock()
	if f != nil {
		if err := f(n, msg); err != nil {
			if errors.Is(err, ErrHang) {
				// The message is complete and the server has it (RFC 1047:
				// it will deliver it), but the reply never leaves.
				x.s.keep(msg)
				<-x.s.hang
				return errors.New("closing")
			}
			return err
		}
	}
	x.s.keep(msg)
	return nil
}

func (s *Server) keep(m Message) {
	s.mu.Lock()
	s.msgs = append(s.msgs, m)
	s.mu.Unlock()
}

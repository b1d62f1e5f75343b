package server

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	smtp "github.com/emersion/go-smtp"
)

// loopSMTP is a real SMTP server (emersion/go-smtp) on loopback that keeps
// what it receives; the digest tests have a scriptable one of their own.
type loopSMTP struct {
	port int
	mu   sync.Mutex
	msgs []loopMsg
}

type loopMsg struct {
	To   string
	Body string // decoded text
}

func newLoopSMTP(t testing.TB) *loopSMTP {
	t.Helper()
	s := &loopSMTP{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &loopSession{s: s}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, p, _ := net.SplitHostPort(ln.Addr().String())
	s.port, _ = strconv.Atoi(p)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

type loopSession struct {
	s  *loopSMTP
	to []string
}

func (x *loopSession) Reset()                                    { x.to = nil }
func (x *loopSession) Logout() error                             { return nil }
func (x *loopSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (x *loopSession) Rcpt(to string, _ *smtp.RcptOptions) error { x.to = append(x.to, to); return nil }
func (x *loopSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	body := decodeMail(b)
	x.s.mu.Lock()
	for _, to := range x.to {
		x.s.msgs = append(x.s.msgs, loopMsg{To: strings.ToLower(to), Body: body})
	}
	x.s.mu.Unlock()
	return nil
}

// decodeMail returns the text of a single-part mail, transfer-decoded.
func decodeMail(b []byte) string {
	m, err := mail.ReadMessage(bytes.NewReader(b))
	if err != nil {
		return string(b)
	}
	var r io.Reader = m.Body
	switch strings.ToLower(m.Header.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	}
	text, _ := io.ReadAll(r)
	return string(text)
}

func (s *loopSMTP) to(addr string) []loopMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []loopMsg
	for _, m := range s.msgs {
		if m.To == strings.ToLower(addr) {
			out = append(out, m)
		}
	}
	return out
}

func (s *loopSMTP) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.msgs)
}

var signinLinkRE = regexp.MustCompile(`https?://\S+/signin/[A-Za-z0-9_-]+`)

// waitLink waits for the n-th mail to addr and returns the sign-in link in it.
func (s *loopSMTP) waitLink(t testing.TB, addr string, n int) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ms := s.to(addr); len(ms) >= n {
			link := signinLinkRE.FindString(ms[n-1].Body)
			if link == "" {
				t.Fatalf("no sign-in link in the mail to %s:\n%s", addr, ms[n-1].Body)
			}
			return link
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no mail #%d to %s within 10s", n, addr)
	return ""
}

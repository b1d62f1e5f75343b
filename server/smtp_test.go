package server

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille/internal/mailtest"
)

// loopSMTP is the shared loopback SMTP server (internal/mailtest) with
// what the members' tests read: decoded bodies and sign-in links.
type loopSMTP struct {
	*mailtest.Server
	port int
}

type loopMsg struct {
	To   string
	Body string // decoded text
}

func newLoopSMTP(t testing.TB) *loopSMTP {
	t.Helper()
	s := mailtest.NewServer(t)
	return &loopSMTP{Server: s, port: s.Port}
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
	var out []loopMsg
	for _, m := range s.Server.To(addr) {
		out = append(out, loopMsg{To: strings.ToLower(addr), Body: decodeMail(m.Data)})
	}
	return out
}

func (s *loopSMTP) count() int { return s.Server.Count() }

var signinLinkRE = regexp.MustCompile(`https?://\S+/signin/[A-Za-z0-9_-]+(\?next=[A-Za-z0-9%._~-]+)?`)

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

package digest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/nogentech/veille/internal/i18n"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/store"
)

// Options wires a Notifier.
type Options struct {
	Config veille.Config
	Store  *store.Store
	// Index evaluates the alert rules' queries; a rule with a query cannot
	// run without it.
	Index *index.Index
	// ParseSearch reads a saved search's URL query (server.ParseSearch);
	// saved searches are not mailed without it.
	ParseSearch func(url.Values) (veille.SearchRequest, error)
	// Counts counts the members' marks on items, anonymised, by item id
	// (members.ClusterCounter); the commission's edition shows them beside
	// each item. Without it the edition has no counts.
	Counts func(ctx context.Context, items []veille.Item) (map[string][]store.ClusterCount, error)
	// Mailer sends mail; nil builds an SMTPMailer from Config.SMTP (and
	// fails the sends, clearly, when no SMTP host is configured).
	Mailer Mailer
	// HTTPClient posts webhooks; nil means one with a 15 s timeout.
	HTTPClient *http.Client
	// Getenv reads secrets (SMTP password, webhook secrets); nil is os.Getenv.
	Getenv func(string) string
	Now    func() time.Time
	Logger *slog.Logger
	// BaseURL is the web UI's address for links in mails; default
	// Config.Server.BaseURL.
	BaseURL string

	// Attempts is how many times one run tries a temporary failure before
	// leaving the delivery to a later run (default 3).
	Attempts int
	// Backoff is the first pause between attempts, doubled each time up to
	// MaxBackoff (defaults 2 s and 1 h). Later runs wait the same way,
	// counted on the delivery's total attempts.
	Backoff, MaxBackoff time.Duration
	// MaxAttempts is when a delivery that keeps failing temporarily is
	// marked failed (default 12, about a day with the default backoff).
	MaxAttempts int
	// Sleep waits between attempts; tests replace it. It returns early
	// with the context's error.
	Sleep func(ctx context.Context, d time.Duration) error

	// crash, when set by tests, is called at each step of a send; an error
	// stops the send right there, as a killed process would.
	crash func(step string) error
}

// Steps of a send, in order, where a test can stop it.
const (
	stepClaimed = "claimed" // claim committed, nothing sent
	stepAttempt = "attempt" // attempt recorded, about to send
	stepSent    = "sent"    // the server accepted, not yet marked sent
)

// Notifier builds and sends digests and alerts through the ledger.
type Notifier struct {
	o Options
	a *Archive
	// mu serialises sends in this process: the scheduler's wake-ups and the
	// reconcile loop may overlap, and a pending delivery must be worked on
	// by one of them at a time.
	mu sync.Mutex
}

// New returns a Notifier; it sends nothing until asked.
func New(o Options) (*Notifier, error) {
	if o.Store == nil {
		return nil, errors.New("digest: no store")
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.BaseURL == "" {
		o.BaseURL = o.Config.Server.BaseURL
	}
	if o.Attempts <= 0 {
		o.Attempts = 3
	}
	if o.Backoff <= 0 {
		o.Backoff = 2 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Hour
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 12
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if o.Mailer == nil {
		o.Mailer = NewMailer(o.Config.SMTP, o.Getenv)
	}
	return &Notifier{o: o, a: NewArchive(o.Config, o.Store, o.Now)}, nil
}

func mailerFromConfig(c veille.SMTP, getenv func(string) string) (*SMTPMailer, error) {
	pw := ""
	if c.PasswordEnv != "" {
		pw = getenv(c.PasswordEnv)
		if pw == "" && c.Username != "" {
			return nil, fmt.Errorf("smtp: the password variable %s is empty", c.PasswordEnv)
		}
	}
	return NewSMTPMailer(SMTPOptions{Host: c.Host, Port: c.Port, Username: c.Username, Password: pw,
		TLS: c.TLS, Timeout: c.Timeout.D()})
}

// brokenMailer reports a configuration problem on every send, so that the
// deliveries are marked failed with the reason instead of vanishing.
type brokenMailer struct{ err error }

func (b brokenMailer) Send(context.Context, Mail) error { return &SendError{Err: b.err} }

func (n *Notifier) now() time.Time { return n.o.Now() }

func (n *Notifier) step(s string) error {
	if n.o.crash != nil {
		return n.o.crash(s)
	}
	return nil
}

// MessageID is the deterministic Message-ID of a delivery: the same
// (kind, ref, period, recipient) always gives the same id, so a resend
// after a crash is folded by mail clients into the first copy.
func (n *Notifier) MessageID(kind, ref, period, recipient string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(recipient)))
	return fmt.Sprintf("%s.%s.%s.%s@%s", kind, idPart(ref), idPart(period), hex.EncodeToString(sum[:6]), n.mailDomain())
}

// idPart keeps a Message-ID's left part to dot-atom characters.
func idPart(s string) string {
	ok := s != "" && len(s) <= 64
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

func (n *Notifier) mailDomain() string {
	if a, err := mail.ParseAddress(n.o.Config.SMTP.From); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok && d != "" {
			return strings.ToLower(d)
		}
	}
	if u := n.o.BaseURL; u != "" {
		u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
		if h, _, _ := strings.Cut(u, "/"); h != "" {
			return strings.ToLower(h)
		}
	}
	return "veille.invalid"
}

// memberByEmail finds the member profile behind an address, for its lang.
func (n *Notifier) memberByEmail(addr string) (veille.Member, bool) {
	for _, m := range n.o.Config.Members {
		if m.Email != "" && strings.EqualFold(strings.TrimSpace(m.Email), strings.TrimSpace(addr)) {
			return m, true
		}
	}
	return veille.Member{}, false
}

// langFor is a recipient's language: its member profile's, else def.
func (n *Notifier) langFor(addr, def string) i18n.Lang {
	if m, ok := n.memberByEmail(addr); ok && m.Lang != "" {
		return i18n.Parse(m.Lang)
	}
	return i18n.Parse(def)
}

package digest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/internal/backoff"
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
	return &Notifier{o: o}, nil
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

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (n *Notifier) now() time.Time { return n.o.Now() }

func (n *Notifier) step(s string) error {
	if n.o.crash != nil {
		return n.o.crash(s)
	}
	return nil
}

// backoff is the pause after the given number of failed attempts, capped,
// with ±10% jitter so that retries to one server spread out.
func (n *Notifier) backoff(failed int) time.Duration {
	d := backoff.Doubling(n.o.Backoff, n.o.MaxBackoff, failed)
	jitter := time.Duration(rand.Int64N(int64(d)/5+1)) - d/10
	return d + jitter
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
func (n *Notifier) langFor(addr, def string) string {
	if m, ok := n.memberByEmail(addr); ok && m.Lang != "" {
		return normLang(m.Lang)
	}
	return normLang(def)
}

// payload is what one attempt sends.
type payload struct {
	mail    *Mail
	webhook *webhookPayload
}

type webhookPayload struct {
	id     string // the delivery's Message-ID
	url    string
	event  string
	secret []byte
	body   []byte
}

// deliver sends a claimed, pending delivery: each attempt is recorded
// before it starts, success is recorded after the server's answer,
// temporary failures are retried with backoff and then left pending for a
// later run, permanent ones are marked failed. It returns the status the
// delivery is left in; an error means the run must stop (context done,
// store failure), and the delivery stays pending for the next run.
func (n *Notifier) deliver(ctx context.Context, d store.Delivery, build func() (payload, error)) (string, error) {
	p, err := build()
	if err != nil {
		// A delivery that cannot be built (its items vanished, a config
		// problem) would fail the same way forever.
		if merr := n.o.Store.MarkFailed(context.WithoutCancel(ctx), d.ID, oneLine(err.Error())); merr != nil {
			return store.DeliveryPending, merr
		}
		n.o.Logger.Error("delivery cannot be built", "kind", d.Kind, "ref", d.Ref, "period", d.Period, "to", d.Recipient, "err", err)
		return store.DeliveryFailed, nil
	}
	attempts := d.Attempts
	for try := 1; ; try++ {
		if err := ctx.Err(); err != nil {
			return store.DeliveryPending, err
		}
		attempts++
		if err := n.o.Store.StartAttempt(ctx, d.ID, n.now()); err != nil {
			return store.DeliveryPending, err
		}
		if err := n.step(stepAttempt); err != nil {
			return store.DeliveryPending, err
		}
		err := n.send(ctx, p)
		if err == nil {
			if err := n.step(stepSent); err != nil {
				return store.DeliveryPending, err
			}
			// Recorded even if the context ended meanwhile: the message left.
			if err := n.o.Store.MarkSent(context.WithoutCancel(ctx), d.ID, n.now()); err != nil {
				return store.DeliveryPending, err
			}
			n.o.Logger.Info("delivered", "kind", d.Kind, "ref", d.Ref, "period", d.Period, "to", d.Recipient,
				"message_id", d.MessageID, "attempt", attempts)
			return store.DeliverySent, nil
		}
		if ctx.Err() != nil {
			// Stopped mid-send: whether it arrived is unknown, so it stays
			// pending and the next run resends it with the same Message-ID.
			return store.DeliveryPending, ctx.Err()
		}
		msg := oneLine(err.Error())
		wctx := context.WithoutCancel(ctx)
		if !temporary(err) || attempts >= n.o.MaxAttempts {
			if temporary(err) {
				msg = fmt.Sprintf("gave up after %d attempts: %s", attempts, msg)
			}
			if err := n.o.Store.MarkFailed(wctx, d.ID, msg); err != nil {
				return store.DeliveryPending, err
			}
			n.o.Logger.Error("delivery failed", "kind", d.Kind, "ref", d.Ref, "period", d.Period, "to", d.Recipient, "err", msg)
			return store.DeliveryFailed, nil
		}
		wait := n.backoff(attempts)
		if try >= n.o.Attempts {
			if err := n.o.Store.MarkRetry(wctx, d.ID, msg, n.now().Add(wait)); err != nil {
				return store.DeliveryPending, err
			}
			n.o.Logger.Warn("delivery postponed", "kind", d.Kind, "ref", d.Ref, "period", d.Period, "to", d.Recipient,
				"attempts", attempts, "retry_in", wait.Round(time.Second), "err", msg)
			return store.DeliveryPending, nil
		}
		if err := n.o.Store.MarkRetry(wctx, d.ID, msg, n.now().Add(wait)); err != nil {
			return store.DeliveryPending, err
		}
		if err := n.o.Sleep(ctx, wait); err != nil {
			return store.DeliveryPending, err
		}
	}
}

func (n *Notifier) send(ctx context.Context, p payload) error {
	switch {
	case p.mail != nil:
		return n.o.Mailer.Send(ctx, *p.mail)
	case p.webhook != nil:
		w := p.webhook
		return postWebhook(ctx, n.o.HTTPClient, w.url, w.event, w.id, w.secret, w.body)
	}
	return &SendError{Err: errors.New("empty delivery")}
}

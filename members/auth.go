package members

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/internal/i18n"
	"github.com/nogentech/veille/store"
)

// Defaults of the sign-in rules (issue 16).
const (
	LinkTTL       = 15 * time.Minute
	IdleTimeout   = 30 * 24 * time.Hour
	MaxPerAddress = 3  // link mails per address per hour
	MaxPerClient  = 10 // sign-in requests per client per hour
	// CookieName is the session cookie.
	CookieName = "veille_session"
	emailKey   = "email"
)

// ErrLinkRefused is a sign-in link that is unknown, used or expired.
var ErrLinkRefused = store.ErrTokenRefused

// Options wires an Auth.
type Options struct {
	Config veille.Config
	Store  *store.Store
	// Mailer sends the link mails (digest's SMTP mailer by default).
	Mailer digest.Mailer
	Getenv func(string) string
	Now    func() time.Time
	Logger *slog.Logger
	// BaseURL starts the links in mails (Config.Server.BaseURL by default).
	BaseURL string
	// BaseContext bounds the background mail sends.
	BaseContext context.Context
}

// Auth signs people in and out and says who a request is from.
type Auth struct {
	o        Options
	dir      *Directory
	sessions *sessionStore
	bg       sync.WaitGroup
}

// New returns the Auth, and ends at once the sessions of addresses that
// feeds.yaml no longer lists.
func New(ctx context.Context, o Options) (*Auth, error) {
	if o.Store == nil {
		return nil, errors.New("members: no store")
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
	if o.BaseURL == "" {
		o.BaseURL = "http://" + o.Config.Server.Addr
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	if o.BaseContext == nil {
		o.BaseContext = context.Background()
	}
	if o.Mailer == nil {
		getenv := o.Getenv
		if getenv == nil {
			getenv = func(string) string { return "" }
		}
		o.Mailer = digest.NewMailer(o.Config.SMTP, getenv)
	}
	a := &Auth{o: o, dir: NewDirectory(o.Config)}
	a.sessions = newSessionStore(o.Store, o.Now, strings.HasPrefix(strings.ToLower(o.BaseURL), "https://"))
	n, err := o.Store.EndSessionsExcept(ctx, func(email string) bool {
		_, ok := a.dir.Lookup(email)
		return ok
	})
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	if n > 0 {
		o.Logger.Info("ended the sessions of addresses no longer in the config", "sessions", n)
	}
	return a, nil
}

// Directory returns the address book.
func (a *Auth) Directory() *Directory { return a.dir }

// Wait blocks until the link mails in flight are sent.
func (a *Auth) Wait() { a.bg.Wait() }

type identityKey struct{}

// Sessions loads the session of each request and puts its Identity in the
// request's context; a session whose address feeds.yaml no longer lists is
// ended on the spot.
func (a *Auth) Sessions(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := Identity{}
		sess, err := a.sessions.Get(r, CookieName)
		if err != nil {
			a.o.Logger.Error("read session", "err", err)
		}
		if email, _ := sess.Values[emailKey].(string); email != "" {
			known, ok := a.dir.Lookup(email)
			switch {
			case !ok:
				sess.Options.MaxAge = -1
				if err := a.sessions.Save(r, w, sess); err != nil {
					a.o.Logger.Error("end a removed address's session", "err", err)
				}
			case a.sessions.stale(sess):
				id = known
				if err := a.sessions.Save(r, w, sess); err != nil {
					a.o.Logger.Error("renew session", "err", err)
				}
			default:
				id = known
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), identityKey{}, &id)))
	})
}

// Who returns who made the request (anonymous outside Sessions).
func Who(r *http.Request) Identity {
	if id, ok := r.Context().Value(identityKey{}).(*Identity); ok {
		return *id
	}
	return Identity{}
}

// Staff reports whether the request comes from a signed-in staff address:
// the one question the commission's edition asks.
func Staff(r *http.Request) bool { return Who(r).Staff }

// RequestLink mails a one-time sign-in link to email when it is a member's
// or staff address, within the limits. It answers the same, and takes the
// same time, whatever the address: the mail leaves in the background. An
// error is the store failing, never the address.
func (a *Auth) RequestLink(ctx context.Context, email, client, next string) error {
	now := a.o.Now()
	e := normEmail(email)
	counts, err := a.o.Store.CountSignInRequests(ctx, []string{"mail:" + e, "client:" + client}, now, now.Add(-time.Hour))
	if err != nil {
		return fmt.Errorf("members: %w", err)
	}
	id, known := a.dir.Lookup(e)
	switch {
	case !known:
		a.o.Logger.Info("sign-in asked for an unknown address", "client", client)
		return nil
	case counts[0] > MaxPerAddress:
		a.o.Logger.Warn("sign-in links: address over its hourly limit", "member", id.Member, "staff", id.Staff)
		return nil
	case counts[1] > MaxPerClient:
		a.o.Logger.Warn("sign-in links: client over its hourly limit", "client", client)
		return nil
	}
	token, hash, err := newToken()
	if err != nil {
		return fmt.Errorf("members: %w", err)
	}
	if err := a.o.Store.SaveSignInToken(ctx, hash, id.Email, now, now.Add(LinkTTL)); err != nil {
		return fmt.Errorf("members: %w", err)
	}
	lang := ""
	if m, ok := a.dir.Member(id.Member); ok {
		lang = m.Lang
		if p, ok, err := a.o.Store.Profile(ctx, id.Member); err == nil && ok && p.Lang != "" {
			lang = p.Lang
		}
	}
	msg := digest.SignInMail(i18n.Parse(lang), a.o.Config.SMTP.From, id.Email, a.o.BaseURL+"/signin/"+token+nextQuery(next), LinkTTL, now,
		"signin."+hash[:24]+"@"+digest.MessageIDDomain(a.o.Config.SMTP.From))
	a.bg.Add(1)
	go func() {
		defer a.bg.Done()
		sctx, cancel := context.WithTimeout(a.o.BaseContext, 2*time.Minute)
		defer cancel()
		if err := a.o.Mailer.Send(sctx, msg); err != nil {
			a.o.Logger.Error("send sign-in link", "member", id.Member, "staff", id.Staff, "err", err)
		}
	}()
	return nil
}

// LinkAddress returns the address a usable link signs in, without using it.
func (a *Auth) LinkAddress(ctx context.Context, token string) (string, error) {
	return a.o.Store.PeekSignInToken(ctx, hashToken(token), a.o.Now())
}

// SignIn uses the link's token and starts a session under a new session
// id (so that an id planted before sign-in is worth nothing after). The
// request must have gone through Sessions.
func (a *Auth) SignIn(w http.ResponseWriter, r *http.Request, token string) (Identity, error) {
	ctx := r.Context()
	email, err := a.o.Store.UseSignInToken(ctx, hashToken(token), a.o.Now())
	if err != nil {
		return Identity{}, err
	}
	id, ok := a.dir.Lookup(email)
	if !ok { // removed from the config since the link left
		return Identity{}, ErrLinkRefused
	}
	sess, err := a.sessions.Get(r, CookieName)
	if err != nil {
		a.o.Logger.Warn("read session before sign-in", "err", err)
	}
	if sess.ID != "" {
		if err := a.o.Store.DeleteSession(ctx, hashToken(sess.ID)); err != nil {
			return Identity{}, fmt.Errorf("members: rotate session: %w", err)
		}
	}
	sess.ID = "" // Save draws a new id: the rotation
	clear(sess.Values)
	sess.Values[emailKey] = id.Email
	if err := a.sessions.Save(r, w, sess); err != nil {
		return Identity{}, fmt.Errorf("members: start session: %w", err)
	}
	return id, nil
}

// SignOut ends the request's session, in the store and in the browser.
func (a *Auth) SignOut(w http.ResponseWriter, r *http.Request) error {
	sess, err := a.sessions.Get(r, CookieName)
	if err != nil {
		a.o.Logger.Warn("read session at sign-out", "err", err)
	}
	sess.Options.MaxAge = -1
	if err := a.sessions.Save(r, w, sess); err != nil {
		return fmt.Errorf("members: sign out: %w", err)
	}
	return nil
}

// newToken returns a random link token and the hash kept in the store.
func newToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// NewFeedToken returns a random token for a private URL and its hash (the
// saved searches' Atom feeds).
func NewFeedToken() (token, hash string, err error) { return newToken() }

// HashToken is the hash under which a private URL's token is stored.
func HashToken(token string) string { return hashToken(token) }

// LocalPath returns next when it is a path of this site ("/editions/…"),
// else "/": where sign-in returns to must never be another site.
func LocalPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}

// nextQuery is the link's "?next=…" when the sign-in started from a page
// other than the home page.
func nextQuery(next string) string {
	if p := LocalPath(next); p != "/" {
		return "?" + url.Values{"next": {p}}.Encode()
	}
	return ""
}

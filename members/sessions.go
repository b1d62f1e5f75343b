package members

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/sessions"

	"github.com/nogentech/veille/store"
)

// sessionStore is a gorilla/sessions Store over the store's sessions
// table: the cookie carries a random id, the store its hash and the
// values. Server-side, so that sign-out, the idle timeout and a member's
// removal end a session for good, which a cookie store cannot do.
type sessionStore struct {
	st      *store.Store
	now     func() time.Time
	options sessions.Options
}

// expiryKey holds, in a loaded session's values, the idle deadline the
// store had; it is never written back.
type expiryKey struct{}

// sessionSlack is how far an idle deadline may lag before a request
// rewrites it: a write (an fsync) per page view is a high price for a
// 30-day timeout kept to the minute.
const sessionSlack = time.Hour

func newSessionStore(st *store.Store, now func() time.Time, secure bool) *sessionStore {
	return &sessionStore{st: st, now: now, options: sessions.Options{Path: "/", MaxAge: int(IdleTimeout / time.Second),
		Secure: secure, HttpOnly: true, SameSite: http.SameSiteLaxMode}}
}

// Get returns the request's session, the same one for the whole request.
func (s *sessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New reads the session the request's cookie names; a missing, unknown or
// expired one gives a new, empty session.
func (s *sessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(s, name)
	opts := s.options
	sess.Options = &opts
	sess.IsNew = true
	c, err := r.Cookie(name)
	if err != nil || c.Value == "" {
		return sess, nil
	}
	found, ok, err := s.st.FindSession(r.Context(), hashToken(c.Value), s.now())
	if err != nil || !ok {
		return sess, err
	}
	values := map[string]string{}
	if err := json.Unmarshal(found.Data, &values); err != nil {
		return sess, fmt.Errorf("members: session data: %w", err)
	}
	for k, v := range values {
		sess.Values[k] = v
	}
	sess.Values[expiryKey{}] = found.Expiry
	sess.ID, sess.IsNew = c.Value, false
	return sess, nil
}

// Save writes the session and its cookie; MaxAge < 0 ends it. A session
// without an id (new, or rotated at sign-in) gets a fresh random one.
func (s *sessionStore) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	ctx := r.Context()
	if sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if err := s.st.DeleteSession(ctx, hashToken(sess.ID)); err != nil {
				return err
			}
		}
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", sess.Options))
		return nil
	}
	if sess.ID == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return fmt.Errorf("members: session id: %w", err)
		}
		sess.ID = base64.RawURLEncoding.EncodeToString(b)
	}
	values := map[string]string{}
	for k, v := range sess.Values {
		ks, ok1 := k.(string)
		vs, ok2 := v.(string)
		if ok1 && ok2 {
			values[ks] = vs
		}
	}
	data, err := json.Marshal(values)
	if err != nil {
		return fmt.Errorf("members: session data: %w", err)
	}
	now := s.now()
	expiry := now.Add(IdleTimeout)
	if err := s.st.SaveSession(ctx, hashToken(sess.ID), store.Session{Email: values[emailKey], Data: data, Expiry: expiry}, now); err != nil {
		return err
	}
	sess.Values[expiryKey{}] = expiry
	http.SetCookie(w, sessions.NewCookie(sess.Name(), sess.ID, sess.Options))
	return nil
}

// stale reports whether a loaded session's idle deadline lags enough to be
// moved forward.
func (s *sessionStore) stale(sess *sessions.Session) bool {
	exp, _ := sess.Values[expiryKey{}].(time.Time)
	return exp.Before(s.now().Add(IdleTimeout - sessionSlack))
}

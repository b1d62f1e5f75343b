package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/nogentech/veille/members"
)

// memberRoutes are the members' space (issue 16): sign-in, the compliance
// register, saved searches, the member's home and profile, the staff's view.
func (s *Server) memberRoutes() {
	s.handle("GET /signin", anyone, s.handleSignInForm)
	s.handle("POST /signin", anyone, s.handleSignInRequest)
	s.handle("GET /signin/{token}", anyone, s.handleSignInLink)
	s.handle("POST /signin/{token}", anyone, s.handleSignIn)
	s.handle("POST /signout", anyone, s.handleSignOut)
	s.handle("GET /api/me", signedIn, s.handleMe)
	s.registerRoutes() // server/register.go
	s.savedRoutes()    // server/saved.go
	s.spaceRoutes()    // server/space.go
	s.privateCalendarRoutes()
}

// memberSigninPage is the sign-in form and what follows it.
type memberSigninPage struct {
	pageBase
	State string // form | sent | confirm | refused
	Email string
	Token string
	Next  string // the page to return to after signing in ("" = home)
}

// signinNext is the page a sign-in started from, when it is one of this
// site's other than the home page.
func signinNext(v string) string {
	if p := members.LocalPath(v); p != "/" {
		return p
	}
	return ""
}

func (s *Server) handleSignInForm(w http.ResponseWriter, r *http.Request) {
	l := s.locale(w, r)
	s.render(w, http.StatusOK, "signin", memberSigninPage{pageBase: s.base(r, l, "signin", l.T("signin.title")), State: "form",
		Next: signinNext(r.URL.Query().Get("next"))})
}

// handleSignInRequest answers the same page whatever the address: whether
// it is a member's, and whether a limit held the mail back, stay unsaid.
func (s *Server) handleSignInRequest(w http.ResponseWriter, r *http.Request) {
	l := s.locale(w, r)
	email := strings.TrimSpace(r.PostFormValue("email"))
	if err := s.auth.RequestLink(r.Context(), email, clientKey(r, s.trusted), r.PostFormValue("next")); err != nil {
		s.o.Logger.Error("sign-in request", "err", err)
		s.renderError(w, r, l, http.StatusInternalServerError, l.T("error.internal"))
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, http.StatusOK, "signin", memberSigninPage{pageBase: s.base(r, l, "signin", l.T("signin.title")), State: "sent", Email: email})
}

// handleSignInLink shows the button: opening the link (as a mail
// scanner does) uses nothing up.
func (s *Server) handleSignInLink(w http.ResponseWriter, r *http.Request) {
	l := s.locale(w, r)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	p := memberSigninPage{pageBase: s.base(r, l, "signin", l.T("signin.title")), State: "confirm", Token: r.PathValue("token"),
		Next: signinNext(r.URL.Query().Get("next"))}
	email, err := s.auth.LinkAddress(r.Context(), p.Token)
	switch {
	case errors.Is(err, members.ErrLinkRefused):
		p.State, p.Token = "refused", ""
		s.render(w, http.StatusGone, "signin", p)
		return
	case err != nil:
		s.o.Logger.Error("read sign-in link", "err", err)
		s.renderError(w, r, l, http.StatusInternalServerError, l.T("error.internal"))
		return
	}
	p.Email = email
	s.render(w, http.StatusOK, "signin", p)
}

func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	l := s.locale(w, r)
	w.Header().Set("Cache-Control", "no-store")
	_, err := s.auth.SignIn(w, r, r.PathValue("token"))
	switch {
	case errors.Is(err, members.ErrLinkRefused):
		s.render(w, http.StatusGone, "signin", memberSigninPage{pageBase: s.base(r, l, "signin", l.T("signin.title")), State: "refused"})
		return
	case err != nil:
		s.o.Logger.Error("sign in", "err", err)
		s.renderError(w, r, l, http.StatusInternalServerError, l.T("error.internal"))
		return
	}
	http.Redirect(w, r, members.LocalPath(r.PostFormValue("next")), http.StatusSeeOther)
}

func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request) {
	if err := s.auth.SignOut(w, r); err != nil {
		s.o.Logger.Error("sign out", "err", err)
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

// meJSON is GET /api/me (CONTRACT.md).
type meJSON struct {
	Email       string   `json:"email"`
	Member      string   `json:"member"`
	Staff       bool     `json:"staff"`
	Competences []string `json:"competences"`
	Domains     []string `json:"domains"`
	Lang        string   `json:"lang"`
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	id := members.Who(r)
	out := meJSON{Email: id.Email, Member: id.Member, Staff: id.Staff, Competences: []string{}, Domains: []string{}, Lang: string(s.locale(w, r).lang)}
	if id.Member != "" {
		p, err := s.auth.Profile(r.Context(), id.Member)
		if err != nil {
			s.o.Logger.Error("read profile", "err", err)
			writeError(w, http.StatusInternalServerError, "could not read the profile")
			return
		}
		out.Competences, out.Domains, out.Lang = nonNil(p.Competences), nonNil(p.Domains), p.Lang
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

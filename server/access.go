package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/nogentech/veille/members"
)

// access is who may use a route. Every route is declared once, with its
// access, in routeTable; the authorization test walks the same table.
type access int

const (
	// anyone: health, assets, the sign-in pages, private feed URLs (whose
	// token is the credential).
	anyone access = iota
	// reader: anyone while server.public is true, else a signed-in person.
	reader
	// signedIn: a member's user or staff.
	signedIn
	// member: a member's user (its own register, profile).
	member
	// staff: the cluster's staff (isStaff: a staff address signed in by
	// mail link, or the admin token as a bearer token).
	staff
	// admin: the bearer token of server.admin_token_env.
	admin
)

func (a access) String() string {
	return [...]string{"anyone", "reader", "signed-in", "member", "staff", "admin"}[a]
}

// route is one line of the table.
type route struct {
	Pattern string
	Access  access
	h       http.Handler
}

// handle declares a route: it goes into the table and onto the mux behind
// its access check.
func (s *Server) handle(pattern string, a access, h http.HandlerFunc) {
	s.table = append(s.table, route{Pattern: pattern, Access: a, h: h})
	s.mux.Handle(pattern, s.guard(a, h))
}

// guard refuses a request its route's access does not allow: 401 (or, for
// a page, a redirect to the sign-in form) when signing in would help, 403
// when it would not.
func (s *Server) guard(a access, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := members.Who(r)
		ok := false
		switch a {
		case anyone:
			ok = true
		case reader:
			ok = s.o.Config.Server.IsPublic() || id.SignedIn()
		case signedIn:
			ok = id.SignedIn()
		case member:
			ok = id.Member != ""
		case staff:
			_, ok = s.isStaff(r)
		case admin:
			if s.authorize(w, r) {
				h(w, r)
			}
			return
		}
		switch {
		case ok:
			h(w, r)
		case !id.SignedIn():
			if a == staff { // scripts may also send the admin token
				w.Header().Set("WWW-Authenticate", `Bearer realm="veille"`)
			}
			s.needSignIn(w, r)
		default:
			s.forbidden(w, r)
		}
	})
}

// needSignIn answers a request that signing in would allow.
func (s *Server) needSignIn(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if strings.HasPrefix(r.URL.Path, "/api/") || r.Method != http.MethodGet {
		l := s.locale(w, r)
		writeError(w, http.StatusUnauthorized, l.T("auth.required"))
		return
	}
	http.Redirect(w, r, "/signin?"+url.Values{"next": {r.URL.RequestURI()}}.Encode(), http.StatusSeeOther)
}

// forbidden answers a signed-in person the route is not for.
func (s *Server) forbidden(w http.ResponseWriter, r *http.Request) {
	l := s.locale(w, r)
	if strings.HasPrefix(r.URL.Path, "/api/") || r.Method != http.MethodGet {
		writeError(w, http.StatusForbidden, l.T("auth.forbidden"))
		return
	}
	s.renderError(w, r, l, http.StatusForbidden, l.T("auth.forbidden"))
}

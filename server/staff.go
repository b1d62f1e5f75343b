package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"

	"github.com/nogentech/veille/members"
)

// staffCookie carries a staff browser's proof of the admin token until
// the members' sessions (issue 16) land: the pages of the commission's
// edition are forms, and a browser cannot send a bearer token with a form.
const staffCookie = "veille_staff"

// isStaff is THE staff check: every staff-only route (the commission's
// edition, its API and pages) asks it and nothing else. It returns who
// the request acts as, for the edition's history. Today it accepts the
// admin token, as a bearer header (scripts) or as the cookie the staff
// sign-in form sets (browsers), and staff signed in to the members' space.
func (s *Server) isStaff(r *http.Request) (who string, ok bool) {
	// A staff address signed in to the members' space (members.Staff).
	if id := members.Who(r); id.Staff {
		return id.Email, true
	}
	if s.adminToken == "" {
		return "", false
	}
	if scheme, token, found := strings.Cut(r.Header.Get("Authorization"), " "); found && strings.EqualFold(scheme, "Bearer") {
		got := sha256.Sum256([]byte(strings.TrimSpace(token)))
		want := sha256.Sum256([]byte(s.adminToken))
		if subtle.ConstantTimeCompare(got[:], want[:]) == 1 {
			return "admin (token)", true
		}
		return "", false
	}
	if c, err := r.Cookie(staffCookie); err == nil && hmac.Equal([]byte(c.Value), []byte(s.staffCookieValue())) {
		return "staff (browser)", true
	}
	return "", false
}

// staffCookieValue is derived from the admin token, so the cookie does
// not hold the token and changing the token signs every browser out.
func (s *Server) staffCookieValue() string {
	m := hmac.New(sha256.New, []byte(s.adminToken))
	m.Write([]byte("veille staff cookie v1"))
	return hex.EncodeToString(m.Sum(nil))
}

// tokenMatches reports whether a token typed in the sign-in form is the
// admin token.
func (s *Server) tokenMatches(token string) bool {
	if s.adminToken == "" {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	want := sha256.Sum256([]byte(s.adminToken))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// sameOrigin refuses a state-changing request a page of another site
// made: its Origin (or, without one, its Referer) must be this host.
func sameOrigin(r *http.Request) bool {
	src := r.Header.Get("Origin")
	if src == "" {
		src = r.Header.Get("Referer")
	}
	if src == "" {
		return true // not from a browser page: scripts send no Origin
	}
	u, err := url.Parse(src)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

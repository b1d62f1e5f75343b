package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/nogentech/veille/members"
)

// isStaff is THE staff check: every staff-only route (the commission's
// edition, its API and pages, the cluster's view) asks it and nothing
// else. It returns who the request acts as, for the edition's history:
// a staff address signed in by mail link (the members' space), or a
// script holding the admin token (Authorization: Bearer …).
func (s *Server) isStaff(r *http.Request) (who string, ok bool) {
	if id := members.Who(r); id.Staff {
		return id.Email, true
	}
	if s.adminBearer(r) {
		return "admin (token)", true
	}
	return "", false
}

// adminBearer reports whether the request carries the admin token as a
// bearer token (never when no token is configured).
func (s *Server) adminBearer(r *http.Request) bool {
	if s.adminToken == "" {
		return false
	}
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	// Hashing both sides gives equal lengths, so the comparison's time says
	// nothing about the token, not even its length.
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	want := sha256.Sum256([]byte(s.adminToken))
	return ok && strings.EqualFold(scheme, "Bearer") && subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

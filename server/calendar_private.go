package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/nogentech/veille/members"
	"github.com/nogentech/veille/store"
)

// With server.public false, /calendar.ics needs a session, which calendar
// apps cannot send. A signed-in person gets instead a private URL whose
// token is the credential (like a saved search's Atom feed): one per
// space (a member, or a staff address), shown once, replaced (and the old
// one revoked) by asking again, and dead once the member or staff
// address leaves feeds.yaml.
func (s *Server) privateCalendarRoutes() {
	s.handle("POST /calendar/private", signedIn, s.handlePrivateCalendarForm)
	s.handle("GET /calendar/{token}/calendar.ics", anyone, s.handlePrivateCalendar)
}

// privateICSKey carries, to the calendar page, the private URL just made.
type privateICSKey struct{}

// handlePrivateCalendarForm makes the space's private calendar URL, for
// the filters of the calendar page it was asked from, and shows it once on
// that page.
func (s *Server) handlePrivateCalendarForm(w http.ResponseWriter, r *http.Request) {
	l := s.locale(w, r)
	v, err := url.ParseQuery(r.PostFormValue("query"))
	if err == nil {
		_, err = s.parseCalendar(v)
	}
	if err != nil {
		msg, _ := l.userMessage(err)
		s.renderError(w, r, l, http.StatusBadRequest, l.T("calendar.bad", msg))
		return
	}
	token, hash, err := members.NewFeedToken()
	if err == nil {
		err = s.o.Store.SetCalendarToken(r.Context(), members.Who(r).Space(), hash, s.o.Now())
	}
	if err != nil {
		s.o.Logger.Error("make a private calendar URL", "err", err)
		s.renderError(w, r, l, http.StatusInternalServerError, l.T("error.internal"))
		return
	}
	private := s.baseURL(r) + "/calendar/" + token + "/calendar.ics"
	if q := v.Encode(); q != "" {
		private += "?" + q
	}
	r2 := r.WithContext(context.WithValue(r.Context(), privateICSKey{}, private))
	r2.Method, r2.URL.RawQuery = http.MethodGet, v.Encode()
	w.Header().Set("Cache-Control", "no-store")
	s.handleCalendarPage(w, r2)
}

// handlePrivateCalendar serves the calendar by a private token, with the
// filters of its URL.
func (s *Server) handlePrivateCalendar(w http.ResponseWriter, r *http.Request) {
	space, err := s.o.Store.CalendarTokenSpace(r.Context(), members.HashToken(r.PathValue("token")))
	if err == nil && !s.spaceKnown(space) {
		err = store.ErrNotFound
	}
	if errors.Is(err, store.ErrNotFound) {
		http.Error(w, "no calendar at this address (it may have been replaced)", http.StatusNotFound)
		return
	}
	if err != nil {
		s.o.Logger.Error("read calendar token", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.handleCalendarICS(privateCache{w}, r)
}

// spaceKnown reports whether feeds.yaml still lists a space's member or
// staff address.
func (s *Server) spaceKnown(space string) bool {
	d := s.auth.Directory()
	if email, ok := strings.CutPrefix(space, "staff:"); ok {
		id, known := d.Lookup(email)
		return known && id.Staff
	}
	_, ok := d.Member(space)
	return ok
}

package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nogentech/veille/members"
	"github.com/nogentech/veille/store"
)

// notifyChoices are how a saved search can be followed by mail.
var notifyChoices = []string{"none", "immediate", "daily", "weekly"}

// savedRoutes are the saved searches of the signed-in person's space.
func (s *Server) savedRoutes() {
	s.handle("GET /api/saved", signedIn, s.handleSavedList)
	s.handle("POST /api/saved", signedIn, s.handleSavedAdd)
	s.handle("DELETE /api/saved/{id}", signedIn, s.handleSavedDelete)
	s.handle("POST /api/saved/{id}/feed", signedIn, s.handleSavedNewFeed)
	s.handle("POST /api/saved/{id}/seen", signedIn, s.handleSavedSeen)
	s.handle("GET /saved", signedIn, s.handleSavedPage)
	s.handle("POST /saved", signedIn, s.handleSavedForm)
	s.handle("POST /saved/{id}/delete", signedIn, s.handleSavedDeleteForm)
	s.handle("POST /saved/{id}/feed", signedIn, s.handleSavedRenewForm)
	// The private Atom URL: its token is the credential, so feed readers
	// that cannot sign in can follow it; a new token revokes the old URL.
	s.handle("GET /saved/{token}/feed.atom", anyone, s.handleSavedFeed)
}

// savedJSON is one saved search as the API shows it.
type savedJSON struct {
	store.SavedSearch
	Unread int `json:"unread"`
	// FeedURL is shown once, when the token is made: only its hash is kept.
	FeedURL string `json:"feed_url,omitempty"`
}

// URL runs the saved search on the search page.
func (s savedJSON) URL() string { return "/?" + s.Query }

// unread counts the items of a saved search that veille first saw since
// the search was last seen: its own query and filters (a date filter of
// the search stays one on publication dates).
func (s *Server) unread(ctx context.Context, ss store.SavedSearch) (int, error) {
	v, err := url.ParseQuery(ss.Query)
	if err != nil {
		return 0, err
	}
	req, err := ParseSearch(v, s.loc, MaxLimit)
	if err != nil {
		return 0, err
	}
	return s.countNew(ctx, "saved", req, ss.SeenAt)
}

// savedList reads a space's saved searches with their unread counts.
func (s *Server) savedList(ctx context.Context, space string) ([]savedJSON, error) {
	list, err := s.o.Store.SavedSearches(ctx, space)
	if err != nil {
		return nil, err
	}
	out := make([]savedJSON, 0, len(list))
	for _, ss := range list {
		n, err := s.unread(ctx, ss)
		if err != nil {
			s.o.Logger.Warn("unread count of a saved search", "id", ss.ID, "err", err)
		}
		out = append(out, savedJSON{SavedSearch: ss, Unread: n})
	}
	return out, nil
}

func (s *Server) handleSavedList(w http.ResponseWriter, r *http.Request) {
	out, err := s.savedList(r.Context(), members.Who(r).Space())
	if err != nil {
		s.o.Logger.Error("read saved searches", "err", err)
		writeError(w, http.StatusInternalServerError, "could not read the saved searches")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// addSaved checks and stores a saved search; the error is for the person.
func (s *Server) addSaved(r *http.Request, name, query, notify string) (savedJSON, int, error) {
	name, query, notify = strings.TrimSpace(name), strings.TrimPrefix(strings.TrimSpace(query), "?"), strings.TrimSpace(notify)
	if notify == "" {
		notify = "none"
	}
	if name == "" || len(name) > 200 {
		return savedJSON{}, http.StatusBadRequest, errors.New("name: between 1 and 200 characters")
	}
	if !slices.Contains(notifyChoices, notify) {
		return savedJSON{}, http.StatusBadRequest, errors.New("notify: one of " + strings.Join(notifyChoices, ", "))
	}
	v, err := url.ParseQuery(query)
	if err == nil {
		_, err = ParseSearch(v, s.loc, MaxLimit)
	}
	if err != nil || len(query) > 2000 {
		return savedJSON{}, http.StatusBadRequest, errors.New("query: not a valid search (q=…&domain=…)")
	}
	v.Del("offset")
	v.Del("ui")
	token, hash, err := members.NewFeedToken()
	if err != nil {
		return savedJSON{}, http.StatusInternalServerError, err
	}
	now := s.o.Now()
	ss := store.SavedSearch{Space: members.Who(r).Space(), Name: name, Query: v.Encode(), Notify: notify, CreatedAt: now, SeenAt: now}
	if ss.ID, err = s.o.Store.AddSavedSearch(r.Context(), ss, hash); err != nil {
		return savedJSON{}, http.StatusInternalServerError, err
	}
	return savedJSON{SavedSearch: ss, FeedURL: s.baseURL(r) + "/saved/" + token + "/feed.atom"}, http.StatusCreated, nil
}

func (s *Server) handleSavedAdd(w http.ResponseWriter, r *http.Request) {
	var in struct{ Name, Query, Notify string }
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "the body must be JSON {\"name\",\"query\",\"notify\"}: "+err.Error())
		return
	}
	out, status, err := s.addSaved(r, in.Name, in.Query, in.Notify)
	if status == http.StatusInternalServerError {
		s.o.Logger.Error("save search", "err", err)
		writeError(w, status, "could not save the search")
		return
	}
	if err != nil {
		writeError(w, status, err.Error())
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, out)
}

// savedID reads {id}; 0 when it is not a number (no search has id 0).
func savedID(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id
}

// savedUpdateError answers a store error of a change to a saved search.
func (s *Server) savedUpdateError(w http.ResponseWriter, err error) bool {
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, "no saved search with this id")
	case err != nil:
		s.o.Logger.Error("update saved search", "err", err)
		writeError(w, http.StatusInternalServerError, "could not change the saved search")
	default:
		return false
	}
	return true
}

func (s *Server) handleSavedDelete(w http.ResponseWriter, r *http.Request) {
	if s.savedUpdateError(w, s.o.Store.DeleteSavedSearch(r.Context(), members.Who(r).Space(), savedID(r))) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// newSavedFeed makes a new private feed URL for a saved search of the
// space, revoking the old one, and returns it.
func (s *Server) newSavedFeed(r *http.Request) (string, error) {
	token, hash, err := members.NewFeedToken()
	if err == nil {
		err = s.o.Store.UpdateSavedSearch(r.Context(), members.Who(r).Space(), savedID(r), time.Time{}, "", hash)
	}
	if err != nil {
		return "", err
	}
	return s.baseURL(r) + "/saved/" + token + "/feed.atom", nil
}

// handleSavedNewFeed makes a new private feed URL, revoking the old one.
func (s *Server) handleSavedNewFeed(w http.ResponseWriter, r *http.Request) {
	u, err := s.newSavedFeed(r)
	if s.savedUpdateError(w, err) {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]string{"feed_url": u})
}

func (s *Server) handleSavedSeen(w http.ResponseWriter, r *http.Request) {
	if s.savedUpdateError(w, s.o.Store.UpdateSavedSearch(r.Context(), members.Who(r).Space(), savedID(r), s.o.Now(), "", "")) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleSavedFeed serves a saved search's Atom feed by its private token.
func (s *Server) handleSavedFeed(w http.ResponseWriter, r *http.Request) {
	ss, err := s.o.Store.SavedSearchByFeedToken(r.Context(), members.HashToken(r.PathValue("token")))
	if errors.Is(err, store.ErrNotFound) {
		http.Error(w, "no feed at this address (it may have been revoked)", http.StatusNotFound)
		return
	}
	if err != nil {
		s.o.Logger.Error("read saved search", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL.RawQuery = ss.Query
	s.handleFeed(privateCache{w}, r2)
}

// privateCache keeps a private feed out of shared caches.
type privateCache struct{ http.ResponseWriter }

func (p privateCache) WriteHeader(code int) {
	p.Header().Set("Cache-Control", "private, no-cache")
	p.ResponseWriter.WriteHeader(code)
}

func (p privateCache) Write(b []byte) (int, error) {
	if p.Header().Get("Cache-Control") != "private, no-cache" {
		p.WriteHeader(http.StatusOK)
	}
	return p.ResponseWriter.Write(b)
}

// savedPage lists the space's saved searches.
type savedPage struct {
	pageBase
	Saved   []savedJSON
	Choices []string
	// New is the search just saved, with its feed URL shown this once.
	New *savedJSON
	// Renewed is a search whose feed URL was just replaced, shown once.
	Renewed *savedJSON
	// Deleted names the search just deleted.
	Deleted string
}

func (s *Server) handleSavedPage(w http.ResponseWriter, r *http.Request) {
	s.renderSaved(w, r, savedPage{})
}

func (s *Server) renderSaved(w http.ResponseWriter, r *http.Request, page savedPage) {
	l := s.locale(w, r)
	list, err := s.savedList(r.Context(), members.Who(r).Space())
	if err != nil {
		s.o.Logger.Error("read saved searches", "err", err)
		s.renderError(w, r, l, http.StatusInternalServerError, l.T("error.internal"))
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	page.pageBase, page.Saved, page.Choices = s.base(r, l, "saved", l.T("saved.title")), list, notifyChoices
	s.render(w, http.StatusOK, "saved", page)
}

// handleSavedForm saves the search page's current search (no script).
func (s *Server) handleSavedForm(w http.ResponseWriter, r *http.Request) {
	l := s.locale(w, r)
	out, status, err := s.addSaved(r, r.PostFormValue("name"), r.PostFormValue("query"), r.PostFormValue("notify"))
	switch {
	case status == http.StatusInternalServerError:
		s.o.Logger.Error("save search", "err", err)
		s.renderError(w, r, l, status, l.T("error.internal"))
	case err != nil:
		s.renderError(w, r, l, status, err.Error())
	default:
		s.renderSaved(w, r, savedPage{New: &out})
	}
}

// savedFormError answers a form's change to a saved search that failed;
// it reports whether it answered.
func (s *Server) savedFormError(w http.ResponseWriter, r *http.Request, err error) bool {
	l := s.locale(w, r)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.renderError(w, r, l, http.StatusNotFound, l.T("error.notfound"))
	case err != nil:
		s.o.Logger.Error("change saved search", "err", err)
		s.renderError(w, r, l, http.StatusInternalServerError, l.T("error.internal"))
	default:
		return false
	}
	return true
}

// savedOf returns one saved search of the request's space.
func (s *Server) savedOf(r *http.Request) (store.SavedSearch, error) {
	list, err := s.o.Store.SavedSearches(r.Context(), members.Who(r).Space())
	if err != nil {
		return store.SavedSearch{}, err
	}
	for _, ss := range list {
		if ss.ID == savedID(r) {
			return ss, nil
		}
	}
	return store.SavedSearch{}, store.ErrNotFound
}

// handleSavedDeleteForm is the saved searches page's delete button.
func (s *Server) handleSavedDeleteForm(w http.ResponseWriter, r *http.Request) {
	ss, err := s.savedOf(r)
	if err == nil {
		err = s.o.Store.DeleteSavedSearch(r.Context(), ss.Space, ss.ID)
	}
	if s.savedFormError(w, r, err) {
		return
	}
	s.renderSaved(w, r, savedPage{Deleted: ss.Name})
}

// handleSavedRenewForm is the page's button that replaces a private feed
// URL: the old one stops working, the new one is shown once.
func (s *Server) handleSavedRenewForm(w http.ResponseWriter, r *http.Request) {
	ss, err := s.savedOf(r)
	var u string
	if err == nil {
		u, err = s.newSavedFeed(r)
	}
	if s.savedFormError(w, r, err) {
		return
	}
	s.renderSaved(w, r, savedPage{Renewed: &savedJSON{SavedSearch: ss, FeedURL: u}})
}

package server

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"

	"github.com/nogentech/veille/internal/i18n"
	"github.com/nogentech/veille/members"
)

//go:embed templates
var templateFS embed.FS

// pageNames are the views; each is the layout plus one content template.
var pageNames = []string{"search", "item", "sources", "error", "digests", "digest", "act", "calendar", "signin", "register",
	"saved", "home", "profile", "cluster"}

// parseTemplates parses every view once, at start-up, so that a broken
// template stops the server from starting rather than failing a request.
func parseTemplates(assets *assetSet) (map[string]*template.Template, error) {
	base, err := template.New("layout").Funcs(template.FuncMap{"asset": assets.URL}).
		ParseFS(templateFS, "templates/layout.html", "templates/mark.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	pages := make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		t, err := base.Clone()
		if err == nil {
			t, err = t.ParseFS(templateFS, "templates/"+name+".html")
		}
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// pageBase is what the layout needs on every page.
type pageBase struct {
	L         tr
	Lang      i18n.Lang
	Title     string
	Nav       string
	SwitchURL string
	FeedURL   string
	// Editions is true when a digest is the commission's edition: the
	// menu then links to /editions.
	Editions bool
	// Who is the signed-in person (members/), for the menu and the forms.
	Who members.Identity
}

// locale picks the interface language and remembers a switch in a cookie.
func (s *Server) locale(w http.ResponseWriter, r *http.Request) tr {
	lang, fromSwitch := uiLang(r)
	if fromSwitch {
		http.SetCookie(w, &http.Cookie{Name: uiCookie, Value: string(lang), Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	w.Header().Add("Vary", "Accept-Language, Cookie")
	w.Header().Set("Content-Language", string(lang))
	return tr{lang: lang, loc: s.loc}
}

func (s *Server) base(r *http.Request, l tr, nav, title string) pageBase {
	v := r.URL.Query()
	v.Set("ui", string(l.lang.Other()))
	return pageBase{L: l, Lang: l.lang, Title: title, Nav: nav, SwitchURL: r.URL.EscapedPath() + "?" + v.Encode(),
		Editions: s.hasEditions(), Who: members.Who(r)}
}

// render executes a view into memory first, so that a template error is a
// clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.o.Logger.Error("render page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if w.Header().Get("Cache-Control") == "" { // a refusal has set no-store
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

type errorPage struct {
	pageBase
	Status  int
	Message string
	BackURL string
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, l tr, status int, msg string) {
	// A refused search (429, 503) goes back to that same search.
	back := "/"
	if r.URL.Path == "/" {
		back = backToSearch(r.URL.Query(), s.loc)
	}
	s.render(w, status, "error", errorPage{pageBase: s.base(r, l, "", l.T("error.title")), Status: status, Message: msg, BackURL: back})
}

// handleNotFound answers every path no route claims.
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	l := s.locale(w, r)
	s.renderError(w, r, l, http.StatusNotFound, l.T("error.notfound"))
}

// safeLink keeps http(s) links only: a feed could carry javascript: URLs.
func safeLink(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") {
		return ""
	}
	return u
}

package server

import (
	"errors"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/store"
)

type itemPage struct {
	pageBase
	Item         veille.Item
	Sources      []sourceLink
	Published    string
	PublishedISO string
	FirstSeen    string
	Updated      string
	LangName     string
	Tags         []tagView
	HTML         template.HTML
	Paragraphs   []string
	BackURL      string
	// Editions are the commission's editions that carried the item.
	Editions []editionMention
	// Refs, Dates and Act are what the item cites, sets and is, in words,
	// each reference linking to its act's page (server/acts.go).
	Refs  []refView
	Dates []actDateView
	Act   *refView
	// The member's mark and the staff's anonymised counts (marks_page.go).
	markView
}

type sourceLink struct{ Label, URL string }

// backToSearch is the search an item page was opened from: the search
// parameters its URL carries, checked as a search is, offset included; the
// home page when there are none or they are not a valid search.
func backToSearch(raw url.Values, loc *time.Location) string {
	raw = maps.Clone(raw)
	delete(raw, "ui") // the language is the cookie's, not the search's
	req, err := ParseSearch(raw, loc, MaxLimit)
	if err != nil {
		return "/"
	}
	st := newSearchState(raw, req)
	if req.Offset > 0 {
		st.v.Set("offset", strconv.Itoa(req.Offset))
	}
	return pageURL("/", st.v)
}

func (s *Server) handleItemPage(w http.ResponseWriter, r *http.Request) {
	l := s.locale(w, r)
	id := r.PathValue("id")
	it, err := s.o.Store.Item(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.renderError(w, r, l, http.StatusNotFound, l.T("error.noitem"))
		return
	}
	if err != nil {
		s.o.Logger.Error("read item", "id", id, "err", err)
		s.renderError(w, r, l, http.StatusInternalServerError, l.T("error.internal"))
		return
	}
	it.Link = safeLink(it.Link)
	p := itemPage{pageBase: s.base(r, l, "search", it.Title), Item: it, LangName: l.LangName(it.Lang), BackURL: backToSearch(r.URL.Query(), s.loc)}
	srcs := it.Sources
	if len(srcs) == 0 && it.Source != "" {
		srcs = []string{it.Source}
	}
	for _, id := range srcs {
		p.Sources = append(p.Sources, sourceLink{Label: s.sourceName(id), URL: pageURL("/", url.Values{"source": {id}})})
	}
	p.Published = l.Date(it.Published)
	if !it.Published.IsZero() {
		p.PublishedISO = it.Published.UTC().Format(time.RFC3339)
	}
	p.FirstSeen = l.DateTime(it.FirstSeen)
	// Updated is the publisher's date of change; the crawler sets it to the
	// publication date when the feed gives none.
	if !it.Updated.IsZero() && !it.Updated.Equal(it.Published) {
		p.Updated = l.DateTime(it.Updated)
	}
	p.Tags = s.tagsSaying(l, "item.matched", it.Domains, it.Competences, it.Why, func(kind, id string) string {
		return pageURL("/", url.Values{kind: {id}})
	})
	if h := strings.TrimSpace(s.itemPolicy.Sanitize(it.HTML)); h != "" {
		p.HTML = template.HTML(h)
	} else {
		text := it.Content
		if strings.TrimSpace(text) == "" {
			text = it.Summary
		}
		for _, line := range strings.Split(text, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				p.Paragraphs = append(p.Paragraphs, line)
			}
		}
	}
	p.Refs, p.Dates, p.Act = refViews(l, it)
	p.Editions = s.editionMentions(r.Context(), l, []string{it.ID})[it.ID]
	if p.markView, err = s.markView(r, l, p.Item.ID, p.Item.Competences, "/items/"+url.PathEscape(p.Item.ID)+"/mark"); err != nil {
		s.o.Logger.Error("read marks", "id", p.Item.ID, "err", err)
		s.renderError(w, r, l, http.StatusInternalServerError, l.T("error.internal"))
		return
	}
	s.render(w, http.StatusOK, "item", p)
}

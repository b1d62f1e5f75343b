package server

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/text"
)

// Feed sizes: readers want the newest items, not the archive.
const (
	feedDefaultLimit = 50
	feedSummaryBytes = 2000
)

type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	ID        string      `xml:"id"`
	Title     atomText    `xml:"title"`
	Subtitle  *atomText   `xml:"subtitle,omitempty"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    atomPerson  `xml:"author"`
	Generator atomGen     `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomLink struct {
	Rel      string `xml:"rel,attr,omitempty"`
	Type     string `xml:"type,attr,omitempty"`
	Href     string `xml:"href,attr"`
	HrefLang string `xml:"hreflang,attr,omitempty"`
	Title    string `xml:"title,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomGen struct {
	URI  string `xml:"uri,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr,omitempty"`
	Label  string `xml:"label,attr,omitempty"`
}

type atomEntry struct {
	Lang       string         `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Links      []atomLink     `xml:"link"`
	Authors    []atomPerson   `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary,omitempty"`
}

// feedNamespace makes entry ids name-based UUIDs (RFC 9562 version 5):
// stable for an item whatever host or path the feed is read from.
var feedNamespace = [16]byte{0x6f, 0x1c, 0x2a, 0x58, 0x93, 0x0e, 0x4b, 0x7d, 0x9a, 0x31, 0x5e, 0xc8, 0x07, 0x44, 0xd2, 0x19}

func uuidURN(name string) string {
	h := sha1.New()
	h.Write(feedNamespace[:])
	h.Write([]byte(name))
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// ItemEntryID is the Atom id of an item, the same in every feed it is in.
func ItemEntryID(itemID string) string { return uuidURN("item:" + itemID) }

// baseURL is the configured public URL, else the one the request came to.
func (s *Server) baseURL(r *http.Request) string {
	if b := strings.TrimRight(s.o.Config.Server.BaseURL, "/"); b != "" {
		return b
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// handleFeed is /feed.atom: the newest items of any search, as Atom 1.0.
func (s *Server) handleFeed(w http.ResponseWriter, r *http.Request) {
	raw := r.URL.Query()
	req, err := ParseSearch(raw, s.loc, MaxLimit)
	if err != nil {
		http.Error(w, "bad feed parameters: "+err.Error(), http.StatusBadRequest)
		return
	}
	if raw.Get("limit") == "" {
		req.Limit = feedDefaultLimit
	}
	req.Sort = "date"
	req.NoFacets, req.NoHighlight = true, true
	res, err := s.search(r.Context(), "feed", req)
	if err != nil {
		status, msg := s.searchErrorStatus(err)
		if status != 0 {
			http.Error(w, msg, status)
		}
		return
	}
	lang, _ := uiLang(r)
	l := tr{lang: lang, loc: s.loc}
	st := newSearchState(raw, req)
	f := s.buildFeed(r, l, st, req, res)
	body, err := xmlDocument(f)
	if err != nil {
		s.o.Logger.Error("encode feed", "err", err)
		http.Error(w, "could not build the feed", http.StatusInternalServerError)
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Add("Vary", "Accept-Language")
	if strings.Contains(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Write(body)
}

func (s *Server) buildFeed(r *http.Request, l tr, st searchState, req veille.SearchRequest, res *veille.SearchResult) atomFeed {
	base := s.baseURL(r)
	v := st.clone()
	delete(v, "sort")
	canonical := v.Encode() // sorted by key: the same search gives the same id
	self := base + "/feed.atom"
	html := base + "/"
	if canonical != "" {
		self += "?" + canonical
		html += "?" + canonical
	}
	title := l.T("app.title")
	if desc := s.describeSearch(l, st); desc != "" {
		title += " — " + desc
	}
	f := atomFeed{
		Lang:      string(l.lang),
		ID:        uuidURN("search:" + canonical),
		Title:     atomText{Type: "text", Body: title},
		Links:     []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self}, {Rel: "alternate", Type: "text/html", Href: html}},
		Author:    atomPerson{Name: "veille", URI: base + "/"},
		Generator: atomGen{URI: base + "/", Body: "veille"},
	}
	var newest time.Time
	for _, h := range res.Hits {
		e := s.feedEntry(r, l, base, h)
		if t, err := time.Parse(time.RFC3339, e.Updated); err == nil && t.After(newest) {
			newest = t
		}
		f.Entries = append(f.Entries, e)
	}
	if newest.IsZero() {
		// An empty feed still needs an updated date; the start of the day
		// keeps it stable for readers that poll.
		now := s.o.Now().UTC()
		newest = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	}
	f.Updated = newest.UTC().Format(time.RFC3339)
	return f
}

// describeSearch says in words what a feed follows.
func (s *Server) describeSearch(l tr, st searchState) string {
	var parts []string
	if q := st.v.Get("q"); q != "" {
		parts = append(parts, l.lang.Quote(q))
	}
	for _, name := range filterParams {
		var labels []string
		for _, v := range st.v[name] {
			labels = append(labels, s.termLabel(l, name, v))
		}
		if len(labels) > 0 {
			parts = append(parts, l.T("facet."+name)+l.T("sep")+strings.Join(labels, ", "))
		}
	}
	return strings.Join(parts, " · ")
}

func (s *Server) feedEntry(r *http.Request, l tr, base string, h veille.Hit) atomEntry {
	page := base + "/items/" + url.PathEscape(h.ID)
	it, err := s.o.Store.Item(r.Context(), h.ID)
	if err != nil {
		// The index has enough to make an entry; the store only adds text.
		s.o.Logger.Warn("feed entry: read item", "id", h.ID, "err", err)
		it = veille.Item{ID: h.ID, Title: h.Title, Link: h.Link, Source: h.Source, Sources: h.Sources,
			Published: h.Published, Lang: h.Lang, Domains: h.Domains, Competences: h.Competences}
	}
	title := it.Title
	if title == "" {
		title = it.Link
	}
	e := atomEntry{Lang: it.Lang, ID: ItemEntryID(h.ID), Title: atomText{Type: "text", Body: title}}
	updated := firstTime(it.Updated, it.Published, it.FirstSeen, h.Published)
	if updated.IsZero() {
		updated = s.o.Now()
	}
	e.Updated = updated.UTC().Format(time.RFC3339)
	if !it.Published.IsZero() {
		e.Published = it.Published.UTC().Format(time.RFC3339)
	}
	if link := safeLink(it.Link); link != "" {
		e.Links = append(e.Links, atomLink{Rel: "alternate", Href: link})
		e.Links = append(e.Links, atomLink{Rel: "related", Type: "text/html", Href: page, Title: l.T("app.short")})
	} else {
		e.Links = append(e.Links, atomLink{Rel: "alternate", Type: "text/html", Href: page})
	}
	for _, a := range it.Authors {
		if a = strings.TrimSpace(a); a != "" {
			e.Authors = append(e.Authors, atomPerson{Name: a})
		}
	}
	if len(e.Authors) == 0 {
		e.Authors = []atomPerson{{Name: s.sourceName(text.FirstNonEmpty(it.Source, h.Source))}}
	}
	for _, d := range it.Domains {
		e.Categories = append(e.Categories, atomCategory{Term: d, Scheme: base + "/?domain=", Label: s.termLabel(l, "domain", d)})
	}
	for _, c := range it.Competences {
		e.Categories = append(e.Categories, atomCategory{Term: c, Scheme: base + "/?competence=", Label: s.termLabel(l, "competence", c)})
	}
	summary := strings.TrimSpace(it.Summary)
	if summary == "" {
		summary = strings.TrimSpace(it.Content)
	}
	if summary != "" {
		e.Summary = &atomText{Type: "text", Body: cleanXMLText(text.Clip(summary, feedSummaryBytes))}
	}
	e.Title.Body = cleanXMLText(e.Title.Body)
	return e
}

func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// cleanXMLText drops the characters XML 1.0 cannot carry (control
// characters a publisher left in), which would make the feed unparseable.
func cleanXMLText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			return -1
		}
		return r
	}, s)
}

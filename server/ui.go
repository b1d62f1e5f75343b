package server

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/store"
)

//go:embed templates
var templateFS embed.FS

// pageNames are the views; each is the layout plus one content template.
var pageNames = []string{"search", "item", "sources", "error", "digests", "digest"}

// parseTemplates parses every view once, at start-up, so that a broken
// template stops the server from starting rather than failing a request.
func parseTemplates(assets *assetSet) (map[string]*template.Template, error) {
	base, err := template.New("layout").Funcs(template.FuncMap{"asset": assets.URL}).
		ParseFS(templateFS, "templates/layout.html")
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
	Lang      string
	Title     string
	Nav       string
	SwitchURL string
	FeedURL   string
}

// locale picks the interface language and remembers a switch in a cookie.
func (s *Server) locale(w http.ResponseWriter, r *http.Request) tr {
	lang, fromSwitch := uiLang(r)
	if fromSwitch {
		http.SetCookie(w, &http.Cookie{Name: uiCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	w.Header().Add("Vary", "Accept-Language, Cookie")
	w.Header().Set("Content-Language", lang)
	return tr{lang: lang, loc: s.loc}
}

func (s *Server) base(r *http.Request, l tr, nav, title string) pageBase {
	other := langEN
	if l.lang == langEN {
		other = langFR
	}
	v := r.URL.Query()
	v.Set("ui", other)
	return pageBase{L: l, Lang: l.lang, Title: title, Nav: nav, SwitchURL: r.URL.Path + "?" + v.Encode()}
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
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, l tr, status int, msg string) {
	s.render(w, status, "error", errorPage{pageBase: s.base(r, l, "", l.T("error.title")), Status: status, Message: msg})
}

// handleNotFound answers every path no route claims.
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	l := s.locale(w, r)
	s.renderError(w, r, l, http.StatusNotFound, l.T("error.notfound"))
}

// filterParams are the facet filters, in the order the page shows them.
var filterParams = []string{"domain", "competence", "source", "lang", "jurisdiction"}

func filterValues(req veille.SearchRequest, name string) []string {
	switch name {
	case "domain":
		return req.Domains
	case "competence":
		return req.Competences
	case "source":
		return req.Sources
	case "lang":
		return req.Langs
	case "jurisdiction":
		return req.Jurisdictions
	}
	return nil
}

// searchState is a search as URL parameters, from which every link of the
// page (facets, removable filters, pages, feed) is derived.
type searchState struct{ v url.Values }

func newSearchState(raw url.Values, req veille.SearchRequest) searchState {
	v := url.Values{}
	if req.Query != "" {
		v.Set("q", req.Query)
	}
	for _, name := range filterParams {
		for _, val := range filterValues(req, name) {
			v.Add(name, val)
		}
	}
	for _, k := range []string{"since", "until", "sort", "limit"} {
		if s := strings.TrimSpace(raw.Get(k)); s != "" {
			v.Set(k, s)
		}
	}
	return searchState{v}
}

func (st searchState) clone() url.Values {
	out := make(url.Values, len(st.v))
	for k, vs := range st.v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func pageURL(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// has says whether the filter name holds term, case-insensitively (the
// index normalises keyword case).
func (st searchState) has(name, term string) bool {
	for _, v := range st.v[name] {
		if strings.EqualFold(v, term) {
			return true
		}
	}
	return false
}

// toggle adds term to the filter name or removes it when present.
func (st searchState) toggle(name, term string) string {
	v := st.clone()
	var kept []string
	found := false
	for _, x := range v[name] {
		if strings.EqualFold(x, term) {
			found = true
			continue
		}
		kept = append(kept, x)
	}
	if !found {
		kept = append(kept, term)
	}
	if len(kept) == 0 {
		delete(v, name)
	} else {
		v[name] = kept
	}
	return pageURL("/", v)
}

// with returns the URL with key set to value (deleted when empty).
func (st searchState) with(path string, kv ...string) string {
	v := st.clone()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(v, kv[i])
		} else {
			v.Set(kv[i], kv[i+1])
		}
	}
	return pageURL(path, v)
}

type searchPage struct {
	pageBase
	Query     string
	Sort      string
	Error     string
	Hidden    []hiddenField
	Facets    []facetView
	Active    []activeFilter
	ClearURL  string
	CountText string
	TookText  string
	From      int
	Hits      []hitView
	Pages     []pageLink
	PrevURL   string
	NextURL   string
}

type hiddenField struct{ Name, Value string }

type facetView struct {
	Name, Label string
	Terms       []facetTerm
}

type facetTerm struct {
	Term, Label, URL, CountText string
	Count                       int
	Active                      bool
}

type activeFilter struct{ Label, Title, URL string }

type hitView struct {
	ID, Title, URL, Link   string
	SourceName             string
	Date, DateISO          string
	LangName, Jurisdiction string
	Snippet                template.HTML
	Tags                   []tagView
}

type tagView struct {
	Kind, ID, Label, URL string
	Why                  []string
	WhyText              string
}

type pageLink struct {
	Number  int
	URL     string
	Current bool
}

func (s *Server) handleSearchPage(w http.ResponseWriter, r *http.Request) {
	l := s.locale(w, r)
	raw := r.URL.Query()
	p := &searchPage{pageBase: s.base(r, l, "search", ""), Query: strings.TrimSpace(raw.Get("q"))}
	req, err := ParseSearch(raw, s.loc, MaxLimit)
	if err != nil {
		msg, _ := l.userMessage(err)
		p.Error = l.T("error.badrequest", msg)
		s.render(w, http.StatusBadRequest, "search", p)
		return
	}
	// Without a choice the index sorts a text query by relevance and
	// everything else by date; the list shows relevance, so that a query
	// typed on the home page is not sent as sort=date.
	p.Sort = req.Sort
	if p.Sort == "" {
		p.Sort = "relevance"
	}
	if p.Query != "" {
		p.Title = p.Query
	}
	st := newSearchState(raw, req)
	p.FeedURL = st.feedURL()
	res, err := s.search(r.Context(), "ui", req)
	if err != nil {
		status, msg := s.searchErrorStatus(err)
		if status == 0 {
			return // the client went away
		}
		p.Error = msg
		if status == http.StatusBadRequest {
			if um, ok := l.userMessage(err); ok {
				msg = um
			}
			p.Error = l.T("error.badrequest", msg)
		} else if status == http.StatusServiceUnavailable {
			p.Error = l.T("error.timeout")
		} else {
			p.Error = l.T("error.internal")
		}
		s.render(w, status, "search", p)
		return
	}
	s.fillSearchPage(r.Context(), p, l, st, req, res)
	s.render(w, http.StatusOK, "search", p)
}

// feedURL follows the same search as Atom: the filters, not the paging.
func (st searchState) feedURL() string {
	v := st.clone()
	delete(v, "sort")
	delete(v, "limit")
	return pageURL("/feed.atom", v)
}

func (s *Server) fillSearchPage(ctx context.Context, p *searchPage, l tr, st searchState, req veille.SearchRequest, res *veille.SearchResult) {
	for _, k := range append(append([]string(nil), filterParams...), "since", "until", "limit") {
		for _, v := range st.v[k] {
			p.Hidden = append(p.Hidden, hiddenField{k, v})
		}
	}
	// Facets, in a fixed order, each term linking to the search with it
	// toggled.
	for _, name := range filterParams {
		fv := facetView{Name: name, Label: l.T("facet." + name)}
		for _, fc := range res.Facets[name] {
			fv.Terms = append(fv.Terms, facetTerm{Term: fc.Term, Label: s.termLabel(l, name, fc.Term),
				Count: fc.Count, CountText: l.Number(int64(fc.Count)), Active: st.has(name, fc.Term), URL: st.toggle(name, fc.Term)})
		}
		p.Facets = append(p.Facets, fv)
	}
	p.Facets = append(p.Facets, s.periodFacet(ctx, l, st, req))

	// Active filters, each a link that removes it.
	for _, name := range filterParams {
		for _, v := range st.v[name] {
			label := l.T("facet."+name) + l.T("sep") + s.termLabel(l, name, v)
			p.Active = append(p.Active, activeFilter{Label: label, Title: l.T("filters.remove", label), URL: st.toggle(name, v)})
		}
	}
	for _, k := range []string{"since", "until"} {
		if v := st.v.Get(k); v != "" {
			d, err := ParseDay(v, s.loc, false)
			shown := v
			if err == nil {
				shown = l.Date(d)
			}
			label := l.T("filter."+k, shown)
			p.Active = append(p.Active, activeFilter{Label: label, Title: l.T("filters.remove", label), URL: st.with("/", k, "")})
		}
	}
	if len(p.Active) > 0 {
		clear := url.Values{}
		if req.Query != "" {
			clear.Set("q", req.Query)
		}
		p.ClearURL = pageURL("/", clear)
	}

	// Counts and paging.
	total := int(res.Total)
	p.From = req.Offset + 1
	to := min(req.Offset+len(res.Hits), total)
	switch {
	case total == 0:
		p.CountText = l.T("results.none")
	case total == 1:
		p.CountText = l.T("results.one")
	case req.Offset == 0 && total <= req.Limit:
		p.CountText = l.T("results.count", l.Number(int64(total)))
	default:
		p.CountText = l.T("results.range", l.Number(int64(p.From)), l.Number(int64(to)), l.Number(int64(total)))
	}
	p.TookText = l.T("results.took", l.Number(res.TookMS))
	p.Pages, p.PrevURL, p.NextURL = pagination(st, req.Offset, req.Limit, total)

	for _, h := range res.Hits {
		p.Hits = append(p.Hits, s.hitView(l, st, h))
	}
}

// pagination links the pages around the current one, the first and the
// last, within the offset the API accepts.
func pagination(st searchState, offset, limit, total int) (pages []pageLink, prev, next string) {
	if limit <= 0 || total <= limit {
		return nil, "", ""
	}
	last := (min(total, MaxOffset+limit) + limit - 1) / limit
	cur := offset/limit + 1
	link := func(n int) string {
		off := ""
		if n > 1 {
			off = strconv.Itoa((n - 1) * limit)
		}
		return st.with("/", "offset", off)
	}
	if cur > 1 {
		prev = link(cur - 1)
	}
	if cur < last {
		next = link(cur + 1)
	}
	gap := false
	for n := 1; n <= last; n++ {
		if n == 1 || n == last || (n >= cur-2 && n <= cur+2) {
			pl := pageLink{Number: n, Current: n == cur}
			if !pl.Current {
				pl.URL = link(n)
			}
			pages = append(pages, pl)
			gap = false
		} else if !gap {
			pages = append(pages, pageLink{})
			gap = true
		}
	}
	return pages, prev, next
}

// periods are the date facet's choices, in days back from today.
var periods = []struct {
	key  string
	days int
}{{"period.7d", 7}, {"period.30d", 30}, {"period.1y", 365}}

// periodFacet counts the hits of the last 7 days, 30 days and 12 months
// under the other filters: what a click would give, since a click replaces
// the period chosen. The index has no date-range facet, so each
// count is one more search that skips facets, highlights and stored fields.
func (s *Server) periodFacet(ctx context.Context, l tr, st searchState, req veille.SearchRequest) facetView {
	fv := facetView{Name: "period", Label: l.T("facet.period")}
	today := s.o.Now().In(s.loc)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, s.loc)
	for _, pd := range periods {
		since := today.AddDate(0, 0, -pd.days)
		day := since.Format("2006-01-02")
		cr := req
		cr.Since = since.UTC()
		cr.Offset, cr.Limit = 0, 1
		cr.NoFacets, cr.NoHighlight = true, true
		cr.Sort = "date"
		var total uint64
		if req.Until.IsZero() || cr.Since.Before(req.Until) {
			r, err := s.search(ctx, "period", cr)
			if err != nil {
				s.o.Logger.Warn("period count", "err", err)
				return fv
			}
			total = r.Total
		}
		active := st.v.Get("since") == day
		u := st.with("/", "since", day)
		if active {
			u = st.with("/", "since", "")
		}
		fv.Terms = append(fv.Terms, facetTerm{Term: day, Label: l.T(pd.key), Count: int(total),
			CountText: l.Number(int64(total)), Active: active, URL: u})
	}
	return fv
}

func (s *Server) hitView(l tr, st searchState, h veille.Hit) hitView {
	hv := hitView{ID: h.ID, Title: h.Title, URL: "/items/" + url.PathEscape(h.ID), Link: safeLink(h.Link),
		SourceName: s.sourceName(h.Source), LangName: l.LangName(h.Lang), Jurisdiction: h.Jurisdiction,
		Snippet: template.HTML(s.snippetPolicy.Sanitize(h.Snippet))}
	if hv.Title == "" {
		hv.Title = h.Link
	}
	if n := len(h.Sources); n > 1 {
		hv.SourceName += fmt.Sprintf(" +%d", n-1)
	}
	if !h.Published.IsZero() {
		hv.Date = l.Date(h.Published)
		hv.DateISO = h.Published.UTC().Format(time.RFC3339)
	} else {
		hv.Date = l.T("undated")
	}
	hv.Tags = s.tags(l, h.Domains, h.Competences, h.Why, func(kind, id string) string { return st.toggle(kind, id) })
	return hv
}

// tags lists domains then competences with the terms that earned them.
func (s *Server) tags(l tr, domains, competences []string, why map[string][]string, link func(kind, id string) string) []tagView {
	var out []tagView
	add := func(kind string, ids []string) {
		for _, id := range ids {
			tv := tagView{Kind: kind, ID: id, Label: s.termLabel(l, kind, id), URL: link(kind, id), Why: why[id]}
			if len(tv.Why) > 0 {
				tv.WhyText = l.T("why", strings.Join(tv.Why, ", "))
			}
			out = append(out, tv)
		}
	}
	add("domain", domains)
	add("competence", competences)
	return out
}

// jurisdictionNames spells out the codes sources use.
var jurisdictionNames = map[string]map[string]string{
	langFR: {"FR": "France", "EU": "Union européenne", "US": "États-Unis", "INT": "International", "UK": "Royaume-Uni", "DE": "Allemagne"},
	langEN: {"FR": "France", "EU": "European Union", "US": "United States", "INT": "International", "UK": "United Kingdom", "DE": "Germany"},
}

// termLabel is the label people read for a facet term.
func (s *Server) termLabel(l tr, facet, term string) string {
	switch facet {
	case "domain":
		return categoryLabel(s.o.Config.Domains, term, l.lang)
	case "competence":
		return categoryLabel(s.o.Config.Competences, term, l.lang)
	case "source":
		return s.sourceName(term)
	case "lang":
		return l.LangName(term)
	case "jurisdiction":
		if n, ok := jurisdictionNames[l.lang][strings.ToUpper(term)]; ok {
			return n
		}
	}
	return term
}

func categoryLabel(cats []veille.Category, id, lang string) string {
	for _, c := range cats {
		if c.ID != id {
			continue
		}
		if v := c.Label[lang]; v != "" {
			return v
		}
		if v := c.Label[langFR]; v != "" {
			return v
		}
		break
	}
	return id
}

func (s *Server) sourceName(id string) string {
	if src, ok := s.sources[id]; ok && src.Name != "" {
		return src.Name
	}
	return id
}

// safeLink keeps http(s) links only: a feed could carry javascript: URLs.
func safeLink(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") {
		return ""
	}
	return u
}

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
}

type sourceLink struct{ Label, URL string }

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
	p := itemPage{pageBase: s.base(r, l, "search", it.Title), Item: it, LangName: l.LangName(it.Lang)}
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
	p.Tags = s.tags(l, it.Domains, it.Competences, it.Why, func(kind, id string) string {
		return pageURL("/", url.Values{kind: {id}})
	})
	for i := range p.Tags {
		if len(p.Tags[i].Why) > 0 {
			p.Tags[i].WhyText = l.T("item.matched", strings.Join(p.Tags[i].Why, ", "))
		}
	}
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
	s.render(w, http.StatusOK, "item", p)
}

type sourcesPage struct {
	pageBase
	Summary string
	Rows    []sourceRow
}

type sourceRow struct {
	ID, Name, Kind, Every, SearchURL string
	State, StateLabel, StateNote     string
	LastAttempt, LastSuccess, Next   string
	Status, Failures                 int
	Items                            string
	// Problem says the error in words; Error is the technical text.
	Problem, Error string
}

// sourceState classifies a source for the page and the summary line.
func sourceState(ss SourceStatus) string {
	switch {
	case ss.Disabled:
		return "disabled"
	case ss.LastAttempt == nil:
		return "never"
	case ss.Stale:
		return "stale"
	case ss.Failures > 0:
		return "failing"
	}
	return "ok"
}

var stateRank = map[string]int{"stale": 0, "failing": 1, "never": 2, "ok": 3, "disabled": 4}

func (s *Server) handleSourcesPage(w http.ResponseWriter, r *http.Request) {
	l := s.locale(w, r)
	list, err := s.Sources(r.Context())
	if err != nil {
		s.o.Logger.Error("read sources", "err", err)
		s.renderError(w, r, l, http.StatusInternalServerError, l.T("error.internal"))
		return
	}
	// Problems first, so that they are seen at a glance; config order within.
	slices.SortStableFunc(list, func(a, b SourceStatus) int { return stateRank[sourceState(a)] - stateRank[sourceState(b)] })
	p := sourcesPage{pageBase: s.base(r, l, "sources", l.T("sources.title"))}
	var ok, failing, stale int
	for _, ss := range list {
		row := sourceRow{ID: ss.ID, Name: ss.Name, Kind: l.kindName(ss.Kind), SearchURL: pageURL("/", url.Values{"source": {ss.ID}}),
			Status: ss.Status, Failures: ss.Failures, Items: l.Number(int64(ss.Items)), Error: ss.Error,
			LastAttempt: l.DateTime(deref(ss.LastAttempt)), LastSuccess: l.DateTime(deref(ss.LastSuccess))}
		row.Problem = l.sourceProblem(ss.Status, ss.Error)
		every := s.sources[ss.ID].Every.D()
		row.Every = l.T("sources.every", l.Duration(every))
		row.State = sourceState(ss)
		row.StateLabel = l.T("state." + row.State)
		switch row.State {
		case "ok":
			ok++
		case "failing":
			failing++
		case "stale":
			stale++
			if ss.LastSuccess != nil {
				row.StateNote = l.T("state.stale.since", l.Date(*ss.LastSuccess))
			} else {
				row.StateNote = l.T("state.never.ok")
			}
		}
		switch {
		case ss.Disabled:
			row.Next = "–"
		case ss.NextAttempt != nil:
			row.Next = l.DateTime(*ss.NextAttempt)
		case ss.LastAttempt != nil && every > 0:
			row.Next = l.DateTime(ss.LastAttempt.Add(every))
		default:
			row.Next = l.T("state.pending")
		}
		p.Rows = append(p.Rows, row)
	}
	p.Summary = l.T("sources.summary", l.Number(int64(len(list))), l.Number(int64(ok)), l.Number(int64(failing)), l.Number(int64(stale)))
	s.render(w, http.StatusOK, "sources", p)
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// search runs a search with the request deadline and records its latency.
func (s *Server) search(ctx context.Context, endpoint string, req veille.SearchRequest) (*veille.SearchResult, error) {
	ctx, cancel := context.WithTimeout(ctx, s.o.SearchTimeout)
	defer cancel()
	start := time.Now()
	res, err := s.o.Index.Search(ctx, req)
	s.metrics.observeSearch(endpoint, time.Since(start), err)
	return res, err
}

// searchErrorStatus maps a search error to a status and a message people
// can act on; status 0 means the client went away.
func (s *Server) searchErrorStatus(err error) (int, string) {
	var qe *index.QueryError
	switch {
	case errors.As(err, &qe):
		return http.StatusBadRequest, qe.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "search took too long; narrow the query or the filters"
	case errors.Is(err, context.Canceled):
		return 0, ""
	}
	s.o.Logger.Error("search failed", "err", err)
	return http.StatusInternalServerError, "search failed"
}

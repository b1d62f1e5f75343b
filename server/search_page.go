package server

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
)

// filterParams are the facet filters, in the order the page shows them.
var filterParams = []string{"domain", "competence", "source", "lang", "jurisdiction", "ref"}

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
	case "ref":
		return req.Refs
	}
	return nil
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
	Hints     []hintView
	// Home says what the page without a query leaves out, with the switch.
	Home *homeSwitch
	// SaveQuery is the search a signed-in person can save (server/saved.go).
	SaveQuery string
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
	// Editions are the commission's editions that carried the item.
	Editions []editionMention
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
	if s.homeInstead(w, r, l, raw) { // a member's "what concerns us" (server/space.go)
		return
	}
	p := &searchPage{pageBase: s.base(r, l, "search", ""), Query: strings.TrimSpace(raw.Get("q")), SaveQuery: saveQuery(raw)}
	req, err := ParseSearch(raw, s.loc, MaxLimit)
	if err != nil {
		msg, _ := l.userMessage(err)
		p.Error = l.T("error.badrequest", msg)
		s.render(w, http.StatusBadRequest, "search", p)
		return
	}
	homeFilter(raw, &req)
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
	s.addEditionMentions(r.Context(), l, p.Hits)
	p.Hints = s.searchHints(r.Context(), l, st, req, res.Total)
	p.Home = s.homeSwitchFor(r.Context(), l, st, req, res.Total)
	s.render(w, http.StatusOK, "search", p)
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

	// An item opened from the results carries the search, offset included,
	// so that its "back to the search" link returns to this very page.
	hitState := st
	if req.Offset > 0 {
		hitState = searchState{st.clone()}
		hitState.v.Set("offset", strconv.Itoa(req.Offset))
	}
	for _, h := range res.Hits {
		p.Hits = append(p.Hits, s.hitView(l, hitState, h))
	}
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
	hv := hitView{ID: h.ID, Title: h.Title, URL: st.with("/items/" + url.PathEscape(h.ID)), Link: safeLink(h.Link),
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

package server

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/nogentech/veille/internal/i18n"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/refs"
	"github.com/nogentech/veille/store"
)

// One page per act (CONTRACT.md "Acts, references and dates"): the item
// that is the act, when veille has it; every item citing it, grouped by what
// it does to the act; the dates they set on a timeline; and the address of
// the official text when the id gives one.

// actGroupLimit caps the items an act page shows in each group (amended
// by, cites…): the newest ones, with the group's count; the search by
// reference, which the page links to, lists them all. Reading every citing
// item of an act cited by tens of thousands could not answer in time.
const actGroupLimit = 50

// actURL is the page of the act kind:id; the id is path-escaped, slashes
// included ("Regulation%20(EU)%202017%2F745").
func actURL(kind, id string) string {
	return "/acts/" + url.PathEscape(kind) + "/" + url.PathEscape(id)
}

// ActDate is a date on an act's timeline, with the item that sets it.
type ActDate struct {
	veille.KeyDate
	Item  string `json:"item"`
	Title string `json:"title"`
}

// ActGroup is the items that do one thing to an act: the newest
// actGroupLimit of them, and how many in all.
type ActGroup struct {
	Rel   string       `json:"rel"`
	Hits  []veille.Hit `json:"hits"`
	Total uint64       `json:"total"`
}

// ActJSON is /api/acts/{kind}/{id}.
type ActJSON struct {
	Kind     string      `json:"kind"`
	ID       string      `json:"id"`
	Act      *veille.Hit `json:"act"`
	CitedBy  []ActGroup  `json:"cited_by"`
	Dates    []ActDate   `json:"dates"`
	Official string      `json:"official,omitempty"`
	Total    uint64      `json:"total"`
}

// actFromPath reads {kind} and {id...}; the wildcard takes the rest of the
// path, so that an id written with a plain slash also arrives whole.
func actFromPath(r *http.Request) (kind, id string) {
	return r.PathValue("kind"), r.PathValue("id")
}

// act gathers what veille knows of kind:id; ok is false when nothing is or
// cites it (or the kind is not one of REFS.md's). The answer is shared
// (acts_cache.go): callers must not change it.
func (s *Server) act(ctx context.Context, kind, id string, lang i18n.Lang) (ActJSON, bool, error) {
	f, err := s.actsCache.acts.through(s.o.Index.Batches(), cacheKey(kind, strings.ToLower(id), string(lang)), func() (actFound, error) {
		a, ok, err := s.readAct(ctx, kind, id, lang)
		return actFound{a, ok}, err
	})
	return f.a, f.ok, err
}

// readAct is act without the cache.
func (s *Server) readAct(ctx context.Context, kind, id string, lang i18n.Lang) (ActJSON, bool, error) {
	out := ActJSON{Kind: kind, ID: id, CitedBy: []ActGroup{}, Dates: []ActDate{}}
	if !slices.Contains(refs.Kinds, kind) || strings.TrimSpace(id) == "" {
		return out, false, nil
	}
	key := veille.RefKey(kind, id)
	a, err := s.o.Index.Act(ctx, key, actGroupLimit)
	if err != nil {
		return out, false, err
	}
	if a.Total == 0 {
		return out, false, nil
	}
	out.Total = a.Total
	if a.Act != nil {
		out.Act, out.ID = a.Act, a.Act.Act.ID
		out.Dates = append(out.Dates, actDates(*a.Act)...)
	}
	for _, g := range a.Groups {
		out.CitedBy = append(out.CitedBy, ActGroup{Rel: relName(g.Rel), Hits: g.Hits, Total: g.Total})
		for _, h := range g.Hits {
			if a.Act == nil {
				if ref, ok := citing(h, key); ok {
					out.ID = ref.ID // as the items write it
				}
			}
			// An item that changes the act sets its dates too.
			if g.Rel != "" {
				out.Dates = append(out.Dates, actDates(h)...)
			}
		}
	}
	sort.SliceStable(out.Dates, func(i, j int) bool { return out.Dates[i].Date < out.Dates[j].Date })
	out.Official = refs.OfficialURL(kind, out.ID, string(lang))
	return out, true, nil
}

// citing is h's reference to the act key, as h writes it.
func citing(h veille.Hit, key string) (veille.Ref, bool) {
	for _, ref := range h.Refs {
		if strings.EqualFold(ref.Key(), key) {
			return ref, true
		}
	}
	return veille.Ref{}, false
}

// relName is a group's rel in the JSON: "cites" for a plain citation.
func relName(rel string) string {
	if rel == "" {
		return "cites"
	}
	return rel
}

func actDates(h veille.Hit) []ActDate {
	out := make([]ActDate, 0, len(h.Dates))
	for _, d := range h.Dates {
		out = append(out, ActDate{KeyDate: d, Item: h.ID, Title: h.Title})
	}
	return out
}

func (s *Server) handleActAPI(w http.ResponseWriter, r *http.Request) {
	kind, id := actFromPath(r)
	a, ok, err := s.act(r.Context(), kind, id, i18n.EN)
	if err != nil {
		if status, msg := s.searchErrorStatus(err); status != 0 {
			writeError(w, status, msg)
		}
		return
	}
	if !ok {
		writeError(w, http.StatusNotFound, "no item is or cites "+veille.RefKey(kind, id))
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// actPage is the act's page.
type actPage struct {
	pageBase
	// The member's mark on the act, or the cluster's counts (marks_page.go).
	markView
	A         ActJSON
	KindLabel string
	ActItem   *actHit
	Groups    []actGroupView
	Timeline  []actDateView
	SearchURL string
}

type actHit struct{ Title, URL, Date string }

type actGroupView struct {
	Label string
	Hits  []actHit
	// More says how many the group holds when the page shows only some.
	More string
}

type actDateView struct{ Date, ISO, Kind, Text, Title, URL string }

func (s *Server) handleActPage(w http.ResponseWriter, r *http.Request) {
	l := s.locale(w, r)
	kind, id := actFromPath(r)
	a, ok, err := s.act(r.Context(), kind, id, l.lang)
	if err != nil {
		if status, msg := s.searchErrorStatus(err); status != 0 {
			s.renderError(w, r, l, status, msg)
		}
		return
	}
	if !ok {
		s.renderError(w, r, l, http.StatusNotFound, l.T("act.none", veille.RefKey(kind, id)))
		return
	}
	p := actPage{pageBase: s.base(r, l, "", a.ID), A: a, KindLabel: l.T("refkind." + kind),
		SearchURL: pageURL("/", url.Values{"ref": {veille.RefKey(kind, a.ID)}})}
	hit := func(h veille.Hit) actHit {
		return actHit{Title: h.Title, URL: "/items/" + url.PathEscape(h.ID), Date: l.Date(h.Published)}
	}
	if a.Act != nil {
		h := hit(*a.Act)
		p.ActItem = &h
	}
	for _, g := range a.CitedBy {
		gv := actGroupView{Label: l.T("rel.by." + g.Rel)}
		for _, h := range g.Hits {
			gv.Hits = append(gv.Hits, hit(h))
		}
		if g.Total > uint64(len(g.Hits)) {
			gv.More = l.T("act.more", l.Number(int64(g.Total)), l.Number(int64(len(g.Hits))))
		}
		p.Groups = append(p.Groups, gv)
	}
	for _, d := range a.Dates {
		p.Timeline = append(p.Timeline, actDateView{Date: dayLabel(l, d.Date), ISO: d.Date, Kind: l.T("datekind." + d.Kind),
			Text: d.Text, Title: d.Title, URL: "/items/" + url.PathEscape(d.Item)})
	}
	var comps []string
	if a.Act != nil {
		comps = a.Act.Competences
	}
	if p.markView, err = s.markView(r, l, store.ActMarkKey(kind, a.ID), comps, actURL(kind, a.ID)); err != nil {
		s.o.Logger.Error("read marks", "act", veille.RefKey(kind, a.ID), "err", err)
		s.renderError(w, r, l, http.StatusInternalServerError, l.T("error.internal"))
		return
	}
	s.render(w, http.StatusOK, "act", p)
}

func (s *Server) actRoutes() {
	s.actsCache = newActsCaches()
	s.handle("GET /acts/{kind}/{id...}", reader, s.handleActPage)
	s.handle("GET /api/acts/{kind}/{id...}", reader, s.handleActAPI)
	s.handle("GET /calendar", reader, s.handleCalendarPage)
	s.handle("GET /calendar.ics", reader, s.handleCalendarICS)
}

// refView is a reference on an item page, in words.
type refView struct{ KindLabel, ID, URL, Rel string }

// refViews puts an item's references, dates and own act in words.
func refViews(l tr, it veille.Item) ([]refView, []actDateView, *refView) {
	var rs []refView
	for _, r := range it.Refs {
		v := refView{KindLabel: l.T("refkind." + r.Kind), ID: r.ID, URL: actURL(r.Kind, r.ID)}
		if r.Rel != "" {
			v.Rel = l.T("rel." + r.Rel)
		}
		rs = append(rs, v)
	}
	var ds []actDateView
	for _, d := range it.Dates {
		ds = append(ds, actDateView{Date: dayLabel(l, d.Date), ISO: d.Date, Kind: l.T("datekind." + d.Kind), Text: d.Text})
	}
	var act *refView
	if it.Act != nil {
		act = &refView{KindLabel: l.T("refkind." + it.Act.Kind), ID: it.Act.ID, URL: actURL(it.Act.Kind, it.Act.ID)}
	}
	return rs, ds, act
}

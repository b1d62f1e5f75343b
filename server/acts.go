package server

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/refs"
	"github.com/nogentech/veille/store"
)

// One page per act (CONTRACT.md "Acts, references and dates"): the item
// that is the act, when veille has it; every item citing it, grouped by what
// it does to the act; the dates they set on a timeline; and the address of
// the official text when the id gives one.

// actPageLimit caps the items an act page reads: an act cited by more is
// followed by the search, which the page links to.
const actPageLimit = 500

// actRels are the groups of an act page, in the order shown: what the
// citing items do to the act ("" is a plain citation).
var actRels = []string{refs.RelAmends, refs.RelRepeals, refs.RelTransposes, refs.RelImplements, ""}

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

// ActGroup is the items that do one thing to an act.
type ActGroup struct {
	Rel  string       `json:"rel"`
	Hits []veille.Hit `json:"hits"`
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
// cites it (or the kind is not one of REFS.md's).
func (s *Server) act(ctx context.Context, kind, id, lang string) (ActJSON, bool, error) {
	out := ActJSON{Kind: kind, ID: id, CitedBy: []ActGroup{}, Dates: []ActDate{}}
	if !slices.Contains(refs.Kinds, kind) || strings.TrimSpace(id) == "" {
		return out, false, nil
	}
	key := veille.RefKey(kind, id)
	res, err := s.o.Index.Search(ctx, veille.SearchRequest{Refs: []string{key}, Limit: actPageLimit,
		NoFacets: true, NoHighlight: true})
	if err != nil {
		return out, false, err
	}
	if len(res.Hits) == 0 {
		return out, false, nil
	}
	out.Total = res.Total
	groups := map[string][]veille.Hit{}
	for _, h := range res.Hits {
		if h.Act != nil && strings.EqualFold(veille.RefKey(h.Act.Kind, h.Act.ID), key) {
			if out.Act == nil {
				h := h
				out.Act, out.ID = &h, h.Act.ID
				out.Dates = append(out.Dates, actDates(h, h.Dates)...)
			}
			continue
		}
		for _, ref := range h.Refs {
			if strings.EqualFold(ref.Key(), key) {
				if out.Act == nil {
					out.ID = ref.ID // as the items write it
				}
				groups[ref.Rel] = append(groups[ref.Rel], h)
				// An item that changes the act sets its dates too.
				if ref.Rel != "" {
					out.Dates = append(out.Dates, actDates(h, h.Dates)...)
				}
				break
			}
		}
	}
	for _, rel := range actRels {
		if hs := groups[rel]; len(hs) > 0 {
			out.CitedBy = append(out.CitedBy, ActGroup{Rel: relName(rel), Hits: hs})
		}
	}
	sort.SliceStable(out.Dates, func(i, j int) bool { return out.Dates[i].Date < out.Dates[j].Date })
	out.Official = refs.OfficialURL(kind, out.ID, lang)
	return out, true, nil
}

// relName is a group's rel in the JSON: "cites" for a plain citation.
func relName(rel string) string {
	if rel == "" {
		return "cites"
	}
	return rel
}

func actDates(h veille.Hit, ds []veille.KeyDate) []ActDate {
	out := make([]ActDate, 0, len(ds))
	for _, d := range ds {
		out = append(out, ActDate{KeyDate: d, Item: h.ID, Title: h.Title})
	}
	return out
}

func (s *Server) handleActAPI(w http.ResponseWriter, r *http.Request) {
	kind, id := actFromPath(r)
	a, ok, err := s.act(r.Context(), kind, id, langEN)
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
	More      string
}

type actHit struct{ Title, URL, Date string }

type actGroupView struct {
	Label string
	Hits  []actHit
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
		p.Groups = append(p.Groups, gv)
	}
	for _, d := range a.Dates {
		p.Timeline = append(p.Timeline, actDateView{Date: dayLabel(l, d.Date), ISO: d.Date, Kind: l.T("datekind." + d.Kind),
			Text: d.Text, Title: d.Title, URL: "/items/" + url.PathEscape(d.Item)})
	}
	if a.Total > uint64(actPageLimit) {
		p.More = l.T("act.more", l.Number(int64(a.Total)))
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

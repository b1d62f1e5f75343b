package server

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/i18n"
	"github.com/nogentech/veille/members"
	"github.com/nogentech/veille/store"
)

// spaceRoutes are the member's home ("what concerns us"), its profile, and
// the staff's view of the cluster.
func (s *Server) spaceRoutes() {
	s.handle("GET /profile", member, s.handleProfilePage)
	s.handle("POST /profile", member, s.handleProfileForm)
	s.handle("GET /cluster", staff, s.handleClusterPage)
	s.handle("GET /api/items/{id}/cluster", staff, s.handleClusterCounts)
}

// visitGap: page views closer than this are one visit, so that a reload
// keeps the "new" marks of the visit.
const visitGap = 30 * time.Minute

// homeItems is how many items the home page lists.
const homeItems = 30

// saveQuery is the search a person may save from the search page: its
// words and filters, without paging or the language switch.
func saveQuery(raw url.Values) string {
	v := url.Values{}
	for k, vs := range raw {
		if k != "offset" && k != "ui" {
			v[k] = vs
		}
	}
	return v.Encode()
}

// homePage is a member's home.
type homePage struct {
	pageBase
	Hits      []homeHit
	NewCount  int
	LastVisit string
	Saved     []savedJSON
	Overdue   int
	Profile   store.Profile
}

type homeHit struct {
	hitView
	New bool
}

// homeInstead serves a member's home on GET / without a search; it
// reports whether it answered.
func (s *Server) homeInstead(w http.ResponseWriter, r *http.Request, l tr, raw url.Values) bool {
	id := members.Who(r)
	if id.Member == "" {
		return false
	}
	for k := range raw {
		if k != "ui" {
			return false
		}
	}
	p, err := s.home(r, l, id)
	if err != nil {
		s.o.Logger.Error("member home", "err", err)
		s.renderError(w, r, l, http.StatusInternalServerError, l.T("error.internal"))
		return true
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, http.StatusOK, "home", p)
	return true
}

func (s *Server) home(r *http.Request, l tr, id members.Identity) (homePage, error) {
	ctx := r.Context()
	p := homePage{pageBase: s.base(r, l, "home", l.T("home.title"))}
	prof, err := s.auth.Profile(ctx, id.Member)
	if err != nil {
		return p, err
	}
	p.Profile = prof
	last, err := s.o.Store.Visit(ctx, id.Email, s.o.Now(), visitGap)
	if err != nil {
		return p, err
	}
	if !last.IsZero() {
		p.LastVisit = l.DateTime(last)
	}
	// The member's competences, or its domains when it follows none.
	req := veille.SearchRequest{Competences: prof.Competences, Limit: homeItems, Sort: "date", NoFacets: true, NoHighlight: true}
	if len(req.Competences) == 0 {
		req.Domains = prof.Domains
	}
	if len(req.Competences)+len(req.Domains) > 0 {
		res, err := s.cachedSearch(ctx, "home", req)
		if err != nil {
			return p, err
		}
		st := newSearchState(url.Values{}, req)
		// "New" is what veille first saw since the last visit, whatever
		// date its publisher gave it.
		fresh := map[string]bool{}
		if !last.IsZero() {
			ids := make([]string, len(res.Hits))
			for i, h := range res.Hits {
				ids[i] = h.ID
			}
			if fresh, err = s.o.Store.FirstSeenAfter(ctx, ids, last); err != nil {
				return p, err
			}
			if p.NewCount, err = s.countNew(ctx, "home", req, last); err != nil {
				return p, err
			}
		}
		for _, h := range res.Hits {
			p.Hits = append(p.Hits, homeHit{hitView: s.hitView(l, st, h), New: fresh[h.ID]})
		}
	}
	if p.Saved, err = s.savedList(ctx, id.Space()); err != nil {
		return p, err
	}
	today := s.o.Now().In(s.loc).Format(time.DateOnly)
	open, err := s.o.Store.Marks(ctx, id.Member, store.MarkFilter{Open: true, DueBefore: today})
	if err != nil {
		return p, err
	}
	for _, m := range open {
		if m.Overdue(today) {
			p.Overdue++
		}
	}
	return p, nil
}

// profilePage edits the member's profile.
type profilePage struct {
	pageBase
	Profile     store.Profile
	Competences []profileChoice
	Domains     []profileChoice
	Digests     []string
	Saved       bool
}

type profileChoice struct {
	ID, Label string
	Checked   bool
}

func choices(cats []veille.Category, on []string, lang i18n.Lang) []profileChoice {
	out := make([]profileChoice, 0, len(cats))
	for _, c := range cats {
		ch := profileChoice{ID: c.ID, Label: veille.CategoryLabel(cats, c.ID, lang)}
		for _, o := range on {
			ch.Checked = ch.Checked || o == c.ID
		}
		out = append(out, ch)
	}
	return out
}

func (s *Server) renderProfile(w http.ResponseWriter, r *http.Request, l tr, p store.Profile, status int, saved bool, problem string) {
	page := profilePage{pageBase: s.base(r, l, "profile", l.T("profile.title")), Profile: p,
		Competences: choices(s.o.Config.Competences, p.Competences, l.lang),
		Domains:     choices(s.o.Config.Domains, p.Domains, l.lang), Digests: members.DigestChoices, Saved: saved}
	if problem != "" {
		s.renderError(w, r, l, status, problem)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, status, "profile", page)
}

func (s *Server) handleProfilePage(w http.ResponseWriter, r *http.Request) {
	l := s.locale(w, r)
	p, err := s.auth.Profile(r.Context(), members.Who(r).Member)
	if err != nil {
		s.o.Logger.Error("read profile", "err", err)
		s.renderError(w, r, l, http.StatusInternalServerError, l.T("error.internal"))
		return
	}
	s.renderProfile(w, r, l, p, http.StatusOK, false, "")
}

func (s *Server) handleProfileForm(w http.ResponseWriter, r *http.Request) {
	l := s.locale(w, r)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, l, http.StatusBadRequest, err.Error())
		return
	}
	id := members.Who(r)
	p := store.Profile{Competences: r.PostForm["competences"], Domains: r.PostForm["domains"],
		Lang: strings.TrimSpace(r.PostFormValue("lang")), Digest: strings.TrimSpace(r.PostFormValue("digest")),
		ShareName: r.PostFormValue("share_name") != ""}
	err := s.auth.SaveProfile(r.Context(), id.Member, id.Email, p)
	var pe *members.ProfileError
	switch {
	case errors.As(err, &pe):
		s.renderProfile(w, r, l, p, http.StatusBadRequest, false, pe.Error())
	case err != nil:
		s.o.Logger.Error("save profile", "err", err)
		s.renderError(w, r, l, http.StatusInternalServerError, l.T("error.internal"))
	default:
		s.renderProfile(w, r, l, p, http.StatusOK, true, "")
	}
}

// clusterPage shows the staff who changed what in the members' profiles,
// and the marks on items and acts: counts, with names only of the members
// that chose to share theirs.
type clusterPage struct {
	pageBase
	Changes []store.ProfileChange
	Names   map[string]string
	Marks   []clusterMarks
}

// clusterMarks is one marked item or act on the cluster page.
type clusterMarks struct {
	Title, URL string
	Lines      []string
}

// clusterMarkedLimit bounds the marked items the cluster page lists.
const clusterMarkedLimit = 100

// clusterMarks reads the most recently marked items and acts with the
// cluster's counts on each.
func (s *Server) clusterMarks(r *http.Request, l tr) ([]clusterMarks, error) {
	ctx := r.Context()
	keys, err := s.o.Store.MarkedKeys(ctx, clusterMarkedLimit)
	if err != nil {
		return nil, err
	}
	var out []clusterMarks
	for _, k := range keys {
		cm := clusterMarks{Title: k, URL: store.MarkPath(k)}
		var comps []string
		if kind, id, ok := store.SplitActMarkKey(k); ok {
			cm.Title = kind + " " + id
		} else if it, err := s.o.Store.Item(ctx, k); err == nil {
			cm.Title, comps = it.Title, it.Competences
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		counts, err := s.auth.ClusterCounts(ctx, k, comps)
		if err != nil {
			return nil, err
		}
		if cm.Lines = s.clusterLines(l, counts); len(cm.Lines) > 0 {
			out = append(out, cm)
		}
	}
	return out, nil
}

func (s *Server) handleClusterPage(w http.ResponseWriter, r *http.Request) {
	l := s.locale(w, r)
	changes, err := s.o.Store.ProfileChanges(r.Context(), 200)
	if err != nil {
		s.o.Logger.Error("read profile changes", "err", err)
		s.renderError(w, r, l, http.StatusInternalServerError, l.T("error.internal"))
		return
	}
	marks, err := s.clusterMarks(r, l)
	if err != nil {
		s.o.Logger.Error("read the cluster's marks", "err", err)
		s.renderError(w, r, l, http.StatusInternalServerError, l.T("error.internal"))
		return
	}
	names := map[string]string{}
	for _, m := range s.o.Config.Members {
		names[m.ID] = m.Name
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, http.StatusOK, "cluster", clusterPage{pageBase: s.base(r, l, "cluster", l.T("cluster.page")), Changes: changes,
		Names: names, Marks: marks})
}

// handleClusterCounts is the anonymised view of an item's marks.
func (s *Server) handleClusterCounts(w http.ResponseWriter, r *http.Request) {
	it, err := s.o.Store.Item(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no item with id "+r.PathValue("id"))
		return
	}
	var counts []members.ClusterCount
	if err == nil {
		counts, err = s.auth.ClusterCounts(r.Context(), it.ID, it.Competences)
	}
	if err != nil {
		s.o.Logger.Error("cluster counts", "err", err)
		writeError(w, http.StatusInternalServerError, "could not count the marks")
		return
	}
	if counts == nil {
		counts = []members.ClusterCount{}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, counts)
}

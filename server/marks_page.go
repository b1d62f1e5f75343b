package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/i18n"
	"github.com/nogentech/veille/members"
	"github.com/nogentech/veille/store"
)

// markable checks that a mark key names an item or an act veille knows.
func (s *Server) markable(ctx context.Context, key string) (int, error) {
	if kind, id, ok := store.SplitActMarkKey(key); ok {
		_, found, err := s.act(ctx, kind, id, i18n.EN)
		switch {
		case err != nil:
			return http.StatusInternalServerError, err
		case !found:
			return http.StatusNotFound, fmt.Errorf("no act %s", veille.RefKey(kind, id))
		}
		return http.StatusOK, nil
	}
	if _, err := s.o.Store.Item(ctx, key); errors.Is(err, store.ErrNotFound) {
		return http.StatusNotFound, fmt.Errorf("no item with id %s", key)
	} else if err != nil {
		return http.StatusInternalServerError, err
	}
	return http.StatusOK, nil
}

// actRow fills a register row of a mark on an act: its title (the item
// that is the act, else its kind and id), its page, its reference and its
// date of application from the items that set it.
func (s *Server) actRow(ctx context.Context, row *registerRow, kind, id string) error {
	row.Page = store.MarkPath(row.ItemID)
	row.Reference = kind + " " + id
	row.Title = row.Reference
	a, found, err := s.act(ctx, kind, id, i18n.EN)
	if err != nil || !found {
		return err
	}
	row.Reference = kind + " " + a.ID
	if a.Act != nil {
		row.Title, row.Link = a.Act.Title, a.Act.Link
	}
	dates := make([]veille.KeyDate, len(a.Dates))
	for i, d := range a.Dates {
		dates[i] = d.KeyDate
	}
	row.Applies = appliesOn(dates)
	return nil
}

// markView is the mark form of an item or act page for a member, or the
// cluster's anonymised counts for staff.
type markView struct {
	MarkAction    string
	Mark          store.Mark
	MarkStatuses  []string
	ClusterCounts []string
}

// markView reads the member's own mark on key, or for staff the cluster's
// counts; action is where the form posts.
func (s *Server) markView(r *http.Request, l tr, key string, competences []string, action string) (markView, error) {
	id := members.Who(r)
	v := markView{MarkAction: action, MarkStatuses: members.Statuses}
	switch {
	case id.Member != "":
		m, err := s.o.Store.Mark(r.Context(), id.Member, key)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return v, err
		}
		v.Mark = m
	case id.Staff:
		counts, err := s.auth.ClusterCounts(r.Context(), key, competences)
		if err != nil {
			return v, err
		}
		v.ClusterCounts = s.clusterLines(l, counts)
	}
	return v, nil
}

// clusterLines puts the cluster's counts in words, with the names of the
// members that chose to share theirs.
func (s *Server) clusterLines(l tr, counts []members.ClusterCount) []string {
	var out []string
	for _, c := range counts {
		group := l.T("cluster.members")
		if c.Competence != "" {
			group = l.T("cluster.members_of", veille.CategoryLabel(s.o.Config.Competences, c.Competence, l.lang))
		}
		line := l.T("cluster.count", l.T("mark."+c.Status), c.Marked, c.Of, group)
		if len(c.Names) > 0 {
			line += " " + l.T("cluster.named", strings.Join(c.Names, ", "))
		}
		out = append(out, line)
	}
	return out
}

// handleMarkForm is the item page's form (no script needed).
func (s *Server) handleMarkForm(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.markForm(w, r, id, "/items/"+url.PathEscape(id)+"#mark")
}

// handleActMarkForm is the act page's form: the same mark, on the act.
func (s *Server) handleActMarkForm(w http.ResponseWriter, r *http.Request) {
	kind, id := actFromPath(r)
	s.markForm(w, r, store.ActMarkKey(kind, id), actURL(kind, id)+"#mark")
}

// markForm saves or deletes the member's mark on key with the API's
// checks, then goes back to the page.
func (s *Server) markForm(w http.ResponseWriter, r *http.Request, key, back string) {
	l := s.locale(w, r)
	var status int
	var err error
	if r.PostFormValue("delete") != "" {
		err = s.o.Store.DeleteMark(r.Context(), members.Who(r).Member, key)
		if errors.Is(err, store.ErrNotFound) {
			err = nil
		}
		if err != nil {
			status = http.StatusInternalServerError
		}
	} else {
		m := store.Mark{Status: r.PostFormValue("status"), Note: r.PostFormValue("note"), Owner: r.PostFormValue("owner"),
			Action: r.PostFormValue("action"), Due: r.PostFormValue("due"), Done: r.PostFormValue("done") != ""}
		status, err = s.saveMark(r.Context(), members.Who(r), key, m)
	}
	switch {
	case status == http.StatusInternalServerError:
		s.o.Logger.Error("save mark", "err", err)
		s.renderError(w, r, l, status, l.T("error.internal"))
	case err != nil:
		s.renderError(w, r, l, status, err.Error())
	default:
		http.Redirect(w, r, back, http.StatusSeeOther)
	}
}

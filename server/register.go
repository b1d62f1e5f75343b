package server

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/members"
	"github.com/nogentech/veille/refs"
	"github.com/nogentech/veille/store"
)

// registerRoutes are the member's compliance register: its marks on items,
// the Register page and its exports. Every query is the signed-in member's:
// the member id comes from the session, never from the request.
func (s *Server) registerRoutes() {
	s.handle("GET /api/marks", member, s.handleMarks)
	s.handle("PUT /api/marks/{item_id}", member, s.handlePutMark)
	s.handle("DELETE /api/marks/{item_id}", member, s.handleDeleteMark)
	s.handle("POST /items/{id}/mark", member, s.handleMarkForm)
	s.handle("GET /register", member, s.handleRegisterPage)
	s.handle("GET /register.csv", member, s.handleRegisterCSV)
	s.handle("GET /register.xlsx", member, s.handleRegisterXLSX)
}

// markFilter reads the Register's filters from the query.
func markFilter(v url.Values) store.MarkFilter {
	return store.MarkFilter{Status: v.Get("status"), Owner: v.Get("owner"), DueBefore: v.Get("due_before"),
		Open: v.Get("open") == "1"}
}

func (s *Server) handleMarks(w http.ResponseWriter, r *http.Request) {
	ms, err := s.o.Store.Marks(r.Context(), members.Who(r).Member, markFilter(r.URL.Query()))
	if err != nil {
		s.o.Logger.Error("read marks", "err", err)
		writeError(w, http.StatusInternalServerError, "could not read the register")
		return
	}
	if ms == nil {
		ms = []store.Mark{}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, ms)
}

// saveMark checks and stores a mark of the signed-in member on an item
// that exists; it returns the HTTP status and the message of a refusal.
func (s *Server) saveMark(ctx context.Context, id members.Identity, itemID string, m store.Mark) (int, error) {
	if _, err := s.o.Store.Item(ctx, itemID); errors.Is(err, store.ErrNotFound) {
		return http.StatusNotFound, fmt.Errorf("no item with id %s", itemID)
	} else if err != nil {
		return http.StatusInternalServerError, err
	}
	if err := members.CheckMark(&m); err != nil {
		return http.StatusBadRequest, err
	}
	m.Member, m.ItemID, m.UpdatedAt, m.UpdatedBy = id.Member, itemID, s.o.Now(), id.Email
	if err := s.o.Store.PutMark(ctx, m); err != nil {
		return http.StatusInternalServerError, err
	}
	return http.StatusOK, nil
}

func (s *Server) handlePutMark(w http.ResponseWriter, r *http.Request) {
	var m store.Mark
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		writeError(w, http.StatusBadRequest, "the body must be a JSON mark: "+err.Error())
		return
	}
	id := members.Who(r)
	status, err := s.saveMark(r.Context(), id, r.PathValue("item_id"), m)
	if status == http.StatusInternalServerError {
		s.o.Logger.Error("save mark", "err", err)
		writeError(w, status, "could not save the mark")
		return
	}
	if err != nil {
		writeError(w, status, err.Error())
		return
	}
	saved, err := s.o.Store.Mark(r.Context(), id.Member, r.PathValue("item_id"))
	if err != nil {
		s.o.Logger.Error("read mark", "err", err)
		writeError(w, http.StatusInternalServerError, "could not read the mark")
		return
	}
	writeJSON(w, http.StatusOK, saved)
}

func (s *Server) handleDeleteMark(w http.ResponseWriter, r *http.Request) {
	err := s.o.Store.DeleteMark(r.Context(), members.Who(r).Member, r.PathValue("item_id"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, "no mark on this item")
	case err != nil:
		s.o.Logger.Error("delete mark", "err", err)
		writeError(w, http.StatusInternalServerError, "could not delete the mark")
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// handleMarkForm is the item page's form (no script needed): the same
// checks as the API, then back to the item.
func (s *Server) handleMarkForm(w http.ResponseWriter, r *http.Request) {
	l := s.locale(w, r)
	itemID := r.PathValue("id")
	var status int
	var err error
	if r.PostFormValue("delete") != "" {
		err = s.o.Store.DeleteMark(r.Context(), members.Who(r).Member, itemID)
		if errors.Is(err, store.ErrNotFound) {
			err = nil
		}
		if err != nil {
			status = http.StatusInternalServerError
		}
	} else {
		m := store.Mark{Status: r.PostFormValue("status"), Note: r.PostFormValue("note"), Owner: r.PostFormValue("owner"),
			Action: r.PostFormValue("action"), Due: r.PostFormValue("due"), Done: r.PostFormValue("done") != ""}
		status, err = s.saveMark(r.Context(), members.Who(r), itemID, m)
	}
	switch {
	case status == http.StatusInternalServerError:
		s.o.Logger.Error("save mark", "err", err)
		s.renderError(w, r, l, status, l.T("error.internal"))
	case err != nil:
		s.renderError(w, r, l, status, err.Error())
	default:
		http.Redirect(w, r, "/items/"+url.PathEscape(itemID)+"#mark", http.StatusSeeOther)
	}
}

// registerRow is one line of the Register and its exports: the columns an
// auditor asks for.
type registerRow struct {
	store.Mark
	Title     string
	Link      string
	Reference string // the act the item is (refs/), "celex 32017R0745"
	Applies   string // its date of application, else of entry into force

	Overdue bool
}

// registerRows reads the signed-in member's marks with their items.
func (s *Server) registerRows(ctx context.Context, member string, f store.MarkFilter) ([]registerRow, error) {
	ms, err := s.o.Store.Marks(ctx, member, f)
	if err != nil {
		return nil, err
	}
	today := s.o.Now().In(s.loc).Format("2006-01-02")
	rows := make([]registerRow, 0, len(ms))
	for _, m := range ms {
		row := registerRow{Mark: m, Title: m.ItemID, Overdue: m.Overdue(today)}
		it, err := s.o.Store.Item(ctx, m.ItemID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if err == nil {
			row.Title, row.Link = it.Title, it.Link
			row.Reference, row.Applies = actColumns(it)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// actColumns are the register's reference and date of application of an
// item, from what refs/ extracted: the act the item is, and its date of
// application (or, without one, of entry into force).
func actColumns(it veille.Item) (ref, applies string) {
	if it.Act != nil {
		ref = it.Act.Kind + " " + it.Act.ID
	}
	for _, kind := range []string{refs.DateApplication, refs.DateEntryIntoForce} {
		for _, d := range it.Dates {
			if d.Kind == kind && applies == "" {
				applies = d.Date
			}
		}
	}
	return ref, applies
}

// exportHeader are the export's columns, in the language of the request.
func exportHeader(l tr) []string {
	keys := []string{"register.text", "register.reference", "register.applies_on", "register.status", "register.action",
		"register.owner", "register.due", "register.done", "register.note", "register.link"}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = l.T(k)
	}
	return out
}

func exportRecord(l tr, row registerRow) []string {
	done := ""
	if row.Done {
		done = l.T("register.yes")
	}
	return []string{row.Title, row.Reference, row.Applies, l.T("mark." + row.Status), row.Action, row.Owner, row.Due,
		done, row.Note, row.Link}
}

func (s *Server) exportRows(w http.ResponseWriter, r *http.Request) ([]registerRow, tr, bool) {
	l := s.locale(w, r)
	rows, err := s.registerRows(r.Context(), members.Who(r).Member, markFilter(r.URL.Query()))
	if err != nil {
		s.o.Logger.Error("read register", "err", err)
		s.renderError(w, r, l, http.StatusInternalServerError, l.T("error.internal"))
		return nil, l, false
	}
	w.Header().Set("Cache-Control", "no-store")
	return rows, l, true
}

func (s *Server) handleRegisterCSV(w http.ResponseWriter, r *http.Request) {
	rows, l, ok := s.exportRows(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="register.csv"`)
	// A byte-order mark, so that spreadsheet programs read UTF-8 accents.
	w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	cw.Write(exportHeader(l))
	for _, row := range rows {
		cw.Write(csvSafe(exportRecord(l, row)))
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.o.Logger.Warn("write register.csv", "err", err)
	}
}

// csvSafe defuses cells a spreadsheet would run as a formula (CSV
// injection): item titles come from publishers, notes from people.
func csvSafe(rec []string) []string {
	for i, v := range rec {
		if v != "" && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r') {
			rec[i] = "'" + v
		}
	}
	return rec
}

func (s *Server) handleRegisterXLSX(w http.ResponseWriter, r *http.Request) {
	rows, l, ok := s.exportRows(w, r)
	if !ok {
		return
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	write := func(n int, rec []string) error {
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		vals := make([]any, len(rec))
		for i, v := range rec {
			vals[i] = v // strings, never formulas
		}
		return f.SetSheetRow(sheet, cell, &vals)
	}
	err := write(1, exportHeader(l))
	for i, row := range rows {
		if err == nil {
			err = write(i+2, exportRecord(l, row))
		}
	}
	if err == nil {
		err = f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	}
	if err != nil {
		s.o.Logger.Error("build register.xlsx", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="register.xlsx"`)
	if err := f.Write(w); err != nil {
		s.o.Logger.Warn("write register.xlsx", "err", err)
	}
}

// registerPage is the Register.
type registerPage struct {
	pageBase
	Rows     []registerRow
	Statuses []string
	Filter   store.MarkFilter
	Query    string // the filters, for the export links
}

func (s *Server) handleRegisterPage(w http.ResponseWriter, r *http.Request) {
	rows, l, ok := s.exportRows(w, r)
	if !ok {
		return
	}
	q := url.Values{}
	f := markFilter(r.URL.Query())
	for k, v := range map[string]string{"status": f.Status, "owner": f.Owner, "due_before": f.DueBefore, "open": strconv.FormatBool(f.Open)} {
		if v != "" && v != "false" {
			if k == "open" {
				v = "1"
			}
			q.Set(k, v)
		}
	}
	p := registerPage{pageBase: s.base(r, l, "register", l.T("register.title")), Rows: rows, Statuses: members.Statuses,
		Filter: f, Query: q.Encode()}
	s.render(w, http.StatusOK, "register", p)
}

// fillMarks puts on the item page the member's own mark, or for staff the
// cluster's anonymised counts.
func (s *Server) fillMarks(r *http.Request, l tr, p *itemPage) error {
	id := members.Who(r)
	p.MarkStatuses = members.Statuses
	switch {
	case id.Member != "":
		m, err := s.o.Store.Mark(r.Context(), id.Member, p.Item.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		p.Mark = m
	case id.Staff:
		counts, err := s.auth.ClusterCounts(r.Context(), p.Item.ID, p.Item.Competences)
		if err != nil {
			return err
		}
		for _, c := range counts {
			group := l.T("cluster.members")
			if c.Competence != "" {
				group = l.T("cluster.members_of", veille.CategoryLabel(s.o.Config.Competences, c.Competence, l.lang))
			}
			p.ClusterCounts = append(p.ClusterCounts, l.T("cluster.count", l.T("mark."+c.Status), c.Marked, c.Of, group))
		}
	}
	return nil
}

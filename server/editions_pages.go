package server

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/store"
)

// editionPageNames are the edition's views, parsed with the site's layout.
var editionPageNames = []string{"editions", "edition", "edition_edit"}

// addEditionTemplates parses the edition's views into s.pages, so that
// s.render serves them like every other page.
func (s *Server) addEditionTemplates() error {
	base, err := template.New("layout").Funcs(template.FuncMap{"asset": s.assets.URL,
		"inc": func(i int) int { return i + 1 }}).ParseFS(templateFS, "templates/layout.html", "templates/mark.html")
	if err != nil {
		return fmt.Errorf("parse layout: %w", err)
	}
	for _, name := range editionPageNames {
		t, err := base.Clone()
		if err == nil {
			t, err = t.ParseFS(templateFS, "templates/"+name+".html")
		}
		if err != nil {
			return fmt.Errorf("parse template %s: %w", name, err)
		}
		s.pages[name] = t
	}
	return nil
}

func (e *editions) pageRoutes() {
	if err := e.s.addEditionTemplates(); err != nil {
		e.s.o.Logger.Error("edition pages disabled", "err", err)
		return
	}
	m := e.s
	m.handle("GET /editions", reader, e.handleList)
	m.handle("GET /editions.atom", reader, e.handleFeed)
	m.handle("GET /editions/{digest}/{period}", reader, e.handleView)
	m.handle("GET /editions/{digest}/{period}/edit", staff, e.handleEdit)
	m.handle("POST /editions/{digest}/{period}/edit", staff, e.handleSave)
	m.handle("POST /editions/{digest}/{period}/approve", staff, e.handleApproveForm)
	m.handle("POST /editions/{digest}/{period}/discussed", staff, e.handleDiscussedForm)
}

func editPath(id, period string) string { return digest.EditionPath(id, period) + "/edit" }

// staffEdition starts every staff form on one edition: the staff member,
// the page's language and the edition's digest and week; when it returns
// false it has answered.
func (e *editions) staffEdition(w http.ResponseWriter, r *http.Request) (who string, l tr, dg veille.Digest, p digest.Period, ok bool) {
	l = e.s.locale(w, r)
	who, dg, p, err := e.staffTarget(r)
	if err != nil {
		e.pageError(w, r, l, err)
		return who, l, dg, p, false
	}
	return who, l, dg, p, true
}

// editionList is the list page: each editorial digest's editions.
type editionList struct {
	pageBase
	Digests []editionDigestRows
}

type editionDigestRows struct {
	Title, CurrentURL, CurrentLabel string
	Rows                            []editionRow
}

type editionRow struct{ URL, Label, Status, Discussed, EditURL string }

func (e *editions) handleList(w http.ResponseWriter, r *http.Request) {
	l := e.s.locale(w, r)
	_, staff := e.s.isStaff(r)
	page := editionList{pageBase: e.s.base(r, l, "editions", l.T("edition.list"))}
	page.FeedURL = "/editions.atom"
	for _, dg := range e.s.o.Config.Digests {
		if !dg.Editorial {
			continue
		}
		d := editionDigestRows{Title: digest.DigestTitle(e.s.o.Config, dg, l.lang)}
		if staff {
			cur := digest.WeekOf(e.s.o.Now(), e.s.loc)
			d.CurrentURL, d.CurrentLabel = editPath(dg.ID, cur.Key), digest.PeriodLabel(l.lang, cur, e.s.loc)
		}
		status := store.EditionSent
		if staff {
			status = ""
		}
		eds, err := e.s.o.Store.Editions(r.Context(), dg.ID, status, maxArchive)
		if err != nil {
			e.s.o.Logger.Error("list editions", "err", err)
			e.s.renderError(w, r, l, http.StatusInternalServerError, l.T("error.internal"))
			return
		}
		for _, ed := range eds {
			row := editionRow{URL: digest.EditionPath(dg.ID, ed.Period), Label: ed.Period,
				Status: l.T("edition.status." + ed.Status)}
			if p, err := digest.ParsePeriod(ed.Period, e.s.loc); err == nil {
				row.Label = digest.PeriodLabel(l.lang, p, e.s.loc)
			}
			if ed.DiscussedOn != "" {
				row.Discussed = l.T("edition.discussed", dayLabel(l, ed.DiscussedOn))
			}
			if staff && ed.Status == store.EditionDraft {
				row.EditURL = editPath(dg.ID, ed.Period)
			}
			d.Rows = append(d.Rows, row)
		}
		page.Digests = append(page.Digests, d)
	}
	e.s.render(w, http.StatusOK, "editions", page)
}

// editionView is the archive page of an edition (and its print view).
type editionView struct {
	pageBase
	Page                                digest.EditionPage
	Draft, Sent, Discussed, DiscussedOn string
	PrintURL, EditURL, DiscussedURL     string
	Staff                               bool
}

func (e *editions) handleView(w http.ResponseWriter, r *http.Request) {
	l := e.s.locale(w, r)
	_, staff := e.s.isStaff(r)
	dg, p, err := e.target(r)
	if err != nil {
		e.pageError(w, r, l, err)
		return
	}
	ed, err := e.s.o.Store.Edition(r.Context(), dg.ID, p.Key)
	if err == nil && ed.Status != store.EditionSent && !staff {
		err = store.ErrNotFound // a draft is staff's business
	}
	if errors.Is(err, store.ErrNotFound) && !staff {
		e.s.renderError(w, r, l, http.StatusNotFound, l.T("error.notfound"))
		return
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		e.pageError(w, r, l, err)
		return
	}
	d, ed, err := e.n.EditionPreview(r.Context(), dg.ID, p)
	if err != nil {
		e.pageError(w, r, l, err)
		return
	}
	v := editionView{Page: digest.NewEditionPage(e.s.o.Config, dg, d, l.lang, ""), Staff: staff,
		DiscussedOn: ed.DiscussedOn, PrintURL: digest.EditionPath(dg.ID, p.Key) + "?print=1",
		DiscussedURL: digest.EditionPath(dg.ID, p.Key) + "/discussed"}
	v.pageBase = e.s.base(r, l, "editions", l.T("edition.title")+" — "+v.Page.PeriodLabel)
	v.FeedURL = "/editions.atom"
	for i := range v.Page.Sections {
		for j := range v.Page.Sections[i].Items {
			it := &v.Page.Sections[i].Items[j]
			it.ItemURL = "/items/" + url.PathEscape(it.ID)
		}
	}
	switch ed.Status {
	case store.EditionDraft:
		v.Draft = l.T("edition.draftnote", ed.Version)
		if staff {
			v.EditURL = editPath(dg.ID, p.Key)
		}
	case store.EditionSent:
		v.Sent = l.T("edition.sent", l.Date(ed.SentAt))
	}
	if ed.DiscussedOn != "" {
		v.Discussed = l.T("edition.discussed", dayLabel(l, ed.DiscussedOn))
	}
	e.s.render(w, http.StatusOK, "edition", v)
}

// pageError shows an edition error as a page with its status.
func (e *editions) pageError(w http.ResponseWriter, r *http.Request, l tr, err error) {
	st := editionStatus(err)
	msg := err.Error()
	if st == http.StatusInternalServerError {
		e.s.o.Logger.Error("edition page", "err", err)
		msg = l.T("error.internal")
	}
	e.s.renderError(w, r, l, st, msg)
}

// editPage is the staff's editing page.
type editPage struct {
	pageBase
	Heading, ViewURL, FormURL, ApproveURL string
	Version                               int
	Frozen                                bool
	Intro, IntroEN                        string
	Rows                                  []editRow
	Removed                               []editRow
	Query                                 string
	Results                               []editRow
	History                               []historyRow
	Message, MessageClass                 string
}

type editRow struct {
	ID, Title, Link, ItemURL, Date, Source, Note, NoteEN, Heading string
	// Counts are the members' marks on the item, anonymised, as the
	// edition will print them.
	Counts string
}

type historyRow struct {
	Version       int
	At, Who, What string
}

func (e *editions) handleEdit(w http.ResponseWriter, r *http.Request) {
	l := e.s.locale(w, r)
	msg, class := "", "note"
	switch q := r.URL.Query(); {
	case q.Get("saved") != "":
		msg = l.T("edition.saved", atoi(q.Get("saved")))
	case q.Get("approved") != "":
		msg = l.T("edition.approved", atoi(q.Get("approved")))
	}
	e.renderEdit(w, r, l, http.StatusOK, msg, class)
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func (e *editions) renderEdit(w http.ResponseWriter, r *http.Request, l tr, status int, msg, class string) {
	dg, p, err := e.target(r)
	if err != nil {
		e.pageError(w, r, l, err)
		return
	}
	ctx := r.Context()
	ed, err := e.n.Edition(ctx, dg.ID, p)
	if err != nil {
		e.pageError(w, r, l, err)
		return
	}
	pg := editPage{Heading: digest.DigestTitle(e.s.o.Config, dg, l.lang) + " — " + digest.PeriodLabel(l.lang, p, e.s.loc),
		ViewURL: digest.EditionPath(dg.ID, p.Key), FormURL: editPath(dg.ID, p.Key),
		ApproveURL: digest.EditionPath(dg.ID, p.Key) + "/approve", Version: ed.Version,
		Frozen: ed.Status != store.EditionDraft, Intro: ed.Intro, IntroEN: ed.IntroEN, Message: msg, MessageClass: class,
		Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	pg.pageBase = e.s.base(r, l, "editions", l.T("edition.edit"))
	var kept []veille.Item
	for _, it := range ed.Items {
		row, stored := e.row(r, l, it)
		pg.Rows = append(pg.Rows, row)
		kept = append(kept, stored)
	}
	e.fillCounts(r, l, pg.Rows, kept)
	for _, id := range ed.Removed {
		row, _ := e.row(r, l, store.EditionItem{ID: id})
		pg.Removed = append(pg.Removed, row)
	}
	if pg.Query != "" && e.s.o.Index != nil {
		res, err := e.s.search(ctx, "edition", veille.SearchRequest{Query: pg.Query, Limit: 10, NoFacets: true, NoHighlight: true})
		if err != nil {
			pg.Message, pg.MessageClass = err.Error(), "warning"
		} else {
			for _, h := range res.Hits {
				if slices.ContainsFunc(ed.Items, func(it store.EditionItem) bool { return it.ID == h.ID }) {
					continue
				}
				pg.Results = append(pg.Results, editRow{ID: h.ID, Title: h.Title, Date: l.Date(h.Published),
					Source: e.s.sourceName(h.Source)})
			}
		}
	}
	changes, err := e.s.o.Store.EditionChanges(ctx, dg.ID, p.Key)
	if err != nil {
		e.pageError(w, r, l, err)
		return
	}
	for i := len(changes) - 1; i >= 0; i-- { // newest first
		c := changes[i]
		pg.History = append(pg.History, historyRow{Version: c.Version, At: l.DateTime(c.At), Who: c.Who, What: c.What})
	}
	e.s.render(w, status, "edition_edit", pg)
}

// row fills an edition item with what the store knows of it, and returns
// the stored item (its id alone when the store has none).
func (e *editions) row(r *http.Request, l tr, it store.EditionItem) (editRow, veille.Item) {
	row := editRow{ID: it.ID, Title: it.Title, Note: it.Note, NoteEN: it.NoteEN, Heading: it.Heading,
		ItemURL: "/items/" + url.PathEscape(it.ID)}
	stored, err := e.s.o.Store.Item(r.Context(), it.ID)
	if err == nil {
		row.Title, row.Link = stored.Title, safeLink(stored.Link)
		row.Date, row.Source = l.Date(stored.Published), e.s.sourceName(stored.Source)
	} else {
		stored = veille.Item{ID: it.ID}
	}
	if row.Title == "" {
		row.Title = it.ID
	}
	return row, stored
}

// fillCounts puts the members' marks on the rows (of items, in order), so
// staff see what the edition will say while they choose; the page goes
// without them when they cannot be counted.
func (e *editions) fillCounts(r *http.Request, l tr, rows []editRow, items []veille.Item) {
	if e.s.auth == nil {
		return
	}
	counts, err := e.s.auth.ClusterCountsOf(r.Context(), items)
	if err != nil {
		e.s.o.Logger.Error("edition page: count the members' marks", "err", err)
		return
	}
	for i := range rows {
		rows[i].Counts = digest.CountLine(e.s.o.Config, counts[items[i].ID], l.lang)
	}
}

// handleSave applies the editing form: fields, order, and the one button
// pressed (remove, up, down, add, search, save), as one version-checked
// save.
func (e *editions) handleSave(w http.ResponseWriter, r *http.Request) {
	who, l, dg, p, ok := e.staffEdition(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		e.s.renderError(w, r, l, http.StatusBadRequest, err.Error())
		return
	}
	f := r.PostForm
	items := formItems(f)
	switch {
	case f.Get("remove") != "":
		items = slices.DeleteFunc(items, func(it store.EditionItem) bool { return it.ID == f.Get("remove") })
	case f.Get("up") != "", f.Get("down") != "":
		id, step := f.Get("up"), -1
		if id == "" {
			id, step = f.Get("down"), 1
		}
		if i := slices.IndexFunc(items, func(it store.EditionItem) bool { return it.ID == id }); i >= 0 && i+step >= 0 && i+step < len(items) {
			items[i], items[i+step] = items[i+step], items[i]
		}
	case f.Get("add") != "":
		if !slices.ContainsFunc(items, func(it store.EditionItem) bool { return it.ID == f.Get("add") }) {
			items = append(items, store.EditionItem{ID: f.Get("add")})
		}
	}
	ed, err := e.n.SaveEdition(r.Context(), dg.ID, p, store.Edition{Version: atoi(f.Get("version")),
		Intro: f.Get("intro"), IntroEN: f.Get("intro_en"), Items: items}, who)
	if err != nil {
		switch {
		case errors.Is(err, store.ErrVersionConflict):
			cur, _ := e.s.o.Store.Edition(r.Context(), dg.ID, p.Key)
			e.renderEdit(w, r, l, http.StatusConflict, l.T("edition.conflict", cur.Version), "warning")
		case errors.Is(err, store.ErrEditionFrozen):
			e.renderEdit(w, r, l, http.StatusConflict, l.T("edition.frozen"), "warning")
		default:
			e.pageError(w, r, l, err)
		}
		return
	}
	v := url.Values{"saved": {strconv.Itoa(ed.Version)}}
	if q := strings.TrimSpace(f.Get("q")); q != "" && f.Get("action") == "search" {
		v.Set("q", q)
	}
	http.Redirect(w, r, editPath(dg.ID, p.Key)+"?"+v.Encode(), http.StatusSeeOther)
}

// formItems reads the rows of the editing form in the order staff gave
// (their position numbers; ties keep the page's order).
func formItems(f url.Values) []store.EditionItem {
	n := min(atoi(f.Get("n")), 1000)
	type row struct {
		it  store.EditionItem
		pos int
	}
	var rows []row
	for i := range n {
		k := strconv.Itoa(i)
		id := strings.TrimSpace(f.Get("id" + k))
		if id == "" {
			continue
		}
		pos, err := strconv.Atoi(f.Get("pos" + k))
		if err != nil {
			pos = i + 1
		}
		rows = append(rows, row{it: store.EditionItem{ID: id, Note: f.Get("note" + k), NoteEN: f.Get("note_en" + k),
			Heading: f.Get("heading" + k)}, pos: pos})
	}
	slices.SortStableFunc(rows, func(a, b row) int { return a.pos - b.pos })
	out := make([]store.EditionItem, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.it)
	}
	return out
}

func (e *editions) handleApproveForm(w http.ResponseWriter, r *http.Request) {
	_, l, dg, p, ok := e.staffEdition(w, r)
	if !ok {
		return
	}
	// Approve what the page showed: a newer version (another staff's
	// save) must be read first.
	if cur, err := e.s.o.Store.Edition(r.Context(), dg.ID, p.Key); err == nil && cur.Status == store.EditionDraft &&
		cur.Version != atoi(r.PostFormValue("version")) {
		e.renderEdit(w, r, l, http.StatusConflict, l.T("edition.conflict", cur.Version), "warning")
		return
	}
	res, _, err := e.approve(r)
	if err != nil {
		if errors.Is(err, errCannotSend) {
			e.s.renderError(w, r, l, http.StatusServiceUnavailable, l.T("edition.sendfail", err.Error()))
			return
		}
		e.pageError(w, r, l, err)
		return
	}
	http.Redirect(w, r, digest.EditionPath(dg.ID, p.Key)+"?"+url.Values{"approved": {strconv.Itoa(len(res.Recipients))}}.Encode(),
		http.StatusSeeOther)
}

func (e *editions) handleDiscussedForm(w http.ResponseWriter, r *http.Request) {
	who, l, dg, p, ok := e.staffEdition(w, r)
	if !ok {
		return
	}
	if _, err := e.n.SetDiscussed(r.Context(), dg.ID, p, strings.TrimSpace(r.PostFormValue("date")), who); err != nil {
		st := http.StatusBadRequest
		if errors.Is(err, store.ErrNotFound) {
			st = http.StatusNotFound
		}
		e.s.renderError(w, r, l, st, err.Error())
		return
	}
	http.Redirect(w, r, digest.EditionPath(dg.ID, p.Key), http.StatusSeeOther)
}

package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/refs"
	"github.com/nogentech/veille/store"
)

// The deadlines calendar (CONTRACT.md): the dates the items set, filtered
// by domain, competence, member and kind of date, as a page (/calendar) and
// as an RFC 5545 calendar people subscribe to (/calendar.ics).

const (
	// calendarBack and calendarAhead are the default window: 30 days back
	// to a year ahead.
	calendarBack  = 30
	calendarAhead = 1
	// calendarMaxEvents caps the dates of one calendar (calendar_fill.go):
	// past it, the calendar keeps the upcoming dates first, then the most
	// recent past ones, and the page says so.
	calendarMaxEvents = 1000
)

var calendarParams = map[string]bool{"since": true, "until": true, "domain": true, "competence": true,
	"member": true, "kind": true, "ui": true}

// calendarQuery is a calendar request, checked.
type calendarQuery struct {
	Domains, Competences, Kinds []string
	Member                      string
	// From and Until are days (YYYY-MM-DD), Until exclusive.
	From, Until string
	// empty: the member's competences and the competence asked for have
	// nothing in common.
	empty bool
}

// parseCalendar reads the calendar's parameters; the window's days are
// calendar days, today being today where the watch is.
func (s *Server) parseCalendar(v url.Values) (calendarQuery, error) {
	var q calendarQuery
	for k := range v {
		if !calendarParams[k] {
			return q, userErrorf("unknown parameter %q (known: since, until, domain, competence, member, kind)", k)
		}
	}
	q.Domains = SplitValues(v["domain"])
	q.Competences = SplitValues(v["competence"])
	for _, k := range SplitValues(v["kind"]) {
		if !slices.Contains(refs.DateKinds, k) {
			return q, userErrorf("unknown kind of date %q (known: %s)", k, strings.Join(refs.DateKinds, ", "))
		}
		q.Kinds = append(q.Kinds, k)
	}
	if m := strings.TrimSpace(v.Get("member")); m != "" {
		var comps []string
		found := false
		for _, mb := range s.o.Config.Members {
			if mb.ID == m {
				found, comps = true, mb.Competences
			}
		}
		if !found {
			return q, userErrorf("unknown member %q", m)
		}
		q.Member = m
		// A member's calendar is its competences; a competence asked for
		// as well narrows it.
		if len(q.Competences) > 0 {
			var both []string
			for _, c := range q.Competences {
				if slices.Contains(comps, c) {
					both = append(both, c)
				}
			}
			comps = both
		}
		q.Competences = comps
		q.empty = len(comps) == 0
	}
	today := s.o.Now().In(s.loc)
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	q.From, q.Until = day(today.AddDate(0, 0, -calendarBack)), day(today.AddDate(calendarAhead, 0, 1))
	if v.Get("since") != "" {
		t, err := ParseDay(v.Get("since"), time.UTC, false)
		if err != nil || !indexableDay(t) {
			return q, userErrorf("since: want a date as YYYY-MM-DD, got %q", v.Get("since"))
		}
		q.From = day(t)
	}
	if v.Get("until") != "" {
		t, err := ParseDay(v.Get("until"), time.UTC, true)
		if err != nil || !indexableDay(t) {
			return q, userErrorf("until: want a date as YYYY-MM-DD, got %q", v.Get("until"))
		}
		q.Until = day(t)
	}
	if q.From >= q.Until {
		return q, userErrorf("since (%s) must not be after until", q.From)
	}
	return q, nil
}

// eventUID is an event's UID: the same item, kind and day give the same
// UID in every download, so that calendars update rather than duplicate.
func eventUID(e refs.Event) string {
	sum := sha256.Sum256([]byte(e.Item.ID + "\x00" + e.Kind + "\x00" + e.Date))
	return hex.EncodeToString(sum[:16]) + "@veille"
}

// eventTitle names the act and the kind of date: "Regulation (EU)
// 2017/745 — application"; the item's title when it names no act.
func eventTitle(l tr, e refs.Event) string {
	what := e.Item.Title
	if e.Act != nil {
		what = e.Act.ID
	}
	return what + " — " + l.T("datekind."+e.Kind)
}

func (s *Server) handleCalendarICS(w http.ResponseWriter, r *http.Request) {
	q, err := s.parseCalendar(r.URL.Query())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	lang, _ := uiLang(r)
	base := s.baseURL(r)
	body, err := s.actsCache.ics.through(s.o.Index.Batches(), cacheKey(s.calendarKey(q), string(lang), base), func() ([]byte, error) {
		evs, cut, err := s.events(r.Context(), q)
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		s.writeICS(&b, tr{lang: lang, loc: s.loc}, base, evs, cut)
		return b.Bytes(), nil
	})
	if err != nil {
		if status, msg := s.searchErrorStatus(err); status != 0 {
			http.Error(w, msg, status)
		}
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(body)
}

// writeICS writes the events as an RFC 5545 calendar.
func (s *Server) writeICS(w io.Writer, l tr, base string, evs []refs.Event, cut calendarCut) {
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//NOGENTECH//veille//" + strings.ToUpper(string(l.lang)))
	cal.SetXWRCalName(l.T("calendar.title"))
	cal.SetRefreshInterval("PT12H")
	if cut.Truncated {
		// Subscribers see no page: the calendar's description says it.
		cal.SetXWRCalDesc(truncatedNote(l, len(evs), cut))
	}
	for _, e := range evs {
		day, err := time.Parse(time.DateOnly, e.Date)
		if err != nil {
			continue // written by refs as YYYY-MM-DD
		}
		ev := cal.AddEvent(eventUID(e))
		stamp := e.Item.Published
		if stamp.IsZero() {
			stamp = s.o.Now()
		}
		ev.SetDtStampTime(stamp)
		ev.SetAllDayStartAt(day)
		ev.SetAllDayEndAt(day.AddDate(0, 0, 1))
		ev.SetSummary(eventTitle(l, e))
		link := base + "/items/" + url.PathEscape(e.Item.ID)
		if e.Act != nil {
			link = base + actURL(e.Act.Kind, e.Act.ID)
		}
		ev.SetURL(link)
		ev.SetDescription(eventDescription(l, base, e))
	}
	cal.SerializeTo(w)
}

// eventDescription says which item sets the date, in its words, and what
// it cites.
func eventDescription(l tr, base string, e refs.Event) string {
	var b strings.Builder
	b.WriteString(e.Item.Title + "\n" + base + "/items/" + url.PathEscape(e.Item.ID) + "\n" + l.lang.Quote(e.Text))
	if len(e.Item.Refs) > 0 {
		b.WriteString("\n" + l.T("item.refs") + strings.TrimRight(l.lang.Colon(), " "))
		for _, r := range e.Item.Refs {
			b.WriteString("\n- " + r.ID)
		}
		if e.RefsLeft > 0 {
			b.WriteString("\n- " + l.T("calendar.refs_more", l.Number(int64(e.RefsLeft))))
		}
	}
	return b.String()
}

// calendarPage is /calendar.
type calendarPage struct {
	pageBase
	Window         string
	Since, Until   string
	Past, Upcoming []calendarEvent
	Truncated      string
	ICSURL         string
	ICSQuery       string // the filters, for a private URL (calendar_private.go)
	PrivateICS     string // a private URL just made, shown once
	Error          string
	// Before and After lead an empty calendar to the nearest dates
	// outside its window, with the same filters; nil when none.
	Before, After      *calendarLink
	Domains, Comps     []choice
	Members, Kinds     []choice
	DomainSel, CompSel string
	MemberSel, KindSel string
}

type choice struct{ Value, Label string }

// calendarLink is a day in words and the calendar of the year around it.
type calendarLink struct{ Day, URL string }

type calendarEvent struct {
	Date, ISO, Kind, Act, ActURL, Title, ItemURL string
	Quote                                        string // the words that set the date, quoted; "" when none
}

func (s *Server) handleCalendarPage(w http.ResponseWriter, r *http.Request) {
	l := s.locale(w, r)
	p := calendarPage{pageBase: s.base(r, l, "calendar", l.T("calendar.title"))}
	for _, c := range s.o.Config.Domains {
		p.Domains = append(p.Domains, choice{c.ID, veille.CategoryLabel(s.o.Config.Domains, c.ID, l.lang)})
	}
	for _, c := range s.o.Config.Competences {
		p.Comps = append(p.Comps, choice{c.ID, veille.CategoryLabel(s.o.Config.Competences, c.ID, l.lang)})
	}
	for _, m := range s.o.Config.Members {
		p.Members = append(p.Members, choice{m.ID, m.Name})
	}
	for _, k := range refs.DateKinds {
		p.Kinds = append(p.Kinds, choice{k, l.T("datekind." + k)})
	}
	v := r.URL.Query()
	p.DomainSel, p.CompSel, p.MemberSel, p.KindSel = v.Get("domain"), v.Get("competence"), v.Get("member"), v.Get("kind")
	q, err := s.parseCalendar(v)
	if err != nil {
		msg, _ := l.userMessage(err)
		s.renderError(w, r, l, http.StatusBadRequest, l.T("calendar.bad", msg))
		return
	}
	evs, cut, err := s.events(r.Context(), q)
	if err != nil {
		if status, msg := s.searchErrorStatus(err); status != 0 {
			s.renderError(w, r, l, status, msg)
		}
		return
	}
	last, _ := time.Parse(time.DateOnly, q.Until)
	p.Since, p.Until = q.From, last.AddDate(0, 0, -1).Format(time.DateOnly)
	p.Window = l.T("calendar.window", dayLabel(l, p.Since), dayLabel(l, p.Until))
	if cut.Truncated {
		p.Truncated = truncatedNote(l, len(evs), cut)
	}
	ics := url.Values{}
	for k, vs := range v {
		if k != "ui" {
			ics[k] = vs
		}
	}
	ics.Set("ui", string(l.lang))
	p.ICSURL = pageURL("/calendar.ics", ics)
	p.ICSQuery = ics.Encode()
	p.PrivateICS, _ = r.Context().Value(privateICSKey{}).(string)
	today := s.o.Now().In(s.loc).Format(time.DateOnly)
	for _, e := range evs {
		ce := calendarEvent{Date: dayLabel(l, e.Date), ISO: e.Date, Kind: l.T("datekind." + e.Kind),
			Title: e.Item.Title, ItemURL: "/items/" + url.PathEscape(e.Item.ID)}
		if e.Text != "" {
			ce.Quote = l.Quote(e.Text)
		}
		if e.Act != nil {
			ce.Act, ce.ActURL = e.Act.ID, actURL(e.Act.Kind, e.Act.ID)
		}
		if e.Date < today {
			p.Past = append(p.Past, ce)
		} else {
			p.Upcoming = append(p.Upcoming, ce)
		}
	}
	if len(evs) == 0 && !q.empty && s.o.Store != nil {
		p.Before, p.After = s.nearestDates(r, l, q, v)
	}
	s.render(w, http.StatusOK, "calendar", p)
}

// nearestDates are the links of an empty calendar to the nearest dates
// before and after its window: the year that ends on the one, and the
// year that starts on the other. A failure only loses the links.
func (s *Server) nearestDates(r *http.Request, l tr, q calendarQuery, v url.Values) (before, after *calendarLink) {
	b, a, err := s.o.Store.NearestDates(r.Context(), store.DatesQuery{From: q.From, Until: q.Until, Kinds: q.Kinds,
		Tags: store.Tags{Domains: q.Domains, Competences: q.Competences}})
	if err != nil {
		s.o.Logger.Warn("calendar: nearest dates", "err", err)
		return nil, nil
	}
	link := func(day string, from, until time.Time) *calendarLink {
		w := url.Values{}
		for k, vs := range v {
			w[k] = vs
		}
		w.Set("since", from.Format(time.DateOnly))
		w.Set("until", until.Format(time.DateOnly))
		return &calendarLink{Day: dayLabel(l, day), URL: pageURL("/calendar", w)}
	}
	if t, err := time.Parse(time.DateOnly, b); err == nil {
		before = link(b, t.AddDate(-1, 0, 1), t)
	}
	if t, err := time.Parse(time.DateOnly, a); err == nil {
		after = link(a, t, t.AddDate(1, 0, -1))
	}
	return before, after
}

// truncatedNote says what a capped calendar shows.
func truncatedNote(l tr, shown int, cut calendarCut) string {
	return l.T("calendar.truncated", l.Number(calendarMaxEvents), l.Number(int64(shown)),
		dayLabel(l, cut.First), dayLabel(l, cut.Last))
}

// indexableDay: a window's day is written as four digits of year, so that
// days compare as text the way they do in the index.
func indexableDay(t time.Time) bool { return t.Year() >= 1000 && t.Year() <= 9998 }

package server

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/store"
)

// Period states of a digest page.
const (
	periodSent     = "sent"     // archived: as it was sent
	periodPreview  = "preview"  // complete, never sent: as it would be now
	periodProgress = "progress" // the period in progress: what it holds so far
)

type digestPeriodPage struct {
	pageBase
	// V is the digest's view (digest.PageView), the one the mail is made of.
	V                          any
	DigestTitle, DigestURL     string
	State, Notice              string
	PrevURL, PrevLabel         string
	NextURL, NextLabel         string
	Members                    []memberLink
	MemberName, WholeDigestURL string
}

type memberLink struct{ Name, URL string }

// handlePeriod shows a period's digest as it was sent (archived); a
// complete period never sent as it would be now (a preview); the period in
// progress with what it holds so far. ?member= shows a member's cut. The
// page is in the interface language, negotiated as on every page.
func (d *digestPages) handlePeriod(w http.ResponseWriter, r *http.Request) {
	l := d.s.locale(w, r)
	id, key := r.PathValue("id"), r.PathValue("period")
	dg, ok := d.config(w, r, l, id)
	if !ok {
		return
	}
	loc, now := d.s.loc, d.s.o.Now()
	p, err := digest.ParsePeriod(key, loc)
	if err != nil {
		d.s.renderError(w, r, l, http.StatusBadRequest, l.T("digests.badperiod", key))
		return
	}
	if p.Since.After(now) {
		d.s.renderError(w, r, l, http.StatusNotFound, l.T("digests.future", digest.PeriodLabel(l.lang, p, loc), l.Date(p.Since)))
		return
	}
	page := digestPeriodPage{DigestTitle: digest.Title(d.s.o.Config, dg, l.lang), DigestURL: "/digests/" + url.PathEscape(id)}
	dd, err := d.n.Archived(r.Context(), id, p.Key)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if dd, _, err = d.n.Preview(r.Context(), id, p); err != nil {
			d.fail(w, r, l, err)
			return
		}
		page.State, page.Notice = periodPreview, l.T("digests.preview")
		if p.Until.After(now) {
			page.State, page.Notice = periodProgress, l.T("digests.progress.any")
			if sc, err := digest.ParseSchedule(dg.Schedule, loc); err == nil && dg.Schedule != "" {
				// The week in progress goes out at the first run after it ends.
				if next := sc.Next(p.Until.Add(-time.Second)); !next.IsZero() {
					page.Notice = l.T("digests.progress", l.DateTime(next))
				}
			}
		}
	case err != nil:
		d.fail(w, r, l, err)
		return
	default:
		// What the archive is depends on the ledger: mailed to someone, or
		// built (a run with no recipient, the demo) and mailed to no one.
		rows, err := d.s.o.Store.Deliveries(r.Context(), store.DeliveryFilter{Kind: digest.KindDigest, Ref: id, Period: p.Key,
			Status: store.DeliverySent, Limit: 1})
		if err != nil {
			d.fail(w, r, l, err)
			return
		}
		page.State, page.Notice = periodSent, l.T("digests.built", l.DateTime(dd.Built))
		if len(rows) == 0 {
			page.Notice = l.T("digests.built.unsent", l.DateTime(dd.Built))
		}
	}
	q := r.URL.Query()
	// Members' cuts are offered where the digest goes to members.
	for _, m := range d.s.o.Config.Members {
		if strings.TrimSpace(dg.Members) == "" {
			break
		}
		name := m.Name
		if name == "" {
			name = m.ID
		}
		page.Members = append(page.Members, memberLink{Name: name, URL: pageURL(r.URL.Path, url.Values{"member": {m.ID}})})
	}
	if mid := q.Get("member"); mid != "" {
		found := false
		for _, m := range d.s.o.Config.Members {
			if m.ID == mid {
				dd, found = dd.Cut(m), true
				page.MemberName = m.Name
			}
		}
		if !found {
			d.s.renderError(w, r, l, http.StatusNotFound, l.T("digests.nomember", mid))
			return
		}
		page.WholeDigestURL = r.URL.Path
	}
	page.V = digest.PageView(d.s.o.Config, dg, dd, l.lang, "/")
	if p.IsWeek() {
		prev := digest.WeekOf(p.Since.Add(-time.Hour), loc)
		page.PrevURL, page.PrevLabel = periodURL(id, prev.Key), digest.PeriodLabel(l.lang, prev, loc)
		if next := digest.WeekOf(p.Until.Add(time.Hour), loc); !next.Since.After(now) {
			page.NextURL, page.NextLabel = periodURL(id, next.Key), digest.PeriodLabel(l.lang, next, loc)
		}
	}
	page.pageBase = d.s.base(r, l, "digests", page.DigestTitle+" — "+digest.PeriodLabel(l.lang, p, loc))
	page.FeedURL = page.DigestURL + ".atom"
	d.s.render(w, http.StatusOK, "digest", page)
}

package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/store"
)

// digestPages serves the digest archive (/digests…) and the delivery
// ledger (/api/deliveries). It builds and reads digests; it never sends.
// The pages are the site's own (layout, stylesheet, language): the mail's
// HTML, made of inline styles for mail clients, is never served as a page.
type digestPages struct {
	s *Server
	n *digest.Archive
}

// refuseMail is the mailer of a notifier the server builds to edit
// editions without sending them (editions_api.go): pages never send.
type refuseMail struct{}

func (refuseMail) Send(context.Context, digest.Mail) error {
	return errors.New("the web server does not send mail")
}

// digestRoutes registers the digest archive and the ledger API.
func (s *Server) digestRoutes() {
	d := &digestPages{s: s, n: digest.NewArchive(s.o.Config, s.o.Store, s.o.Now)}
	s.handle("GET /digests", reader, d.handleList)
	s.handle("GET /digests/{id}", reader, d.handleDigest)
	s.handle("GET /digests/{id}/{period}", reader, d.handlePeriod)
	s.handle("GET /api/deliveries", admin, d.handleDeliveries)
}

// maxArchive bounds the periods a page or feed lists; the list of all
// digests shows the latest few of each.
const (
	maxArchive = 60
	listRecent = 5
)

type digestsPage struct {
	pageBase
	Intro   string
	Digests []digestCard
}

// digestCard is one digest: what it selects, when it goes out, the week
// in progress and the periods sent.
type digestCard struct {
	ID, URL, Title, What, Schedule, Next, FeedURL string
	Current                                       periodLine
	Periods                                       []periodLine
	// Preview is the last complete week when it was never sent.
	Preview *periodLine
	More    bool
}

type periodLine struct {
	URL, Label, Built, Sent, Problem, Items string
}

func periodURL(id, key string) string {
	return "/digests/" + url.PathEscape(id) + "/" + url.PathEscape(key)
}

// describe says what a digest selects, with labels rather than ids.
func (d *digestPages) describe(l tr, dg veille.Digest) string {
	var what []string
	label := func(facet string, ids []string) string {
		var names []string
		for _, id := range ids {
			names = append(names, d.s.termLabel(l, facet, id))
		}
		return strings.Join(names, ", ")
	}
	if len(dg.Domains) > 0 {
		what = append(what, l.T("digests.domains", label("domain", dg.Domains)))
	}
	if len(dg.Competences) > 0 {
		what = append(what, l.T("digests.competences", label("competence", dg.Competences)))
	}
	switch m := strings.TrimSpace(dg.Members); {
	case strings.EqualFold(m, "all"):
		what = append(what, l.T("digests.members.all"))
	case m != "":
		var names []string
		for _, id := range strings.FieldsFunc(m, func(r rune) bool { return r == ',' || r == ' ' }) {
			name := id
			for _, mb := range d.s.o.Config.Members {
				if mb.ID == id && mb.Name != "" {
					name = mb.Name
				}
			}
			names = append(names, name)
		}
		what = append(what, l.T("digests.members", strings.Join(names, ", ")))
	}
	if len(what) == 0 {
		return l.T("digests.everything")
	}
	return strings.Join(what, " · ")
}

// card gathers a digest for the pages; recent bounds the archived periods
// listed (the list of all digests shows a few, a digest's page all).
func (d *digestPages) card(ctx context.Context, l tr, dg veille.Digest, recent int) (digestCard, error) {
	loc, now := d.s.loc, d.s.o.Now()
	c := digestCard{ID: dg.ID, URL: "/digests/" + url.PathEscape(dg.ID), Title: digest.Title(d.s.o.Config, dg, l.lang),
		What: d.describe(l, dg), FeedURL: "/digests/" + url.PathEscape(dg.ID) + ".atom"}
	if dg.Schedule == "" {
		c.Schedule = l.T("digests.unscheduled")
	} else if sc, err := digest.ParseSchedule(dg.Schedule, loc); err == nil {
		c.Schedule = l.T("digests.schedule", sc.Words(l.lang))
		if next := sc.Next(now); !next.IsZero() {
			c.Next = l.T("digests.next", l.DateTime(next))
		}
	}
	// The week in progress, with what it holds so far.
	cur := digest.WeekOf(now, loc)
	dd, _, err := d.n.Preview(ctx, dg.ID, cur)
	if err != nil {
		return c, err
	}
	c.Current = periodLine{URL: periodURL(dg.ID, cur.Key), Label: digest.PeriodLabel(l.lang, cur, loc),
		Items: l.T("digests.sofar", d.itemCount(l, len(dd.Items)))}
	periods, err := d.s.o.Store.DigestPeriods(ctx, dg.ID, recent+1)
	if err != nil {
		return c, err
	}
	if len(periods) > recent {
		periods, c.More = periods[:recent], true
	}
	last := digest.LastCompleteWeek(now, loc)
	sentLast := false
	for _, a := range periods {
		line := periodLine{URL: periodURL(dg.ID, a.Period), Label: a.Period, Built: l.DateTime(a.Built)}
		if p, err := digest.ParsePeriod(a.Period, loc); err == nil {
			line.Label = digest.PeriodLabel(l.lang, p, loc)
		}
		sentLast = sentLast || a.Period == last.Key
		rows, err := d.s.o.Store.Deliveries(ctx, store.DeliveryFilter{Kind: digest.KindDigest, Ref: dg.ID, Period: a.Period, Limit: 10000})
		if err != nil {
			return c, err
		}
		count := map[string]int{}
		for _, r := range rows {
			count[r.Status]++
		}
		line.Sent = l.T("digests.sent", l.Number(int64(count[store.DeliverySent])))
		switch count[store.DeliverySent] {
		case 0:
			line.Sent = l.T("digests.sent.none")
		case 1:
			line.Sent = l.T("digests.sent.one")
		}
		if n := count[store.DeliverySkipped]; n > 0 {
			line.Sent += l.T("digests.skipped", l.Number(int64(n)))
		}
		if count[store.DeliveryFailed] > 0 || count[store.DeliveryPending] > 0 {
			line.Problem = l.T("digests.problem", l.Number(int64(count[store.DeliveryFailed])), l.Number(int64(count[store.DeliveryPending])))
		}
		c.Periods = append(c.Periods, line)
	}
	if !sentLast {
		c.Preview = &periodLine{URL: periodURL(dg.ID, last.Key), Label: digest.PeriodLabel(l.lang, last, loc)}
	}
	return c, nil
}

func (d *digestPages) itemCount(l tr, n int) string {
	if n == 0 {
		return l.T("digests.noitem")
	}
	if n == 1 {
		return l.T("digests.item")
	}
	return l.T("digests.items", l.Number(int64(n)))
}

func (d *digestPages) handleList(w http.ResponseWriter, r *http.Request) {
	l := d.s.locale(w, r)
	p := digestsPage{pageBase: d.s.base(r, l, "digests", l.T("digests.title")), Intro: l.T("digests.intro")}
	for _, dg := range d.s.o.Config.Digests {
		c, err := d.card(r.Context(), l, dg, listRecent)
		if err != nil {
			d.fail(w, r, l, err)
			return
		}
		p.Digests = append(p.Digests, c)
	}
	d.s.render(w, http.StatusOK, "digests", p)
}

func (d *digestPages) handleDigest(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if base, ok := strings.CutSuffix(id, ".atom"); ok {
		d.handleAtom(w, r, base)
		return
	}
	l := d.s.locale(w, r)
	dg, ok := d.config(w, r, l, id)
	if !ok {
		return
	}
	c, err := d.card(r.Context(), l, dg, maxArchive)
	if err != nil {
		d.fail(w, r, l, err)
		return
	}
	p := digestsPage{pageBase: d.s.base(r, l, "digests", c.Title), Digests: []digestCard{c}}
	p.FeedURL = c.FeedURL
	d.s.render(w, http.StatusOK, "digests", p)
}

// config finds a configured digest, or answers the site's 404 page.
func (d *digestPages) config(w http.ResponseWriter, r *http.Request, l tr, id string) (veille.Digest, bool) {
	dg, err := d.n.DigestConfig(id)
	if err != nil {
		d.s.renderError(w, r, l, http.StatusNotFound, l.T("digests.unknown", id))
		return dg, false
	}
	return dg, true
}

func (d *digestPages) fail(w http.ResponseWriter, r *http.Request, l tr, err error) {
	if errors.Is(err, context.Canceled) {
		return // the client went away
	}
	d.s.o.Logger.Error("digest page", "path", r.URL.Path, "err", fmt.Errorf("digest page: %w", err))
	d.s.renderError(w, r, l, http.StatusInternalServerError, l.T("error.internal"))
}

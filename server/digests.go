package server

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/store"
)

// digestPages serves the digest archive (/digests…) and the delivery
// ledger (/api/deliveries). It builds and reads digests; it never sends.
type digestPages struct {
	s *Server
	n *digest.Notifier
}

// refuseMail is the mailer of the server's notifier: pages never send.
type refuseMail struct{}

func (refuseMail) Send(context.Context, digest.Mail) error {
	return errors.New("the web server does not send mail")
}

// digestRoutes registers the digest archive and the ledger API.
func (s *Server) digestRoutes() {
	n, err := digest.New(digest.Options{Config: s.o.Config, Store: s.o.Store, Index: s.o.Index, Now: s.o.Now,
		Logger: s.o.Logger, Mailer: refuseMail{}, Getenv: func(string) string { return "" }})
	if err != nil {
		s.o.Logger.Error("digest pages disabled", "err", err)
		return
	}
	d := &digestPages{s: s, n: n}
	s.mux.HandleFunc("GET /digests", d.handleList)
	s.mux.HandleFunc("GET /digests/{id}", d.handleDigest)
	s.mux.HandleFunc("GET /digests/{id}/{period}", d.handlePeriod)
	s.mux.HandleFunc("GET /api/deliveries", d.handleDeliveries)
}

// maxArchive bounds the periods a page or feed lists.
const maxArchive = 60

var digestPageTmpl = template.Must(template.New("digests").Parse(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} — veille</title>
{{- range .Feeds}}
<link rel="alternate" type="application/atom+xml" title="{{.Title}}" href="{{.URL}}">
{{- end}}
<style>body{font-family:Arial,Helvetica,sans-serif;max-width:760px;margin:24px auto;padding:0 12px;color:#1f2937}
h1{font-size:22px;color:#14532d}h2{font-size:17px;margin-top:28px}a{color:#1d4ed8}
table{border-collapse:collapse;width:100%;font-size:14px}td,th{text-align:left;padding:6px 8px;border-bottom:1px solid #e5e7eb}
.muted{color:#6b7280;font-size:13px}.warn{color:#b45309}</style></head>
<body>
<p class="muted"><a href="/">Recherche</a> · <a href="/digests">Résumés</a></p>
<h1>{{.Title}}</h1>
{{- range .Digests}}
<h2><a href="/digests/{{.ID}}">{{.Title}}</a></h2>
<p class="muted">{{.What}}{{if .Schedule}} — envoi {{.Schedule}}{{end}}{{if .Next}} ; prochain : {{.Next}}{{end}} — <a href="/digests/{{.ID}}.atom">flux Atom</a></p>
{{- if .Periods}}
<table><tr><th>Période</th><th>Construit le</th><th>Destinataires</th></tr>
{{- range .Periods}}
<tr><td><a href="{{.URL}}">{{.Label}}</a></td><td>{{.Built}}</td><td>{{.Sent}}{{if .Problem}} <span class="warn">{{.Problem}}</span>{{end}}</td></tr>
{{- end}}
</table>
{{- else}}
<p>Aucun résumé envoyé pour l'instant.</p>
{{- end}}
{{- if .Preview}}
<p class="muted">Aperçu de la dernière semaine complète : <a href="{{.Preview.URL}}">{{.Preview.Label}}</a></p>
{{- end}}
{{- end}}
</body></html>
`))

type digestSummary struct {
	ID, Title, What, Schedule, Next string
	Periods                         []periodLine
	Preview                         *periodLine
}

type periodLine struct {
	URL, Label, Built, Sent, Problem string
}

type feedLink struct{ Title, URL string }

func (d *digestPages) summary(ctx context.Context, dg veille.Digest, withPeriods bool) (digestSummary, error) {
	cfg := d.s.o.Config
	loc := d.s.loc
	sum := digestSummary{ID: dg.ID, Title: dg.Title}
	if sum.Title == "" {
		sum.Title = dg.ID
	}
	var what []string
	if len(dg.Domains) > 0 {
		what = append(what, "domaines : "+strings.Join(dg.Domains, ", "))
	}
	if len(dg.Competences) > 0 {
		what = append(what, "compétences : "+strings.Join(dg.Competences, ", "))
	}
	if dg.Members != "" {
		what = append(what, "membres : "+dg.Members)
	}
	sum.What = strings.Join(what, " ; ")
	if dg.Schedule != "" {
		sum.Schedule = dg.Schedule + " (" + cfg.Timezone + ")"
		if sc, err := digest.ParseSchedule(dg.Schedule, loc); err == nil {
			if next := sc.Next(d.s.o.Now()); !next.IsZero() {
				sum.Next = digest.LongDate(digest.LangFR, next.In(loc)) + next.In(loc).Format(" 15:04")
			}
		}
	}
	if !withPeriods {
		return sum, nil
	}
	periods, err := d.s.o.Store.DigestPeriods(ctx, dg.ID, maxArchive)
	if err != nil {
		return sum, err
	}
	for _, a := range periods {
		line := periodLine{URL: "/digests/" + url.PathEscape(dg.ID) + "/" + url.PathEscape(a.Period), Label: a.Period,
			Built: digest.DateTime(digest.LangFR, a.Built.In(loc))}
		if p, err := digest.ParsePeriod(a.Period, loc); err == nil {
			line.Label = digest.PeriodLabel(digest.LangFR, p, loc)
		}
		rows, err := d.s.o.Store.Deliveries(ctx, store.DeliveryFilter{Kind: digest.KindDigest, Ref: dg.ID, Period: a.Period, Limit: 10000})
		if err != nil {
			return sum, err
		}
		count := map[string]int{}
		for _, r := range rows {
			count[r.Status]++
		}
		line.Sent = fmt.Sprintf("%d envoyés", count[store.DeliverySent])
		if count[store.DeliverySkipped] > 0 {
			line.Sent += fmt.Sprintf(", %d vides", count[store.DeliverySkipped])
		}
		if count[store.DeliveryFailed] > 0 || count[store.DeliveryPending] > 0 {
			line.Problem = fmt.Sprintf("%d en échec, %d en attente", count[store.DeliveryFailed], count[store.DeliveryPending])
		}
		sum.Periods = append(sum.Periods, line)
	}
	last := digest.LastCompleteWeek(d.s.o.Now(), loc)
	sum.Preview = &periodLine{URL: "/digests/" + url.PathEscape(dg.ID) + "/" + last.Key, Label: digest.PeriodLabel(digest.LangFR, last, loc)}
	return sum, nil
}

func (d *digestPages) handleList(w http.ResponseWriter, r *http.Request) {
	data := struct {
		Title   string
		Digests []digestSummary
		Feeds   []feedLink
	}{Title: "Résumés de la veille"}
	for _, dg := range d.s.o.Config.Digests {
		sum, err := d.summary(r.Context(), dg, false)
		if err != nil {
			d.fail(w, err)
			return
		}
		data.Digests = append(data.Digests, sum)
		data.Feeds = append(data.Feeds, feedLink{sum.Title, "/digests/" + url.PathEscape(dg.ID) + ".atom"})
	}
	d.page(w, data)
}

func (d *digestPages) handleDigest(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if base, ok := strings.CutSuffix(id, ".atom"); ok {
		d.handleAtom(w, r, base)
		return
	}
	dg, err := d.n.DigestConfig(id)
	if err != nil {
		http.Error(w, "no digest "+id, http.StatusNotFound)
		return
	}
	sum, err := d.summary(r.Context(), dg, true)
	if err != nil {
		d.fail(w, err)
		return
	}
	d.page(w, struct {
		Title   string
		Digests []digestSummary
		Feeds   []feedLink
	}{sum.Title, []digestSummary{sum}, []feedLink{{sum.Title, "/digests/" + url.PathEscape(id) + ".atom"}}})
}

func (d *digestPages) page(w http.ResponseWriter, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := digestPageTmpl.Execute(w, data); err != nil {
		d.s.o.Logger.Error("digest page", "err", err)
	}
}

func (d *digestPages) fail(w http.ResponseWriter, err error) {
	d.s.o.Logger.Error("digest page", "err", err)
	http.Error(w, "could not read the digests", http.StatusInternalServerError)
}

// handlePeriod shows a period's digest as it was sent (archived), or for
// a complete period never sent, as it would be now (a preview). ?member=
// shows a member's cut, ?lang=en the English version.
func (d *digestPages) handlePeriod(w http.ResponseWriter, r *http.Request) {
	id, key := r.PathValue("id"), r.PathValue("period")
	dg, err := d.n.DigestConfig(id)
	if err != nil {
		http.Error(w, "no digest "+id, http.StatusNotFound)
		return
	}
	p, err := digest.ParsePeriod(key, d.s.loc)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	dd, err := d.n.Archived(r.Context(), id, p.Key)
	preview := false
	switch {
	case errors.Is(err, store.ErrNotFound):
		if p.Until.After(d.s.o.Now()) {
			http.Error(w, "this period is not over yet", http.StatusNotFound)
			return
		}
		if dd, _, err = d.n.Preview(r.Context(), id, p); err != nil {
			d.fail(w, err)
			return
		}
		preview = true
	case err != nil:
		d.fail(w, err)
		return
	}
	lang := dg.Lang
	if l := r.URL.Query().Get("lang"); l != "" {
		lang = l
	}
	if mid := r.URL.Query().Get("member"); mid != "" {
		found := false
		for _, m := range d.s.o.Config.Members {
			if m.ID == mid {
				dd, found = dd.Cut(m), true
			}
		}
		if !found {
			http.Error(w, "no member "+mid, http.StatusNotFound)
			return
		}
	}
	out, err := digest.RenderDigest(d.s.o.Config, dg, dd, lang, d.s.o.Config.Server.BaseURL)
	if err != nil {
		d.fail(w, err)
		return
	}
	body := out.HTML
	if preview {
		// Said on the page itself: this was not sent.
		body = strings.Replace(body, "<body", "<body data-preview=\"1\"", 1)
		body = strings.Replace(body, "</h1>", "</h1>\n<p style=\"margin:6px 0 0 0;font-size:13px;color:#fde68a;\">Aperçu : cette période n'a pas été envoyée.</p>", 1)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(body))
}

type digestFeed struct {
	XMLName xml.Name          `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string            `xml:"title"`
	ID      string            `xml:"id"`
	Updated string            `xml:"updated"`
	Links   []digestFeedLink  `xml:"link"`
	Entries []digestFeedEntry `xml:"entry"`
}

type digestFeedLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type digestFeedEntry struct {
	Title   string           `xml:"title"`
	ID      string           `xml:"id"`
	Updated string           `xml:"updated"`
	Links   []digestFeedLink `xml:"link"`
	Content digestFeedText   `xml:"content"`
}

type digestFeedText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// handleAtom is /digests/{id}.atom: one entry per archived period.
func (d *digestPages) handleAtom(w http.ResponseWriter, r *http.Request, id string) {
	dg, err := d.n.DigestConfig(id)
	if err != nil {
		http.Error(w, "no digest "+id, http.StatusNotFound)
		return
	}
	periods, err := d.s.o.Store.DigestPeriods(r.Context(), id, 20)
	if err != nil {
		d.fail(w, err)
		return
	}
	base := strings.TrimRight(d.s.o.Config.Server.BaseURL, "/")
	self := base + "/digests/" + url.PathEscape(id)
	feed := digestFeed{Title: dg.Title, ID: self, Updated: time.Unix(0, 0).UTC().Format(time.RFC3339),
		Links: []digestFeedLink{{Rel: "self", Type: "application/atom+xml", Href: self + ".atom"}, {Rel: "alternate", Type: "text/html", Href: self}}}
	if feed.Title == "" {
		feed.Title = id
	}
	for i, a := range periods {
		dd, err := d.n.Archived(r.Context(), id, a.Period)
		if err != nil {
			d.fail(w, err)
			return
		}
		out, err := digest.RenderDigest(d.s.o.Config, dg, dd, dg.Lang, d.s.o.Config.Server.BaseURL)
		if err != nil {
			d.fail(w, err)
			return
		}
		updated := a.Built.UTC().Format(time.RFC3339)
		if i == 0 {
			feed.Updated = updated
		}
		link := self + "/" + url.PathEscape(a.Period)
		feed.Entries = append(feed.Entries, digestFeedEntry{Title: out.Subject, ID: link, Updated: updated,
			Links: []digestFeedLink{{Rel: "alternate", Type: "text/html", Href: link}}, Content: digestFeedText{Type: "html", Body: bodyOf(out.HTML)}})
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	if err := enc.Encode(feed); err != nil {
		d.s.o.Logger.Error("digest atom", "err", err)
	}
}

// bodyOf keeps what is inside <body>, for an Atom entry's content.
func bodyOf(doc string) string {
	if i := strings.Index(doc, "<body"); i >= 0 {
		if j := strings.Index(doc[i:], ">"); j >= 0 {
			doc = doc[i+j+1:]
		}
	}
	if k := strings.LastIndex(doc, "</body>"); k >= 0 {
		doc = doc[:k]
	}
	return strings.TrimSpace(doc)
}

// handleDeliveries is GET /api/deliveries: the ledger, newest first, for
// the admin (it holds recipients' addresses). Filters: kind, ref, period,
// status, recipient; limit (≤ 1000) and before (an id, for paging).
func (d *digestPages) handleDeliveries(w http.ResponseWriter, r *http.Request) {
	if !d.s.authorize(w, r) {
		return
	}
	q := r.URL.Query()
	f := store.DeliveryFilter{Kind: q.Get("kind"), Ref: q.Get("ref"), Period: q.Get("period"), Status: q.Get("status"),
		Recipient: q.Get("recipient"), Limit: 100}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, http.StatusBadRequest, "limit must be a number from 1 to 1000")
			return
		}
		f.Limit = n
	}
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			writeError(w, http.StatusBadRequest, "before must be a delivery id")
			return
		}
		f.BeforeID = n
	}
	switch f.Status {
	case "", store.DeliveryPending, store.DeliverySent, store.DeliveryFailed, store.DeliverySkipped:
	default:
		writeError(w, http.StatusBadRequest, "status must be pending, sent, failed or skipped")
		return
	}
	rows, err := d.s.o.Store.Deliveries(r.Context(), f)
	if err != nil {
		d.s.o.Logger.Error("read deliveries", "err", err)
		writeError(w, http.StatusInternalServerError, "could not read the delivery ledger")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": rows, "count": len(rows)})
}

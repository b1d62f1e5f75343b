package server

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/internal/i18n"
	"github.com/nogentech/veille/store"
)

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
	l := d.s.locale(w, r)
	dg, ok := d.config(w, r, l, id)
	if !ok {
		return
	}
	periods, err := d.s.o.Store.DigestPeriods(r.Context(), id, 20)
	if err != nil {
		d.fail(w, r, l, err)
		return
	}
	base := strings.TrimRight(d.s.o.Config.Server.BaseURL, "/")
	self := base + "/digests/" + url.PathEscape(id)
	feed := digestFeed{Title: digest.Title(d.s.o.Config, dg, i18n.Parse(dg.Lang)), ID: self, Updated: time.Unix(0, 0).UTC().Format(time.RFC3339),
		Links: []digestFeedLink{{Rel: "self", Type: "application/atom+xml", Href: self + ".atom"}, {Rel: "alternate", Type: "text/html", Href: self}}}
	for i, a := range periods {
		dd, err := d.n.Archived(r.Context(), id, a.Period)
		if err != nil {
			d.fail(w, r, l, err)
			return
		}
		out, err := digest.RenderDigest(d.s.o.Config, dg, dd, i18n.Parse(dg.Lang), d.s.o.Config.Server.BaseURL)
		if err != nil {
			d.fail(w, r, l, err)
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

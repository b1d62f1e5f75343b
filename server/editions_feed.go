package server

import (
	"encoding/xml"
	"net/http"
	"strings"
	"time"

	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/store"
)

// handleFeed is /editions.atom: one entry per sent edition, its notes as
// the summary, so the commission can follow the editions in a reader.
func (e *editions) handleFeed(w http.ResponseWriter, r *http.Request) {
	l := e.s.locale(w, r)
	base := e.s.baseURL(r)
	eds, err := e.s.o.Store.Editions(r.Context(), "", store.EditionSent, maxArchive)
	if err != nil {
		e.s.o.Logger.Error("edition feed", "err", err)
		writeError(w, http.StatusInternalServerError, "could not read the editions")
		return
	}
	feed := atomFeed{Lang: string(l.lang), ID: uuidURN("editions"), Title: atomText{Body: l.T("edition.list")},
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: base + "/editions.atom"},
			{Rel: "alternate", Type: "text/html", Href: base + "/editions"}},
		Author: atomPerson{Name: "NOGENTECH"}, Generator: atomGen{Body: "veille"}}
	var newest time.Time
	for _, ed := range eds {
		dg, err := e.n.EditorialDigest(ed.Digest)
		if err != nil {
			continue // no longer in the config
		}
		label := ed.Period
		if p, err := digest.ParsePeriod(ed.Period, e.s.loc); err == nil {
			label = digest.PeriodLabel(l.lang, p, e.s.loc)
		}
		var sum strings.Builder
		if ed.Intro != "" {
			sum.WriteString(ed.Intro + "\n\n")
		}
		for _, it := range ed.Items {
			sum.WriteString("• " + it.Title)
			if it.Note != "" {
				sum.WriteString(" — " + it.Note)
			}
			sum.WriteString("\n")
		}
		href := base + digest.EditionPath(ed.Digest, ed.Period)
		feed.Entries = append(feed.Entries, atomEntry{ID: uuidURN("edition:" + ed.Digest + ":" + ed.Period),
			Title:   atomText{Body: cleanXMLText(digest.DigestTitle(e.s.o.Config, dg, l.lang) + " — " + label)},
			Updated: ed.SentAt.UTC().Format(time.RFC3339), Published: ed.SentAt.UTC().Format(time.RFC3339),
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: href}},
			Summary: &atomText{Type: "text", Body: cleanXMLText(sum.String())}})
		if ed.SentAt.After(newest) {
			newest = ed.SentAt
		}
	}
	if newest.IsZero() {
		newest = time.Unix(0, 0)
	}
	feed.Updated = newest.UTC().Format(time.RFC3339)
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		writeError(w, http.StatusInternalServerError, "could not write the feed")
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write([]byte(xml.Header))
	w.Write(out)
}

package server

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/opml"
	"github.com/nogentech/veille/internal/text"
)

// handleOPML lists the enabled sources for a feed reader.
func (s *Server) handleOPML(w http.ResponseWriter, r *http.Request) {
	base := s.baseURL(r)
	lang, _ := uiLang(r)
	l := tr{lang: lang, loc: s.loc}
	doc := opml.Doc{Version: "2.0", Head: opml.Head{Title: l.T("app.title") + " — " + l.T("nav.sources"),
		DateCreated: s.o.Now().UTC().Format(time.RFC1123Z), Docs: "http://opml.org/spec2.opml"}}
	for _, src := range s.o.Config.Sources {
		if src.Disabled {
			continue
		}
		doc.Body = append(doc.Body, opmlOutline(base, src))
	}
	body, err := xmlDocument(doc)
	if err != nil {
		s.o.Logger.Error("encode opml", "err", err)
		http.Error(w, "could not list the sources", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/x-opml; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="veille-sources.opml"`)
	w.Write(body)
}

func opmlOutline(base string, src veille.Source) opml.Outline {
	name := text.FirstNonEmpty(src.Name, src.ID)
	o := opml.Outline{Text: name, Title: name, Type: "rss", XMLURL: src.URL, Language: src.Lang}
	// Only a feed source has a URL a reader can subscribe to; pages and
	// APIs are followed through this server's Atom feed of the source.
	if src.Kind != veille.KindFeed && src.Kind != "" {
		o.XMLURL = base + "/feed.atom?" + url.Values{"source": {src.ID}}.Encode()
		o.HTMLURL = src.URL
	}
	var cats []string
	if src.Jurisdiction != "" {
		cats = append(cats, "/"+src.Jurisdiction)
	}
	for _, d := range src.Domains {
		cats = append(cats, "/"+d)
	}
	o.Category = strings.Join(cats, ",")
	return o
}

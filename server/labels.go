package server

import (
	"strings"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/i18n"
)

// tags lists domains then competences with the terms that earned them.
func (s *Server) tags(l tr, domains, competences []string, why map[string][]string, link func(kind, id string) string) []tagView {
	return s.tagsSaying(l, "why", domains, competences, why, link)
}

// tagsSaying lists the tags, each with why it was given in words: the
// terms found (introduced by the message termsKey), the sources that give
// it, the categories that imply it; never a source id called a term.
func (s *Server) tagsSaying(l tr, termsKey string, domains, competences []string, why map[string][]string, link func(kind, id string) string) []tagView {
	var out []tagView
	add := func(kind string, ids []string) {
		for _, id := range ids {
			tv := tagView{Kind: kind, ID: id, Label: s.termLabel(l, kind, id), URL: link(kind, id)}
			r := veille.SplitWhy(why[id])
			var parts []string
			if len(r.Terms) > 0 {
				parts = append(parts, l.T(termsKey, strings.Join(r.Terms, ", ")))
			}
			if len(r.Sources) > 0 {
				var names []string
				for _, src := range r.Sources {
					names = append(names, s.sourceName(src))
				}
				parts = append(parts, l.T("why.source", strings.Join(names, ", ")))
			}
			if len(r.Via) > 0 {
				var labels []string
				for _, c := range r.Via {
					labels = append(labels, s.categoryName(l, c))
				}
				parts = append(parts, l.T("why.via", strings.Join(labels, ", ")))
			}
			tv.Why = append(append(append([]string(nil), r.Terms...), r.Sources...), r.Via...)
			tv.WhyText = strings.Join(parts, l.T("why.sep"))
			out = append(out, tv)
		}
	}
	add("domain", domains)
	add("competence", competences)
	return out
}

// categoryName is a domain's or competence's label, whichever id is.
func (s *Server) categoryName(l tr, id string) string {
	if label := veille.CategoryLabel(s.o.Config.Competences, id, l.lang); label != id {
		return label
	}
	return veille.CategoryLabel(s.o.Config.Domains, id, l.lang)
}

// termLabel is the label people read for a facet term.
func (s *Server) termLabel(l tr, facet, term string) string {
	switch facet {
	case "domain":
		return veille.CategoryLabel(s.o.Config.Domains, term, l.lang)
	case "competence":
		return veille.CategoryLabel(s.o.Config.Competences, term, l.lang)
	case "source":
		return s.sourceName(term)
	case "lang":
		return l.LangName(term)
	case "jurisdiction":
		// The codes sources use, spelt out (internal/i18n/msg_search.go).
		if key := "jurisdiction." + strings.ToUpper(term); i18n.Has(key) {
			return l.T(key)
		}
	}
	return term
}

func (s *Server) sourceName(id string) string {
	if src, ok := s.sources[id]; ok && src.Name != "" {
		return src.Name
	}
	return id
}

// dayLabel writes a YYYY-MM-DD date in words (a key date, a meeting
// date); the text as is when it is not one. The day is a calendar day, not
// a moment: it is not moved into the server's time zone.
func dayLabel(l tr, day string) string {
	t, ok := veille.ParseDay(day, time.UTC)
	if !ok {
		return day
	}
	l.loc = time.UTC
	return l.Date(t)
}

package main

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/server"
)

// Query kinds, in the order of the table.
var kinds = []string{"one-word", "two-words", "phrase", "filtered", "faceted"}

// benchQuery is one query of the mix, as each path asks it: the search
// function's request, the HTTP URL, and the plain Bleve request of the
// floor. Every path asks for 20 hits with their stored fields and the five
// facets, as GET /api/search does; the floor has no snippets (Bleve's own
// highlighter needs the text stored, which the mapping does not do).
type benchQuery struct {
	kind  string
	text  string
	words []string // plain words, for the floor
	phr   string   // phrase, for the floor
	// filters
	domain, competence string
	lang               string
	since, until       string // YYYY-MM-DD, until inclusive
}

func (q benchQuery) values() url.Values {
	v := url.Values{}
	if q.text != "" {
		v.Set("q", q.text)
	}
	if q.domain != "" {
		v.Set("domain", q.domain)
	}
	if q.competence != "" {
		v.Set("competence", q.competence)
	}
	if q.lang != "" {
		v.Set("lang", q.lang)
	}
	if q.since != "" {
		v.Set("since", q.since)
	}
	if q.until != "" {
		v.Set("until", q.until)
	}
	return v
}

func (q benchQuery) path() string { return "/api/search?" + q.values().Encode() }

// request is the search function's request, parsed as the server parses it.
func (q benchQuery) request(loc *time.Location) (veille.SearchRequest, error) {
	r, err := server.ParseSearch(q.values(), loc, 0)
	if err != nil {
		return r, fmt.Errorf("query %q: %w", q.text, err)
	}
	return r, nil
}

// floor is what a plain Bleve program would ask for the same answer: each
// word in the two language fields of title and text (titles weighed more),
// filters as a Bleve filter, the same facets and stored fields.
func (q benchQuery) floor(loc *time.Location) (*bleve.SearchRequest, error) {
	var text query.Query
	fields := []struct {
		name  string
		boost float64
	}{{"title_fr", 2.5}, {"text_fr", 1}, {"title_en", 2.5}, {"text_en", 1}}
	switch {
	case q.phr != "":
		var alts []query.Query
		for _, f := range fields {
			p := query.NewMatchPhraseQuery(q.phr)
			p.SetField(f.name)
			alts = append(alts, p)
		}
		text = query.NewDisjunctionQuery(alts)
	case len(q.words) > 0:
		var alts []query.Query
		for _, w := range q.words {
			for _, f := range fields {
				m := query.NewMatchQuery(w)
				m.SetField(f.name)
				m.SetBoost(f.boost)
				alts = append(alts, m)
			}
		}
		text = query.NewDisjunctionQuery(alts)
	}
	return q.bleveRequest(loc, text)
}

// veilleQuery is the same request with veille's own query (voc.ParseQuery:
// both languages' stems, the all-words clause, acronyms) for plain Bleve:
// its difference with the floor is the query's design, and the search
// function's difference with it is snippets and hit building.
func (q benchQuery) veilleQuery(loc *time.Location, voc *index.Vocabulary) (*bleve.SearchRequest, error) {
	var text query.Query
	if q.text != "" {
		var err error
		if text, err = voc.ParseQuery(q.text); err != nil {
			return nil, err
		}
	}
	return q.bleveRequest(loc, text)
}

func (q benchQuery) bleveRequest(loc *time.Location, text query.Query) (*bleve.SearchRequest, error) {
	var filters []query.Query
	term := func(field, v string) {
		if v != "" {
			t := query.NewTermQuery(v)
			t.SetField(field)
			filters = append(filters, t)
		}
	}
	term("domains", q.domain)
	term("competences", q.competence)
	term("lang", q.lang)
	if q.since != "" || q.until != "" {
		r, err := q.request(loc) // the same instants as the other paths
		if err != nil {
			return nil, err
		}
		incl, excl := true, false
		d := query.NewDateRangeInclusiveQuery(r.Since, r.Until, &incl, &excl)
		d.SetField("published")
		filters = append(filters, d)
	}
	var qq query.Query
	switch {
	case text == nil && len(filters) == 0:
		qq = query.NewMatchAllQuery()
	case text == nil:
		qq = query.NewConjunctionQuery(filters)
	case len(filters) == 0:
		qq = text
	default:
		b := query.NewBooleanQuery([]query.Query{text}, nil, nil)
		b.AddFilter(query.NewConjunctionQuery(filters))
		qq = b
	}
	req := bleve.NewSearchRequestOptions(qq, 20, 0, false)
	if text == nil {
		req.SortBy([]string{"-published"})
		req.Score = "none"
	}
	req.Fields = index.StoredFields()
	for _, f := range []struct{ name, field string }{{"domain", "domains"}, {"competence", "competences"},
		{"source", "sources"}, {"lang", "lang"}, {"jurisdiction", "jurisdiction"}} {
		req.AddFacet(f.name, bleve.NewFacetRequest(f.field, 50))
	}
	return req, nil
}

// queryMix is the query mix: words members search for, in French and in
// English, from rare to frequent.
func queryMix() []benchQuery {
	var out []benchQuery
	for _, w := range []string{"déchets", "chrome", "implants", "machines", "emissions", "titanium",
		"stérilisation", "PFAS", "arrêté", "exposure"} {
		out = append(out, benchQuery{kind: "one-word", text: w, words: []string{w}})
	}
	for _, w := range []string{"installations classées", "dispositifs médicaux", "hexavalent chromium",
		"traitement thermique", "notified body", "fluides coupe", "silice cristalline", "machine tools",
		"emissions trading", "santé publique"} {
		out = append(out, benchQuery{kind: "two-words", text: w, words: strings.Fields(w)})
	}
	for _, p := range []string{"code de l'environnement", "dispositifs médicaux", "traitement de surface",
		"medical devices", "installations classées", "fabrication additive", "occupational exposure",
		"santé publique"} {
		out = append(out, benchQuery{kind: "phrase", text: `"` + p + `"`, phr: p})
	}
	for _, f := range []struct{ w, d, c, since, until string }{
		{"chrome", "environment", "surface-treatment", "2025-06-01", "2026-05-31"},
		{"implants", "medical-devices", "medical-implants", "2025-01-01", "2025-12-31"},
		{"exposition", "health-safety", "polishing-finishing", "2025-06-01", "2026-05-31"},
		{"fours", "environment", "heat-treatment", "2025-01-01", "2025-12-31"},
		{"machines", "health-safety", "machining", "2025-06-01", "2026-05-31"},
		{"titanium", "medical-devices", "medical-implants", "2025-03-01", "2026-02-28"},
		{"REACH", "environment", "aerospace", "2025-06-01", "2026-05-31"},
		{"sterilisation", "medical-devices", "surgical-instruments", "2025-01-01", "2025-12-31"},
	} {
		out = append(out, benchQuery{kind: "filtered", text: f.w, words: []string{f.w}, domain: f.d,
			competence: f.c, since: f.since, until: f.until})
	}
	// The home page and its facet links: every item (or a large share),
	// newest first, with the facets counted over all of them.
	for _, f := range []struct{ d, c, l string }{{"", "", ""}, {"environment", "", ""}, {"medical-devices", "", ""},
		{"", "", "fr"}, {"", "machining", ""}} {
		out = append(out, benchQuery{kind: "faceted", domain: f.d, competence: f.c, lang: f.l})
	}
	return out
}

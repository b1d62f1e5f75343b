package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/nogentech/veille"
)

const (
	defaultLimit = 20
	// facetSize bounds each facet: the taxonomy has a dozen terms, sources
	// a few dozen; counting more costs time on large hit sets.
	facetSize = 50
)

// facets maps the facet names of the search JSON to keyword fields.
var facets = []struct{ name, field string }{
	{"domain", fDomains},
	{"competence", fCompetences},
	{"source", fSources},
	{"lang", fLang},
	{"jurisdiction", fJurisdiction},
	{"ref", fActRefs},
}

// Search runs a search request: query text, filters (OR within a filter,
// AND across), date range, sort, paging, facets and snippets.
func (ix *Index) Search(ctx context.Context, r veille.SearchRequest) (*veille.SearchResult, error) {
	start := time.Now()
	tree, err := parse(r.Query, ix.voc)
	if err != nil {
		return nil, err
	}
	q, hl, err := buildQuery(tree, ix.voc)
	if err != nil {
		return nil, err
	}
	filter, err := filters(r)
	if err != nil {
		return nil, err
	}
	if len(r.IDs) > 0 {
		// The few ids lead a conjunction: the search visits them alone,
		// where a filter would be checked on every match of the query.
		ids := query.NewDocIDQuery(r.IDs)
		if _, all := q.(*query.MatchAllQuery); all {
			q = ids // (a match-all beside them would be advanced through every segment)
		} else {
			q = query.NewConjunctionQuery([]query.Query{ids, q})
		}
	}
	_, all := q.(*query.MatchAllQuery)
	// The tagged home page is still a walk over the columns (scanAll):
	// only the filter's absence, not Tagged, sends a search to Bleve.
	scan := all && filter == nil
	if r.Tagged {
		filter = and(filter, taggedQuery())
	}
	if all && filter != nil && (r.Sort == "" || r.Sort == "date") {
		// Newest first, no scores: the filter alone is the query. Bleve's
		// boolean with only a filter is 20% slower over a broad filter.
		q = filter
	} else if _, none := q.(*query.MatchNoneQuery); filter != nil && !none {
		// (A MatchNone must clause would be dropped by Bleve's boolean
		// searcher, which would then return the whole filter.)
		bq := query.NewBooleanQuery(nil, nil, nil)
		if _, all := q.(*query.MatchAllQuery); !all {
			bq.AddMust(q)
		}
		// A Bleve filter restricts the hits without touching their scores.
		bq.AddFilter(filter)
		q = bq
	}

	limit := r.Limit
	switch {
	case limit < 0:
		return nil, queryErrorf("limit must not be negative (got %d)", r.Limit)
	case limit == 0:
		limit = defaultLimit
	}
	if r.Offset < 0 {
		return nil, queryErrorf("offset must not be negative (got %d)", r.Offset)
	}
	req := bleve.NewSearchRequestOptions(q, limit, r.Offset, false)
	sortBy := r.Sort
	if sortBy == "" {
		sortBy = "date"
		if !hl.empty() {
			sortBy = "relevance"
		}
	}
	// Ties are broken on the page (sortPage), not by Bleve: a date
	// tie-break makes Bleve read the date's doc values (16 prefix-coded
	// terms) for every matching item, and an id tie-break looks up every
	// matching item's id; on a broad query that doubled the search time.
	// Bleve orders ties by internal document number, the same for every
	// page of one index snapshot, so paging stays consistent.
	switch sortBy {
	case "relevance":
		req.SortBy([]string{"-_score"})
	case "date":
		req.Score = "none" // nobody sees the scores; skip computing them
	default:
		return nil, queryErrorf("unknown sort %q (use relevance or date)", r.Sort)
	}
	req.Fields = storedFields
	if !r.NoHighlight {
		req.Fields = append(append([]string(nil), storedFields...), fHighlight)
	}

	res, cc, err := ix.searchColumns(ctx, req, r, sortBy == "date", scan)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", r.Query, err)
	}
	out := &veille.SearchResult{
		Query: r.Query,
		Total: res.Total,
		Hits:  make([]veille.Hit, 0, len(res.Hits)),
	}
	la, err := analyzers()
	if err != nil {
		return nil, err
	}
	for _, dm := range res.Hits {
		h := hitFromFields(dm.ID, dm.Fields)
		if sortBy == "relevance" {
			h.Score = dm.Score
		}
		out.Hits = append(out.Hits, h)
	}
	if !r.NoHighlight {
		snippets(la, out.Hits, res.Hits, hl)
	}
	sortPage(out.Hits, sortBy == "relevance")
	switch {
	case r.NoFacets:
	case cc != nil:
		out.Facets = cc.facetResults(facetSize)
	default:
		out.Facets = make(map[string][]veille.FacetCount, len(facets))
		for _, f := range facets {
			out.Facets[f.name] = facetCounts(res.Facets[f.name])
		}
	}
	out.TookMS = time.Since(start).Milliseconds()
	ix.log.Debug("index search", "query", r.Query, "total", res.Total, "took", time.Since(start))
	return out, nil
}

// snippets cuts the hits' snippets on every core: re-reading the text kept
// for each of a page's 20 hits is a fifth of a search's time, and one
// person searching leaves the other cores idle.
func snippets(la *langAnalyzers, hits []veille.Hit, dms search.DocumentMatchCollection, hl highlightTerms) {
	var next atomic.Int64
	work := func() {
		for {
			i := int(next.Add(1)) - 1
			if i >= len(hits) {
				return
			}
			hits[i].Snippet = snippet(la, hits[i].Lang, stringField(dms[i].Fields, fHighlight), hl)
		}
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), (len(hits)+3)/4) - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
}

// sortPage orders the runs of hits that Bleve ranked equal, on the score
// (relevance) or on the date: newest first, then by id. Hits are only
// moved within a run, so Bleve's order between runs stands.
func sortPage(hits []veille.Hit, byScore bool) {
	same := func(a, b *veille.Hit) bool {
		if byScore {
			return a.Score == b.Score
		}
		return a.Published.Equal(b.Published)
	}
	for i := 0; i < len(hits); {
		j := i + 1
		for j < len(hits) && same(&hits[i], &hits[j]) {
			j++
		}
		run := hits[i:j]
		sort.SliceStable(run, func(x, y int) bool {
			a, b := &run[x], &run[y]
			if !a.Published.Equal(b.Published) {
				return a.Published.After(b.Published)
			}
			return a.ID < b.ID
		})
		i = j
	}
}

// filters is the conjunction of the request's filters, nil when none.
func filters(r veille.SearchRequest) (query.Query, error) {
	var qs []query.Query
	for _, f := range []struct {
		field  string
		values []string
	}{
		{fDomains, r.Domains},
		{fCompetences, r.Competences},
		{fSources, r.Sources},
		{fLang, r.Langs},
		{fJurisdiction, r.Jurisdictions},
		{fRefs, r.Refs},
	} {
		values := keywords(f.field, f.values)
		if len(values) > 0 {
			qs = append(qs, termsQuery(f.field, values))
		}
	}
	if !r.Since.IsZero() || !r.Until.IsZero() {
		for _, t := range []time.Time{r.Since, r.Until} {
			if !t.IsZero() && !indexableDate(t) {
				return nil, queryErrorf("date %s is out of range", t.Format(time.RFC3339))
			}
		}
		if !r.Since.IsZero() && !r.Until.IsZero() && !r.Since.Before(r.Until) {
			return nil, queryErrorf("since (%s) must be before until (%s)",
				r.Since.Format(time.RFC3339), r.Until.Format(time.RFC3339))
		}
		inclusive, exclusive := true, false
		dq := query.NewDateRangeInclusiveQuery(r.Since, r.Until, &inclusive, &exclusive)
		dq.SetField(fPublished)
		qs = append(qs, dq)
	}
	switch len(qs) {
	case 0:
		return nil, nil
	case 1:
		return qs[0], nil
	}
	return query.NewConjunctionQuery(qs), nil
}

// and is the conjunction of a filter, nil when none, and q.
func and(filter, q query.Query) query.Query {
	if filter == nil {
		return q
	}
	return query.NewConjunctionQuery([]query.Query{filter, q})
}

// taggedQuery matches the items with at least one domain or competence
// (Tagged): an item without any has no term in either field (document
// leaves the field out), and the wildcard runs over the few terms of the
// taxonomy, not over the items.
func taggedQuery() query.Query {
	var qs []query.Query
	for _, f := range []string{fDomains, fCompetences} {
		wq := query.NewWildcardQuery("*")
		wq.SetField(f)
		qs = append(qs, wq)
	}
	return query.NewDisjunctionQuery(qs)
}

func facetCounts(fr *search.FacetResult) []veille.FacetCount {
	out := []veille.FacetCount{}
	if fr == nil {
		return out
	}
	for _, t := range fr.Terms.Terms() {
		out = append(out, veille.FacetCount{Term: t.Term, Count: t.Count})
	}
	sortFacetCounts(out)
	return out
}

// sortFacetCounts orders facet terms most frequent first, then by term.
func sortFacetCounts(fc []veille.FacetCount) {
	sort.Slice(fc, func(i, j int) bool {
		if fc[i].Count != fc[j].Count {
			return fc[i].Count > fc[j].Count
		}
		return fc[i].Term < fc[j].Term
	})
}

func hitFromFields(id string, f map[string]interface{}) veille.Hit {
	h := veille.Hit{
		ID:           id,
		Title:        stringField(f, fTitle),
		Link:         stringField(f, fLink),
		Source:       stringField(f, fSource),
		Sources:      stringsField(f, fSources),
		Lang:         stringField(f, fLang),
		Jurisdiction: stringField(f, fJurisdiction),
		Domains:      stringsField(f, fDomains),
		Competences:  stringsField(f, fCompetences),
		Why:          map[string][]string{},
	}
	if s := stringField(f, fPublishedAt); s != "" {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			h.Published = t
		}
	}
	hitRefs(&h, stringField(f, fRefsJSON))
	if s := stringField(f, fWhy); s != "" {
		// Written by document(); a decoding failure leaves Why empty
		// rather than hiding the hit.
		_ = json.Unmarshal([]byte(s), &h.Why)
	}
	return h
}

func stringField(f map[string]interface{}, name string) string {
	switch v := f[name].(type) {
	case string:
		return v
	case []interface{}:
		if len(v) > 0 {
			s, _ := v[0].(string)
			return s
		}
	}
	return ""
}

// stringsField reads a multi-valued field: Bleve returns one value as a
// plain string and several as a slice.
func stringsField(f map[string]interface{}, name string) []string {
	switch v := f[name].(type) {
	case string:
		return []string{v}
	case []interface{}:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok && strings.TrimSpace(s) != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return []string{}
}

// searchColumns runs req with facets and the newest-first order taken from
// the columns (see columns.go). For a newest-first search Bleve only finds
// the matching documents; the page is chosen here and its stored fields
// fetched by id. The collector is nil when Bleve counted and sorted: when
// there was nothing for the columns to do, or when the snapshot has
// segments without columns yet (just written or merged), whose columns
// are then built in the background.
//
// scan says the search matches every item (but for Tagged): newest first,
// it is then read from the columns without Bleve (scanAll).
func (ix *Index) searchColumns(ctx context.Context, req *bleve.SearchRequest, r veille.SearchRequest, byDate, scan bool) (*bleve.SearchResult, *columnCollector, error) {
	if ix.cols == nil || (r.NoFacets && !byDate) {
		res, err := ix.idx.SearchInContext(ctx, bleveCounts(req, r, byDate))
		return res, nil, err
	}
	cc := &columnCollector{c: ix.cols, facets: !r.NoFacets, byDate: byDate, keep: req.Size + req.From,
		scan: scan && byDate, tagged: r.Tagged}
	res, err := ix.collectColumns(ctx, req, cc)
	if errors.Is(err, errNoColumns) {
		ix.cols.refresh(ix.idx)
		res, err = ix.idx.SearchInContext(ctx, bleveCounts(req, r, byDate))
		return res, nil, err
	}
	return res, cc, err
}

// collectColumns runs req with cc as its document match handler.
func (ix *Index) collectColumns(ctx context.Context, req *bleve.SearchRequest, cc *columnCollector) (*bleve.SearchResult, error) {
	if !cc.byDate {
		return ix.idx.SearchInContext(withCollector(ctx, cc), req)
	}
	var res *bleve.SearchResult
	if cc.scan {
		total, err := ix.scanAll(ctx, cc)
		if err != nil {
			return nil, err
		}
		res = &bleve.SearchResult{Request: req, Total: total, Status: &bleve.SearchStatus{Total: 1, Successful: 1}}
	} else {
		// Size 0: the collector keeps the page itself (and Bleve does not
		// stop early, which it does for unscored searches with a size).
		find := *req
		find.Size, find.From, find.Fields = 0, 0, nil
		var err error
		if res, err = ix.idx.SearchInContext(withCollector(ctx, cc), &find); err != nil {
			return nil, err
		}
	}
	var ids []string
	if req.From < len(cc.page) {
		for _, e := range cc.page[req.From:] {
			ids = append(ids, e.id)
		}
	}
	res.Hits = nil
	if len(ids) == 0 {
		return res, nil
	}
	get := bleve.NewSearchRequestOptions(query.NewDocIDQuery(ids), len(ids), 0, false)
	get.Fields = req.Fields
	get.Score = "none"
	docs, err := ix.idx.SearchInContext(ctx, get)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*search.DocumentMatch, len(docs.Hits))
	for _, dm := range docs.Hits {
		byID[dm.ID] = dm
	}
	// A document replaced between the two searches is left out of the page.
	for _, id := range ids {
		if dm := byID[id]; dm != nil {
			res.Hits = append(res.Hits, dm)
		}
	}
	return res, nil
}

// bleveCounts has Bleve count the facets and sort newest first, when the
// columns cannot.
func bleveCounts(req *bleve.SearchRequest, r veille.SearchRequest, byDate bool) *bleve.SearchRequest {
	if byDate {
		req.SortBy([]string{"-" + fPublished})
	}
	if !r.NoFacets {
		for _, f := range facets {
			req.AddFacet(f.name, bleve.NewFacetRequest(f.field, facetSize))
		}
	}
	return req
}

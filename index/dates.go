package index

import (
	"context"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/refs"
)

// The calendar asks "which items set a date of these kinds in this window".
// Each date is indexed as the keyword "kind:YYYY-MM-DD": the ISO date sorts
// as text, so a window of one kind is a term range over the dictionary
// ("deadline:2026-01-01" to "deadline:2027-01-01"), which reads only the
// few hundred distinct terms in range and their postings, whatever the
// number of items; a date field per kind would need one field per kind,
// and one datetime field would lose which kind a date is.

// actKeys are the "kind:id" of the acts an item cites or is, as written.
func actKeys(it *veille.Item) []string {
	var out []string
	seen := map[string]bool{}
	add := func(kind, id string) {
		k := veille.RefKey(kind, id)
		if refs.IsAct(kind) && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	if it.Act != nil {
		add(it.Act.Kind, it.Act.ID)
	}
	for _, r := range it.Refs {
		add(r.Kind, r.ID)
	}
	return out
}

// dateKeys are an item's dates as "kind:YYYY-MM-DD" keywords.
func dateKeys(ds []veille.KeyDate) []string {
	out := make([]string, 0, len(ds))
	seen := make(map[string]bool, len(ds))
	for _, d := range ds {
		k := d.Kind + ":" + d.Date
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// datedFields are the stored fields of Dated's hits.
var datedFields = []string{fTitle, fPublishedAt, fDomains, fCompetences, fRefsJSON}

// DatedRequest asks for the items that set a date in a window.
type DatedRequest struct {
	// Filter narrows the items as a search does (domains, competences,
	// sources, refs…); its Query, dates and paging are ignored.
	Filter veille.SearchRequest
	// Kinds are date kinds (refs.DateKinds); none means every kind.
	Kinds []string
	// From and Until bound the window, Until exclusive (days, UTC).
	From, Until time.Time
	// Limit caps the items returned; which ones, when more match, is the
	// index's order (the total says so).
	Limit int
	// Count asks only how many items match: no hit is read.
	Count bool
}

// Dated returns the items with a date of the asked kinds in the window,
// and how many match: in all for a Count request, else at least as many
// as returned (an unsorted search stops at its limit). The caller picks the dates themselves from
// each hit's Dates: an item matches when one of its dates does.
func (ix *Index) Dated(ctx context.Context, r DatedRequest) ([]veille.Hit, uint64, error) {
	if r.From.IsZero() || r.Until.IsZero() || !r.From.Before(r.Until) {
		return nil, 0, queryErrorf("the window needs a start before its end")
	}
	kinds := r.Kinds
	if len(kinds) == 0 {
		kinds = refs.DateKinds
	}
	from, until := r.From.UTC().Format(time.DateOnly), r.Until.UTC().Format(time.DateOnly)
	inc, exc := true, false
	var alts []query.Query
	for _, k := range kinds {
		tr := query.NewTermRangeInclusiveQuery(k+":"+from, k+":"+until, &inc, &exc)
		tr.SetField(fDates)
		alts = append(alts, tr)
	}
	var q query.Query = query.NewDisjunctionQuery(alts)
	if len(alts) == 1 {
		q = alts[0]
	}
	f := r.Filter
	f.Since, f.Until = time.Time{}, time.Time{}
	filter, err := filters(f)
	if err != nil {
		return nil, 0, err
	}
	if filter != nil {
		q = query.NewConjunctionQuery([]query.Query{q, filter})
	}
	limit := r.Limit
	switch {
	case r.Count:
		limit = 0
	case limit <= 0:
		limit = defaultLimit
	}
	req := bleve.NewSearchRequestOptions(q, limit, 0, false)
	// No sort: the caller orders the dates themselves, and sorting the
	// matches by publication read every match's date doc values, 40% of
	// a calendar's time at 100k items.
	req.Score = "none"
	// Only what a calendar entry shows: reading every stored field of
	// a thousand items was most of a calendar's time.
	if !r.Count {
		req.Fields = datedFields
	}
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, 0, fmt.Errorf("dated items %s to %s: %w", from, until, err)
	}
	hits := make([]veille.Hit, 0, len(res.Hits))
	for _, dm := range res.Hits {
		hits = append(hits, hitFromFields(dm.ID, dm.Fields))
	}
	return hits, res.Total, nil
}

// DateCounts are, for each day of [from, until) (YYYY-MM-DD), how many
// dates of the kinds (every kind when none) the items set that day, read
// from the dictionary of date keywords without touching a document. A
// count ignores every filter and may still hold deleted items until their
// segment is merged: it is an upper bound of what a Dated request of the
// same window reads, exact for an unfiltered one on a merged index.
func (ix *Index) DateCounts(kinds []string, from, until time.Time) (map[string]uint64, error) {
	if len(kinds) == 0 {
		kinds = refs.DateKinds
	}
	f, u := from.UTC().Format(time.DateOnly), until.UTC().Format(time.DateOnly)
	out := map[string]uint64{}
	for _, k := range kinds {
		lo, hi := k+":"+f, k+":"+u
		d, err := ix.idx.FieldDictRange(fDates, []byte(lo), []byte(hi))
		if err != nil {
			return nil, fmt.Errorf("date counts %s to %s: %w", f, u, err)
		}
		for {
			e, err := d.Next()
			if err != nil {
				d.Close()
				return nil, fmt.Errorf("date counts %s to %s: %w", f, u, err)
			}
			if e == nil || e.Term >= hi {
				break
			}
			out[e.Term[len(k)+1:]] += e.Count
		}
		if err := d.Close(); err != nil {
			return nil, fmt.Errorf("date counts %s to %s: %w", f, u, err)
		}
	}
	return out, nil
}

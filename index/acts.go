package index

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/refs"
)

// An act page shows the item that is the act, then the items citing it
// grouped by what they do to it. Reading every citing item to group them
// cost a stored document per item: an act cited by tens of thousands of
// items (the MDR at 1M items) cannot be read whole within a page's time.
// Each group is instead its own search, newest first, on the "rel|kind:id"
// keywords of fRefRels: a group reads only the items it shows, and its
// total comes from the postings.

// relIsAct is the relation of an item to its own act in fRefRels.
const relIsAct = "is"

// relKey is the fRefRels keyword of a relation to the act kind:id.
func relKey(rel, key string) string { return rel + "|" + key }

// relKeys are an item's fRefRels keywords.
func relKeys(it *veille.Item) []string {
	var out []string
	if it.Act != nil {
		out = append(out, relKey(relIsAct, veille.RefKey(it.Act.Kind, it.Act.ID)))
	}
	for _, r := range it.Refs {
		if r.Rel != "" {
			out = append(out, relKey(r.Rel, r.Key()))
		}
	}
	return out
}

// ActGroup is the newest items that do one thing to an act (Rel "" for a
// plain citation) and how many do it in all.
type ActGroup struct {
	Rel   string
	Hits  []veille.Hit
	Total uint64
}

// ActHits is what the index holds of one act.
type ActHits struct {
	// Act is the item that is the act (the newest, if several are).
	Act *veille.Hit
	// Groups follow refs.Rels, then plain citations; empty ones are left
	// out. An item citing the act without a relation, or with one, is in
	// one group only: the plain citations are the items in no other group.
	Groups []ActGroup
	// Total counts the items that are or cite the act.
	Total uint64
}

// Act reads the act key ("kind:id") with at most per items per group.
// The groups are read at once, each its own search: an act page's time is
// mostly reading the documents it shows, from disk when they are not in
// the operating system's cache, and the disk serves several reads at a
// time.
func (ix *Index) Act(ctx context.Context, key string, per int) (ActHits, error) {
	var out ActHits
	k := normalizeKeyword(fRefs, key)
	term := func(field, v string) query.Query {
		tq := query.NewTermQuery(v)
		tq.SetField(field)
		return tq
	}
	total, err := ix.actSearch(ctx, term(fRefs, k), 0)
	if err != nil {
		return out, err
	}
	out.Total = total.Total
	if out.Total == 0 {
		return out, nil
	}
	// the act itself, then each relation, then the plain citations: the
	// items in no other group
	isQ := term(fRefRels, relKey(relIsAct, k))
	qs := []query.Query{isQ}
	ns := []int{1}
	others := []query.Query{isQ}
	for _, rel := range refs.Rels {
		q := term(fRefRels, relKey(rel, k))
		others = append(others, q)
		qs, ns = append(qs, q), append(ns, per)
	}
	qs, ns = append(qs, query.NewBooleanQuery([]query.Query{term(fRefs, k)}, nil, others)), append(ns, per)
	res := make([]*veille.SearchResult, len(qs))
	errs := make([]error, len(qs))
	var wg sync.WaitGroup
	for i := range qs {
		wg.Go(func() { res[i], errs[i] = ix.actSearch(ctx, qs[i], ns[i]) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return out, err
	}
	if len(res[0].Hits) > 0 {
		out.Act = &res[0].Hits[0]
	}
	for i, g := range res[1:] {
		if g.Total == 0 {
			continue
		}
		rel := "" // the last group: plain citations
		if i < len(refs.Rels) {
			rel = refs.Rels[i]
		}
		out.Groups = append(out.Groups, ActGroup{Rel: rel, Hits: g.Hits, Total: g.Total})
	}
	return out, nil
}

// actSearch runs q newest first and reads the first n hits.
func (ix *Index) actSearch(ctx context.Context, q query.Query, n int) (*veille.SearchResult, error) {
	req := bleve.NewSearchRequestOptions(q, n, 0, false)
	req.Score = "none"
	req.Fields = storedFields
	r := veille.SearchRequest{NoFacets: true, NoHighlight: true}
	res, _, err := ix.searchColumns(ctx, req, r, n > 0, false)
	if err != nil {
		return nil, fmt.Errorf("act search: %w", err)
	}
	out := &veille.SearchResult{Total: res.Total, Hits: make([]veille.Hit, 0, len(res.Hits))}
	for _, dm := range res.Hits {
		out.Hits = append(out.Hits, hitFromFields(dm.ID, dm.Fields))
	}
	sortPage(out.Hits, false)
	return out, nil
}

package index

import (
	"container/heap"
	"context"
	"sort"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/nogentech/veille"
)

// The collector that reads the columns during a search: facet counts,
// the newest-first page, and the scan of every item for the home page.
// How the columns are built is in columns.go.

// pageEntry is one document of a newest-first page.
type pageEntry struct {
	published int64
	global    uint64
	id        string
}

// older says whether a comes after b newest first; ties go by document
// number, as in Bleve.
func older(a, b pageEntry) bool {
	if a.published != b.published {
		return a.published < b.published
	}
	return a.global > b.global
}

// columnCollector counts facets and, for a newest-first search, keeps the
// page, from the columns of the search's snapshot. It is installed as
// Bleve's document match handler.
type columnCollector struct {
	c      *columns
	facets bool
	byDate bool
	keep   int // offset + limit, for byDate
	// scan: the search matches every item (scanAll); tagged: every item
	// with a domain or a competence (SearchRequest.Tagged).
	scan, tagged bool
	counts       []uint32
	page         pageHeap // while collecting; newest first once finished
	words        *vocab
}

func (cc *columnCollector) maker(inner search.MakeDocumentMatchHandler) search.MakeDocumentMatchHandler {
	return func(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
		sc, err := cc.c.forReader(sctx.IndexReader)
		if err != nil {
			return nil, false, err
		}
		cc.start(sc)
		var next search.DocumentMatchHandler
		loadID := false
		if !cc.byDate {
			if next, loadID, err = inner(sctx); err != nil {
				return nil, false, err
			}
		}
		seg := 0
		return func(d *search.DocumentMatch) error {
			if d == nil {
				if cc.byDate {
					return cc.finish(sctx.IndexReader)
				}
				return next(nil)
			}
			g := d.IndexInternalID.Value()
			var local uint64
			seg, local = sc.locate(g, seg)
			cols := sc.segs[seg]
			cc.count(cols, local)
			if !cc.byDate {
				return next(d)
			}
			cc.offer(pageEntry{published: cols.published[local], global: g})
			sctx.DocumentMatchPool.Put(d)
			return nil
		}, loadID, nil
	}
}

// start readies cc for a search over the snapshot whose columns are sc.
func (cc *columnCollector) start(sc *snapshotColumns) {
	cc.words = sc.words
	cc.counts = make([]uint32, len(sc.words.term))
}

// count adds the facet terms of a segment's document d.
func (cc *columnCollector) count(cols *segColumns, d uint64) {
	if cc.facets {
		for _, t := range cols.terms[cols.offsets[d]:cols.offsets[d+1]] {
			cc.counts[t]++
		}
	}
}

// tagFields are the facets (indexes in facets) that make an item tagged.
var tagFields = func() []bool {
	out := make([]bool, len(facets))
	for i, f := range facets {
		out[i] = f.field == fDomains || f.field == fCompetences
	}
	return out
}()

// hasTag says whether a segment's document d has a domain or a competence,
// as taggedQuery does for Bleve.
func (cc *columnCollector) hasTag(cols *segColumns, d uint64) bool {
	for _, t := range cols.terms[cols.offsets[d]:cols.offsets[d+1]] {
		if tagFields[cc.words.field[t]] {
			return true
		}
	}
	return false
}

// offer keeps e if it is among the keep newest so far.
func (cc *columnCollector) offer(e pageEntry) {
	switch {
	case len(cc.page) < cc.keep:
		heap.Push(&cc.page, e)
	case cc.keep > 0 && older(cc.page[0], e):
		cc.page[0] = e
		heap.Fix(&cc.page, 0)
	}
}

// pageHeap holds the newest entries seen so far, the oldest at the root.
type pageHeap []pageEntry

func (h pageHeap) Len() int           { return len(h) }
func (h pageHeap) Less(i, j int) bool { return older(h[i], h[j]) }
func (h pageHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *pageHeap) Push(x any)        { *h = append(*h, x.(pageEntry)) }
func (h *pageHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

// finish orders the page newest first and names its documents while the
// snapshot is still open.
func (cc *columnCollector) finish(r bleveindex.IndexReader) error {
	sort.Slice(cc.page, func(i, j int) bool { return older(cc.page[j], cc.page[i]) })
	var buf []byte
	for i := range cc.page {
		id, err := r.ExternalID(bleveindex.NewIndexInternalID(buf, cc.page[i].global))
		if err != nil {
			return err
		}
		cc.page[i].id = id
	}
	return nil
}

// facetResults are the counts by facet name, most frequent first, at most
// size terms each.
func (cc *columnCollector) facetResults(size int) map[string][]veille.FacetCount {
	out := make(map[string][]veille.FacetCount, len(facets))
	for _, f := range facets {
		out[f.name] = []veille.FacetCount{}
	}
	for id, n := range cc.counts {
		if n > 0 {
			name := facets[cc.words.field[id]].name
			out[name] = append(out[name], veille.FacetCount{Term: cc.words.term[id], Count: int(n)})
		}
	}
	for name, fc := range out {
		sortFacetCounts(fc)
		out[name] = fc[:min(len(fc), size)]
	}
	return out
}

// scanAll collects, newest first, a search that matches every item, or
// every tagged item (the home page), straight from the columns of one
// snapshot. Bleve's match-all search hands the handler every document one
// at a time, which took most of the 50 to 100 ms of the home page at a
// million items; reading the live documents of each segment from its columns is a loop over arrays.
// It returns the number of items, or errNoColumns as searches do.
func (ix *Index) scanAll(ctx context.Context, cc *columnCollector) (uint64, error) {
	adv, err := ix.idx.Advanced()
	if err != nil {
		return 0, err
	}
	r, err := adv.Reader()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	sc, err := cc.c.forReader(r)
	if err != nil {
		return 0, err
	}
	cc.start(sc)
	var total uint64
	buf := make([]uint32, 4096)
	for i, ss := range sc.snaps {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		cols := sc.segs[i]
		live := ss.DocNumbersLive().ManyIterator()
		for n := live.NextMany(buf); n > 0; n = live.NextMany(buf) {
			for _, d := range buf[:n] {
				if cc.tagged && !cc.hasTag(cols, uint64(d)) {
					continue
				}
				cc.count(cols, uint64(d))
				cc.offer(pageEntry{published: cols.published[d], global: sc.starts[i] + uint64(d)})
				total++
			}
		}
	}
	return total, cc.finish(r)
}

// withCollector installs cc as the search's document match handler; the
// search then fails with errNoColumns when its snapshot has none.
func withCollector(ctx context.Context, cc *columnCollector) context.Context {
	return context.WithValue(ctx, search.MakeDocumentMatchHandlerKey,
		cc.maker(collector.MakeTopNDocumentMatchHandler))
}

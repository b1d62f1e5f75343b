package index

import (
	"container/heap"
	"context"
	"errors"
	"log/slog"
	"math"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/numeric"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"github.com/nogentech/veille"
)

// Facet counts and the newest-first order come from columns kept in
// memory, one per index segment, rather than from Bleve's doc values.
//
// Bleve counts facets and sorts by date by reading, for every matching
// document, the doc values of six fields (and the sixteen prefix-coded
// terms of the date). On a broad search that was most of the time: the home
// page over 100k items spent 97 ms there, and it grows with the index. A
// segment never changes once written (deletions are kept apart), so its
// values are read once into plain arrays, and a search then costs an array
// lookup per hit. Results are the same as Bleve's
// (TestColumnsMatchBleve); when a segment has no columns yet (just
// written or merged), the search asks Bleve as before and the columns are
// built in the background.

// errNoColumns means the search's snapshot has segments without columns.
var errNoColumns = errors.New("index columns not built for this snapshot")

// columnFields are read into the columns: the facets, then the date.
var columnFields = func() []string {
	out := make([]string, 0, len(facets)+1)
	for _, f := range facets {
		out = append(out, f.field)
	}
	return append(out, fPublished)
}()

// noDate stands for a document without a date; a newest-first order puts
// it last, as Bleve does.
const noDate = math.MinInt64

// segColumns are one segment's values, indexed by local document number.
type segColumns struct {
	// The facet terms of document d are terms[offsets[d]:offsets[d+1]],
	// as ids of the vocabulary.
	offsets   []uint32
	terms     []uint32
	published []int64
}

// vocab names the term ids: field index (in facets) and term. It only
// grows; searches read a published copy.
type vocab struct {
	field []uint8
	term  []string
}

type columns struct {
	mu    sync.Mutex
	segs  map[uint64]*segColumns // by segment id
	ids   map[string]uint32      // field index + "\x00" + term → id; the builder's
	words atomic.Pointer[vocab]

	building atomic.Bool
	searched atomic.Bool // a search has asked for columns since Open
	buildMu  sync.Mutex  // one build at a time, background or not
	lifeMu   sync.Mutex  // orders starting a build and closing
	closed   bool
	wg       sync.WaitGroup
	stop     chan struct{}
	log      *slog.Logger
}

func newColumns(log *slog.Logger) *columns {
	c := &columns{segs: map[uint64]*segColumns{}, ids: map[string]uint32{}, stop: make(chan struct{}), log: log}
	c.words.Store(&vocab{})
	return c
}

// close stops a build in progress and waits for it.
func (c *columns) close() {
	if c == nil {
		return
	}
	c.lifeMu.Lock()
	if !c.closed {
		c.closed = true
		close(c.stop)
	}
	c.lifeMu.Unlock()
	c.wg.Wait()
}

// refresh builds, in the background, the columns of the index's current
// segments that have none, and forgets those of segments merged away. At
// most one build runs at a time.
func (c *columns) refresh(idx bleve.Index) {
	if c == nil || !c.building.CompareAndSwap(false, true) {
		return
	}
	c.lifeMu.Lock()
	defer c.lifeMu.Unlock()
	if c.closed {
		c.building.Store(false)
		return
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer c.building.Store(false)
		if err := c.build(idx); err != nil {
			c.log.Warn("index columns", "err", err)
		}
	}()
}

// written is called after a write: once people search, the new segments'
// columns are built right away rather than at the next search. A first
// crawl with nobody searching builds none.
func (c *columns) written(idx bleve.Index) {
	if c != nil && c.searched.Load() {
		c.refresh(idx)
	}
}

// build builds the missing columns of the current snapshot, synchronously.
func (c *columns) build(idx bleve.Index) error {
	c.buildMu.Lock()
	defer c.buildMu.Unlock()
	adv, err := idx.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil // another index type: Bleve counts facets itself
	}
	start := time.Now()
	built, docs := 0, uint64(0)
	live := map[uint64]bool{}
	for _, ss := range snap.Segments() {
		select {
		case <-c.stop:
			return nil
		default:
		}
		live[ss.Id()] = true
		c.mu.Lock()
		_, have := c.segs[ss.Id()]
		c.mu.Unlock()
		if have {
			continue
		}
		sc, err := c.readSegment(ss.Segment())
		if err != nil {
			return err
		}
		c.mu.Lock()
		c.segs[ss.Id()] = sc
		c.mu.Unlock()
		built++
		docs += ss.Segment().Count()
	}
	c.mu.Lock()
	for id := range c.segs {
		if !live[id] {
			delete(c.segs, id)
		}
	}
	c.mu.Unlock()
	if built > 0 {
		c.log.Debug("index columns built", "segments", built, "documents", docs, "took", time.Since(start))
	}
	return nil
}

// readSegment reads one segment's doc values into columns.
func (c *columns) readSegment(seg segment.Segment) (*segColumns, error) {
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		return nil, errors.New("segment without doc values")
	}
	n := seg.Count()
	sc := &segColumns{offsets: make([]uint32, n+1), terms: make([]uint32, 0, n*4), published: make([]int64, n)}
	fieldIndex := map[string]byte{}
	for i, f := range facets {
		fieldIndex[f.field] = byte(i)
	}
	grown := false
	var key []byte
	var state segment.DocVisitState
	var err error
	for d := uint64(0); d < n; d++ {
		sc.published[d] = noDate
		state, err = dv.VisitDocValues(d, columnFields, func(field string, term []byte) {
			if field == fPublished {
				p := numeric.PrefixCoded(term)
				if shift, err := p.Shift(); err == nil && shift == 0 {
					if v, err := p.Int64(); err == nil {
						sc.published[d] = v
					}
				}
				return
			}
			key = append(append(key[:0], fieldIndex[field], 0), term...)
			id, ok := c.ids[string(key)]
			if !ok {
				id = uint32(len(c.ids))
				c.ids[string(key)] = id
				grown = true
			}
			sc.terms = append(sc.terms, id)
		}, state)
		if err != nil {
			return nil, err
		}
		if len(sc.terms) > math.MaxUint32 {
			return nil, errors.New("segment too large for columns")
		}
		sc.offsets[d+1] = uint32(len(sc.terms))
	}
	if grown {
		v := &vocab{field: make([]uint8, len(c.ids)), term: make([]string, len(c.ids))}
		for k, id := range c.ids {
			v.field[id], v.term[id] = k[0], k[2:]
		}
		c.words.Store(v)
	}
	return sc, nil
}

// snapshotColumns are the columns of every segment of one index snapshot,
// with the segments' global document number offsets.
type snapshotColumns struct {
	starts []uint64
	segs   []*segColumns
	words  *vocab
	// snaps are the snapshot's segments, in the order of segs.
	snaps []*scorch.SegmentSnapshot
}

// forReader gives the columns of the reader's snapshot, or errNoColumns.
func (c *columns) forReader(r bleveindex.IndexReader) (*snapshotColumns, error) {
	c.searched.Store(true)
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, errNoColumns
	}
	segs := snap.Segments()
	sc := &snapshotColumns{starts: make([]uint64, len(segs)), segs: make([]*segColumns, len(segs)), snaps: segs}
	var running uint64
	c.mu.Lock()
	defer c.mu.Unlock()
	// A segment's terms are in the vocabulary before its columns are
	// added (build publishes one, then the other), so this vocabulary
	// names every term of the segments found here.
	sc.words = c.words.Load()
	for i, ss := range segs {
		cols := c.segs[ss.Id()]
		if cols == nil || uint64(len(cols.published)) != ss.Segment().Count() {
			return nil, errNoColumns
		}
		// Scorch numbers documents across segments by adding up every
		// segment's count, deleted documents included.
		sc.starts[i] = running
		sc.segs[i] = cols
		running += ss.Segment().Count()
	}
	return sc, nil
}

// locate gives a global document number's segment and local number; seg
// is a hint (hits come in increasing order).
func (sc *snapshotColumns) locate(global uint64, seg int) (int, uint64) {
	if seg < 0 || seg >= len(sc.starts) || global < sc.starts[seg] ||
		(seg+1 < len(sc.starts) && global >= sc.starts[seg+1]) {
		seg = sort.Search(len(sc.starts), func(i int) bool { return sc.starts[i] > global }) - 1
	}
	return seg, global - sc.starts[seg]
}

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

package index

import (
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
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
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

// Serving says the index is about to be searched (a server starts): the
// columns of its segments are built now, in the background, rather than
// at the first search, which would otherwise sort and count through
// Bleve's doc values (the first act page after a start at a million items
// took about a second).
func (ix *Index) Serving() {
	if ix.cols == nil {
		return
	}
	ix.cols.searched.Store(true)
	ix.cols.refresh(ix.idx)
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

package watch

import (
	"context"
	"fmt"
	"sync"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
)

// indexSlots is how many batches may be in the index at once. Bleve
// analyses a batch on every core, then builds its segment on one: a second
// batch keeps the other core busy meanwhile.
const indexSlots = 2

// crawlRun is the writing side of one crawl: batches stored, being
// indexed, and the report they fill.
type crawlRun struct {
	w        *Watch
	ctx      context.Context
	total    int
	progress func(Progress)
	wg       sync.WaitGroup

	mu     sync.Mutex // rep, done, err, lagged
	rep    *Report
	done   int
	err    error
	lagged bool // a batch recorded a checkpoint short of its own items
}

func (run *crawlRun) failed() error {
	run.mu.Lock()
	defer run.mu.Unlock()
	return run.err
}

func (run *crawlRun) fail(err error) {
	run.mu.Lock()
	defer run.mu.Unlock()
	if run.err == nil {
		run.err = err
	}
}

// submit commits a batch to the store and sends what changed to the
// index, where it may run beside the previous batch.
func (run *crawlRun) submit(p pending) error {
	w := run.w
	w.storeMu.Lock()
	res, err := w.storeItems(run.ctx, p.items)
	if err != nil {
		w.storeMu.Unlock()
		return err
	}
	changed := append(append([]veille.Item(nil), res.New...), res.Updated...)
	var b *indexBatch
	if len(changed) > 0 {
		b = w.ckpt.add(res.MaxSeq, changed)
	}
	w.storeMu.Unlock()
	job := stored{res: res, results: p.results}
	if b == nil {
		return run.record(job)
	}
	// Bleve applies two batches running at once in either order: a batch
	// holding an item that an earlier one holds too waits for it, so the
	// index ends with the item's latest version.
	w.ckpt.waitEarlier(b)
	w.slots <- struct{}{}
	run.wg.Add(1)
	go func() {
		defer run.wg.Done()
		cp, own := w.ckpt.checkpointFor(b)
		err := w.o.Index.Upsert(run.ctx, changed, cp)
		w.ckpt.finish(b, err == nil)
		<-w.slots
		if err != nil {
			// The store has the items; the next start-up catches the index up.
			run.fail(fmt.Errorf("index items: %w", err))
			return
		}
		if !own {
			run.mu.Lock()
			run.lagged = true
			run.mu.Unlock()
		}
		if err := run.record(job); err != nil {
			run.fail(err)
		}
	}()
	return nil
}

// wait waits for the batches in the index, then brings the checkpoint up
// to date when a batch had to record one behind its own items.
func (run *crawlRun) wait() error {
	run.wg.Wait()
	if err := run.failed(); err != nil || !run.lagged {
		return err
	}
	release := run.w.holdIndex()
	defer release()
	if err := run.w.ckpt.settle(run.ctx); err != nil {
		return fmt.Errorf("index checkpoint: %w", err)
	}
	return nil
}

// holdIndex takes every index slot: nothing is being indexed until
// release is called.
func (w *Watch) holdIndex() (release func()) {
	w.holdMu.Lock()
	for range indexSlots {
		w.slots <- struct{}{}
	}
	return func() {
		for range indexSlots {
			<-w.slots
		}
		w.holdMu.Unlock()
	}
}

// checkpoints keeps the index checkpoint right while batches are indexed
// side by side. The checkpoint says every item up to that store sequence
// number is in the index; after a crash, what the store holds beyond it is
// indexed again. A batch may record its own last sequence number only when
// every batch stored before it is indexed; otherwise it records the
// highest number known indexed, and the crawl settles the checkpoint at
// the end. A batch that failed stays in the queue, so the checkpoint never
// passes it until CatchUp has indexed it.
type checkpoints struct {
	index *index.Index

	mu      sync.Mutex
	pending []*indexBatch // stored, not yet indexed, in store order
	durable int64         // every item up to this sequence number is indexed
	known   bool          // durable was read from the index
}

type indexBatch struct {
	hi      int64
	ids     map[string]struct{}
	done    chan struct{} // closed when indexed or failed
	indexed bool
}

// add registers a stored batch; call it in store order (under storeMu).
func (c *checkpoints) add(hi int64, items []veille.Item) *indexBatch {
	b := &indexBatch{hi: hi, ids: make(map[string]struct{}, len(items)), done: make(chan struct{})}
	for _, it := range items {
		b.ids[it.ID] = struct{}{}
	}
	c.mu.Lock()
	c.pending = append(c.pending, b)
	c.mu.Unlock()
	return b
}

// waitEarlier waits for the batches stored before b that hold one of its
// items.
func (c *checkpoints) waitEarlier(b *indexBatch) {
	var waits []chan struct{}
	c.mu.Lock()
	for _, o := range c.pending {
		if o == b {
			break
		}
		for id := range b.ids {
			if _, ok := o.ids[id]; ok {
				waits = append(waits, o.done)
				break
			}
		}
	}
	c.mu.Unlock()
	for _, ch := range waits {
		<-ch
	}
}

// checkpointFor is the checkpoint b's batch may record; own says whether
// it covers b's own items.
func (c *checkpoints) checkpointFor(b *indexBatch) (cp int64, own bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.load()
	if len(c.pending) > 0 && c.pending[0] == b {
		return b.hi, true
	}
	return c.durable, false
}

func (c *checkpoints) load() {
	if c.known {
		return
	}
	if cp, err := c.index.Checkpoint(); err == nil {
		c.durable = max(c.durable, cp)
	}
	c.known = true
}

// finish marks b indexed (or failed) and advances what is known indexed.
func (c *checkpoints) finish(b *indexBatch, ok bool) {
	c.mu.Lock()
	b.indexed = ok
	for len(c.pending) > 0 && c.pending[0].indexed {
		c.durable = max(c.durable, c.pending[0].hi)
		c.pending = c.pending[1:]
	}
	c.mu.Unlock()
	close(b.done)
}

// settle records the checkpoint known indexed when the index's is behind
// it. Call it with every index slot held.
func (c *checkpoints) settle(ctx context.Context) error {
	c.mu.Lock()
	c.load()
	want := c.durable
	c.mu.Unlock()
	got, err := c.index.Checkpoint()
	if err != nil {
		return err
	}
	if got >= want {
		return nil
	}
	return c.index.Upsert(ctx, nil, want)
}

// reset forgets the queue after CatchUp indexed every stored item.
func (c *checkpoints) reset() error {
	cp, err := c.index.Checkpoint()
	if err != nil {
		return fmt.Errorf("read index checkpoint: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, b := range c.pending {
		b.indexed = true
	}
	c.pending = nil
	c.durable, c.known = cp, true
	return nil
}

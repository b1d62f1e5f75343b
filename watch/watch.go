// Package watch runs the pipeline of the regulatory watch: fetch sources in
// parallel, tag what they bring, commit it to the store, then index it. One
// goroutine at a time writes, because Bleve has a single writer and batches
// are what make it fast.
package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/store"
)

// Options wires a Watch to its parts.
type Options struct {
	Config  veille.Config
	Crawler *crawler.Crawler
	Tagger  *veille.Tagger
	Store   *store.Store
	Index   *index.Index
	Logger  *slog.Logger
	Now     func() time.Time
	// BatchSize bounds the items committed and indexed in one write; Bleve
	// indexes far faster in large batches than in small ones.
	BatchSize int
}

// Watch crawls, tags, stores and indexes.
type Watch struct {
	o       Options
	sources map[string]veille.Source
	writeMu sync.Mutex // one writer: store commit + index batch happen together
}

// New returns a Watch; it does not start anything.
func New(o Options) *Watch {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 1000
	}
	w := &Watch{o: o, sources: map[string]veille.Source{}}
	for _, s := range o.Config.Sources {
		w.sources[s.ID] = s
	}
	return w
}

// SourceReport is what one source gave in one crawl.
type SourceReport struct {
	Source      string
	Name        string
	Fetched     int // items parsed
	New         int
	Updated     int
	Unchanged   int
	NotModified bool
	Skipped     bool // not due yet (scheduled crawls only)
	Status      int
	Err         error
	Duration    time.Duration
	// FetchDuration and ParseDuration split Duration, for the metrics.
	FetchDuration, ParseDuration time.Duration
}

// Report is the outcome of one crawl.
type Report struct {
	Sources  []SourceReport
	New      []veille.Item // first seen in this crawl, as stored
	Updated  int
	Started  time.Time
	Finished time.Time
}

// Failed counts the sources that failed.
func (r Report) Failed() int {
	n := 0
	for _, s := range r.Sources {
		if s.Err != nil {
			n++
		}
	}
	return n
}

// Progress is reported after each source is written.
type Progress struct {
	Done, Total int
	New         int
	Last        SourceReport
}

// CrawlOptions select what a crawl does.
type CrawlOptions struct {
	// Sources to crawl; all enabled sources when empty.
	Sources []string
	// OnlyDue skips sources whose back-off or Retry-After is not over (the
	// scheduler's mode); a crawl asked for by a person fetches regardless.
	OnlyDue  bool
	Progress func(Progress)
}

// ErrUnknownSource is returned when a crawl names a source the config lacks.
var ErrUnknownSource = errors.New("unknown source")

// Crawl fetches the chosen sources once and writes what they bring. The
// error is for what stops the whole run (store or index failure, unknown
// source); a source that fails is reported in its SourceReport and state.
func (w *Watch) Crawl(ctx context.Context, co CrawlOptions) (Report, error) {
	rep := Report{Started: w.o.Now().UTC()}
	srcs, err := w.pick(co.Sources)
	if err != nil {
		return rep, err
	}
	states, err := w.o.Store.FetchStates(ctx)
	if err != nil {
		return rep, fmt.Errorf("crawl: read source states: %w", err)
	}

	results := make(chan crawler.Result)
	var wg sync.WaitGroup
	for _, src := range srcs {
		prev := states[src.ID]
		prev.Source = src.ID
		if co.OnlyDue && !crawler.Due(prev, w.o.Now()) {
			rep.Sources = append(rep.Sources, SourceReport{Source: src.ID, Name: src.Name, Skipped: true})
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			// The crawler bounds global and per-host concurrency itself.
			results <- w.o.Crawler.Fetch(ctx, src, prev)
		}()
	}
	go func() { wg.Wait(); close(results) }()

	total := len(srcs) - len(rep.Sources)
	// Writes ignore cancellation: what was fetched before a shutdown is committed.
	werr := w.write(context.WithoutCancel(ctx), results, total, &rep, co.Progress)
	// Drain so no fetch goroutine stays blocked after a write error.
	for range results {
	}
	slices.SortFunc(rep.Sources, func(a, b SourceReport) int { return cmpString(a.Source, b.Source) })
	rep.Finished = w.o.Now().UTC()
	return rep, werr
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (w *Watch) pick(ids []string) ([]veille.Source, error) {
	if len(ids) == 0 {
		var out []veille.Source
		for _, s := range w.o.Config.Sources {
			if !s.Disabled {
				out = append(out, s)
			}
		}
		return out, nil
	}
	var out []veille.Source
	for _, id := range ids {
		s, ok := w.sources[id]
		if !ok {
			return nil, fmt.Errorf("%w %q (see the sources of the config)", ErrUnknownSource, id)
		}
		out = append(out, s)
	}
	return out, nil
}

// pending is a batch being assembled from several sources' results.
type pending struct {
	items   []veille.Item
	results []crawler.Result
}

// write is the single writer: it groups results into batches, commits each
// batch to the store, indexes what changed, and only then saves the
// sources' fetch states, so an ETag is never remembered for items that
// were not committed.
func (w *Watch) write(ctx context.Context, results <-chan crawler.Result, total int, rep *Report, progress func(Progress)) error {
	var p pending
	done := 0
	flush := func() error {
		if len(p.results) == 0 {
			return nil
		}
		w.writeMu.Lock()
		defer w.writeMu.Unlock()
		res, err := w.commit(ctx, p.items)
		if err != nil {
			return err
		}
		byID := map[string]string{} // item id → whether new/updated, per source below
		for _, it := range res.New {
			byID[it.ID] = "new"
		}
		for _, it := range res.Updated {
			byID[it.ID] = "updated"
		}
		rep.New = append(rep.New, res.New...)
		rep.Updated += len(res.Updated)
		for _, r := range p.results {
			sr := SourceReport{Source: r.Source, Name: w.sources[r.Source].Name, Fetched: len(r.Items),
				NotModified: r.NotModified, Status: r.State.Status, Err: r.Err, Duration: r.FetchDuration + r.ParseDuration,
				FetchDuration: r.FetchDuration, ParseDuration: r.ParseDuration}
			seen := map[string]bool{}
			for _, it := range r.Items {
				if seen[it.ID] {
					continue
				}
				seen[it.ID] = true
				switch byID[it.ID] {
				case "new":
					sr.New++
					byID[it.ID] = "" // an item shared by two sources is new for the first only
				case "updated":
					sr.Updated++
				default:
					sr.Unchanged++
				}
			}
			if err := w.o.Store.SaveFetchState(ctx, r.State); err != nil {
				return fmt.Errorf("save state of %s: %w", r.Source, err)
			}
			if r.Err != nil {
				w.o.Logger.Warn("source failed", "source", r.Source, "status", r.State.Status,
					"failures", r.State.Failures, "next_attempt", r.State.NextAttempt, "err", r.Err)
			}
			rep.Sources = append(rep.Sources, sr)
			done++
			if progress != nil {
				progress(Progress{Done: done, Total: total, New: len(rep.New), Last: sr})
			}
		}
		p = pending{}
		return nil
	}
	for {
		var r crawler.Result
		var ok bool
		if len(p.results) == 0 {
			r, ok = <-results
		} else {
			// Keep filling the batch while results are ready; write when the
			// fetchers are still busy, so items become searchable early.
			select {
			case r, ok = <-results:
			default:
				if err := flush(); err != nil {
					return err
				}
				continue
			}
		}
		if !ok {
			return flush()
		}
		for i := range r.Items {
			w.o.Tagger.Tag(&r.Items[i], w.sources[r.Source])
		}
		p.items = append(p.items, r.Items...)
		p.results = append(p.results, r)
		if len(p.items) >= w.o.BatchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
}

// commit writes items to the store, then indexes the ones that changed.
func (w *Watch) commit(ctx context.Context, items []veille.Item) (store.UpsertResult, error) {
	if len(items) == 0 {
		return store.UpsertResult{}, nil
	}
	res, err := w.o.Store.UpsertItems(ctx, items)
	if err != nil {
		return res, fmt.Errorf("store items: %w", err)
	}
	changed := append(append([]veille.Item(nil), res.New...), res.Updated...)
	if len(changed) == 0 {
		return res, nil
	}
	if err := w.o.Index.Upsert(ctx, changed, res.MaxSeq); err != nil {
		// The store has the items; the next start-up catches the index up.
		return res, fmt.Errorf("index items: %w", err)
	}
	return res, nil
}

// CatchUp indexes every stored item beyond the index's checkpoint: after a
// crash between a store commit and its index batch, nothing is lost.
func (w *Watch) CatchUp(ctx context.Context, progress func(done int)) (int, error) {
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	cp, err := w.o.Index.Checkpoint()
	if err != nil {
		return 0, fmt.Errorf("read index checkpoint: %w", err)
	}
	top, err := w.o.Store.MaxSeq(ctx)
	if err != nil {
		return 0, fmt.Errorf("read store sequence: %w", err)
	}
	if cp > top {
		// The index is ahead of the record (a store restored from a backup):
		// the checkpoint cannot be trusted, so index everything again.
		w.o.Logger.Warn("index checkpoint is ahead of the store; re-indexing every item", "checkpoint", cp, "store_seq", top)
		cp = 0
	}
	n := 0
	err = w.o.Store.ItemsAfter(ctx, cp, w.o.BatchSize, func(items []veille.Item, last int64) error {
		if err := w.o.Index.Upsert(ctx, items, last); err != nil {
			return fmt.Errorf("index items: %w", err)
		}
		n += len(items)
		if progress != nil {
			progress(n)
		}
		return nil
	})
	return n, err
}

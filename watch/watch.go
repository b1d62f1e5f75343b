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
	"strings"
	"sync"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/refs"
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
	// storeMu orders the store commits of concurrent crawls and registers
	// each batch in ckpt in that order; slots bounds the batches in the
	// index at once. See indexing.go.
	storeMu sync.Mutex
	slots   chan struct{}
	// holdMu lets one caller at a time take every slot: two callers each
	// holding some slots and waiting for the rest would wait forever.
	holdMu sync.Mutex
	ckpt   *checkpoints
	// sched, when serving, is told of the sources other crawls fetched.
	schedMu sync.Mutex
	sched   *Scheduler
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
	w := &Watch{o: o, sources: map[string]veille.Source{}, slots: make(chan struct{}, indexSlots),
		ckpt: &checkpoints{index: o.Index}}
	for _, s := range o.Config.Sources {
		w.sources[s.ID] = s
	}
	return w
}

// SourceReport and Report are the outcome of a crawl; they live in the
// root package so that the server reports crawls without importing watch.
type (
	SourceReport = veille.SourceReport
	Report       = veille.CrawlReport
)

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

// MaxReportedNew bounds Report.New.
const MaxReportedNew = veille.MaxReportedNew

// maxHeld is how many sources may be fetched ahead of the writer.
const maxHeld = 32

// ErrUnknownSource is returned when a crawl names a source the config lacks.
var ErrUnknownSource = veille.ErrUnknownSource

// Crawl fetches the chosen sources once and writes what they bring. The
// error is for what stops the whole run (store or index failure, unknown
// source); a source that fails is reported in its SourceReport and state.
func (w *Watch) Crawl(ctx context.Context, co CrawlOptions) (Report, error) {
	return w.crawl(ctx, co, false)
}

// setScheduler registers the scheduler to tell of crawls it did not start.
func (w *Watch) setScheduler(s *Scheduler) {
	w.schedMu.Lock()
	w.sched = s
	w.schedMu.Unlock()
}

func (w *Watch) crawl(ctx context.Context, co CrawlOptions, scheduled bool) (Report, error) {
	rep := Report{Started: w.o.Now().UTC()}
	srcs, err := w.pick(co.Sources)
	if err != nil {
		return rep, err
	}
	if !scheduled {
		// A crawl asked for by a person moves its sources' next_attempt:
		// the scheduler must wake them at the new time, not the old one.
		defer func() {
			w.schedMu.Lock()
			s := w.sched
			w.schedMu.Unlock()
			if s != nil {
				ids := make([]string, len(srcs))
				for i, src := range srcs {
					ids[i] = src.ID
				}
				s.changed(ids)
			}
		}()
	}
	states, err := w.states(ctx, co.Sources)
	if err != nil {
		return rep, err
	}

	results := make(chan crawler.Result)
	// held bounds the sources fetched and not yet handed to the writer:
	// the crawler bounds its requests, not the parsing after them, and a
	// source's items wait in memory until the writer takes them. Without
	// it a first crawl of 1,000 feeds of 1,000 items held them all (19 GB).
	// Some slack lets fetchers parse ahead while a batch is written.
	held := make(chan struct{}, maxHeld)
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
			held <- struct{}{}
			defer func() { <-held }()
			// The crawler bounds global and per-host concurrency itself.
			r := w.o.Crawler.Fetch(ctx, src, prev)
			// Tagging here spreads it over the fetchers instead of the
			// single writer.
			for i := range r.Items {
				w.o.Tagger.Tag(&r.Items[i], src)
				refs.Apply(&r.Items[i])
			}
			results <- r
		}()
	}
	go func() { wg.Wait(); close(results) }()

	total := len(srcs) - len(rep.Sources)
	// Writes ignore cancellation: what was fetched before a shutdown is committed.
	werr := w.write(context.WithoutCancel(ctx), results, total, &rep, co.Progress)
	// Drain so no fetch goroutine stays blocked after a write error.
	for range results {
	}
	slices.SortFunc(rep.Sources, func(a, b SourceReport) int { return strings.Compare(a.Source, b.Source) })
	rep.Finished = w.o.Now().UTC()
	return rep, werr
}

// states reads the fetch states of the named sources, one row each, or of
// every source when none is named: the scheduler crawls one or a few
// sources at a time, and reading all thousand states for each cost ten
// CPU-seconds at start-up.
func (w *Watch) states(ctx context.Context, ids []string) (map[string]veille.FetchState, error) {
	if len(ids) == 0 {
		states, err := w.o.Store.FetchStates(ctx)
		if err != nil {
			return nil, fmt.Errorf("crawl: read source states: %w", err)
		}
		return states, nil
	}
	states := make(map[string]veille.FetchState, len(ids))
	for _, id := range ids {
		st, err := w.o.Store.FetchState(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("crawl: read source states: %w", err)
		}
		states[id] = st
	}
	return states, nil
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
	return PickSources(w.o.Config, ids)
}

// PickSources returns the named sources of cfg, or ErrUnknownSource for the
// first name cfg lacks; a command checks its names with it before it opens
// the data dir.
func PickSources(cfg veille.Config, ids []string) ([]veille.Source, error) {
	out := make([]veille.Source, 0, len(ids))
	for _, id := range ids {
		s, ok := cfg.Source(id)
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

// stored is a batch committed to the store, on its way to the index.
type stored struct {
	res     store.UpsertResult
	results []crawler.Result
}

// write is the single writer: it groups results into batches and commits
// each batch to the store, then hands it to the index, which saves the
// sources' fetch states once the batch is indexed, so an ETag is never
// remembered for items that were not indexed. The next batch goes to the
// store while the index takes the previous ones (see indexing.go).
func (w *Watch) write(ctx context.Context, results <-chan crawler.Result, total int, rep *Report, progress func(Progress)) error {
	run := &crawlRun{w: w, ctx: ctx, rep: rep, total: total, progress: progress}
	var p pending
	flush := func() error {
		if len(p.results) == 0 {
			return nil
		}
		if err := run.failed(); err != nil {
			return err
		}
		err := run.submit(p)
		p = pending{}
		return err
	}
	err := func() error {
		for {
			var r crawler.Result
			var ok bool
			if len(p.results) == 0 {
				r, ok = <-results
			} else {
				// Keep filling the batch while results are ready; write when
				// the fetchers are still busy, so items become searchable early.
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
			p.items = append(p.items, r.Items...)
			p.results = append(p.results, r)
			if len(p.items) >= w.o.BatchSize {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}()
	return errors.Join(err, run.wait())
}

// storeItems commits items to the store.
func (w *Watch) storeItems(ctx context.Context, items []veille.Item) (store.UpsertResult, error) {
	if len(items) == 0 {
		return store.UpsertResult{}, nil
	}
	res, err := w.o.Store.UpsertItems(ctx, items)
	if err != nil {
		return res, fmt.Errorf("store items: %w", err)
	}
	return res, nil
}

// record saves the fetch states of an indexed batch's sources and reports
// what each source brought.
func (run *crawlRun) record(job stored) error {
	w, rep := run.w, run.rep
	states := make([]veille.FetchState, 0, len(job.results))
	for _, r := range job.results {
		states = append(states, r.State)
	}
	if err := w.o.Store.SaveFetchStates(run.ctx, states); err != nil {
		return fmt.Errorf("save source states: %w", err)
	}
	run.mu.Lock()
	defer run.mu.Unlock()
	byID := map[string]string{} // item id → whether new/updated, per source below
	for _, it := range job.res.New {
		byID[it.ID] = "new"
	}
	for _, it := range job.res.Updated {
		byID[it.ID] = "updated"
	}
	rep.NewCount += len(job.res.New)
	for _, it := range job.res.New {
		if len(rep.New) == MaxReportedNew {
			break
		}
		it.Content, it.HTML = "", ""
		rep.New = append(rep.New, it)
	}
	rep.Updated += len(job.res.Updated)
	for _, r := range job.results {
		sr := SourceReport{Source: r.Source, Name: w.sources[r.Source].Name, Fetched: len(r.Items),
			NotModified: r.NotModified, Status: r.State.Status, Err: r.Err, Cancelled: r.Cancelled, Duration: r.FetchDuration + r.ParseDuration,
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
		if r.Err != nil && !r.Cancelled {
			w.o.Logger.Warn("source failed", "source", r.Source, "status", r.State.Status,
				"failures", r.State.Failures, "next_attempt", r.State.NextAttempt, "err", r.Err)
		}
		rep.Sources = append(rep.Sources, sr)
		run.done++
		if run.progress != nil {
			run.progress(Progress{Done: run.done, Total: run.total, New: rep.NewCount, Last: sr})
		}
	}
	return nil
}

// CatchUp indexes every stored item beyond the index's checkpoint: after a
// crash between a store commit and its index batch, nothing is lost.
func (w *Watch) CatchUp(ctx context.Context, progress func(done int)) (int, error) {
	w.storeMu.Lock()
	defer w.storeMu.Unlock()
	release := w.holdIndex()
	defer release()
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
	if err == nil {
		// Every stored item is indexed now, those of failed batches too.
		err = w.ckpt.reset()
	}
	return n, err
}

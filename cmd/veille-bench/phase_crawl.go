package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/store"
	"github.com/nogentech/veille/watch"
)

// pipeline is veille's parts opened on the data dir, as `veille serve`
// and `veille crawl` open them.
type pipeline struct {
	cfg    veille.Config
	store  *store.Store
	index  *index.Index
	tagger *veille.Tagger
	watch  *watch.Watch
}

func openPipeline(ctx context.Context, s spec) (*pipeline, error) {
	cfg, err := benchConfig(s)
	if err != nil {
		return nil, err
	}
	p := &pipeline{cfg: cfg}
	if p.store, err = store.Open(ctx, s.storePath()); err != nil {
		return nil, err
	}
	if p.index, err = index.Open(s.indexDir(), index.Options{BoltTimeout: time.Second}); err != nil {
		p.store.Close()
		return nil, err
	}
	if p.tagger, err = veille.NewTagger(cfg.Domains, cfg.Competences); err != nil {
		p.close()
		return nil, err
	}
	cr := crawler.New(crawler.Options{
		AllowPrivateNetworks: true,             // the feeds are on loopback
		HostDelay:            time.Millisecond, // and need no politeness
		Timeout:              time.Minute,
		MaxBody:              64 << 20,
	})
	p.watch = watch.New(watch.Options{Config: cfg, Crawler: cr, Tagger: p.tagger, Store: p.store, Index: p.index,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	return p, nil
}

func (p *pipeline) close() error {
	return errors.Join(p.index.Close(), p.store.Close())
}

// veilleCrawl crawls every feed once into an empty data dir, until every
// item is searchable.
func veilleCrawl(ctx context.Context, s spec) (phaseResult, error) {
	res := phaseResult{Phase: s.Phase}
	if err := os.RemoveAll(s.dataDir()); err != nil {
		return res, err
	}
	stop := profile(s.Profile, s.Phase)
	sec := begin()
	p, err := openPipeline(ctx, s)
	if err != nil {
		stop()
		return res, err
	}
	defer p.close()
	rep, err := p.watch.Crawl(ctx, watch.CrawlOptions{})
	res.WallS, res.CPUS = sec.end()
	stop()
	if err != nil {
		return res, fmt.Errorf("crawl: %w", err)
	}
	if n := rep.Failed(); n > 0 {
		for _, sr := range rep.Sources {
			if sr.Err != nil {
				return res, fmt.Errorf("%d sources failed, first %s: %w", n, sr.Source, sr.Err)
			}
		}
	}
	count, err := p.index.Count()
	if err != nil {
		return res, err
	}
	res.Items = int(count)
	res.Notes = map[string]any{"new": rep.NewCount, "updated": rep.Updated, "index_batches": p.index.Batches()}
	if count != uint64(s.N) {
		return res, fmt.Errorf("the index holds %d items after the crawl, want %d", count, s.N)
	}
	// Not timed: let Bleve finish merging (see floorIngest).
	if err := p.close(); err != nil {
		return res, err
	}
	idx, err := bleve.Open(s.indexDir())
	if err != nil {
		return res, err
	}
	res.Notes["settle_s"] = settle(idx)
	return res, idx.Close()
}

// veilleRecrawl crawls again feeds that did not change: every request is
// conditional and answered 304, and nothing may be written to the index.
func veilleRecrawl(ctx context.Context, s spec) (phaseResult, error) {
	res := phaseResult{Phase: s.Phase}
	p, err := openPipeline(ctx, s)
	if err != nil {
		return res, err
	}
	defer p.close()
	seq0, err := p.store.MaxSeq(ctx)
	if err != nil {
		return res, err
	}
	cp0, err := p.index.Checkpoint()
	if err != nil {
		return res, err
	}
	batches0 := p.index.Batches()
	stop := profile(s.Profile, s.Phase)
	sec := begin()
	rep, err := p.watch.Crawl(ctx, watch.CrawlOptions{})
	res.WallS, res.CPUS = sec.end()
	stop()
	if err != nil {
		return res, fmt.Errorf("recrawl: %w", err)
	}
	notModified := 0
	for _, sr := range rep.Sources {
		if sr.Err != nil {
			return res, fmt.Errorf("recrawl: source %s: %w", sr.Source, sr.Err)
		}
		if sr.NotModified {
			notModified++
		}
	}
	seq1, err := p.store.MaxSeq(ctx)
	if err != nil {
		return res, err
	}
	cp1, err := p.index.Checkpoint()
	if err != nil {
		return res, err
	}
	res.Items = rep.NewCount + rep.Updated
	res.Notes = map[string]any{"not_modified": notModified, "sources": len(rep.Sources),
		"index_writes": p.index.Batches() - batches0, "store_seq_before": seq0, "store_seq_after": seq1,
		"checkpoint_before": cp0, "checkpoint_after": cp1}
	return res, nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/internal/datadir"
	"github.com/nogentech/veille/store"
	"github.com/nogentech/veille/watch"
)

// app is the wiring of one process that owns a data dir.
type app struct {
	cfg     veille.Config
	dir     string
	lock    *datadir.Lock
	store   *store.Store
	index   *index.Index
	tagger  *veille.Tagger
	crawler *crawler.Crawler
	watch   *watch.Watch
	log     *slog.Logger
	// recovered lists the damaged indexes rebuilt at start-up (recover.go).
	recovered []indexRecovery
	// sender is the notifier of veille serve, which the web server uses to
	// send an approved commission's edition; nil elsewhere.
	sender *digest.Notifier
}

func indexDir(data string) string  { return filepath.Join(data, "index.bleve") }
func storePath(data string) string { return filepath.Join(data, "veille.db") }

// loadConfig reads the config; a bad config is a usage error (exit 2).
func loadConfig(path string, checks ...veille.Check) (veille.Config, error) {
	cfg, err := veille.LoadConfig(path, checks...)
	if err != nil {
		return cfg, usageError{err.Error()}
	}
	return cfg, nil
}

// openApp takes the data dir, opens the store and the index, and catches
// the index up with the store.
func openApp(ctx context.Context, g *globals, cfg veille.Config, command string) (*app, error) {
	lock, err := datadir.Acquire(g.data, datadir.Holder{Command: command})
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, dir: g.data, lock: lock, log: g.log}
	if err := a.open(ctx); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func (a *app) open(ctx context.Context) error {
	var err error
	if a.store, err = store.Open(ctx, storePath(a.dir)); err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	if err := a.openIndex(ctx); err != nil {
		return err
	}
	if a.tagger, err = veille.NewTagger(a.cfg.Domains, a.cfg.Competences); err != nil {
		return fmt.Errorf("taxonomy: %w", err)
	}
	a.crawler = crawler.New(crawlerOptions(a.cfg, a.log))
	a.watch = a.newWatch()
	n, err := a.watch.CatchUp(ctx, nil)
	if err != nil && ctx.Err() == nil && len(a.recovered) == 0 && a.storeReadable(ctx) {
		// An index that opens but cannot be read or written is damaged
		// too: rebuilt from the store once, rather than failing every start.
		if err = a.replaceIndex(ctx, "catching up with the store failed: "+err.Error()); err == nil {
			n, err = a.watch.CatchUp(ctx, nil)
		}
	}
	if err != nil {
		return fmt.Errorf("catch the index up with the store: %w", err)
	}
	if n > 0 {
		a.log.Info("index caught up with the store", "items", n)
	}
	return a.checkIndexComplete(ctx)
}

// newWatch is the one place the watch is built. It holds the index it
// writes to, so replaceIndex builds it again when the index is replaced.
func (a *app) newWatch() *watch.Watch {
	return watch.New(watch.Options{Config: a.cfg, Crawler: a.crawler, Tagger: a.tagger,
		Store: a.store, Index: a.index, Logger: a.log})
}

func crawlerOptions(cfg veille.Config, log *slog.Logger) crawler.Options {
	return crawler.Options{
		UserAgent:            cfg.Fetch.UserAgent,
		Timeout:              cfg.Fetch.Timeout.D(),
		MaxBody:              int64(cfg.Fetch.MaxBody),
		AllowPrivateNetworks: cfg.Fetch.AllowPrivateNetworks,
		Concurrency:          cfg.Fetch.Concurrency,
		HostDelay:            cfg.Fetch.HostDelay.D(),
		MinBackoff:           cfg.Fetch.MinBackoff.D(),
		MaxBackoff:           cfg.Fetch.MaxBackoff.D(),
		Logger:               log,
	}
}

// Close releases everything; the index is closed before the lock is given up.
func (a *app) Close() error {
	var errs []error
	if a.index != nil {
		errs = append(errs, a.index.Close())
	}
	if a.store != nil {
		errs = append(errs, a.store.Close())
	}
	errs = append(errs, a.lock.Release())
	return errors.Join(errs...)
}

// isTerminal reports whether f is a terminal, for \r progress lines.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	st, err := file.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// usageOrErr turns a query mistake into a usage error (exit 2).
func usageOrErr(err error) error {
	var qe *index.QueryError
	if errors.As(err, &qe) {
		return usageError{qe.Error()}
	}
	return err
}

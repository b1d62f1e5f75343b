package watch_test

import (
	"context"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/store"
	"github.com/nogentech/veille/watch"
)

// rig is a real pipeline in a temp dir: SQLite store, Bleve index, tagger
// with the shipped taxonomy, and a crawler aimed at loopback test servers.
type rig struct {
	t      *testing.T
	cfg    veille.Config
	store  *store.Store
	index  *index.Index
	watch  *watch.Watch
	clock  *clock
	copts  crawler.Options
	dir    string
	tagger *veille.Tagger
}

// clock is a settable clock shared by the crawler and the watch.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

var shipped = func() veille.Config {
	cfg, err := veille.ParseConfig(veille.ShippedConfig, "feeds.yaml")
	if err != nil {
		panic(err)
	}
	return cfg
}()

// newRig wires the pipeline for sources; tweak adjusts the crawler options
// (by default: private networks allowed, no host delay, 5 s timeout).
func newRig(t *testing.T, sources []veille.Source, tweak func(*crawler.Options)) *rig {
	t.Helper()
	r := &rig{t: t, dir: t.TempDir(), clock: &clock{t: time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)}}
	r.cfg = veille.Config{Domains: shipped.Domains, Competences: shipped.Competences, Sources: sources, Location: time.UTC}
	var err error
	ctx := context.Background()
	if r.store, err = store.Open(ctx, filepath.Join(r.dir, "veille.db")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.store.Close() })
	if r.index, err = index.Open(filepath.Join(r.dir, "index.bleve"), index.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.index.Close() })
	if r.tagger, err = veille.NewTagger(r.cfg.Domains, r.cfg.Competences); err != nil {
		t.Fatal(err)
	}
	r.copts = crawler.Options{
		AllowPrivateNetworks: true,
		HostDelay:            -1,
		Timeout:              5 * time.Second,
		MinBackoff:           time.Minute,
		MaxBackoff:           time.Hour,
		Concurrency:          8,
		Now:                  r.clock.Now,
	}
	if tweak != nil {
		tweak(&r.copts)
	}
	r.watch = watch.New(watch.Options{Config: r.cfg, Crawler: crawler.New(r.copts), Tagger: r.tagger,
		Store: r.store, Index: r.index, Now: r.clock.Now})
	return r
}

// crawl runs one crawl and fails the test on a run-level error.
func (r *rig) crawl(co watch.CrawlOptions) watch.Report {
	r.t.Helper()
	rep, err := r.watch.Crawl(context.Background(), co)
	if err != nil {
		r.t.Fatalf("crawl: %v", err)
	}
	return rep
}

// report finds a source's report.
func report(t *testing.T, rep watch.Report, id string) watch.SourceReport {
	t.Helper()
	for _, s := range rep.Sources {
		if s.Source == id {
			return s
		}
	}
	t.Fatalf("no report for %s in %+v", id, rep.Sources)
	return watch.SourceReport{}
}

// indexedFrom counts the documents the index returns for a source.
func (r *rig) indexedFrom(source string) uint64 {
	r.t.Helper()
	res, err := r.index.Search(context.Background(), veille.SearchRequest{Sources: []string{source}, Limit: 1, NoFacets: true, NoHighlight: true})
	if err != nil {
		r.t.Fatal(err)
	}
	return res.Total
}

func loopbackOnly(prefix string) []netip.Prefix { return []netip.Prefix{netip.MustParsePrefix(prefix)} }

func feedSrc(id, url string) veille.Source {
	return veille.Source{ID: id, Name: "source " + id, Kind: veille.KindFeed, URL: url, Every: veille.Duration(2 * time.Hour), Lang: "fr"}
}

package watch

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/internal/fixtures"
	"github.com/nogentech/veille/store"
)

// feedServer serves the testdata feeds with validators, and counts answers.
type feedServer struct {
	*httptest.Server
	ok, notModified atomic.Int64
}

// feedFiles are the real feeds the server answers with, by the last
// element of the URL path.
var feedFiles = map[string]string{"europarl-thinktank.xml": fixtures.Europarl, "ameli-lpp.xml": fixtures.AmeliLPP}

func newFeedServer(t *testing.T) *feedServer {
	t.Helper()
	fs := &feedServer{}
	mod := time.Date(2026, 9, 15, 8, 0, 0, 0, time.UTC)
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := os.ReadFile(fixtures.Path(feedFiles[filepath.Base(r.URL.Path)]))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("ETag", `"`+filepath.Base(r.URL.Path)+`-1"`)
		if r.Header.Get("If-None-Match") == w.Header().Get("ETag") {
			fs.notModified.Add(1)
		} else {
			fs.ok.Add(1)
		}
		http.ServeContent(w, r, "", mod, bytes.NewReader(b))
	}))
	t.Cleanup(fs.Close)
	return fs
}

type parts struct {
	cfg   veille.Config
	store *store.Store
	index *index.Index
	watch *Watch
	dir   string
}

// open wires a Watch to a store and an index in dir, with the shipped
// taxonomy and the testdata feeds as sources.
func open(t *testing.T, dir string, fs *feedServer, batch int, sources ...veille.Source) *parts {
	t.Helper()
	cfg, err := veille.ParseConfig(veille.ShippedConfig, "feeds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Sources = sources
	if len(sources) == 0 {
		cfg.Sources = []veille.Source{
			{ID: "europarl", Name: "EP Think Tank", Kind: veille.KindFeed, URL: fs.URL + "/europarl-thinktank.xml", Lang: "en"},
			{ID: "ameli-lpp", Name: "LPP", Kind: veille.KindFeed, URL: fs.URL + "/ameli-lpp.xml", Lang: "fr", Domains: []string{"medical-devices"}},
		}
	}
	ctx := context.Background()
	p := &parts{cfg: cfg, dir: dir}
	if p.store, err = store.Open(ctx, filepath.Join(dir, "veille.db")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.store.Close() })
	if p.index, err = index.Open(filepath.Join(dir, "index.bleve"), index.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.index.Close() })
	tagger, err := veille.NewTagger(cfg.Domains, cfg.Competences)
	if err != nil {
		t.Fatal(err)
	}
	cr := crawler.New(crawler.Options{AllowPrivateNetworks: true, HostDelay: -1})
	p.watch = New(Options{Config: cfg, Crawler: cr, Tagger: tagger, Store: p.store, Index: p.index, BatchSize: batch})
	return p
}

// consistent checks that the index holds every stored item and that its
// checkpoint is the store's last sequence number.
func (p *parts) consistent(t *testing.T) int {
	t.Helper()
	ctx := context.Background()
	stored, err := p.store.CountItems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	indexed, err := p.index.Count()
	if err != nil {
		t.Fatal(err)
	}
	seq, err := p.store.MaxSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := p.index.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	if uint64(stored) != indexed || cp != seq {
		t.Errorf("store has %d items up to seq %d; index has %d, checkpoint %d", stored, seq, indexed, cp)
	}
	return stored
}

func TestCrawlThenRecrawlUnchanged(t *testing.T) {
	for name, batch := range map[string]int{"one batch": 1000, "many pipelined batches": 7} {
		t.Run(name, func(t *testing.T) {
			fs := newFeedServer(t)
			p := open(t, t.TempDir(), fs, batch)
			ctx := context.Background()
			rep, err := p.watch.Crawl(ctx, CrawlOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Failed() != 0 || len(rep.Sources) != 2 {
				t.Fatalf("report %+v", rep.Sources)
			}
			n := p.consistent(t)
			if n < 100 || len(rep.New) != n || rep.NewCount != n {
				t.Fatalf("%d items stored, %d reported new (%d listed)", n, rep.NewCount, len(rep.New))
			}
			for _, sr := range rep.Sources {
				if sr.New == 0 || sr.New+sr.Updated+sr.Unchanged > sr.Fetched {
					t.Errorf("source report %+v", sr)
				}
			}
			// Tagging happened on the way: the LPP source gives its domain.
			res, err := p.index.Search(ctx, veille.SearchRequest{Domains: []string{"medical-devices"}, Sources: []string{"ameli-lpp"}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total == 0 {
				t.Error("no LPP item tagged medical-devices in the index")
			}
			states, err := p.store.FetchStates(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, src := range p.cfg.Sources {
				if states[src.ID].ETag == "" || states[src.ID].ItemCount == 0 {
					t.Errorf("state of %s not saved: %+v", src.ID, states[src.ID])
				}
			}

			seq, _ := p.store.MaxSeq(ctx)
			batches := p.index.Batches()
			rep, err = p.watch.Crawl(ctx, CrawlOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, sr := range rep.Sources {
				if !sr.NotModified || sr.Err != nil {
					t.Errorf("re-crawl of %s: %+v", sr.Source, sr)
				}
			}
			if got := fs.notModified.Load(); got != 2 {
				t.Errorf("%d answers 304, want 2", got)
			}
			if d := p.index.Batches() - batches; d != 0 {
				t.Errorf("re-crawl of unchanged feeds wrote %d index batches", d)
			}
			if s, _ := p.store.MaxSeq(ctx); s != seq || rep.NewCount != 0 || rep.Updated != 0 {
				t.Errorf("re-crawl changed the store: seq %d → %d, %d new, %d updated", seq, s, rep.NewCount, rep.Updated)
			}
		})
	}
}

// When the index fails, the crawl says so, the store keeps the items, the
// sources' validators are not remembered, and CatchUp indexes everything.
func TestIndexFailureThenCatchUp(t *testing.T) {
	fs := newFeedServer(t)
	dir := t.TempDir()
	p := open(t, dir, fs, 10)
	ctx := context.Background()
	if err := p.index.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.watch.Crawl(ctx, CrawlOptions{}); err == nil {
		t.Fatal("crawl into a closed index succeeded")
	}
	stored, err := p.store.CountItems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stored == 0 {
		t.Fatal("nothing reached the store")
	}
	states, _ := p.store.FetchStates(ctx)
	for id, st := range states {
		if st.ETag != "" {
			t.Errorf("validator of %s remembered though its items were not indexed", id)
		}
	}

	q := open(t, dir, fs, 10)
	n, err := q.watch.CatchUp(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n != stored {
		t.Errorf("caught up %d items, want %d", n, stored)
	}
	q.consistent(t)
}

// Crawls running at once (the scheduler crawls each source on its own)
// leave the index consistent with the store.
func TestConcurrentCrawls(t *testing.T) {
	fs := newFeedServer(t)
	p := open(t, t.TempDir(), fs, 5)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, len(p.cfg.Sources))
	for i, src := range p.cfg.Sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = p.watch.Crawl(ctx, CrawlOptions{Sources: []string{src.ID}})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	p.consistent(t)
}

// Two sources publish the same items: the second source's batch updates
// them, and the index must end with that update even though batches are
// indexed side by side.
func TestSameItemsInTwoBatches(t *testing.T) {
	fs := newFeedServer(t)
	var sources []veille.Source
	for _, id := range []string{"ep-a", "ep-b", "ep-c"} {
		sources = append(sources, veille.Source{ID: id, Kind: veille.KindFeed, Lang: "en",
			URL: fs.URL + "/" + id + "/europarl-thinktank.xml"})
	}
	p := open(t, t.TempDir(), fs, 5, sources...)
	ctx := context.Background()
	if _, err := p.watch.Crawl(ctx, CrawlOptions{}); err != nil {
		t.Fatal(err)
	}
	n := p.consistent(t)
	res, err := p.index.Search(ctx, veille.SearchRequest{Limit: 1000, NoFacets: true, NoHighlight: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != n || n < 20 {
		t.Fatalf("%d hits for %d stored items", len(res.Hits), n)
	}
	for _, h := range res.Hits {
		it, err := p.store.Item(ctx, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Sources) != 3 || len(it.Sources) != 3 {
			t.Errorf("%s: index says sources %v, store %v; want all three", h.ID, h.Sources, it.Sources)
		}
	}
}

// While the writer is held up, fetchers get at most maxHeld sources ahead
// of it: a first crawl of many large feeds must not hold them all.
func TestFetchersWaitForTheWriter(t *testing.T) {
	fs := newFeedServer(t)
	var sources []veille.Source
	for i := range 3 * maxHeld {
		sources = append(sources, veille.Source{ID: fmt.Sprintf("s%03d", i), Kind: veille.KindFeed, Lang: "en",
			URL: fmt.Sprintf("%s/s%03d/europarl-thinktank.xml", fs.URL, i)})
	}
	p := open(t, t.TempDir(), fs, 1, sources...)
	release := make(chan struct{})
	var once sync.Once
	var seen atomic.Int64
	progress := func(Progress) {
		once.Do(func() {
			// The first source is written; the writer now waits here.
			time.Sleep(300 * time.Millisecond)
			seen.Store(fs.ok.Load())
			close(release)
		})
		<-release
	}
	if _, err := p.watch.Crawl(context.Background(), CrawlOptions{Progress: progress}); err != nil {
		t.Fatal(err)
	}
	// The writer holds a batch, the index two more and one waits for them.
	if got, most := seen.Load(), int64(maxHeld+indexSlots+2); got > most {
		t.Errorf("%d sources fetched while the writer was held up, want at most %d", got, most)
	}
	if got := fs.ok.Load(); got != int64(len(sources)) {
		t.Errorf("%d sources fetched in all, want %d", got, len(sources))
	}
}

func BenchmarkCrawl(b *testing.B) {
	cfg, err := veille.ParseConfig(veille.ShippedConfig, "feeds.yaml")
	if err != nil {
		b.Fatal(err)
	}
	body, err := os.ReadFile(fixtures.Path(fixtures.AmeliLPP))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml")
		w.Write(body)
	}))
	defer srv.Close()
	tagger, err := veille.NewTagger(cfg.Domains, cfg.Competences)
	if err != nil {
		b.Fatal(err)
	}
	items := 0
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		dir := b.TempDir()
		st, err := store.Open(context.Background(), filepath.Join(dir, "veille.db"))
		if err != nil {
			b.Fatal(err)
		}
		ix, err := index.Open(filepath.Join(dir, "index.bleve"), index.Options{})
		if err != nil {
			b.Fatal(err)
		}
		cfg.Sources = []veille.Source{{ID: "lpp", Kind: veille.KindFeed, URL: srv.URL + "/lpp.xml", Lang: "fr"}}
		w := New(Options{Config: cfg, Crawler: crawler.New(crawler.Options{AllowPrivateNetworks: true, HostDelay: -1}),
			Tagger: tagger, Store: st, Index: ix})
		b.StartTimer()
		rep, err := w.Crawl(context.Background(), CrawlOptions{})
		if err != nil || rep.Failed() > 0 {
			b.Fatal(err, rep.Sources)
		}
		items += rep.NewCount
		b.StopTimer()
		ix.Close()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(items)/b.Elapsed().Seconds(), "items/s")
}

// Many single-source crawls at once, as the scheduler starts them, with
// shared items so that batches wait for each other and checkpoints lag:
// every crawl must finish (two crawls settling their checkpoints at once
// once deadlocked on the index slots).
func TestManyConcurrentCrawlsFinish(t *testing.T) {
	fs := newFeedServer(t)
	var sources []veille.Source
	for i := range 16 {
		id := fmt.Sprintf("ep-%02d", i)
		sources = append(sources, veille.Source{ID: id, Kind: veille.KindFeed, Lang: "en",
			URL: fs.URL + "/" + id + "/europarl-thinktank.xml"})
	}
	p := open(t, t.TempDir(), fs, 1, sources...)
	for round := range 3 {
		done := make(chan error, len(sources))
		for _, src := range sources {
			go func() {
				_, err := p.watch.Crawl(context.Background(), CrawlOptions{Sources: []string{src.ID}})
				done <- err
			}()
		}
		timeout := time.After(60 * time.Second)
		for range sources {
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-timeout:
				t.Fatalf("round %d: concurrent crawls did not finish", round)
			}
		}
	}
	p.consistent(t)
}

// TestOneSourceCrawlReadsOneState: a crawl of one source reads that
// source's state only. Another source's unreadable state (here a damaged
// row) does not stop it, as it did when every crawl read every state.
func TestOneSourceCrawlReadsOneState(t *testing.T) {
	fs := newFeedServer(t)
	dir := t.TempDir()
	p := open(t, dir, fs, 0)
	ctx := context.Background()
	if _, err := p.watch.Crawl(ctx, CrawlOptions{}); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "veille.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE fetch_state SET data = '{' WHERE source = 'ameli-lpp'`); err != nil {
		t.Fatal(err)
	}
	rep, err := p.watch.Crawl(ctx, CrawlOptions{Sources: []string{"europarl"}})
	if err != nil {
		t.Fatalf("one-source crawl: %v", err)
	}
	if len(rep.Sources) != 1 || rep.Sources[0].Err != nil || !rep.Sources[0].NotModified {
		t.Errorf("report %+v, want europarl not modified (its ETag was read)", rep.Sources)
	}
	// The damage is still seen by a crawl of every source.
	if _, err := p.watch.Crawl(ctx, CrawlOptions{}); err == nil {
		t.Error("a crawl of every source read the damaged state without error")
	}
}

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/server"
	"github.com/nogentech/veille/store"
	"github.com/nogentech/veille/watch"
)

// spec is what the parent tells a phase process.
type spec struct {
	Phase   string `json:"phase"`
	Work    string `json:"work"` // the run's directory
	N       int    `json:"n"`
	Feeds   int    `json:"feeds"`
	Queries int    `json:"queries"` // samples per kind and path
	Batch   int    `json:"batch"`   // the floor's batch size
	Writers int    `json:"writers"` // the floor's concurrent Batch calls
	Profile string `json:"profile,omitempty"`
}

func (s spec) floorDir() string    { return filepath.Join(s.Work, "floor.bleve") }
func (s spec) itemsFile() string   { return filepath.Join(s.Work, "items.jsonl") }
func (s spec) sourcesFile() string { return filepath.Join(s.Work, "sources.json") }
func (s spec) dataDir() string     { return filepath.Join(s.Work, "data") }
func (s spec) storePath() string   { return filepath.Join(s.dataDir(), "veille.db") }
func (s spec) indexDir() string    { return filepath.Join(s.dataDir(), "index.bleve") }

// phaseResult is what a phase process reports; the parent adds the peak
// RSS and CPU of the whole process from its rusage.
type phaseResult struct {
	Phase string  `json:"phase"`
	WallS float64 `json:"wall_s"` // the measured stretch
	CPUS  float64 `json:"cpu_s"`  // CPU of that stretch
	Items int     `json:"items,omitempty"`
	// Paths holds search latencies by path (floor, query, veille, http)
	// and by query kind.
	Paths map[string]map[string]latency `json:"paths,omitempty"`
	Notes map[string]any                `json:"notes,omitempty"`

	ProcessCPUS float64 `json:"process_cpu_s"`
	PeakRSSMB   float64 `json:"peak_rss_mb"`
}

var phases = map[string]func(context.Context, spec) (phaseResult, error){
	"floor-ingest": floorIngest,
	"crawl":        veilleCrawl,
	"extract":      extractRefs,
	"recrawl":      veilleRecrawl,
	"search":       searchPaths,
	"serve":        veilleServe,
	"digest":       veilleDigest,
}

// benchConfig is the shipped taxonomy, digests and alerts, with the
// benchmark's sources.
func benchConfig(s spec) (veille.Config, error) {
	cfg, err := veille.ParseConfig(veille.ShippedConfig, "feeds.yaml")
	if err != nil {
		return cfg, fmt.Errorf("shipped config: %w", err)
	}
	b, err := os.ReadFile(s.sourcesFile())
	if err != nil {
		return cfg, err
	}
	cfg.Sources = nil
	if err := json.Unmarshal(b, &cfg.Sources); err != nil {
		return cfg, fmt.Errorf("%s: %w", s.sourcesFile(), err)
	}
	cfg.Fetch.AllowPrivateNetworks = true
	return cfg, nil
}

// floorIngest indexes the items straight into Bleve with veille's mapping
// and documents, in batches of s.Batch, the next batch being mapped while
// Bleve indexes the previous one.
func floorIngest(ctx context.Context, s spec) (phaseResult, error) {
	res := phaseResult{Phase: s.Phase}
	m, err := index.Mapping()
	if err != nil {
		return res, err
	}
	f, err := os.Open(s.itemsFile())
	if err != nil {
		return res, err
	}
	defer f.Close()
	if err := os.RemoveAll(s.floorDir()); err != nil {
		return res, err
	}
	stop := profile(s.Profile, s.Phase)
	sec := begin()
	idx, err := bleve.NewUsing(s.floorDir(), m, scorch.Name, bleve.Config.DefaultKVStore, nil)
	if err != nil {
		stop()
		return res, fmt.Errorf("floor index: %w", err)
	}
	batches := make(chan *bleve.Batch, 1)
	errc := make(chan error, 1)
	go func() {
		defer close(batches)
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		b := idx.NewBatch()
		for sc.Scan() {
			var it veille.Item
			if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
				errc <- err
				return
			}
			doc, err := index.Document(&it)
			if err != nil {
				errc <- err
				return
			}
			if err := b.Index(it.ID, doc); err != nil {
				errc <- err
				return
			}
			if b.Size() >= s.Batch {
				batches <- b
				b = idx.NewBatch()
			}
		}
		if err := sc.Err(); err != nil {
			errc <- err
			return
		}
		if b.Size() > 0 {
			batches <- b
		}
	}()
	var wg sync.WaitGroup
	berrs := make([]error, max(1, s.Writers))
	for k := range berrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				if err := idx.Batch(b); err != nil && berrs[k] == nil {
					berrs[k] = fmt.Errorf("floor batch: %w", err)
				}
			}
		}()
	}
	wg.Wait()
	res.WallS, res.CPUS = sec.end()
	if err := errors.Join(berrs...); err != nil {
		stop()
		return res, err
	}
	stop()
	select {
	case err := <-errc:
		return res, err
	default:
	}
	n, err := idx.DocCount()
	if err != nil {
		return res, err
	}
	res.Items = int(n)
	if n != uint64(s.N) {
		return res, fmt.Errorf("floor holds %d documents, want %d", n, s.N)
	}
	// Not timed: let Bleve finish merging, so that the search phase does
	// not measure merges left over by the ingest.
	res.Notes = map[string]any{"settle_s": settle(idx)}
	return res, idx.Close()
}

// settle waits until Bleve has no merge to do (index.WaitMerged) and
// returns how long that took.
func settle(idx bleve.Index) float64 {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	_ = index.WaitMerged(ctx, idx, 500*time.Millisecond) // at worst, searches share the machine with merges
	return time.Since(start).Seconds()
}

// searchPath answers query i of the mix one way, returning its total.
type searchPath struct {
	name string
	run  func(i int) (uint64, error)
}

// runMix runs the query mix through every path: one warm-up round, then
// s.Queries samples per kind and path. Each query is asked through every
// path back to back, in an order that rotates, so that whatever else the
// machine does weighs on the paths alike.
func runMix(s spec, mix []benchQuery, paths []searchPath) (map[string]map[string]latency, error) {
	groups := map[string][]int{}
	for i, q := range mix {
		groups[q.kind] = append(groups[q.kind], i)
		for _, p := range paths {
			if _, err := p.run(i); err != nil {
				return nil, fmt.Errorf("%s: %s %q: %w", p.name, q.kind, q.text, err)
			}
		}
	}
	samples := map[string]map[string][]time.Duration{}
	totals := map[string]map[string][]uint64{}
	for _, p := range paths {
		samples[p.name], totals[p.name] = map[string][]time.Duration{}, map[string][]uint64{}
	}
	for n := range s.Queries {
		for _, k := range kinds {
			g := groups[k]
			i := g[n%len(g)]
			for _, j := range pathOrder(n, len(paths)) {
				p := paths[j]
				// Not timed: collect the garbage of the path before, so
				// that a query does not pay for another path's (a floor
				// search over 1M items leaves hundreds of MB).
				runtime.GC()
				start := time.Now()
				total, err := p.run(i)
				d := time.Since(start)
				if err != nil {
					return nil, fmt.Errorf("%s: %s %q: %w", p.name, k, mix[i].text, err)
				}
				samples[p.name][k] = append(samples[p.name][k], d)
				totals[p.name][k] = append(totals[p.name][k], total)
			}
		}
	}
	out := map[string]map[string]latency{}
	for _, p := range paths {
		out[p.name] = map[string]latency{}
		for k, v := range samples[p.name] {
			out[p.name][k] = summarise(v, totals[p.name][k])
		}
	}
	return out, nil
}

// pathOrder is the order of the paths in round n: a Williams square. Over
// len(paths) rounds (an even number) each path runs once in each position
// and right after each other path once. A query runs faster right after
// the same query on the same index (its caches are warm) and slower after
// a floor search over the other index; a plain rotation made the HTTP path
// always follow the search function, which measured HTTP faster than the
// function it calls.
func pathOrder(n, k int) []int {
	order := make([]int, k)
	for j := range order {
		v := 0 // first row: 0, 1, k-1, 2, k-2, …
		if j%2 == 1 {
			v = (j + 1) / 2
		} else if j > 0 {
			v = k - j/2
		}
		order[j] = (v + n) % k
	}
	return order
}

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

// serving is veille opened on the data dir as `veille serve` opens it:
// what the store holds beyond the index caught up, and the HTTP handler.
type serving struct {
	*pipeline
	handler http.Handler
}

func openServing(ctx context.Context, s spec) (*serving, error) {
	p, err := openPipeline(ctx, s)
	if err != nil {
		return nil, err
	}
	if _, err := p.watch.CatchUp(ctx, nil); err != nil {
		p.close()
		return nil, err
	}
	// One client measures latency, not the per-client rate limit.
	srv, err := server.New(server.Options{Config: p.cfg, Index: p.index, Store: p.store, Limits: server.Limits{Rate: -1}})
	if err != nil {
		p.close()
		return nil, err
	}
	return &serving{pipeline: p, handler: srv.Handler()}, nil
}

// paths are the search function and GET /api/search on a loopback server.
func (sv *serving) paths(ctx context.Context, mix []benchQuery) ([]searchPath, func(), error) {
	reqs := make([]veille.SearchRequest, len(mix))
	for i, q := range mix {
		var err error
		if reqs[i], err = q.request(sv.cfg.Location); err != nil {
			return nil, nil, err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	hs := &http.Server{Handler: sv.handler, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	client := &http.Client{Timeout: 5 * time.Minute}
	base := "http://" + ln.Addr().String()
	fn := func(i int) (uint64, error) {
		r, err := sv.index.Search(ctx, reqs[i])
		if err != nil {
			return 0, err
		}
		return r.Total, nil
	}
	web := func(i int) (uint64, error) {
		resp, err := client.Get(base + mix[i].path())
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1000))
			return 0, fmt.Errorf("HTTP %d: %s", resp.StatusCode, b)
		}
		// A client reads the whole answer; only the total is kept.
		var out struct {
			Total uint64 `json:"total"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			return 0, err
		}
		return out.Total, nil
	}
	return []searchPath{{"veille", fn}, {"http", web}}, func() { hs.Close() }, nil
}

// searchPaths runs the query mix four ways, interleaved: the floor (plain
// Bleve on the floor index), veille's query through plain Bleve on the
// floor index (same mapping and documents: the query's own cost), the
// search function, and HTTP.
func searchPaths(ctx context.Context, s spec) (phaseResult, error) {
	res := phaseResult{Phase: s.Phase}
	sv, err := openServing(ctx, s)
	if err != nil {
		return res, err
	}
	defer sv.close()
	floor, err := bleve.Open(s.floorDir())
	if err != nil {
		return res, err
	}
	defer floor.Close()
	settle(floor) // merges the ingest left are not searches
	mix := queryMix()
	floorReqs := make([]*bleve.SearchRequest, len(mix))
	queryReqs := make([]*bleve.SearchRequest, len(mix))
	for i := range mix {
		if floorReqs[i], err = mix[i].floor(sv.cfg.Location); err != nil {
			return res, err
		}
		if queryReqs[i], err = mix[i].veilleQuery(sv.cfg.Location); err != nil {
			return res, err
		}
	}
	vpaths, stopHTTP, err := sv.paths(ctx, mix)
	if err != nil {
		return res, err
	}
	defer stopHTTP()
	paths := append([]searchPath{
		{"floor", func(i int) (uint64, error) {
			r, err := floor.SearchInContext(ctx, floorReqs[i])
			if err != nil {
				return 0, err
			}
			return r.Total, nil
		}},
		{"query", func(i int) (uint64, error) {
			r, err := floor.SearchInContext(ctx, queryReqs[i])
			if err != nil {
				return 0, err
			}
			return r.Total, nil
		}},
	}, vpaths...)
	stop := profile(s.Profile, s.Phase)
	sec := begin()
	res.Paths, err = runMix(s, mix, paths)
	res.WallS, res.CPUS = sec.end()
	stop()
	return res, err
}

// veilleServe measures the start-up on the built data dir (open the store
// and the index, catch up, build the server, answer a first search), then
// serves the query mix three times through the search function and HTTP:
// its peak RSS is that of serving.
func veilleServe(ctx context.Context, s spec) (phaseResult, error) {
	res := phaseResult{Phase: s.Phase, Notes: map[string]any{}}
	sv, err := openServing(ctx, s)
	if err != nil {
		return res, err
	}
	defer sv.close()
	rec := httptest.NewRecorder()
	sv.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/search?q=d%C3%A9chets", nil))
	if rec.Code != http.StatusOK {
		return res, fmt.Errorf("first search: %d %s", rec.Code, rec.Body.String())
	}
	res.Notes["startup_s"] = time.Since(processStart).Seconds()
	res.Notes["startup_cpu_s"] = cpuSeconds()

	mix := queryMix()
	paths, stopHTTP, err := sv.paths(ctx, mix)
	if err != nil {
		return res, err
	}
	defer stopHTTP()
	stop := profile(s.Profile, s.Phase)
	sec := begin()
	q := s
	q.Queries = 3 * len(mix) / len(kinds)
	res.Paths, err = runMix(q, mix, paths)
	res.WallS, res.CPUS = sec.end()
	stop()
	if err != nil {
		return res, err
	}
	// The act page and the calendar, after the timed mix (their samples
	// are not in its wall and CPU time).
	return res, measureActs(sv.handler, s.Queries, res.Notes)
}

// veilleDigest builds the week's environment digest and renders it, as the
// Monday job does.
func veilleDigest(ctx context.Context, s spec) (phaseResult, error) {
	res := phaseResult{Phase: s.Phase}
	cfg, err := benchConfig(s)
	if err != nil {
		return res, err
	}
	st, err := store.Open(ctx, s.storePath())
	if err != nil {
		return res, err
	}
	defer st.Close()
	n, err := digest.New(digest.Options{Config: cfg, Store: st})
	if err != nil {
		return res, err
	}
	const id = "environment-weekly"
	stop := profile(s.Profile, s.Phase)
	sec := begin()
	period := digest.WeekOf(time.Now(), cfg.Location)
	d, dg, err := n.Preview(ctx, id, period)
	if err != nil {
		stop()
		return res, err
	}
	r, err := digest.RenderDigest(cfg, dg, d, "fr", cfg.Server.BaseURL)
	res.WallS, res.CPUS = sec.end()
	stop()
	if err != nil {
		return res, err
	}
	res.Items = len(d.Items)
	res.Notes = map[string]any{"period": period.Key, "html_bytes": len(r.HTML)}
	return res, nil
}

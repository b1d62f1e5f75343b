package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/server"
)

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
	// The vocabulary the served index parses with: it is opened without
	// one, so the shipped config's (glossary and taxonomy).
	shipped, err := veille.ParseConfig(veille.ShippedConfig, "feeds.yaml")
	if err != nil {
		return res, fmt.Errorf("shipped config: %w", err)
	}
	voc := index.NewVocabulary(shipped)
	floorReqs := make([]*bleve.SearchRequest, len(mix))
	queryReqs := make([]*bleve.SearchRequest, len(mix))
	for i := range mix {
		if floorReqs[i], err = mix[i].floor(sv.cfg.Location); err != nil {
			return res, err
		}
		if queryReqs[i], err = mix[i].veilleQuery(sv.cfg.Location, voc); err != nil {
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

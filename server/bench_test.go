package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/internal/text"
)

// The load benchmark: 16 clients search over HTTP, through the whole
// server (middleware, JSON, gzip), against an index of 100,000 items made
// from the real items of the demo sample. Run it with
//
//	go test ./server -run '^$' -bench BenchmarkConcurrentSearch -benchtime 30s -timeout 30m
//
// VEILLE_BENCH_ITEMS changes the index size; VEILLE_BENCH_DIR keeps the
// index between runs (building 100k items takes a few minutes).

const loadClients = 16

// loadQueries are searches people make: words in French and English,
// accents or not, phrases, exclusions, fields, and the empty search.
var loadQueries = []string{
	"", "chrome hexavalent", "dispositifs médicaux", "MDR article 120", "déchets", "dechets",
	"REACH", `"marquage CE"`, "implant -dentaire", "arrêté", "santé", "recall", "ICPE 2565",
	"domain:environment", "traitement de surface", "endoprothèses", "medical device", "sécurité sociale",
	`"liste des produits et prestations"`, "nomination", "pump insulin", "agriculture",
}

// loadRequest builds the i-th search of a client: a query, sometimes a
// filter, a sort and a page, as the UI and scripts send them.
func loadRequest(rng *rand.Rand, facets map[string][]veille.FacetCount) url.Values {
	v := url.Values{}
	if q := loadQueries[rng.IntN(len(loadQueries))]; q != "" {
		v.Set("q", q)
	}
	switch rng.IntN(4) {
	case 0:
		if d := facets["domain"]; len(d) > 0 {
			v.Set("domain", d[rng.IntN(len(d))].Term)
		}
	case 1:
		if s := facets["source"]; len(s) > 0 {
			v.Set("source", s[rng.IntN(len(s))].Term)
		}
	case 2:
		v.Set("since", "2025-01-01")
	}
	if rng.IntN(3) == 0 {
		v.Set("sort", "date")
	}
	if rng.IntN(5) == 0 {
		v.Set("offset", "20")
	}
	return v
}

type loadResult struct {
	latencies []time.Duration
	errors    []string
	elapsed   time.Duration
}

func (r loadResult) quantile(q float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	return r.latencies[min(len(r.latencies)-1, int(q*float64(len(r.latencies))))]
}

// runLoad sends n searches from clients concurrent clients and measures
// each answer, body read and decoded.
func runLoad(base string, clients, n int, facets map[string][]veille.FacetCount) loadResult {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var next atomic.Int64
	var mu sync.Mutex
	var res loadResult
	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 42))
			var lat []time.Duration
			var errs []string
			for next.Add(1) <= int64(n) {
				v := loadRequest(rng, facets)
				t0 := time.Now()
				err := searchOnce(client, base+"/api/search?"+v.Encode())
				lat = append(lat, time.Since(t0))
				if err != nil {
					errs = append(errs, fmt.Sprintf("%s: %v", v.Encode(), err))
				}
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			res.errors = append(res.errors, errs...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	slices.Sort(res.latencies)
	return res
}

func searchOnce(client *http.Client, u string) error {
	resp, err := client.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %.200s", resp.StatusCode, body)
	}
	var sr veille.SearchResult
	if err := json.Unmarshal(body, &sr); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return nil
}

// synthesize makes n items from the sample: each takes the title, tags and
// source of one real item, the start of its text, and the summary of
// another, with a date spread over three years and an id of its own.
func synthesize(sample []veille.Item, n int) []veille.Item {
	rng := rand.New(rand.NewPCG(7, 7))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]veille.Item, n)
	for i := range out {
		base := sample[i%len(sample)]
		other := sample[rng.IntN(len(sample))]
		it := base
		it.ID = veille.ItemID("bench:" + strconv.Itoa(i))
		it.Link = fmt.Sprintf("https://bench.example.org/items/%d", i)
		it.Published = start.Add(time.Duration(rng.Int64N(int64(3 * 365 * 24 * time.Hour))))
		it.FirstSeen = it.Published
		it.Updated = it.Published
		it.HTML = ""
		it.Content = text.Clip(base.Content, 3000) + "\n" + other.Summary
		out[i] = it
	}
	return out
}

type benchIndex struct {
	ix     *index.Index
	ts     *httptest.Server
	facets map[string][]veille.FacetCount
	err    error
}

var bench struct {
	once sync.Once
	b    benchIndex
}

// benchFixture opens (or builds) the index of VEILLE_BENCH_ITEMS items and
// serves it.
func benchFixture(tb testing.TB) benchIndex {
	tb.Helper()
	f := sharedFixture(tb)
	bench.once.Do(func() {
		n := 100_000
		if s := os.Getenv("VEILLE_BENCH_ITEMS"); s != "" {
			var err error
			if n, err = strconv.Atoi(s); err != nil || n < 1 {
				bench.b.err = fmt.Errorf("VEILLE_BENCH_ITEMS=%q: want a positive number", s)
				return
			}
		}
		dir := os.Getenv("VEILLE_BENCH_DIR")
		if dir == "" {
			dir = filepath.Join(sharedDir, "bench")
		}
		bench.b = buildBenchIndex(tb, f, filepath.Join(dir, fmt.Sprintf("index-%d.bleve", n)), n)
	})
	if bench.b.err != nil {
		tb.Fatal(bench.b.err)
	}
	return bench.b
}

func buildBenchIndex(tb testing.TB, f *fixture, dir string, n int) benchIndex {
	ctx := context.Background()
	ix, err := index.Open(dir, index.Options{Logger: testLogger()})
	if err != nil {
		return benchIndex{err: err}
	}
	have, err := ix.Count()
	if err != nil {
		return benchIndex{err: err}
	}
	if int(have) != n {
		var sample []veille.Item
		err := f.store.ItemsAfter(ctx, 0, 1000, func(items []veille.Item, _ int64) error {
			sample = append(sample, items...)
			return nil
		})
		if err != nil {
			return benchIndex{err: err}
		}
		start := time.Now()
		items := synthesize(sample, n)
		for i := 0; i < len(items); i += 1000 {
			if err := ix.Upsert(ctx, items[i:min(i+1000, len(items))], 0); err != nil {
				return benchIndex{err: err}
			}
		}
		tb.Logf("indexed %d items from %d real ones in %s", n, len(sample), time.Since(start).Round(time.Second))
	}
	s, err := New(Options{Config: f.cfg, Index: ix, Logger: testLogger()})
	if err != nil {
		return benchIndex{err: err}
	}
	ts := httptest.NewServer(s.Handler())
	res, err := ix.Search(ctx, veille.SearchRequest{Limit: 1})
	if err != nil {
		return benchIndex{err: err}
	}
	return benchIndex{ix: ix, ts: ts, facets: res.Facets}
}

func BenchmarkConcurrentSearch(b *testing.B) {
	bi := benchFixture(b)
	b.ResetTimer()
	res := runLoad(bi.ts.URL, loadClients, b.N, bi.facets)
	b.StopTimer()
	n, _ := bi.ix.Count()
	b.ReportMetric(float64(res.quantile(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(res.quantile(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(len(res.latencies))/res.elapsed.Seconds(), "searches/s")
	b.ReportMetric(float64(len(res.errors)), "errors")
	b.Logf("%d items, %d clients, %d searches in %s: p50 %s, p90 %s, p99 %s, max %s, %d errors",
		n, loadClients, len(res.latencies), res.elapsed.Round(time.Millisecond), res.quantile(0.5), res.quantile(0.9),
		res.quantile(0.99), res.quantile(1), len(res.errors))
	if len(res.errors) > 0 {
		b.Fatalf("%d searches failed, first: %s", len(res.errors), res.errors[0])
	}
}

// TestLoadHarness runs the benchmark's harness briefly on a small index,
// so that it keeps working between the runs that fill BENCHMARKS.md.
func TestLoadHarness(t *testing.T) {
	if os.Getenv("VEILLE_BENCH_ITEMS") != "" || testing.Short() {
		t.Skip("the benchmark itself runs at the size asked")
	}
	f := sharedFixture(t)
	bi := buildBenchIndex(t, f, filepath.Join(t.TempDir(), "index.bleve"), 3000)
	if bi.err != nil {
		t.Fatal(bi.err)
	}
	defer bi.ix.Close()
	defer bi.ts.Close()
	if n, _ := bi.ix.Count(); n != 3000 {
		t.Fatalf("%d documents, want 3000", n)
	}
	res := runLoad(bi.ts.URL, loadClients, 400, bi.facets)
	if len(res.errors) > 0 {
		t.Fatalf("%d errors, first: %s", len(res.errors), res.errors[0])
	}
	if len(res.latencies) != 400 || res.quantile(0.5) <= 0 || res.quantile(0.99) < res.quantile(0.5) {
		t.Errorf("%d latencies, p50 %s, p99 %s", len(res.latencies), res.quantile(0.5), res.quantile(0.99))
	}
}

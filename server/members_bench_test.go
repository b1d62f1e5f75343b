package server

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/store"
)

// BenchmarkMemberHome: members signed in (200 by default), each with 3
// saved searches and 5 marks, load their home page (their competences'
// items newest first, what is new since the last visit, the saved
// searches' unread counts, overdue actions; "new" and "unread" being the
// 100 items the store first saw since the last visit) over HTTP, 4 at a time, on the
// load benchmark's index (VEILLE_BENCH_ITEMS, 100,000 by default):
//
//	go test ./server -run '^$' -bench BenchmarkMemberHome -benchtime 2000x -timeout 30m
//
// VEILLE_BENCH_MEMBERS changes the number of members, VEILLE_BENCH_CLIENTS
// the requests at a time; VEILLE_BENCH_COLD=1 turns the result cache off.
func BenchmarkMemberHome(b *testing.B) {
	bi := benchFixture(b)
	f := sharedFixture(b)
	nMembers := 200
	if s := os.Getenv("VEILLE_BENCH_MEMBERS"); s != "" {
		nMembers, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	e := &memberEnv{t: b, smtp: newLoopSMTP(b), clock: &testClock{}, ix: bi.ix}
	var err error
	if e.st, err = store.Open(ctx, filepath.Join(b.TempDir(), "veille.db")); err != nil {
		b.Fatal(err)
	}
	defer e.st.Close()
	// The first 1,000 items of the index are in the store too: 900 seen
	// before the members' first visits, to be marked, and 100 that the
	// store first sees between two visits (a crawl's worth of new items).
	var sample []veille.Item
	f.store.ItemsAfter(ctx, 0, 1000, func(items []veille.Item, _ int64) error { sample = append(sample, items...); return nil })
	all := synthesize(sample, 1000)
	marked, later := all[:900], all[900:]
	for i := range marked {
		marked[i].FirstSeen = e.clock.now().Add(-24 * time.Hour)
	}
	if _, err := e.st.UpsertItems(ctx, marked); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(16, 16))
	cfg := f.cfg
	cfg.Digests, cfg.Alerts, cfg.Members = nil, nil, nil
	for i := range nMembers {
		var comps []string
		for range 2 {
			comps = append(comps, cfg.Competences[rng.IntN(len(cfg.Competences))].ID)
		}
		cfg.Members = append(cfg.Members, veille.Member{ID: fmt.Sprintf("m%d", i), Name: fmt.Sprintf("Member %d", i),
			Competences: slices.Compact(slices.Sorted(slices.Values(comps))), MailDomains: []string{fmt.Sprintf("m%d.example", i)}})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	cfg.SMTP = veille.SMTP{Host: "127.0.0.1", Port: e.smtp.port, From: "veille@cluster.example", TLS: "none"}
	f0 := false
	cfg.Server.BaseURL, cfg.Server.Public = "http://"+ln.Addr().String(), &f0
	e.cfg = cfg
	e.ts = httptest.NewUnstartedServer(nil)
	e.ts.Listener.Close()
	e.ts.Listener = ln
	e.start(cfg)
	// VEILLE_BENCH_COLD=1 measures without the result cache: every home
	// runs all its searches, as the first view after a crawl does.
	e.srv.results.off = os.Getenv("VEILLE_BENCH_COLD") != ""

	clients := make([]*mclient, nMembers)
	for i := range clients {
		if i > 0 && i%(9) == 0 {
			e.clock.advance(61 * time.Minute) // the per-client hourly limit of sign-in requests
		}
		c := e.client()
		c.signIn(fmt.Sprintf("quality@m%d.example", i))
		for j, q := range []string{"q=d%C3%A9chets", "domain=environment", "competence=" + cfg.Members[i].Competences[0] + "&q=arr%C3%AAt%C3%A9"} {
			if resp, body := c.do("POST", "/api/saved", fmt.Sprintf(`{"name":"s%d","query":%q,"notify":"weekly"}`, j, q)); resp.StatusCode != 201 {
				b.Fatalf("save search: %d %s", resp.StatusCode, body)
			}
		}
		for range 5 {
			it := marked[rng.IntN(len(marked))]
			c.do("PUT", "/api/marks/"+url.PathEscape(it.ID), `{"status":"applies","action":"a","due":"2026-01-15"}`)
		}
		c.do("GET", "/", nil) // the first visit
		clients[i] = c
	}
	for i := range later {
		later[i].FirstSeen = e.clock.now().Add(time.Hour)
	}
	if _, err := e.st.UpsertItems(ctx, later); err != nil {
		b.Fatal(err)
	}
	e.clock.advance(2 * time.Hour) // the next visits count what is new

	workers := 4
	if s := os.Getenv("VEILLE_BENCH_CLIENTS"); s != "" {
		workers, _ = strconv.Atoi(s)
	}
	var next atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var failures []string
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for next.Add(1) <= int64(b.N) {
				c := clients[r.IntN(len(clients))]
				req, _ := http.NewRequest("GET", e.ts.URL+"/", nil)
				t0 := time.Now()
				resp, err := c.c.Do(req)
				if err == nil {
					_, err = readAll(resp)
				}
				d := time.Since(t0)
				mu.Lock()
				lat = append(lat, d)
				if err != nil || resp.StatusCode != 200 {
					failures = append(failures, fmt.Sprint(err, resp))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	q := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	n, _ := bi.ix.Count()
	b.ReportMetric(float64(q(0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(q(0.99).Microseconds())/1000, "p99-ms")
	b.Logf("%d items, %d members, cache off %v, %d clients, %d homes in %s: p50 %s, p90 %s, p99 %s, max %s, %d failures",
		n, nMembers, e.srv.results.off, workers, len(lat), elapsed.Round(time.Millisecond), q(0.5), q(0.9), q(0.99), q(1), len(failures))
	// What the counts said, for a look that they count something: how
	// many of the first 20 members see new items, and one's summary.
	withNew := 0
	for _, c := range clients[:min(20, len(clients))] {
		_, home := c.do("GET", "/", nil)
		if i := strings.Index(home, `class="home-summary">`); i >= 0 && !strings.HasPrefix(home[i+len(`class="home-summary">`):], "Rien ") {
			withNew++
			if withNew == 1 {
				b.Logf("a home: %s", home[i:min(len(home), i+80)])
			}
		}
	}
	b.Logf("%d of the first 20 members see new items since their last visit", withNew)
	if len(failures) > 0 {
		b.Fatalf("%d homes failed, first: %s", len(failures), failures[0])
	}
}

func readAll(resp *http.Response) (int64, error) {
	defer resp.Body.Close()
	return io.Copy(io.Discard, resp.Body)
}

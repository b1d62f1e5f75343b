package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/demo"
	"github.com/nogentech/veille/server"
)

// hitFarm serves the demo's real feeds, answers 500 under /broken/, and
// records the time of every request by path.
type hitFarm struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string][]time.Time
}

func newHitFarm(t *testing.T) *hitFarm {
	t.Helper()
	f := &hitFarm{hits: map[string][]time.Time{}}
	h := demo.Handler()
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.hits[r.URL.Path] = append(f.hits[r.URL.Path], time.Now())
		f.mu.Unlock()
		if strings.HasPrefix(r.URL.Path, "/broken/") {
			http.Error(w, "down for maintenance", http.StatusInternalServerError)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *hitFarm) times(path string) []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.hits[path]...)
}

func (f *hitFarm) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, h := range f.hits {
		n += len(h)
	}
	return n
}

// aFeed is a real feed of the demo sample, as a source with the given id.
func aFeed(t *testing.T, base, id string, every time.Duration) veille.Source {
	t.Helper()
	for _, s := range demo.Sources(base) {
		if s.Kind == veille.KindFeed {
			s.ID, s.Name, s.Every = id, id, veille.Duration(every)
			return s
		}
	}
	t.Fatal("no feed in the demo sample")
	return veille.Source{}
}

func writeCfg(t *testing.T, cfg veille.Config) string {
	t.Helper()
	b, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "feeds.yaml")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func cpuTime(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestServeStartsAThousandSourcesCheaply starts `veille serve` on a fresh
// data dir with 1,000 sources and measures the CPU time of the process
// until it answers and for 3 s after: under 1 CPU-second, because the
// sources are planned from one read of their states and their first
// crawls spread over their interval (1,000 sources every 6 h: one every
// 21.6 s), not all at start-up.
func TestServeStartsAThousandSourcesCheaply(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server with 1,000 sources")
	}
	farm := newHitFarm(t)
	cfg, err := demo.Config(farm.URL)
	if err != nil {
		t.Fatal(err)
	}
	one := aFeed(t, farm.URL, "x", 6*time.Hour)
	cfg.Sources = nil
	for i := range 1000 {
		s := one
		s.ID, s.Name = fmt.Sprintf("src-%04d", i), fmt.Sprintf("Source %d", i)
		s.URL = fmt.Sprintf("%s?n=%d", one.URL, i)
		cfg.Sources = append(cfg.Sources, s)
	}
	cfgPath := writeCfg(t, cfg)
	data := filepath.Join(t.TempDir(), "data")
	before := cpuTime(t)
	start := time.Now()
	base := startServe(t, cfgPath, data)
	time.Sleep(3 * time.Second)
	used := cpuTime(t) - before
	t.Logf("serve with 1,000 sources: answered after %v; %v CPU until 3 s later; %d fetches",
		time.Since(start)-3*time.Second, used, farm.total())
	if used > time.Second {
		t.Errorf("start-up used %v of CPU, want under 1 s", used)
	}
	if n := farm.total(); n > 2 {
		t.Errorf("%d fetches in the first seconds, want the first crawls spread over the interval", n)
	}
	// Every source has its planned first run, which /api/sources shows.
	var list []server.SourceStatus
	getJSON(t, base+"/api/sources", &list)
	planned := map[time.Time]bool{}
	for _, s := range list {
		if s.NextAttempt == nil {
			t.Fatalf("%s has no next run", s.ID)
		}
		planned[*s.NextAttempt] = true
	}
	if len(list) != 1000 || len(planned) != 1000 {
		t.Errorf("%d sources with %d distinct next runs, want 1000 of each", len(list), len(planned))
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// TestServeFetchesAtIntervalAndBackoff runs `veille serve` for 135 s of
// real time on loopback: a source with every: 1m is fetched at least 3
// times, a minute apart (not two, as when the scheduler woke at the
// interval and found the source not yet due), and a failing source is
// retried at its backoff times (fetch.min_backoff: 20s, then 40 s), which
// /api/sources shows as its next run. Slow: VEILLE_SCHEDULE_LONG=1 runs it
// (.ci/run does).
func TestServeFetchesAtIntervalAndBackoff(t *testing.T) {
	if os.Getenv("VEILLE_SCHEDULE_LONG") == "" {
		t.Skip("runs serve for 135 s; set VEILLE_SCHEDULE_LONG=1")
	}
	farm := newHitFarm(t)
	cfg, err := demo.Config(farm.URL)
	if err != nil {
		t.Fatal(err)
	}
	minute := aFeed(t, farm.URL, "every-minute", time.Minute)
	broken := aFeed(t, farm.URL, "broken", time.Hour)
	broken.URL = farm.URL + "/broken/feed.xml"
	cfg.Sources = []veille.Source{minute, broken}
	cfg.Fetch.MinBackoff = veille.Duration(20 * time.Second)
	cfgPath := writeCfg(t, cfg)
	data := filepath.Join(t.TempDir(), "data")
	base := startServe(t, cfgPath, data)
	time.Sleep(135 * time.Second)

	path := strings.TrimPrefix(minute.URL, farm.URL)
	got, failed := farm.times(path), farm.times("/broken/feed.xml")
	t.Logf("every-minute fetched at %s", offsetsFrom(got))
	t.Logf("broken fetched at %s", offsetsFrom(failed))
	if len(got) < 3 {
		t.Fatalf("every-minute fetched %d times in 135 s, want at least 3", len(got))
	}
	near := func(d, want time.Duration) bool { return d >= want-2*time.Second && d <= want+2*time.Second }
	for i := 1; i < len(got); i++ {
		if d := got[i].Sub(got[i-1]); !near(d, time.Minute) {
			t.Errorf("every-minute: fetch %d came %v after the previous one, want 1m", i+1, d)
		}
	}
	// backoff 20 s after the first failure, 40 s after the second, 80 s after the third
	if len(failed) < 3 {
		t.Fatalf("broken fetched %d times, want 3 (at 0, 20 s, 60 s)", len(failed))
	}
	for i, want := range []time.Duration{20 * time.Second, 40 * time.Second} {
		if d := failed[i+1].Sub(failed[i]); !near(d, want) {
			t.Errorf("broken: retry %d came %v after the failure, want its backoff %v", i+1, d, want)
		}
	}
	var list []server.SourceStatus
	getJSON(t, base+"/api/sources", &list)
	for _, s := range list {
		last := failed[len(failed)-1]
		wantNext := last.Add(20 * time.Second << (len(failed) - 1))
		if s.ID == "every-minute" {
			last, wantNext = got[len(got)-1], got[len(got)-1].Add(time.Minute)
		}
		if s.NextAttempt == nil || !near(s.NextAttempt.Sub(wantNext), 0) {
			t.Errorf("%s: /api/sources next run %v, want %v (last fetch %v)", s.ID, s.NextAttempt, wantNext, last)
		}
	}
}

func offsetsFrom(ts []time.Time) string {
	var b strings.Builder
	for _, x := range ts {
		fmt.Fprintf(&b, "%s (+%.1fs) ", x.UTC().Format("15:04:05.0"), x.Sub(ts[0]).Seconds())
	}
	return b.String()
}

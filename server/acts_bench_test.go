package server

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/refs"
	"github.com/nogentech/veille/store"
)

// BenchmarkActsScale measures the act page and the calendar (issue 14) on
// a record (store and index): a crawled data dir (VEILLE_ACTS_DIR holding
// veille.db and index.bleve, as veille-bench -keep leaves it), or one
// built here from a veille-bench corpus (its items.jsonl) without the
// bench's crawl: a 1M-item crawl takes an hour on a shared 2-core machine.
// Built here, each item's references, dates and act are extracted from its
// whole text, as the crawl does; the index then holds its title and summary
// only (not the body), so that a million items index in minutes. The act
// and calendar paths read no body text, but the stored documents they load
// are smaller than a crawl's.
//
//	VEILLE_ACTS_ITEMS=<dir>/items.jsonl VEILLE_ACTS_DIR=/tmp/acts-1m \
//	  go test ./server -run '^$' -bench BenchmarkActsScale -benchtime 1x -timeout 2h
//
// VEILLE_ACTS_DIR keeps the record between runs; VEILLE_ACTS_N caps the
// items read (all by default); VEILLE_ACTS_SAMPLES the requests per path
// (100).
func BenchmarkActsScale(b *testing.B) {
	items := os.Getenv("VEILLE_ACTS_ITEMS")
	dir := os.Getenv("VEILLE_ACTS_DIR")
	if items == "" && dir == "" {
		b.Skip("VEILLE_ACTS_ITEMS (a veille-bench items.jsonl) or VEILLE_ACTS_DIR (a built index) is needed")
	}
	if dir == "" {
		dir = b.TempDir()
	}
	path := filepath.Join(dir, "index.bleve")
	_, statErr := os.Stat(path)
	st, err := store.Open(context.Background(), filepath.Join(dir, "veille.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ix, err := index.Open(path, index.Options{Logger: testLogger()})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	if statErr != nil {
		if err := buildActsRecord(b, st, ix, items); err != nil {
			b.Fatal(err)
		}
	}
	n, _ := ix.Count()
	srv, err := New(Options{Config: veille.Config{Location: time.UTC}, Index: ix, Store: st, Logger: testLogger(),
		Getenv: func(string) string { return "" }})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	samples := 100
	samples = atoiOr(os.Getenv("VEILLE_ACTS_SAMPLES"), samples)
	b.Logf("%d items in the index; %d samples per path; GOMAXPROCS %d", n, samples, runtime.GOMAXPROCS(0))
	setCache := func(off bool) {
		srv.actsCache.acts.off, srv.actsCache.events.off, srv.actsCache.ics.off = off, off, off
	}
	for b.Loop() {
		for _, p := range []struct{ name, path string }{
			{"act_api", "/api/acts/eu-act/Regulation%20(EU)%202017%2F745"},
			{"act_page", "/acts/eu-act/Regulation%20(EU)%202017%2F745"},
			{"calendar_ics", "/calendar.ics"},
			{"calendar_ics_domain", "/calendar.ics?domain=environment"},
			{"calendar_page", "/calendar"},
		} {
			// cold: every answer computed, as the first after a crawl;
			// warm: from the cache, as the next ones until the index
			// changes
			for _, cold := range []bool{true, false} {
				setCache(cold)
				var wall []time.Duration
				var cpu time.Duration
				size := 0
				for range samples {
					runtime.GC()
					rec := httptest.NewRecorder()
					req := httptest.NewRequest(http.MethodGet, p.path, nil)
					c0, t0 := cpuTime(), time.Now()
					h.ServeHTTP(rec, req)
					wall = append(wall, time.Since(t0))
					cpu += cpuTime() - c0
					if rec.Code != http.StatusOK {
						b.Fatalf("%s: %d %.300s", p.path, rec.Code, rec.Body.String())
					}
					size = rec.Body.Len()
				}
				slices.Sort(wall)
				q := func(f float64) float64 {
					return float64(wall[min(len(wall)-1, int(f*float64(len(wall))))].Microseconds()) / 1000
				}
				b.Logf("%-20s %-4s p50 %7.1f ms  p99 %7.1f ms  CPU %6.1f ms/request  %8d bytes", p.name,
					map[bool]string{true: "cold", false: "warm"}[cold], q(0.5), q(0.99),
					float64(cpu.Microseconds())/1000/float64(samples), size)
			}
		}
	}
}

// cpuTime is the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}

// buildActsRecord records and indexes the items of a veille-bench
// items.jsonl: the references from the whole text, then the body left out.
func buildActsRecord(b *testing.B, st *store.Store, ix *index.Index, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	limit := atoiOr(os.Getenv("VEILLE_ACTS_N"), 0)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var batch []veille.Item
	total, start := 0, time.Now()
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		res, err := st.UpsertItems(context.Background(), batch)
		batch = batch[:0]
		if err != nil {
			return err
		}
		return ix.Upsert(context.Background(), append(res.New, res.Updated...), res.MaxSeq)
	}
	for sc.Scan() && (limit == 0 || total < limit) {
		var it veille.Item
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			return err
		}
		refs.Apply(&it)
		it.Content = ""
		batch = append(batch, it)
		total++
		if len(batch) == 2000 {
			if err := flush(); err != nil {
				return err
			}
		}
		if total%100000 == 0 {
			b.Logf("%d items indexed in %s", total, time.Since(start).Round(time.Second))
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return flush()
}

package watch_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
	"github.com/nogentech/veille/internal/fixtures"
	"github.com/nogentech/veille/watch"
)

// fetchLog records, per source, the (fake) time of each request.
type fetchLog struct {
	mu    sync.Mutex
	clock clockwork.Clock
	at    map[string][]time.Time
}

func (l *fetchLog) add(id string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.at[id] = append(l.at[id], l.clock.Now())
	return len(l.at[id])
}

func (l *fetchLog) times(id string) []time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.at[id])
}

// schedRig is a rig whose crawler, watch and scheduler share a fake clock.
type schedRig struct {
	*rig
	clock *clockwork.FakeClock
	sched *watch.Scheduler
}

func newSchedRig(t *testing.T, t0 time.Time, sources []veille.Source) *schedRig {
	t.Helper()
	fc := clockwork.NewFakeClockAt(t0)
	r := newRig(t, sources, func(o *crawler.Options) { o.Now = fc.Now })
	r.watch = watch.New(watch.Options{Config: r.cfg, Crawler: crawler.New(r.copts), Tagger: r.tagger,
		Store: r.store, Index: r.index, Now: fc.Now})
	return &schedRig{rig: r, clock: fc}
}

func (r *schedRig) start() {
	r.t.Helper()
	r.sched = watch.NewScheduler(r.watch, watch.SchedulerOptions{Clock: r.clock})
	if err := r.sched.Start(context.Background()); err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() {
		if err := r.sched.Shutdown(); err != nil {
			r.t.Error(err)
		}
	})
}

// waitIdle waits (in real time) until every due crawl has run and been
// re-armed, and returns the next planned wake.
func (r *schedRig) waitIdle() time.Time {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		next, idle := r.sched.Idle(r.clock.Now())
		if idle {
			return next
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("scheduler still busy at %v", r.clock.Now())
		}
		time.Sleep(time.Millisecond)
	}
}

// runUntil moves the fake clock from one planned wake to the next, letting
// each wake's crawls finish, up to end.
func (r *schedRig) runUntil(end time.Time) {
	r.t.Helper()
	for {
		next := r.waitIdle()
		if next.IsZero() || next.After(end) {
			r.clock.Advance(end.Sub(r.clock.Now()))
			r.waitIdle()
			return
		}
		r.clock.Advance(next.Sub(r.clock.Now()))
	}
}

// TestSchedulerFetchesAtNextAttempt runs the scheduler for 2h30 of a fake
// clock over real feed servers and asserts each source's fetch times: the
// 1-minute source every minute (not every two), the 2-hour one at 0 and
// 2h, a failing source retried at its backoff times and then at its
// interval, a source answering 503 Retry-After retried at that time, and
// three new sources of one interval spread over it.
func TestSchedulerFetchesAtNextAttempt(t *testing.T) {
	t0 := time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)
	feed, err := os.ReadFile(fixtures.Path(fixtures.Europarl))
	if err != nil {
		t.Fatal(err)
	}
	log := &fetchLog{at: map[string][]time.Time{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := filepath.Base(r.URL.Path)
		n := log.add(id)
		switch {
		case id == "failing" && n <= 2:
			http.Error(w, "down", http.StatusInternalServerError)
			return
		case id == "busy" && n == 1:
			w.Header().Set("Retry-After", "1200")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(feed)
	}))
	t.Cleanup(srv.Close)
	src := func(id string, every time.Duration) veille.Source {
		s := feedSrc(id, srv.URL+"/"+id)
		s.Every = veille.Duration(every)
		return s
	}
	off := src("off", time.Minute)
	off.Disabled = true
	r := newSchedRig(t, t0, []veille.Source{
		src("minute", time.Minute), src("two-hours", 2*time.Hour), src("failing", 3*time.Hour),
		src("busy", 4*time.Hour), src("new-a", 6*time.Hour), src("new-b", 6*time.Hour), src("new-c", 6*time.Hour), off,
	})
	log.clock = r.clock
	r.start()
	end := t0.Add(150 * time.Minute)
	r.runUntil(end)

	at := func(ds ...time.Duration) []time.Time {
		var out []time.Time
		for _, d := range ds {
			out = append(out, t0.Add(d))
		}
		return out
	}
	var minutes []time.Duration
	for m := 0; m <= 150; m++ {
		minutes = append(minutes, time.Duration(m)*time.Minute)
	}
	want := map[string][]time.Time{
		"minute":    at(minutes...),
		"two-hours": at(0, 2*time.Hour),
		// min backoff 1m: fail at 0, fail at 1m, succeed at 3m (1m+2m), then every 3h
		"failing": at(0, time.Minute, 3*time.Minute),
		// Retry-After 1200 s beats the 1-minute backoff
		"busy":  at(0, 20*time.Minute),
		"new-a": at(0),
		"new-b": at(2 * time.Hour),
		"new-c": nil, // planned at 4h
		"off":   nil,
	}
	for id, w := range want {
		if got := log.times(id); !slices.Equal(got, w) {
			t.Errorf("%s fetched at %v, want %v", id, offsets(t0, got), offsets(t0, w))
		}
	}

	// The store holds what the scheduler obeys, which /sources shows.
	for id, next := range map[string]time.Duration{"minute": 151 * time.Minute, "two-hours": 4 * time.Hour,
		"failing": 3*time.Hour + 3*time.Minute, "busy": 4*time.Hour + 20*time.Minute, "new-c": 4 * time.Hour} {
		st, err := r.store.FetchState(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if !st.NextAttempt.Equal(t0.Add(next)) {
			t.Errorf("%s: stored next attempt %v, want %v", id, st.NextAttempt.Sub(t0), next)
		}
	}
	if got := r.waitIdle(); !got.Equal(t0.Add(151 * time.Minute)) {
		t.Errorf("next wake %v, want 2h31m", got.Sub(t0))
	}
}

func offsets(t0 time.Time, ts []time.Time) []time.Duration {
	out := make([]time.Duration, len(ts))
	for i, t := range ts {
		out[i] = t.Sub(t0)
	}
	return out
}

// TestSchedulerObeysAnotherCrawl: a crawl asked for by a person moves the
// source's next_attempt (here, a failure: the backoff); the scheduler
// wakes the source at that new time, not at the one it had planned.
func TestSchedulerObeysAnotherCrawl(t *testing.T) {
	t0 := time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)
	feed, err := os.ReadFile(fixtures.Path(fixtures.Europarl))
	if err != nil {
		t.Fatal(err)
	}
	log := &fetchLog{at: map[string][]time.Time{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := log.add("s"); n == 2 {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		w.Write(feed)
	}))
	t.Cleanup(srv.Close)
	r := newSchedRig(t, t0, []veille.Source{feedSrc("s", srv.URL+"/feed.xml")}) // every 2h
	log.clock = r.clock
	r.start()
	r.runUntil(t0.Add(30 * time.Minute))
	if _, err := r.watch.Crawl(context.Background(), watch.CrawlOptions{Sources: []string{"s"}}); err != nil {
		t.Fatal(err)
	}
	r.runUntil(t0.Add(40 * time.Minute))
	want := []time.Time{t0, t0.Add(30 * time.Minute), t0.Add(31 * time.Minute)}
	if got := log.times("s"); !slices.Equal(got, want) {
		t.Errorf("fetched at %v, want %v", offsets(t0, got), offsets(t0, want))
	}
}

// TestSchedulerStartsFromStoredStates: at start-up a source overdue (the
// service was down at its time) runs at once, a source whose interval was
// shortened in the config runs one new interval after its last success
// (not at the time the old interval gave), one failing keeps its backoff
// time, and the store is corrected to what the scheduler obeys.
func TestSchedulerStartsFromStoredStates(t *testing.T) {
	t0 := time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)
	feed, err := os.ReadFile(fixtures.Path(fixtures.Europarl))
	if err != nil {
		t.Fatal(err)
	}
	log := &fetchLog{at: map[string][]time.Time{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(filepath.Base(r.URL.Path))
		w.Write(feed)
	}))
	t.Cleanup(srv.Close)
	src := func(id string, every time.Duration) veille.Source {
		s := feedSrc(id, srv.URL+"/"+id)
		s.Every = veille.Duration(every)
		return s
	}
	r := newSchedRig(t, t0, []veille.Source{src("overdue", 2*time.Hour), src("shortened", time.Hour), src("backing-off", time.Hour)})
	log.clock = r.clock
	ctx := context.Background()
	err = r.store.SaveFetchStates(ctx, []veille.FetchState{
		{Source: "overdue", LastAttempt: t0.Add(-3 * time.Hour), LastSuccess: t0.Add(-3 * time.Hour), Status: 200, NextAttempt: t0.Add(-time.Hour)},
		// every was 6h when it last ran, 10 min ago; it is 1h now
		{Source: "shortened", LastAttempt: t0.Add(-10 * time.Minute), LastSuccess: t0.Add(-10 * time.Minute), Status: 200, NextAttempt: t0.Add(6*time.Hour - 10*time.Minute)},
		// failing since long: its backoff (longer than its interval) holds
		{Source: "backing-off", LastAttempt: t0.Add(-time.Hour), Status: 503, Failures: 5, Error: "down", NextAttempt: t0.Add(3 * time.Hour)},
	})
	if err != nil {
		t.Fatal(err)
	}
	r.start()
	st, err := r.store.FetchState(ctx, "shortened")
	if err != nil || !st.NextAttempt.Equal(t0.Add(50*time.Minute)) {
		t.Errorf("stored next attempt of the shortened source: %v (%v), want 50m", st.NextAttempt.Sub(t0), err)
	}
	r.runUntil(t0.Add(3 * time.Hour))
	want := map[string][]time.Time{
		"overdue":     {t0, t0.Add(2 * time.Hour)},
		"shortened":   {t0.Add(50 * time.Minute), t0.Add(110 * time.Minute), t0.Add(170 * time.Minute)},
		"backing-off": {t0.Add(3 * time.Hour)},
	}
	for id, w := range want {
		if got := log.times(id); !slices.Equal(got, w) {
			t.Errorf("%s fetched at %v, want %v", id, offsets(t0, got), offsets(t0, w))
		}
	}
}

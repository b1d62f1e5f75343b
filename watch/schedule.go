package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
)

// SchedulerOptions configure a Scheduler.
type SchedulerOptions struct {
	// Clock wakes the scheduler; the real clock by default. Tests give the
	// same fake clock to the crawler and the watch (their Now).
	Clock clockwork.Clock
	// Observe receives the report of every scheduled crawl (metrics, logs).
	Observe func(Report)
	// StopTimeout bounds how long Shutdown waits for running crawls (30 s
	// by default).
	StopTimeout time.Duration
	Logger      *slog.Logger
}

// Scheduler wakes each enabled source at its next_attempt, as kept in the
// store, and crawls it. One loop waits for the earliest due source; the
// sources due at that time are crawled together in one run, so a batch of
// them is one store transaction and one index batch. After a run the loop
// reads each source's state again from the store, so the time it obeys is
// always the one the crawler recorded and /sources shows (interval after
// a success, backoff after a failure, Retry-After). See docs/SCHEDULING.md.
type Scheduler struct {
	w       *Watch
	o       SchedulerOptions
	log     *slog.Logger
	cancel  context.CancelFunc
	stopped chan struct{}
	crawls  sync.WaitGroup
	// done carries the sources of a finished run back to the loop;
	// refresh carries the sources another crawl (an admin's) changed.
	done    chan []string
	refresh chan []string

	mu sync.Mutex
	// due is the next wake of each source not being crawled; a source
	// being crawled is absent until its run is re-armed.
	due map[string]time.Time
	// busy counts runs started and refreshes sent, not yet re-armed;
	// parked is true while the loop waits. Both say when the scheduler is
	// idle (tests).
	busy   int
	parked bool
	wakeAt time.Time // when the parked loop's timer fires
}

// NewScheduler returns a scheduler over w's enabled sources; Start runs it.
func NewScheduler(w *Watch, o SchedulerOptions) *Scheduler {
	if o.Clock == nil {
		o.Clock = clockwork.NewRealClock()
	}
	if o.StopTimeout <= 0 {
		o.StopTimeout = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = w.o.Logger
	}
	return &Scheduler{w: w, o: o, log: o.Logger, stopped: make(chan struct{}),
		done: make(chan []string), refresh: make(chan []string, 16), due: map[string]time.Time{}}
}

// Start plans every enabled source and starts the loop. It reads all the
// fetch states once and writes the planned time of the sources never
// fetched, so that the store holds every source's next run.
func (s *Scheduler) Start(ctx context.Context) error {
	if err := s.plan(ctx); err != nil {
		return err
	}
	ctx, s.cancel = context.WithCancel(ctx)
	s.w.setScheduler(s)
	go s.loop(ctx)
	return nil
}

// Shutdown stops the loop and waits for the running crawls (whose fetched
// items are committed before they return), at most StopTimeout.
func (s *Scheduler) Shutdown() error {
	if s.cancel == nil {
		return nil
	}
	s.w.setScheduler(nil)
	s.cancel()
	<-s.stopped
	ended := make(chan struct{})
	go func() { s.crawls.Wait(); close(ended) }()
	select {
	case <-ended:
		return nil
	case <-time.After(s.o.StopTimeout):
		return errors.New("scheduler: crawls still running after " + s.o.StopTimeout.String())
	}
}

// plan sets each enabled source's first wake from its stored state. A
// source never fetched is given a time within its first interval, the
// sources of one interval evenly apart, rather than all at start-up. A
// source that succeeded last is due no later than one (current) interval
// after that attempt, so shortening "every" in the config takes effect.
// Both are written to the store: it stays the one record of when a source
// runs.
func (s *Scheduler) plan(ctx context.Context) error {
	states, err := s.w.o.Store.FetchStates(ctx)
	if err != nil {
		return fmt.Errorf("scheduler: %w", err)
	}
	now := s.o.Clock.Now()
	srcs := s.w.o.Config.EnabledSources()
	fresh := map[time.Duration]int{} // sources never fetched, by interval
	for _, src := range srcs {
		if states[src.ID].NextAttempt.IsZero() {
			fresh[every(src)]++
		}
	}
	placed := map[time.Duration]int{}
	var changed []veille.FetchState
	for _, src := range srcs {
		st := states[src.ID]
		st.Source = src.ID
		d := every(src)
		switch {
		case st.NextAttempt.IsZero():
			// d/n first: d·i overflows for long intervals and many sources
			st.NextAttempt = now.Add(d / time.Duration(fresh[d]) * time.Duration(placed[d]))
			placed[d]++
			changed = append(changed, st)
		case st.Failures == 0 && !st.LastAttempt.IsZero() && st.NextAttempt.After(st.LastAttempt.Add(d)):
			st.NextAttempt = st.LastAttempt.Add(d)
			changed = append(changed, st)
		}
		s.due[src.ID] = st.NextAttempt
	}
	if err := s.w.o.Store.SaveFetchStates(ctx, changed); err != nil {
		return fmt.Errorf("scheduler: %w", err)
	}
	return nil
}

func every(src veille.Source) time.Duration {
	if d := src.Every.D(); d > 0 {
		return d
	}
	return crawler.DefaultEvery
}

// loop waits for the earliest due source, crawls what is due, and re-arms
// the sources of each finished run from the store.
func (s *Scheduler) loop(ctx context.Context) {
	defer close(s.stopped)
	rearmed := 0
	for {
		now := s.o.Clock.Now()
		s.mu.Lock()
		var ready []string
		var next time.Time
		for id, at := range s.due {
			if !at.After(now) {
				ready = append(ready, id)
			} else if next.IsZero() || at.Before(next) {
				next = at
			}
		}
		for _, id := range ready {
			delete(s.due, id)
		}
		if len(ready) > 0 {
			s.busy++
		}
		s.mu.Unlock()
		if len(ready) > 0 {
			slices.Sort(ready)
			s.crawls.Add(1)
			go s.run(ctx, ready)
		}
		var wake <-chan time.Time
		var timer clockwork.Timer
		if !next.IsZero() {
			timer = s.o.Clock.NewTimer(next.Sub(now))
			wake = timer.Chan()
		}
		s.mu.Lock()
		s.busy -= rearmed
		rearmed = 0
		s.parked, s.wakeAt = true, next
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return
		case <-wake:
		case ids := <-s.done:
			s.rearm(ctx, ids, false)
			rearmed++
		case ids := <-s.refresh:
			s.rearm(ctx, ids, true)
			rearmed++
		}
		s.mu.Lock()
		s.parked = false
		s.mu.Unlock()
		if timer != nil {
			timer.Stop()
		}
	}
}

// run crawls the sources due now; OnlyDue skips one whose state moved
// since it was planned (an admin's crawl).
func (s *Scheduler) run(ctx context.Context, ids []string) {
	defer s.crawls.Done()
	rep, err := s.w.crawl(ctx, CrawlOptions{Sources: ids, OnlyDue: true}, true)
	if err != nil {
		s.log.Error("crawl failed", "sources", ids, "err", err)
	}
	if err == nil && s.o.Observe != nil {
		s.o.Observe(rep)
	}
	select {
	case s.done <- ids:
	case <-ctx.Done():
	}
}

// rearm reads the sources' states and sets their next wake. With onlyIdle,
// sources being crawled are left to their own run's re-arm.
func (s *Scheduler) rearm(ctx context.Context, ids []string, onlyIdle bool) {
	now := s.o.Clock.Now()
	for _, id := range ids {
		if onlyIdle {
			s.mu.Lock()
			_, idle := s.due[id]
			s.mu.Unlock()
			if !idle {
				continue
			}
		}
		st, err := s.w.o.Store.FetchState(ctx, id)
		at := st.NextAttempt
		if err != nil || !at.After(now) {
			// The state was not saved (store failure, or a shutdown
			// mid-crawl): wait as after one failure rather than loop hot.
			at = now.Add(s.w.o.Crawler.Backoff(1))
			if ctx.Err() == nil {
				s.log.Warn("source state not advanced by its crawl; retrying after the minimum backoff",
					"source", id, "next_attempt", at, "err", err)
			}
		}
		s.mu.Lock()
		s.due[id] = at
		s.mu.Unlock()
	}
}

// changed is called by a crawl that did not come from the scheduler: the
// sources' next_attempt moved, the loop must obey the new one.
func (s *Scheduler) changed(ids []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case s.refresh <- ids:
		s.busy++
	default:
		// The loop is behind by 16 refreshes: it will re-read these
		// sources when it wakes for them, which only delays an earlier
		// time set by that crawl.
	}
}

package main

import (
	"context"
	"log/slog"

	"github.com/nogentech/veille/watch"
)

// startScheduler wakes each enabled source at its next_attempt as the store
// records it (watch.Scheduler; docs/SCHEDULING.md). observe receives every
// scheduled crawl's report (for the metrics).
func startScheduler(ctx context.Context, a *app, log *slog.Logger, observe func(watch.Report)) (*watch.Scheduler, error) {
	s := watch.NewScheduler(a.watch, watch.SchedulerOptions{Logger: log, Observe: func(rep watch.Report) {
		observe(rep)
		for _, r := range rep.Sources {
			if !r.Skipped && r.Err == nil {
				log.Info("crawled", "source", r.Source, "items", r.Fetched, "new", r.New,
					"updated", r.Updated, "not_modified", r.NotModified, "dur_ms", r.Duration.Milliseconds())
			}
		}
	}})
	if err := s.Start(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

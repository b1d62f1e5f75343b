package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-co-op/gocron/v2"

	"github.com/nogentech/veille/watch"
)

// startScheduler creates one gocron job per enabled source, at its interval
// with ±10% jitter so sources drift apart; singleton mode means a slow
// source never runs twice at once. The job only wakes the source: the
// source's state (back-off, Retry-After) decides whether it is fetched.
// observe receives every crawl's report (for the metrics).
func startScheduler(ctx context.Context, a *app, log *slog.Logger, observe func(watch.Report)) (gocron.Scheduler, error) {
	s, err := gocron.NewScheduler(gocron.WithLocation(a.cfg.Location), gocron.WithStopTimeout(30*time.Second))
	if err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	for _, src := range a.cfg.EnabledSources() {
		every := src.Every.D()
		_, err := s.NewJob(
			gocron.DurationRandomJob(every*9/10, every*11/10),
			gocron.NewTask(func(ctx context.Context) {
				rep, err := a.watch.Crawl(ctx, watch.CrawlOptions{Sources: []string{src.ID}, OnlyDue: true})
				if err != nil {
					log.Error("crawl failed", "source", src.ID, "err", err)
					return
				}
				observe(rep)
				for _, r := range rep.Sources {
					if !r.Skipped && r.Err == nil {
						log.Info("crawled", "source", r.Source, "items", r.Fetched, "new", r.New,
							"updated", r.Updated, "not_modified", r.NotModified, "dur_ms", r.Duration.Milliseconds())
					}
				}
			}),
			gocron.WithName("crawl "+src.ID),
			gocron.WithSingletonMode(gocron.LimitModeReschedule),
			gocron.WithStartAt(gocron.WithStartImmediately()),
			gocron.WithContext(ctx),
		)
		if err != nil {
			s.Shutdown()
			return nil, fmt.Errorf("schedule source %s: %w", src.ID, err)
		}
	}
	s.Start()
	return s, nil
}

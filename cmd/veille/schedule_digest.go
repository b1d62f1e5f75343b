package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-co-op/gocron/v2"

	"github.com/nogentech/veille/digest"
)

// Intervals of the notifier's background work. Alerts are cheap when
// nothing is new (one indexed query), so they run often: a new item is
// alerted within a minute of its crawl, well within a crawl interval.
const (
	reconcileEvery = 5 * time.Minute
	alertsEvery    = time.Minute
)

// startDigests schedules the digests and alerts. The cron jobs only wake
// the notifier up at the configured times (in the config's time zone);
// Reconcile, run at start-up and every few minutes too, decides from the
// ledger what is due, so a job that fires early, late or twice around a
// DST change sends nothing wrong.
func startDigests(ctx context.Context, a *app, n *digest.Notifier, log *slog.Logger) (gocron.Scheduler, error) {
	loc := a.cfg.Loc()
	s, err := gocron.NewScheduler(gocron.WithLocation(loc), gocron.WithStopTimeout(30*time.Second))
	if err != nil {
		return nil, fmt.Errorf("digest scheduler: %w", err)
	}
	reconcile := func(ctx context.Context) {
		rec, err := n.Reconcile(ctx)
		if err != nil {
			log.Error("reconcile digests and alerts", "err", err)
			return
		}
		for _, r := range rec.Sent {
			log.Info("digest run", "digest", r.Digest, "period", r.Period.Key, "items", r.Items, "recipients", len(r.Recipients))
		}
		if rec.Resumed > 0 {
			log.Info("pending deliveries sent", "count", rec.Resumed)
		}
	}
	alerts := func(ctx context.Context) {
		run, err := n.RunAlerts(ctx)
		if err != nil {
			log.Error("alerts", "err", err)
			return
		}
		if run.Sent+run.Pending+run.Failed > 0 {
			log.Info("alerts", "sent", run.Sent, "pending", run.Pending, "failed", run.Failed)
		}
		// Followed saved searches of the members' space ride on the same
		// beat: immediate ones after each check, daily and weekly ones once
		// their day or week has ended (the ledger keeps them once only).
		saved, err := n.RunSavedSearches(ctx)
		if err != nil {
			log.Error("saved searches", "err", err)
			return
		}
		if saved.Sent+saved.Pending+saved.Failed > 0 {
			log.Info("saved searches", "sent", saved.Sent, "pending", saved.Pending, "failed", saved.Failed)
		}
	}
	jobs := []struct {
		name string
		def  gocron.JobDefinition
		task func(context.Context)
		now  bool
	}{
		{"reconcile digests and alerts", gocron.DurationJob(reconcileEvery), reconcile, true},
		{"alerts", gocron.DurationJob(alertsEvery), alerts, false},
	}
	for _, dg := range a.cfg.Digests {
		if dg.Schedule == "" {
			continue
		}
		if _, err := digest.ParseSchedule(dg.Schedule, loc); err != nil {
			s.Shutdown()
			return nil, fmt.Errorf("digest %s: %w", dg.ID, err)
		}
		jobs = append(jobs, struct {
			name string
			def  gocron.JobDefinition
			task func(context.Context)
			now  bool
		}{"digest " + dg.ID, gocron.CronJob(dg.Schedule, false), reconcile, false})
	}
	for _, j := range jobs {
		opts := []gocron.JobOption{gocron.WithName(j.name), gocron.WithSingletonMode(gocron.LimitModeReschedule), gocron.WithContext(ctx)}
		if j.now {
			opts = append(opts, gocron.WithStartAt(gocron.WithStartImmediately()))
		}
		if _, err := s.NewJob(j.def, gocron.NewTask(j.task), opts...); err != nil {
			s.Shutdown()
			return nil, fmt.Errorf("schedule %s: %w", j.name, err)
		}
	}
	s.Start()
	return s, nil
}

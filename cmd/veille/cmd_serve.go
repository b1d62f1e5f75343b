package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/nogentech/veille/internal/datadir"
	"github.com/nogentech/veille/server"
	"github.com/nogentech/veille/watch"
)

func runServe(ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet(g, "serve")
	addr := fs.String("addr", "", "listen address HOST:PORT (default: server.addr of the config, 127.0.0.1:8080)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(g.config)
	if err != nil {
		return err
	}
	if *addr == "" {
		*addr = cfg.Server.Addr
	}
	a, err := openApp(ctx, g, cfg, "serve")
	if err != nil {
		return err
	}
	defer a.Close()
	// Alert rules start before the first crawl, so what it finds counts.
	notifier, err := newNotifier(a)
	if err != nil {
		return err
	}
	if err := notifier.StartRules(ctx); err != nil {
		return err
	}
	metrics := server.NewMetrics(server.MetricsOptions{Index: a.index})
	sched, err := startScheduler(ctx, a, g.log, metrics.ObserveCrawl)
	if err != nil {
		return err
	}
	dsched, err := startDigests(ctx, a, notifier, g.log)
	if err != nil {
		sched.Shutdown()
		return err
	}
	err = serveHTTP(ctx, g, a, *addr, "serve", metrics, nil)
	// Stopping the scheduler waits for running crawls, whose fetched items
	// are committed before they return.
	if serr := sched.Shutdown(); serr != nil {
		g.log.Warn("scheduler shutdown", "err", serr)
	}
	if serr := dsched.Shutdown(); serr != nil {
		g.log.Warn("digest scheduler shutdown", "err", serr)
	}
	return err
}

// serveHTTP listens on addr and serves until ctx is done, then shuts the
// server down gracefully. ready, if set, is called with the base URL once
// the server accepts connections.
func serveHTTP(ctx context.Context, g *globals, a *app, addr, command string, metrics *server.Metrics, ready func(base string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (use --addr HOST:PORT)", addr, err)
	}
	if err := a.lock.Update(datadir.Holder{Command: command, Addr: ln.Addr().String()}); err != nil {
		g.log.Warn("record server address", "err", err)
	}
	srv, err := server.New(server.Options{Config: a.cfg, Index: a.index, Store: a.store, Logger: g.log,
		BaseContext: ctx, Notices: a.indexNotices, Limits: server.DefaultLimits(), Metrics: metrics,
		Crawl: func(ctx context.Context, sources []string) (watch.Report, error) {
			return a.watch.Crawl(ctx, watch.CrawlOptions{Sources: sources})
		}})
	if err != nil {
		return err
	}
	// Admin crawls run in the background; the data dir stays open until they end.
	defer srv.Wait()
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	base := "http://" + ln.Addr().String()
	g.log.Info("serving", "url", base)
	if ready != nil {
		ready(base)
	}
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	g.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http shutdown: %w", err)
	}
	return nil
}

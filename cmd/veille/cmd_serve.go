package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/nogentech/veille/digest"
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
	cfg, err := loadConfig(g.config, digest.ConfigChecks...)
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
	// The port first: a taken one fails before any crawl starts.
	ln, err := listen(*addr)
	if err != nil {
		return err
	}
	defer ln.Close()
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
	a.sender = notifier
	err = serveHTTP(ctx, g, a, ln, "serve", metrics, localCommands(a, notifier), nil)
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

// listen takes the HTTP address, saying what to do when it is taken.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("address %s is already in use, perhaps by another veille serve or demo still running: stop it, or choose another with --addr HOST:PORT", addr)
		}
		return nil, fmt.Errorf("listen on %s: %w (use --addr HOST:PORT)", addr, err)
	}
	return ln, nil
}

// serveHTTP serves on ln until ctx is done, then shuts the server down
// gracefully. With local set, it also answers the CLI's read-only
// commands on the data dir's local socket (local.go). ready, if set, is
// called with the base URL once the server accepts connections.
func serveHTTP(ctx context.Context, g *globals, a *app, ln net.Listener, command string, metrics *server.Metrics,
	local server.LocalFunc, ready func(base string)) error {
	defer ln.Close()
	if err := a.lock.Update(datadir.Holder{Command: command, Addr: ln.Addr().String()}); err != nil {
		g.log.Warn("record server address", "err", err)
	}
	srv, err := server.New(server.Options{Config: a.cfg, Index: a.index, Store: a.store, Logger: g.log,
		BaseContext: ctx, Notices: a.indexNotices, Limits: server.DefaultLimits(), Metrics: metrics,
		Crawl: func(ctx context.Context, sources []string) (watch.Report, error) {
			return a.watch.Crawl(ctx, watch.CrawlOptions{Sources: sources})
		}, Local: local, Notifier: a.sender})
	if err != nil {
		return err
	}
	if local != nil {
		if lln, err := datadir.ListenLocal(a.dir); err != nil {
			g.log.Warn("no local socket: digest --dry-run and alert test cannot run beside this server", "err", err)
		} else {
			ls := &http.Server{Handler: srv.LocalHandler(), ReadHeaderTimeout: 5 * time.Second}
			go ls.Serve(lln)
			defer ls.Close()
		}
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

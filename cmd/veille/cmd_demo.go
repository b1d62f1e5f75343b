package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/nogentech/veille/demo"
	"github.com/nogentech/veille/server"
	"github.com/nogentech/veille/watch"
)

// hideFlags leaves names out of fs's help, with a note under it.
func hideFlags(fs *flag.FlagSet, note string, names ...string) {
	fs.Usage = func() {
		shown := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
		shown.SetOutput(fs.Output())
		fs.VisitAll(func(f *flag.Flag) {
			if !slices.Contains(names, f.Name) {
				shown.Var(f.Value, f.Name, f.Usage)
				shown.Lookup(f.Name).DefValue = f.DefValue
			}
		})
		fmt.Fprintf(fs.Output(), "Usage of %s:\n", fs.Name())
		shown.PrintDefaults()
		fmt.Fprintf(fs.Output(), "(%s)\n", note)
	}
}

// runDemo serves the embedded sample of real feeds on a loopback port,
// crawls it through the real crawler into a temporary data dir, and serves
// the result: the whole product, offline.
func runDemo(ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet(g, "demo")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address HOST:PORT for the demo UI")
	// The demo brings its own config and a temporary data dir: --config
	// and --data are accepted, as by every command, but not offered.
	hideFlags(fs, "the demo needs no config and keeps its data in a temporary dir, removed when it stops", "config", "data")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	start := time.Now()
	// The port first: a demo left running would otherwise be found only
	// after the whole crawl.
	uiLn, err := listen(*addr)
	if err != nil {
		return err
	}
	defer uiLn.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("start the sample server: %w", err)
	}
	sample := &http.Server{Handler: demo.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go sample.Serve(ln)
	defer sample.Close()

	cfg, err := demo.Config("http://" + ln.Addr().String())
	if err == nil {
		cfg, err = demo.WithDigests(cfg) // for the digest pages; never sent
	}
	if err != nil {
		return fmt.Errorf("demo config: %w", err)
	}
	// Links in feeds and pages follow the host the browser used.
	cfg.Server.BaseURL = ""
	tmp, err := os.MkdirTemp("", "veille-demo-")
	if err != nil {
		return fmt.Errorf("temporary data dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	dg := *g
	dg.data = tmp
	a, err := openApp(ctx, &dg, cfg, "demo")
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(g.stderr, "veille demo: crawling %d sample sources served on %s\n", len(cfg.Sources), ln.Addr())
	rep, err := a.watch.Crawl(ctx, watch.CrawlOptions{Progress: progressPrinter(g.stderr)})
	if isTerminal(g.stderr) {
		fmt.Fprint(g.stderr, "\r\033[K")
	}
	if err != nil {
		return err
	}
	printCrawlReport(g.stderr, rep)
	// The digest pages show the sample's digests (built, never sent).
	if _, err := demo.BuildDigests(ctx, cfg, a.store, time.Now()); err != nil {
		return err
	}
	metrics := server.NewMetrics(server.MetricsOptions{Index: a.index})
	metrics.ObserveCrawl(rep)
	return serveHTTP(ctx, &dg, a, uiLn, "demo", metrics, nil, func(base string) {
		fmt.Fprintf(g.stdout, "\nveille demo ready in %s: %d items indexed.\n", time.Since(start).Round(100*time.Millisecond), rep.NewCount)
		fmt.Fprintf(g.stdout, "  open:    %s/\n", base)
		fmt.Fprintf(g.stdout, "  try:     %s/?q=dispositifs+m%%C3%%A9dicaux\n", base)
		fmt.Fprintf(g.stdout, "           %s/?q=dechets&domain=environment\n", base)
		fmt.Fprintf(g.stdout, "  sources: %s/sources\n", base)
		fmt.Fprintf(g.stdout, "  digests: %s/digests\n", base)
		fmt.Fprintf(g.stdout, "  API:     %s/api/search?q=emissions+trading\n", base)
		fmt.Fprintf(g.stdout, "Press Ctrl-C to stop (the temporary data is removed).\n")
	})
}

package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"text/tabwriter"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/demo"
	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/members"
	"github.com/nogentech/veille/server"
	"github.com/nogentech/veille/store"
	"github.com/nogentech/veille/watch"
)

// newNotifier wires the digests and alerts of an open app.
func newNotifier(a *app) (*digest.Notifier, error) {
	return digest.New(digest.Options{Config: a.cfg, Store: a.store, Index: a.index, Logger: a.log,
		ParseSearch: func(v url.Values) (veille.SearchRequest, error) {
			return server.ParseSearch(v, a.cfg.Location, server.MaxLimit)
		},
		Counts: members.ClusterCounter(a.cfg, a.store)})
}

func runDigest(ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet(g, "digest")
	id := fs.String("id", "", "the digest to build (its id in the config)")
	since := fs.String("since", "", "first day of the period, YYYY-MM-DD (with --until; default: the last complete ISO week)")
	until := fs.String("until", "", "last day of the period, YYYY-MM-DD, included")
	dry := fs.Bool("dry-run", false, "print the digest and who would get it; send nothing")
	out := fs.String("out", "", "write the digest's HTML to this file; send nothing")
	member := fs.String("member", "", "with --dry-run or --out: show this member's cut instead of the whole digest")
	lang := fs.String("lang", "", "with --dry-run or --out: language, fr or en (default: the digest's)")
	asJSON := fs.Bool("json", false, "with --dry-run: print the digest as JSON (period, items as search hits, each source's coverage)")
	period := fs.String("period", "", "the period as an ISO week, e.g. 2026-W48 (instead of --since/--until)")
	pdfOut := fs.String("pdf", "", "write the digest (the commission's edition of an editorial digest) as an A4 PDF to this file; send nothing")
	useDemo := fs.Bool("demo", false, "build from the embedded demo sample (crawled into a temporary dir); implies --dry-run unless --out")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if *id == "" {
		return usageError{"--id is required (a digest id of the config)"}
	}
	if (*since == "") != (*until == "") {
		return usageError{"--since and --until go together"}
	}
	if *period != "" && *since != "" {
		return usageError{"use either --period or --since/--until"}
	}
	if *pdfOut != "" && (*dry || *out != "" || *useDemo) {
		return usageError{"--pdf goes alone (not with --dry-run, --out or --demo)"}
	}
	if *asJSON && !*dry && !*useDemo {
		return usageError{"--json goes with --dry-run"}
	}
	if *dry && *out != "" {
		return usageError{"use either --dry-run or --out"}
	}
	if *useDemo && *out == "" {
		*dry = true
	}
	if (*member != "" || *lang != "") && !*dry && *out == "" && *pdfOut == "" {
		return usageError{"--member and --lang only change what --dry-run or --out show"}
	}

	preview := *dry || *out != ""
	if *useDemo {
		a, cleanup, err := demoData(ctx, g)
		if err != nil {
			return err
		}
		defer cleanup()
		defer a.Close()
		n, err := newNotifier(a)
		if err != nil {
			return err
		}
		p, err := digestPeriod(a.cfg.Location, *since, *until, time.Now())
		if err != nil {
			return err
		}
		if *since == "" {
			// The sample holds acts from 2020–2021 and news from 2026, all
			// first seen by the crawl that just ran: show all of it.
			p, _ = digest.Range(time.Date(2020, 1, 1, 0, 0, 0, 0, appLocation(a)), time.Now(), appLocation(a))
		}
		pv, err := makePreview(ctx, n, a.cfg, *id, p, *member, *lang)
		if err != nil {
			return err
		}
		return printPreview(g, pv, *out, *dry, *asJSON)
	}

	cfg, err := loadConfig(g.config)
	if err != nil {
		return err
	}
	p, err := digestPeriod(cfg.Loc(), *since, *until, time.Now())
	if err != nil {
		return err
	}
	if *period != "" {
		if p, err = digest.ParsePeriod(*period, cfg.Loc()); err != nil {
			return usageError{"--period: " + err.Error()}
		}
	}
	if err := errNoData(g.data); err != nil {
		return err
	}
	a, err := openApp(ctx, g, cfg, "digest")
	if err != nil {
		if preview && heldByServer(err) {
			// `veille serve` holds the data: it builds the preview.
			q := url.Values{"id": {*id}, "since": {*since}, "until": {*until}, "member": {*member}, "lang": {*lang}}
			var pv digestPreview
			if err := askHolder(ctx, g.data, localDigest, q, err, &pv); err != nil {
				return err
			}
			return printPreview(g, &pv, *out, *dry, *asJSON)
		}
		return err
	}
	defer a.Close()
	n, err := newNotifier(a)
	if err != nil {
		return err
	}
	if *pdfOut != "" {
		return writeDigestPDF(ctx, g, n, a.cfg, *id, p, *lang, *pdfOut)
	}
	if preview {
		pv, err := makePreview(ctx, n, a.cfg, *id, p, *member, *lang)
		if err != nil {
			return err
		}
		return printPreview(g, pv, *out, *dry, *asJSON)
	}
	dg, err := n.DigestConfig(*id)
	if err != nil {
		return usageError{err.Error()}
	}
	res, err := n.SendDigest(ctx, dg.ID, p)
	if err != nil {
		return err
	}
	return printDigestResult(g.stdout, res)
}

func printDigestResult(w io.Writer, res digest.DigestResult) error {
	fmt.Fprintf(w, "digest %s, %s: %d items\n", res.Digest, res.Period.Key, res.Items)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RECIPIENT\tMEMBER\tITEMS\tSTATUS\tNOTE")
	failed := 0
	for _, r := range res.Recipients {
		note := ""
		switch {
		case !r.New && r.Status != store.DeliveryPending:
			note = "already in the ledger: not sent again"
		case r.Status == store.DeliverySkipped:
			note = "empty: not sent"
		case r.Status == store.DeliveryPending:
			note = "temporary failure: retried by `veille serve` or the next run"
		case r.Status == store.DeliveryFailed:
			note = r.Error
			failed++
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", r.Address, r.Member, r.Items, r.Status, note)
	}
	tw.Flush()
	if failed > 0 {
		return fmt.Errorf("%d deliveries failed", failed)
	}
	return nil
}

// demoData crawls the embedded sample into a temporary data dir with the
// shipped config's digests, for `veille digest --demo`.
func demoData(ctx context.Context, g *globals) (*app, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, fmt.Errorf("start the sample server: %w", err)
	}
	sample := &http.Server{Handler: demo.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go sample.Serve(ln)
	cfg, err := demo.Config("http://" + ln.Addr().String())
	if err != nil {
		sample.Close()
		return nil, nil, err
	}
	shipped, err := veille.ParseConfig(veille.ShippedConfig, "feeds.yaml (shipped)")
	if err != nil {
		sample.Close()
		return nil, nil, err
	}
	cfg.Digests = shipped.Digests // only previewed: --demo never sends
	tmp, err := os.MkdirTemp("", "veille-digest-demo-")
	if err != nil {
		sample.Close()
		return nil, nil, fmt.Errorf("temporary data dir: %w", err)
	}
	cleanup := func() { sample.Close(); os.RemoveAll(tmp) }
	dg := *g
	dg.data = tmp
	a, err := openApp(ctx, &dg, cfg, "digest")
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	fmt.Fprintf(g.stderr, "veille digest: crawling the %d demo sources…\n", len(cfg.Sources))
	rep, err := a.watch.Crawl(ctx, watch.CrawlOptions{})
	if err != nil {
		a.Close()
		cleanup()
		return nil, nil, err
	}
	if rep.Failed() > 0 {
		fmt.Fprintf(g.stderr, "veille digest: %d demo sources failed\n", rep.Failed())
	}
	return a, cleanup, nil
}

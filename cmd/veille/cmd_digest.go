package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"text/tabwriter"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/demo"
	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/store"
	"github.com/nogentech/veille/watch"
)

// newNotifier wires the digests and alerts of an open app.
func newNotifier(a *app) (*digest.Notifier, error) {
	return digest.New(digest.Options{Config: a.cfg, Store: a.store, Index: a.index, Logger: a.log})
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
	if *dry && *out != "" {
		return usageError{"use either --dry-run or --out"}
	}
	if *useDemo && *out == "" {
		*dry = true
	}
	if (*member != "" || *lang != "") && !*dry && *out == "" {
		return usageError{"--member and --lang only change what --dry-run or --out show"}
	}

	var a *app
	var err error
	if *useDemo {
		var cleanup func()
		a, cleanup, err = demoData(ctx, g)
		if err != nil {
			return err
		}
		defer cleanup()
	} else {
		cfg, err := loadConfig(g.config)
		if err != nil {
			return err
		}
		if a, err = openApp(ctx, g, cfg, "digest"); err != nil {
			return err
		}
	}
	defer a.Close()
	n, err := newNotifier(a)
	if err != nil {
		return err
	}
	dg, err := n.DigestConfig(*id)
	if err != nil {
		return usageError{err.Error()}
	}
	loc := a.cfg.Location
	if loc == nil {
		loc = time.UTC
	}
	p := digest.LastCompleteWeek(time.Now(), loc)
	switch {
	case *since != "":
		s, err := digest.ParseDate(*since, loc)
		if err != nil {
			return usageError{"--since: " + err.Error()}
		}
		u, err := digest.ParseDate(*until, loc)
		if err != nil {
			return usageError{"--until: " + err.Error()}
		}
		if p, err = digest.Range(s, u, loc); err != nil {
			return usageError{err.Error()}
		}
	case *useDemo:
		// The sample holds acts from 2020–2021 and news from 2026, all
		// first seen by the crawl that just ran: show all of it.
		p, _ = digest.Range(time.Date(2020, 1, 1, 0, 0, 0, 0, loc), time.Now(), loc)
	}

	if *dry || *out != "" {
		return previewDigest(ctx, g, n, a.cfg, dg, p, *member, *lang, *out, *dry)
	}
	res, err := n.SendDigest(ctx, dg.ID, p)
	if err != nil {
		return err
	}
	return printDigestResult(g.stdout, res)
}

func previewDigest(ctx context.Context, g *globals, n *digest.Notifier, cfg veille.Config, dg veille.Digest, p digest.Period,
	member, lang, out string, dry bool) error {
	d, _, err := n.Preview(ctx, dg.ID, p)
	if err != nil {
		return err
	}
	show, showLang := d, dg.Lang
	if member != "" {
		var found bool
		for _, m := range cfg.Members {
			if m.ID == member {
				show, found = d.Cut(m), true
				if m.Lang != "" {
					showLang = m.Lang
				}
			}
		}
		if !found {
			return usageError{fmt.Sprintf("no member %q in the config", member)}
		}
	}
	if lang != "" {
		showLang = lang
	}
	r, err := digest.RenderDigest(cfg, dg, show, showLang, cfg.Server.BaseURL)
	if err != nil {
		return err
	}
	if out != "" {
		if err := os.WriteFile(out, []byte(r.HTML), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", out, err)
		}
		fmt.Fprintf(g.stderr, "veille digest: wrote %s (%d items, %s); nothing sent\n", out, len(show.Items), p.Key)
		if !dry {
			return nil
		}
	}
	fmt.Fprintf(g.stdout, "Subject: %s\n\n%s\n", r.Subject, r.Text)
	fmt.Fprintln(g.stdout, "---- dry run: nothing sent. It would go to:")
	tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
	rs := n.Recipients(dg)
	if len(rs) == 0 {
		fmt.Fprintln(tw, "  (no recipient: set to: or members: in the config)")
	}
	for _, rc := range rs {
		cut, who := d, "whole digest"
		if rc.Member != nil {
			cut, who = d.Cut(*rc.Member), "member "+rc.Member.ID
		}
		what := fmt.Sprintf("%d items", len(cut.Items))
		if len(cut.Items) == 0 && !dg.SendEmpty {
			what = "empty: not sent"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", rc.Address, who, rc.Lang, what)
	}
	return tw.Flush()
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

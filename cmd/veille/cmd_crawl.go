package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nogentech/veille/internal/text"
	"github.com/nogentech/veille/watch"
)

func runCrawl(ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet(g, "crawl")
	var sources multiFlag
	fs.Var(&sources, "source", "crawl only this source (repeatable)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q (use --source ID)", fs.Arg(0))}
	}
	cfg, err := loadConfig(g.config)
	if err != nil {
		return err
	}
	// An unknown name is a usage error before the data dir is created.
	if _, err := watch.PickSources(cfg, sources); err != nil {
		return usageError{err.Error()}
	}
	a, err := openApp(ctx, g, cfg, "crawl")
	if err != nil {
		return err
	}
	defer a.Close()

	notifier, err := newNotifier(a)
	if err != nil {
		return err
	}
	if err := notifier.StartRules(ctx); err != nil {
		return err
	}
	progress := progressPrinter(g.stderr)
	rep, err := a.watch.Crawl(ctx, watch.CrawlOptions{Sources: sources, Progress: progress})
	if errors.Is(err, watch.ErrUnknownSource) {
		// Nothing ran: no report, whose duration would be nonsense.
		return usageError{err.Error()}
	}
	if isTerminal(g.stderr) {
		fmt.Fprint(g.stderr, "\r\033[K")
	}
	printCrawlReport(g.stdout, rep)
	for _, s := range rep.Sources {
		if s.Err != nil && !s.Cancelled {
			fmt.Fprintf(g.stderr, "veille crawl: source %s failed: %v\n", s.Source, s.Err)
		}
	}
	if ctx.Err() != nil {
		msg := fmt.Sprintf("interrupted: %d source(s) cancelled; what was fetched before is saved", rep.Cancelled())
		if err != nil {
			msg += "; " + err.Error()
		}
		return interruptedError{msg}
	}
	if err == nil && rep.NewCount > 0 {
		// A failed alert is kept in the ledger for the next run; it does
		// not make the crawl fail.
		if run, aerr := notifier.RunAlerts(ctx); aerr != nil {
			fmt.Fprintf(g.stderr, "veille crawl: alerts: %v\n", aerr)
		} else if run.Sent+run.Pending+run.Failed > 0 {
			fmt.Fprintf(g.stdout, "alerts: %d sent, %d to retry, %d failed\n", run.Sent, run.Pending, run.Failed)
		}
	}
	return err
}

// progressPrinter shows sources done and items new: on a terminal as one
// line rewritten in place, elsewhere as a log line every source.
func progressPrinter(w io.Writer) func(watch.Progress) {
	tty := isTerminal(w)
	return func(p watch.Progress) {
		if tty {
			fmt.Fprintf(w, "\r\033[Kcrawl: %d/%d sources, %d new items (last: %s)", p.Done, p.Total, p.New, p.Last.Source)
			return
		}
		fmt.Fprintf(w, "crawl: %d/%d %s: %s\n", p.Done, p.Total, p.Last.Source, outcome(p.Last))
	}
}

func outcome(s watch.SourceReport) string {
	switch {
	case s.Cancelled:
		return "cancelled"
	case s.Err != nil:
		return "FAILED"
	case s.Skipped:
		return "not due"
	case s.NotModified:
		return "not modified"
	}
	return fmt.Sprintf("%d items, %d new, %d updated", s.Fetched, s.New, s.Updated)
}

func printCrawlReport(w io.Writer, rep watch.Report) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tSTATUS\tITEMS\tNEW\tUPDATED\tTIME\tRESULT")
	var items, updated int
	for _, s := range rep.Sources {
		res := "ok"
		switch {
		case s.Cancelled:
			res = "cancelled"
		case s.Err != nil:
			res = "error: " + firstLine(s.Err.Error())
		case s.Skipped:
			res = "not due"
		case s.NotModified:
			res = "not modified"
		}
		status := "-"
		if s.Status != 0 {
			status = fmt.Sprint(s.Status)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\n", s.Source, status, s.Fetched, s.New, s.Updated,
			s.Duration.Round(time.Millisecond), res)
		items += s.Fetched
		updated += s.Updated
	}
	tw.Flush()
	cancelled := ""
	if n := rep.Cancelled(); n > 0 {
		cancelled = fmt.Sprintf(", %d cancelled", n)
	}
	fmt.Fprintf(w, "%d sources, %d failed%s; %d items fetched, %d new, %d updated in %s\n",
		len(rep.Sources), rep.Failed(), cancelled, items, rep.NewCount, updated, rep.Finished.Sub(rep.Started).Round(time.Millisecond))
}

// firstLine is the first line of an error, cut to 100 bytes without
// splitting a character (the messages are often French).
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 100 {
		s = text.CutBytes(s, 100) + "…"
	}
	return s
}

package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/internal/text"
)

// runAlert dispatches `veille alert SUBCOMMAND`.
func runAlert(ctx context.Context, g *globals, args []string) error {
	if len(args) == 0 || args[0] != "test" {
		return usageError{"usage: veille alert test --id ID [--days 90]"}
	}
	return runAlertTest(ctx, g, args[1:])
}

// runAlertTest shows what a rule would have sent over past items, so it
// can be tuned before it is enabled. It sends and records nothing.
func runAlertTest(ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet(g, "alert test")
	id := fs.String("id", "", "the alert rule (its id in the config)")
	days := fs.Int("days", 90, "look at the items published in the last N days")
	limit := fs.Int("limit", 50, "list at most N items (the count covers all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if *id == "" {
		return usageError{"--id is required (an alert id of the config)"}
	}
	if *days <= 0 {
		return usageError{"--days must be positive"}
	}
	cfg, err := loadConfig(g.config)
	if err != nil {
		return err
	}
	if err := errNoData(g.data); err != nil {
		return err
	}
	a, err := openApp(ctx, g, cfg, "alert test")
	if err != nil {
		if heldByServer(err) {
			// `veille serve` holds the data: it runs the test.
			q := url.Values{"id": {*id}, "days": {strconv.Itoa(*days)}}
			var ans alertTestAnswer
			if err := askHolder(ctx, g.data, localAlertTest, q, err, &ans); err != nil {
				return err
			}
			loc, lerr := time.LoadLocation(ans.Timezone)
			if lerr != nil {
				loc = cfg.Loc()
			}
			printAlertTest(g.stdout, ans.Test, *days, *limit, loc)
			return nil
		}
		return err
	}
	defer a.Close()
	n, err := newNotifier(a)
	if err != nil {
		return err
	}
	at, err := alertTest(ctx, n, *id, *days)
	if err != nil {
		return err
	}
	printAlertTest(g.stdout, at, *days, *limit, appLocation(a))
	return nil
}

// alertTest runs rule id over the last days; an unknown rule or a bad
// query is a usage error.
func alertTest(ctx context.Context, n *digest.Notifier, id string, days int) (digest.AlertTest, error) {
	if _, err := n.AlertConfig(id); err != nil {
		return digest.AlertTest{}, usageError{err.Error()}
	}
	at, err := n.TestAlert(ctx, id, days)
	if err != nil {
		return at, usageOrErr(err)
	}
	return at, nil
}

// printAlertTest prints what the rule would have sent, dates in loc.
func printAlertTest(w io.Writer, at digest.AlertTest, days, limit int, loc *time.Location) {
	r := at.Rule
	query := r.Query
	if strings.TrimSpace(query) == "" {
		query = "(none)"
	}
	batch := r.Batch
	if batch == "" {
		batch = digest.BatchItem
	}
	var to []string
	to = append(to, r.To...)
	if r.Webhook != "" {
		to = append(to, "webhook "+r.Webhook)
	}
	fmt.Fprintf(w, "rule %s: domains %s, competences %s, query %s, batch %s, to %s\n", r.ID, listOrAny(r.Domains), listOrAny(r.Competences),
		query, batch, listOrAny(to))
	fmt.Fprintf(w, "over the items published since %s (%d days): %d would have matched, about %d messages per recipient\n\n",
		at.Since.In(loc).Format(time.DateOnly), days, at.Total, at.Mails)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DATE\tSOURCE\tTITLE\tWHY")
	for i, m := range at.Matches {
		if i == limit {
			fmt.Fprintf(tw, "…\t\t%d more\t\n", len(at.Matches)-limit)
			break
		}
		it := m.Item
		d := it.Published
		if d.IsZero() {
			d = it.FirstSeen
		}
		var why []string
		for _, k := range append(append([]string(nil), r.Domains...), r.Competences...) {
			if terms := it.Why[k]; len(terms) > 0 {
				why = append(why, k+": "+strings.Join(terms, ", "))
			}
		}
		if len(m.Terms) > 0 {
			why = append(why, "query: "+strings.Join(m.Terms, ", "))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.In(loc).Format(time.DateOnly), it.Source, text.ClipRunes(text.Fold(it.Title), 80), strings.Join(why, "; "))
	}
	tw.Flush()
	fmt.Fprintln(w, "\nnothing was sent or recorded")
}

func appLocation(a *app) *time.Location { return a.cfg.Loc() }

func listOrAny(v []string) string {
	if len(v) == 0 {
		return "(any)"
	}
	return strings.Join(v, ", ")
}

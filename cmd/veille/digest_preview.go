package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/internal/i18n"
)

// digestPreview is what `veille digest --dry-run` and `--out` show. It is
// made where the data is, in this process or in the `veille serve` that
// holds the data dir (asked over its local socket), and printed here, so
// both ways print the same thing.
type digestPreview struct {
	PeriodKey  string             `json:"period_key"`
	Items      int                `json:"items"`
	Subject    string             `json:"subject"`
	Text       string             `json:"text"`
	HTML       string             `json:"html"`
	Recipients []previewRecipient `json:"recipients"`
	Data       digest.Data        `json:"data"`
}

type previewRecipient struct {
	Address string `json:"address"`
	Who     string `json:"who"`
	Lang    string `json:"lang"`
	What    string `json:"what"`
}

// digestPeriod is the period the flags name: the days since and until
// (both included), else the last complete ISO week at now.
func digestPeriod(loc *time.Location, since, until string, now time.Time) (digest.Period, error) {
	if loc == nil {
		loc = time.UTC
	}
	if (since == "") != (until == "") {
		return digest.Period{}, usageError{"--since and --until go together"}
	}
	if since == "" {
		return digest.LastCompleteWeek(now, loc), nil
	}
	s, err := digest.ParseDate(since, loc)
	if err != nil {
		return digest.Period{}, usageError{"--since: " + err.Error()}
	}
	u, err := digest.ParseDate(until, loc)
	if err != nil {
		return digest.Period{}, usageError{"--until: " + err.Error()}
	}
	p, err := digest.Range(s, u, loc)
	if err != nil {
		return digest.Period{}, usageError{err.Error()}
	}
	return p, nil
}

// makePreview builds digest id for p, as the whole digest or member's cut,
// in lang (default: the digest's or the member's).
func makePreview(ctx context.Context, n *digest.Notifier, cfg veille.Config, id string, p digest.Period, member, lang string) (*digestPreview, error) {
	dg, err := n.DigestConfig(id)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	var d *digest.Digest
	if dg.Editorial && p.IsWeek() {
		// An editorial digest's week goes out as the commission's edition:
		// show it as staff left it.
		d, _, err = n.EditionPreview(ctx, dg.ID, p)
	} else {
		d, _, err = n.Preview(ctx, dg.ID, p)
	}
	if err != nil {
		return nil, err
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
			return nil, usageError{fmt.Sprintf("no member %q in the config", member)}
		}
	}
	if lang != "" {
		showLang = lang
	}
	r, err := digest.RenderDigest(cfg, dg, show, i18n.Parse(showLang), cfg.Server.BaseURL)
	if err != nil {
		return nil, err
	}
	pv := &digestPreview{PeriodKey: p.Key, Items: len(show.Items), Subject: r.Subject, Text: r.Text, HTML: r.HTML,
		Data: show.AsData(cfg.Location), Recipients: []previewRecipient{}}
	rcs, err := n.Recipients(ctx, dg)
	if err != nil {
		return nil, err
	}
	for _, rc := range rcs {
		cut, who := d, "whole digest"
		if rc.Member != nil {
			cut, who = d.Cut(*rc.Member), "member "+rc.Member.ID
		}
		what := fmt.Sprintf("%d items", len(cut.Items))
		if len(cut.Items) == 0 && !dg.SendEmpty {
			what = "empty: not sent"
		}
		pv.Recipients = append(pv.Recipients, previewRecipient{Address: rc.Address, Who: who, Lang: string(rc.Lang), What: what})
	}
	return pv, nil
}

// printPreview writes the HTML to out (when set) and prints the digest
// (with dry): as text with its recipients, or as the contract's JSON.
func printPreview(g *globals, pv *digestPreview, out string, dry, asJSON bool) error {
	if out != "" {
		if err := os.WriteFile(out, []byte(pv.HTML), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", out, err)
		}
		fmt.Fprintf(g.stderr, "veille digest: wrote %s (%d items, %s); nothing sent\n", out, pv.Items, pv.PeriodKey)
		if !dry {
			return nil
		}
	}
	if asJSON {
		enc := json.NewEncoder(g.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(pv.Data)
	}
	fmt.Fprintf(g.stdout, "Subject: %s\n\n%s\n", pv.Subject, pv.Text)
	fmt.Fprintln(g.stdout, "---- dry run: nothing sent. It would go to:")
	tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
	if len(pv.Recipients) == 0 {
		fmt.Fprintln(tw, "  (no recipient: set to: or members: in the config)")
	}
	for _, rc := range pv.Recipients {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", rc.Address, rc.Who, rc.Lang, rc.What)
	}
	return tw.Flush()
}

package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/nogentech/veille/crawler"
	"github.com/nogentech/veille/digest"
)

func runCheck(ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet(g, "check")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// With the notifier's checks (mail server, recipients, alert
	// queries), as veille serve reads it: every problem at its line.
	cfg, err := loadConfig(g.config, digest.ConfigChecks...)
	if err != nil {
		return err
	}
	enabled := len(cfg.EnabledSources())
	// Valid, but a watch of nothing: said, not failed, so that a config
	// being written can be checked step by step.
	switch {
	case len(cfg.Sources) == 0:
		fmt.Fprintf(g.stderr, "veille check: warning: %s has no sources: nothing will be watched (add sources: or run veille import-opml)\n", g.config)
	case enabled == 0:
		fmt.Fprintf(g.stderr, "veille check: warning: every source of %s is disabled: nothing will be watched\n", g.config)
	}
	// A Federal Register search answers with the fields its URL names, or
	// a default set without the citation and the dates: valid, but its
	// rules would get no act and no date, which nothing else would show.
	for _, s := range cfg.EnabledSources() {
		if s.Kind != crawler.KindFederalRegister {
			continue
		}
		if missing := crawler.FederalRegisterMissingFields(s.URL); len(missing) > 0 {
			fmt.Fprintf(g.stderr, "veille check: warning: source %s: the Federal Register search does not ask for %s, so its items lack them "+
				"(a rule without its citation is no act); add fields%%5B%%5D=<name> to its URL for each\n", s.ID, strings.Join(missing, ", "))
		}
	}
	fmt.Fprintf(g.stdout, "%s: ok — %s (%d enabled), %s, %s, %s, %s, %s\n",
		g.config, count(len(cfg.Sources), "source"), enabled, count(len(cfg.Domains), "domain"), count(len(cfg.Competences), "competence"),
		count(len(cfg.Members), "member"), count(len(cfg.Digests), "digest"), count(len(cfg.Alerts), "alert"))
	return nil
}

// count writes n and its English noun: "1 alert", "2 alerts".
func count(n int, noun string) string {
	if n != 1 {
		noun += "s"
	}
	return fmt.Sprintf("%d %s", n, noun)
}

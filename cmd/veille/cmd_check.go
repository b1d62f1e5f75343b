package main

import (
	"context"
	"fmt"

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
	fmt.Fprintf(g.stdout, "%s: ok — %d sources (%d enabled), %d domains, %d competences, %d members, %d digests, %d alerts\n",
		g.config, len(cfg.Sources), enabled, len(cfg.Domains), len(cfg.Competences), len(cfg.Members), len(cfg.Digests), len(cfg.Alerts))
	return nil
}

package main

import (
	"context"
	"fmt"
)

func runCheck(ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet(g, "check")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(g.config)
	if err != nil {
		return err
	}
	enabled := len(cfg.EnabledSources())
	fmt.Fprintf(g.stdout, "%s: ok — %d sources (%d enabled), %d domains, %d competences, %d members, %d digests, %d alerts\n",
		g.config, len(cfg.Sources), enabled, len(cfg.Domains), len(cfg.Competences), len(cfg.Members), len(cfg.Digests), len(cfg.Alerts))
	return nil
}

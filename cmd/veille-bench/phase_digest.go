package main

import (
	"context"
	"time"

	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/store"
)

// veilleDigest builds the week's environment digest and renders it, as the
// Monday job does.
func veilleDigest(ctx context.Context, s spec) (phaseResult, error) {
	res := phaseResult{Phase: s.Phase}
	cfg, err := benchConfig(s)
	if err != nil {
		return res, err
	}
	st, err := store.Open(ctx, s.storePath())
	if err != nil {
		return res, err
	}
	defer st.Close()
	n, err := digest.New(digest.Options{Config: cfg, Store: st})
	if err != nil {
		return res, err
	}
	const id = "environment-weekly"
	stop := profile(s.Profile, s.Phase)
	sec := begin()
	period := digest.WeekOf(time.Now(), cfg.Location)
	d, dg, err := n.Preview(ctx, id, period)
	if err != nil {
		stop()
		return res, err
	}
	r, err := digest.RenderDigest(cfg, dg, d, "fr", cfg.Server.BaseURL)
	res.WallS, res.CPUS = sec.end()
	stop()
	if err != nil {
		return res, err
	}
	res.Items = len(d.Items)
	res.Notes = map[string]any{"period": period.Key, "html_bytes": len(r.HTML)}
	return res, nil
}

package main

import (
	"context"
	"errors"
	"time"

	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/store"
)

// veilleDigest builds the environment digest and renders it, as the
// Monday job does, for the worst week there is: the week in which the
// corpus was crawled, so every item was first seen in it (a new source
// bringing its whole archive). It reports how many of the store's items
// that week holds, so the table says whether it was the worst case.
func veilleDigest(ctx context.Context, s spec) (phaseResult, error) {
	res := phaseResult{Phase: s.Phase}
	cfg, err := benchConfig(s)
	if err != nil {
		return res, err
	}
	// Opening applies pending migrations (a data dir built by an older
	// version gets item_selection filled here): timed apart.
	open := begin()
	st, err := store.Open(ctx, s.storePath())
	if err != nil {
		return res, err
	}
	defer st.Close()
	openS, _ := open.end()
	total, err := st.CountItems(ctx)
	if err != nil {
		return res, err
	}
	var first time.Time
	if err := st.EachSelected(ctx, time.Time{}, time.Now().Add(24*time.Hour), store.Tags{}, func(sel store.Selected) error {
		first = sel.FirstSeen
		return errStopWalk
	}); err != nil && !errors.Is(err, errStopWalk) {
		return res, err
	}
	if first.IsZero() {
		return res, errors.New("digest: the store holds no item; run the crawl phase first")
	}
	period := digest.WeekOf(first, cfg.Location)
	inWeek, _, err := st.CountFirstSeen(ctx, period.Since, period.Until)
	if err != nil {
		return res, err
	}
	n, err := digest.New(digest.Options{Config: cfg, Store: st})
	if err != nil {
		return res, err
	}
	const id = "environment-weekly"
	stop := profile(s.Profile, s.Phase)
	sec := begin()
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
	res.Notes = map[string]any{"period": period.Key, "html_bytes": len(r.HTML), "older": d.Older,
		"first_seen_in_week": inWeek, "store_items": total, "store_open_s": openS}
	return res, nil
}

// errStopWalk ends a walk over the store early.
var errStopWalk = errors.New("stop")

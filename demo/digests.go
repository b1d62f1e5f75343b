package demo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/store"
)

// SampleSince is the first day of the sample: its oldest acts are of 2020.
// Every item of it is first seen by the demo's own crawl, so a digest of
// the sample covers SampleSince to the day of that crawl.
var SampleSince = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// WithDigests adds the shipped config's digests to a demo config, for the
// digest pages of `veille demo`: it runs no notifier, and BuildDigests
// builds them without a recipient, so nothing is ever sent.
func WithDigests(cfg veille.Config) (veille.Config, error) {
	shipped, err := veille.ParseConfig(veille.ShippedConfig, "feeds.yaml (shipped)")
	if err != nil {
		return cfg, fmt.Errorf("demo: shipped config: %w", err)
	}
	cfg.Digests = shipped.Digests
	return cfg, nil
}

// noMail is the demo's mailer: a demo never sends.
type noMail struct{}

func (noMail) Send(context.Context, digest.Mail) error {
	return errors.New("the demo does not send mail")
}

// BuildDigests archives each configured digest of the sample, from
// SampleSince to now, so that the digest pages of a demo have something
// to show. Nothing is sent or recorded as sent: the digests are built from
// a copy of the config without a single address, so no delivery is ever
// claimed. It returns the period built.
func BuildDigests(ctx context.Context, cfg veille.Config, st *store.Store, now time.Time) (digest.Period, error) {
	quiet := cfg
	quiet.Digests = nil
	for _, dg := range cfg.Digests {
		dg.To = nil
		quiet.Digests = append(quiet.Digests, dg)
	}
	quiet.Members = nil
	for _, m := range cfg.Members {
		m.Email = ""
		quiet.Members = append(quiet.Members, m)
	}
	quiet.Alerts = nil
	loc := cfg.Loc()
	p, err := digest.Range(time.Date(SampleSince.Year(), SampleSince.Month(), SampleSince.Day(), 0, 0, 0, 0, loc), now, loc)
	if err != nil {
		return p, fmt.Errorf("demo digests: %w", err)
	}
	// Over the sample's range every digest is a plain one: an editorial
	// digest's edition covers one week (below).
	plain := quiet
	plain.Digests = nil
	for _, dg := range quiet.Digests {
		dg.Editorial, dg.OnTimeout = false, ""
		plain.Digests = append(plain.Digests, dg)
	}
	newNotifier := func(c veille.Config) (*digest.Notifier, error) {
		return digest.New(digest.Options{Config: c, Store: st, Mailer: noMail{}, Now: func() time.Time { return now },
			Getenv: func(string) string { return "" }})
	}
	n, err := newNotifier(plain)
	if err != nil {
		return p, fmt.Errorf("demo digests: %w", err)
	}
	for _, dg := range plain.Digests {
		res, err := n.SendDigest(ctx, dg.ID, p)
		if err != nil {
			return p, fmt.Errorf("demo digest %s: %w", dg.ID, err)
		}
		if len(res.Recipients) > 0 {
			// Never: the config above has no address. Said loudly if it changes.
			return p, fmt.Errorf("demo digest %s: %d recipients; a demo must not send", dg.ID, len(res.Recipients))
		}
	}
	if n, err = newNotifier(quiet); err != nil {
		return p, fmt.Errorf("demo digests: %w", err)
	}
	for _, dg := range quiet.Digests {
		if dg.Editorial {
			if err := demoEdition(ctx, n, dg.ID, p, digest.WeekOf(now, loc)); err != nil {
				return p, fmt.Errorf("demo edition %s: %w", dg.ID, err)
			}
		}
	}
	return p, nil
}

// demoEditionItems is how many texts the demo's edition holds.
const demoEditionItems = 8

// demoEdition approves this week's edition of an editorial digest, sent to
// nobody, so that /editions has one to show. The sample's texts were all
// published before this week, so the draft the rules select is short:
// staff would add texts found by search, and the demo adds the newest of
// the digest's texts over the sample (archived as period p above).
func demoEdition(ctx context.Context, n *digest.Notifier, id string, p, week digest.Period) error {
	ed, err := n.Edition(ctx, id, week)
	if err != nil {
		return err
	}
	all, err := n.Archived(ctx, id, p.Key)
	if err != nil {
		return err
	}
	items := slices.Clone(all.Items)
	slices.SortStableFunc(items, func(a, b veille.Item) int { return b.Published.Compare(a.Published) })
	for _, it := range items {
		if len(ed.Items) >= demoEditionItems {
			break
		}
		if !slices.ContainsFunc(ed.Items, func(e store.EditionItem) bool { return e.ID == it.ID }) {
			ed.Items = append(ed.Items, store.EditionItem{ID: it.ID})
		}
	}
	if ed, err = n.SaveEdition(ctx, id, week, ed, whoDemo); err != nil {
		return err
	}
	res, _, err := n.ApproveEdition(ctx, id, week, whoDemo)
	if err != nil {
		return err
	}
	if len(res.Recipients) > 0 {
		return fmt.Errorf("%d recipients; a demo must not send", len(res.Recipients))
	}
	return nil
}

// whoDemo is who the demo's edition says approved it.
const whoDemo = "veille demo"

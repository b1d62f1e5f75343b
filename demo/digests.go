package demo

import (
	"context"
	"errors"
	"fmt"
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
	n, err := digest.New(digest.Options{Config: quiet, Store: st, Mailer: noMail{}, Now: func() time.Time { return now },
		Getenv: func(string) string { return "" }})
	if err != nil {
		return p, fmt.Errorf("demo digests: %w", err)
	}
	for _, dg := range quiet.Digests {
		res, err := n.SendDigest(ctx, dg.ID, p)
		if err != nil {
			return p, fmt.Errorf("demo digest %s: %w", dg.ID, err)
		}
		if len(res.Recipients) > 0 {
			// Never: the config above has no address. Said loudly if it changes.
			return p, fmt.Errorf("demo digest %s: %d recipients; a demo must not send", dg.ID, len(res.Recipients))
		}
	}
	return p, nil
}

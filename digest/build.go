package digest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/text"
	"github.com/nogentech/veille/store"
)

// Digest is what one digest contains for one period, in no language: the
// items, the competences it is grouped by, and the coverage of the
// sources. It is archived as sent, so the archive page and a resend after
// a crash show exactly the same thing; labels and dates are put in a
// language only when it is rendered.
type Digest struct {
	ID     string    `json:"id"`
	Period Period    `json:"period"`
	Built  time.Time `json:"built"`
	// Competences are the groups, in order; an item is listed under each
	// of them it has, and under "general" when it has none of them.
	Competences []string `json:"competences"`
	// General is false when items without one of Competences are left out
	// (a member's cut).
	General  bool             `json:"general"`
	Items    []veille.Item    `json:"items"`
	Coverage []SourceCoverage `json:"coverage"`
	// RecordSince is the watch's first recorded check (zero when none was
	// ever made): a period starting before it was not watched, and the
	// digest says so at the top.
	RecordSince time.Time `json:"record_since"`
	// Older counts the items the digest would have listed, found during
	// the period but published long before it, and so left out.
	Older int `json:"older"`
	// Member is set on a member's cut.
	Member *veille.Member `json:"member,omitempty"`
	// Deadlines are the dates in the 90 days after the period that
	// concern the digest's readers (digest/deadlines.go).
	Deadlines []Deadline `json:"deadlines,omitempty"`
	// Edition is set on an editorial digest's approved edition: Items
	// are then in staff's order (digest/edition.go).
	Edition *EditionContent `json:"edition,omitempty"`
	// Overdue are the member's register actions late on the day its copy
	// is sent (digest/overdue.go); only on a member's copy.
	Overdue []OverdueAction `json:"overdue,omitempty"`
}

// Coverage states of a source over a period, from the record of attempts.
const (
	CoverageOK         = "ok"          // checked and answered at least once in the period
	CoverageFailed     = "failed"      // checked in the period, every check failed
	CoverageNotChecked = "not-checked" // no check in the period
)

// States of digests archived before the record of attempts existed, which
// still have to render.
const (
	coverageStaleOld      = "stale"
	coverageNeverOld      = "never"
	coverageNotCheckedOld = "not_checked"
)

// SourceCoverage says whether the watch really looked at a source during
// the period.
type SourceCoverage struct {
	Source string `json:"source"`
	Name   string `json:"name"`
	State  string `json:"state"`
	// Checks counts the attempts in the period, FailedChecks those that failed.
	Checks       int `json:"checks"`
	FailedChecks int `json:"failed_checks"`
	// LastCheck is the last attempt in the period; Status and Error are its outcome.
	LastCheck time.Time `json:"last_check"`
	Status    int       `json:"http_status,omitempty"`
	Error     string    `json:"error,omitempty"`
	// LastAttempt and LastSuccess are the source's last ones at build time,
	// in or after the period.
	LastAttempt time.Time `json:"last_attempt"`
	LastSuccess time.Time `json:"last_success"`
	Failures    int       `json:"failures"`
	// New is the number of items (of any topic) the source brought in the period.
	New int `json:"new"`
}

// backlog is how far before a period an item may have been published and
// still be news for it. A source added today brings years of archives,
// first seen today: they are searchable, but no digest should list them.
const backlog = 14 * 24 * time.Hour

// summaryBytes bounds the summary kept in an archived digest: the mail
// shows two lines, the item page has the rest.
const summaryBytes = 600

// build makes dg's digest of period p from what the watch found in it.
func (a *Archive) build(ctx context.Context, dg veille.Digest, p Period) (*Digest, error) {
	states, err := a.st.FetchStates(ctx)
	if err != nil {
		return nil, fmt.Errorf("digest %s: source states: %w", dg.ID, err)
	}
	d := &Digest{ID: dg.ID, Period: p, Built: a.now().UTC(), General: true, Items: []veille.Item{}}
	d.Competences = dg.Competences
	if len(d.Competences) == 0 {
		for _, c := range a.cfg.Competences {
			d.Competences = append(d.Competences, c.ID)
		}
	}
	sel, err := a.selectPeriod(ctx, dg.Domains, dg.Competences, p.Since.UTC(), p.Until.UTC(), p.Since.Add(-backlog))
	if err != nil {
		return nil, fmt.Errorf("digest %s: items of %s: %w", dg.ID, p.Key, err)
	}
	d.Older = sel.older
	for _, it := range sel.items {
		d.Items = append(d.Items, trimItem(it))
	}
	var ids []string
	for _, src := range a.cfg.Sources {
		if !src.Disabled {
			ids = append(ids, src.ID)
		}
	}
	attempts, err := a.st.Attempts(ctx, ids, p.Since.UTC(), p.Until.UTC())
	if err != nil {
		return nil, fmt.Errorf("digest %s: checks of the sources in %s: %w", dg.ID, p.Key, err)
	}
	if d.RecordSince, err = a.st.FirstAttempt(ctx); err != nil {
		return nil, fmt.Errorf("digest %s: first check: %w", dg.ID, err)
	}
	d.Coverage = coverage(a.cfg, states, attempts, sel.newBySource)
	if d.Deadlines, err = a.deadlines(ctx, dg, p); err != nil {
		return nil, err
	}
	return d, nil
}

// trimItem drops what a digest never shows, so the archive stays small.
func trimItem(it veille.Item) veille.Item {
	if it.Summary == "" {
		it.Summary = it.Content
	}
	it.Summary = text.Clip(text.Fold(it.Summary), summaryBytes)
	it.Content, it.HTML = "", ""
	return it
}

// coverage is each enabled source's record over the period, problems
// first.
func coverage(cfg veille.Config, states map[string]veille.FetchState, attempts map[string]store.AttemptSummary,
	newBySource map[string]int) []SourceCoverage {
	var out []SourceCoverage
	for _, src := range cfg.Sources {
		if src.Disabled {
			continue
		}
		st, a := states[src.ID], attempts[src.ID]
		c := SourceCoverage{Source: src.ID, Name: src.Name, Checks: a.Checks, FailedChecks: a.Checks - a.OK,
			LastCheck: a.Last, Status: a.LastStatus, LastAttempt: st.LastAttempt, LastSuccess: st.LastSuccess,
			Failures: st.Failures, New: newBySource[src.ID]}
		if c.Name == "" {
			c.Name = src.ID
		}
		switch {
		case a.Checks == 0:
			c.State = CoverageNotChecked
		case a.OK == 0:
			c.State = CoverageFailed
			// The row names the source already: the crawler's "source ID: " goes.
			c.Error = text.Clip(text.Fold(strings.TrimPrefix(a.LastError, "source "+src.ID+": ")), 200)
		default:
			c.State = CoverageOK
		}
		out = append(out, c)
	}
	// Problems first: they are what the commission must see.
	rank := map[string]int{CoverageFailed: 0, CoverageNotChecked: 1, CoverageOK: 2}
	sort.SliceStable(out, func(i, j int) bool { return rank[out[i].State] < rank[out[j].State] })
	return out
}

// Cut is the digest restricted to a member's competences: only items that
// concern one of them, grouped by them.
func (d *Digest) Cut(m veille.Member) *Digest {
	c := *d
	c.Member = &m
	c.General = false
	c.Competences = nil
	for _, id := range d.Competences {
		if slices.Contains(m.Competences, id) {
			c.Competences = append(c.Competences, id)
		}
	}
	if len(d.Competences) == 0 {
		c.Competences = m.Competences
	}
	c.Deadlines = cutDeadlines(d.Deadlines, c.Competences)
	c.Items = []veille.Item{}
	for _, it := range d.Items {
		if intersects(c.Competences, it.Competences) {
			c.Items = append(c.Items, it)
		}
	}
	return &c
}

// ItemIDs lists the digest's items, the list the ledger freezes.
func (d *Digest) ItemIDs() []string {
	ids := make([]string, len(d.Items))
	for i, it := range d.Items {
		ids[i] = it.ID
	}
	return ids
}

package digest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/store"
)

// Alert batching modes.
const (
	BatchItem  = "item"  // one message per item
	BatchCrawl = "crawl" // one message per run with every new matching item
)

// alertLag is how far back each alert run looks again behind its
// watermark. An item's first-seen time is taken before its crawl's commit,
// so a run can miss an item committed a moment after it looked; looking
// again over the last minutes catches it, and the ledger's per-item claim
// makes the second look send nothing twice.
const alertLag = 10 * time.Minute

// alertBacklog: an item first seen now but published more than this
// before is the back catalogue of a new source, not news to alert on
// (it is in the index and in the next digests' coverage, not in mails).
const alertBacklog = 30 * 24 * time.Hour

// maxItemMails caps the per-item mails of one rule in one run; beyond it
// the run's items go in one message, so a new source cannot bury an inbox.
const maxItemMails = 20

// Match is an item matching an alert rule, with why.
type Match struct {
	Item veille.Item
	// Terms are the words of the rule's query found in the item.
	Terms []string
}

// AlertConfig returns the configured alert id.
func (n *Notifier) AlertConfig(id string) (veille.Alert, error) {
	for _, a := range n.o.Config.Alerts {
		if a.ID == id {
			return a, nil
		}
	}
	var ids []string
	for _, a := range n.o.Config.Alerts {
		ids = append(ids, a.ID)
	}
	return veille.Alert{}, fmt.Errorf("alert %q: %w (alerts: %s)", id, ErrUnknown, strings.Join(ids, ", "))
}

// AlertRun is what one evaluation of the rules did.
type AlertRun struct {
	Evaluated int            // new items looked at
	Matched   map[string]int // rule → items that matched and were not alerted yet
	Tally
}

func watermarkName(alert string) string { return "alert:" + alert }

// RunAlerts evaluates every rule on the items first seen since its
// watermark and sends what matches, once per item and recipient. A rule
// seen for the first time starts now: adding it never floods. It is cheap
// when there is nothing new, so it can run after every crawl and often.
func (n *Notifier) RunAlerts(ctx context.Context) (AlertRun, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	run := AlertRun{Matched: map[string]int{}}
	for _, rule := range n.o.Config.Alerts {
		if err := n.runAlert(ctx, rule, &run); err != nil {
			return run, fmt.Errorf("alert %s: %w", rule.ID, err)
		}
	}
	return run, nil
}

func (n *Notifier) runAlert(ctx context.Context, rule veille.Alert, run *AlertRun) error {
	now := n.now()
	// The rule's start never moves: items first seen before it are not its
	// business. Its watermark is how far it has looked.
	start, err := n.o.Store.InitWatermark(ctx, "alert-start:"+rule.ID, now)
	if err != nil {
		return err
	}
	wm, err := n.o.Store.InitWatermark(ctx, watermarkName(rule.ID), start)
	if err != nil {
		return err
	}
	from := wm.Add(-alertLag)
	if from.Before(start) {
		from = start
	}
	sel, err := selectFirstSeen(ctx, n.o.Store, rule.Domains, rule.Competences, from, now.Add(time.Nanosecond),
		func(s store.Selected) bool {
			return s.Published.IsZero() || !s.Published.Before(s.FirstSeen.Add(-alertBacklog))
		})
	if err != nil {
		return err
	}
	run.Evaluated += sel.seen
	cands := sel.items
	matches, missing, err := n.match(ctx, rule, cands)
	if err != nil {
		return err
	}
	// Advance to now, or to just before the first item the index does not
	// have yet: its query cannot be evaluated until the index catches up.
	next := now
	for _, it := range cands {
		if missing[it.ID] && it.FirstSeen.Before(next) {
			next = it.FirstSeen
		}
	}
	if len(matches) > 0 {
		if err := n.sendAlert(ctx, rule, matches, run); err != nil {
			return err
		}
	}
	if next.After(wm) {
		return n.o.Store.AdvanceWatermark(ctx, watermarkName(rule.ID), next)
	}
	return nil
}

// match evaluates the rule's query on the candidates. Without a query
// every candidate matches. With one, the index judges the candidates
// themselves (one MatchIDs call); an item the index does not have yet is
// reported missing, not unmatched.
func (n *Notifier) match(ctx context.Context, rule veille.Alert, cands []veille.Item) ([]Match, map[string]bool, error) {
	missing := map[string]bool{}
	if strings.TrimSpace(rule.Query) == "" || strings.TrimSpace(rule.Query) == "*" {
		out := make([]Match, len(cands))
		for i, it := range cands {
			out[i] = Match{Item: it}
		}
		return out, missing, nil
	}
	if n.o.Index == nil {
		return nil, nil, fmt.Errorf("rule has a query but no index is open")
	}
	ids := make([]string, len(cands))
	for i, it := range cands {
		ids[i] = it.ID
	}
	found, err := n.o.Index.MatchIDs(ctx, veille.SearchRequest{Query: rule.Query, Domains: rule.Domains,
		Competences: rule.Competences}, ids)
	if err != nil {
		return nil, nil, fmt.Errorf("query %q: %w", rule.Query, err)
	}
	var out []Match
	for _, it := range cands {
		if found.Matched(it.ID) {
			out = append(out, Match{Item: it, Terms: found.Terms[it.ID]})
		} else if !found.Present[it.ID] {
			missing[it.ID] = true
		}
	}
	return out, missing, nil
}

// StartRules records, for each rule not seen before, that it starts now.
// Called before a crawl, it makes the crawl's new items count for a rule
// added since the last run, while items seen before still never do.
func (n *Notifier) StartRules(ctx context.Context) error {
	now := n.now()
	for _, rule := range n.o.Config.Alerts {
		start, err := n.o.Store.InitWatermark(ctx, "alert-start:"+rule.ID, now)
		if err != nil {
			return err
		}
		if _, err := n.o.Store.InitWatermark(ctx, watermarkName(rule.ID), start); err != nil {
			return err
		}
	}
	return nil
}

package digest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/text"
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
	var cands []veille.Item
	evaluated := 0
	// One item at a time: only the candidates stay in memory.
	err = n.o.Store.EachItemFirstSeen(ctx, from, now.Add(time.Nanosecond), func(it veille.Item) error {
		evaluated++
		if !it.Published.IsZero() && it.Published.Before(it.FirstSeen.Add(-alertBacklog)) {
			return nil
		}
		if selects(rule.Domains, rule.Competences, it) {
			cands = append(cands, it)
		}
		return nil
	})
	if err != nil {
		return err
	}
	run.Evaluated += evaluated
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
// every candidate matches. With one, the index answers, restricted to each
// candidate's date; an item the index does not have yet is reported
// missing, not unmatched.
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
	terms, present, err := n.queryMatches(ctx, rule, cands)
	if err != nil {
		return nil, nil, err
	}
	var out []Match
	for _, it := range cands {
		if t, ok := terms[it.ID]; ok {
			out = append(out, Match{Item: it, Terms: t})
		} else if !present[it.ID] {
			missing[it.ID] = true
		}
	}
	return out, missing, nil
}

var markRE = regexp.MustCompile(`(?s)<mark>(.*?)</mark>`)

// queryMatches runs the rule's query over the dates of the candidates and
// keeps the hits among them, with the words highlighted in their snippets.
// present lists the candidates the index has at all.
func (n *Notifier) queryMatches(ctx context.Context, rule veille.Alert, cands []veille.Item) (map[string][]string, map[string]bool, error) {
	want := map[string]bool{}
	var dates []time.Time
	for _, it := range cands {
		want[it.ID] = true
		d := indexDate(it)
		if d.IsZero() {
			continue
		}
		if !slices.ContainsFunc(dates, d.Equal) {
			dates = append(dates, d)
		}
	}
	terms := map[string][]string{}
	present := map[string]bool{}
	for _, d := range dates {
		for _, q := range []string{rule.Query, ""} {
			req := veille.SearchRequest{Query: q, Domains: rule.Domains, Competences: rule.Competences,
				Since: d, Until: d.Add(time.Millisecond), Sort: "date", NoFacets: true, NoHighlight: q == "", Limit: 500}
			for {
				res, err := n.o.Index.Search(ctx, req)
				if err != nil {
					return nil, nil, fmt.Errorf("query %q: %w", q, err)
				}
				for _, h := range res.Hits {
					if !want[h.ID] {
						continue
					}
					present[h.ID] = true
					if q != "" {
						terms[h.ID] = markedTerms(h.Snippet)
					}
				}
				req.Offset += len(res.Hits)
				if len(res.Hits) == 0 || uint64(req.Offset) >= res.Total {
					break
				}
			}
		}
	}
	return terms, present, nil
}

// indexDate is the date the index files an item under (published, else
// first seen), in the range Bleve can store.
func indexDate(it veille.Item) time.Time {
	d := it.DisplayDate()
	if d.IsZero() || d.Year() <= 1677 || d.Year() >= 2262 {
		return time.Time{}
	}
	return d.UTC()
}

func markedTerms(snippet string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range markRE.FindAllStringSubmatch(snippet, -1) {
		w := strings.ToLower(strings.TrimSpace(m[1]))
		if w != "" && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// alertRecipient is an address or the rule's webhook.
type alertRecipient struct {
	addr    string
	channel string
}

func alertRecipients(rule veille.Alert) []alertRecipient {
	var out []alertRecipient
	seen := map[string]bool{}
	for _, a := range rule.To {
		a = strings.TrimSpace(a)
		if a != "" && !seen[strings.ToLower(a)] {
			seen[strings.ToLower(a)] = true
			out = append(out, alertRecipient{a, ChannelEmail})
		}
	}
	if w := strings.TrimSpace(rule.Webhook); w != "" {
		out = append(out, alertRecipient{w, ChannelWebhook})
	}
	return out
}

// sendAlert claims and sends the matches to each recipient, skipping the
// items a recipient already got from this rule.
func (n *Notifier) sendAlert(ctx context.Context, rule veille.Alert, matches []Match, run *AlertRun) error {
	sort.SliceStable(matches, func(i, j int) bool { return matches[i].Item.FirstSeen.Before(matches[j].Item.FirstSeen) })
	counted := false
	for _, rc := range alertRecipients(rule) {
		ids := make([]string, len(matches))
		for i, m := range matches {
			ids[i] = m.Item.ID
		}
		done, err := n.o.Store.ClaimedItems(ctx, KindAlert, rule.ID, rc.addr, ids)
		if err != nil {
			return err
		}
		var todo []Match
		for _, m := range matches {
			if !done[m.Item.ID] {
				todo = append(todo, m)
			}
		}
		if len(todo) == 0 {
			continue
		}
		if !counted {
			run.Matched[rule.ID] += len(todo)
			counted = true
		}
		var batches [][]Match
		if rule.Batch == BatchCrawl || len(todo) > maxItemMails {
			batches = [][]Match{todo}
		} else {
			for _, m := range todo {
				batches = append(batches, []Match{m})
			}
		}
		for _, b := range batches {
			if err := n.claimAndSendAlert(ctx, rule, rc, b, run); err != nil {
				return err
			}
		}
	}
	return nil
}

func (n *Notifier) claimAndSendAlert(ctx context.Context, rule veille.Alert, rc alertRecipient, b []Match, run *AlertRun) error {
	ids := make([]string, len(b))
	for i, m := range b {
		ids[i] = m.Item.ID
	}
	period := ids[0]
	if len(ids) > 1 {
		sorted := slices.Sorted(slices.Values(ids))
		sum := sha256.Sum256([]byte(strings.Join(sorted, ",")))
		period = "crawl-" + hex.EncodeToString(sum[:8])
	}
	subject := alertSubject(n.langFor(rc.addr, rule.Lang), b)
	return n.claimAndDeliver(ctx, store.Delivery{Kind: KindAlert, Ref: rule.ID, Period: period,
		Recipient: rc.addr, Channel: rc.channel, MessageID: n.MessageID(KindAlert, rule.ID, period, rc.addr),
		Subject: subject, ItemIDs: ids, ClaimedAt: n.now(), OncePerItem: true},
		func(row store.Delivery) (payload, error) { return n.alertPayloadFor(ctx, row, b) }, &run.Tally)
}

// Tally counts what one run of alerts or saved searches delivered.
type Tally struct {
	Sent, Pending, Failed int
}

func (t *Tally) count(status string) {
	switch status {
	case store.DeliverySent:
		t.Sent++
	case store.DeliveryFailed:
		t.Failed++
	default:
		t.Pending++
	}
}

// claimAndDeliver claims a once-per-item delivery in the ledger and sends
// it when this run holds it: a new claim, or a pending one whose retry time
// has come. Items another run claimed meanwhile are its to send.
func (n *Notifier) claimAndDeliver(ctx context.Context, d store.Delivery, build func(store.Delivery) (payload, error), t *Tally) error {
	row, fresh, err := n.o.Store.ClaimDelivery(ctx, d)
	if errors.Is(err, store.ErrItemClaimed) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := n.step(stepClaimed); err != nil {
		return err
	}
	if !fresh && (row.Status != store.DeliveryPending || row.NextAttempt.After(n.now())) {
		return nil
	}
	st, err := n.deliver(ctx, row, func() (payload, error) { return build(row) })
	if err != nil {
		return err
	}
	t.count(st)
	return nil
}

func alertSubject(lang string, b []Match) string {
	if len(b) == 1 {
		return Subject("[" + t(lang, "alert") + "] " + oneLine(b[0].Item.Title))
	}
	return Subject(fmt.Sprintf("[%s] %d %s", t(lang, "alert"), len(b), t(lang, "new_items")))
}

// alertPayload rebuilds an alert delivery from the ledger (a resend after
// a crash or a retry): the frozen items, read back from the store, matched
// again for their terms.
func (n *Notifier) alertPayload(ctx context.Context, row store.Delivery) (payload, error) {
	rule, err := n.AlertConfig(row.Ref)
	if err != nil {
		return payload{}, err
	}
	var items []veille.Item
	for _, id := range row.ItemIDs {
		it, err := n.o.Store.Item(ctx, id)
		if err != nil {
			return payload{}, err
		}
		items = append(items, it)
	}
	ms, _, err := n.match(ctx, rule, items)
	if err != nil {
		// The terms only explain; the items are what must arrive.
		n.o.Logger.Warn("alert resend: matched terms unavailable", "alert", rule.ID, "err", err)
		ms = nil
		for _, it := range items {
			ms = append(ms, Match{Item: it})
		}
	}
	byID := map[string]Match{}
	for _, m := range ms {
		byID[m.Item.ID] = m
	}
	var b []Match
	for _, it := range items {
		m, ok := byID[it.ID]
		if !ok {
			m = Match{Item: it}
		}
		b = append(b, m)
	}
	return n.alertPayloadFor(ctx, row, b)
}

func (n *Notifier) alertPayloadFor(_ context.Context, row store.Delivery, b []Match) (payload, error) {
	rule, err := n.AlertConfig(row.Ref)
	if err != nil {
		return payload{}, err
	}
	if row.Channel == ChannelWebhook {
		var secret []byte
		if rule.SecretEnv != "" {
			s := n.o.Getenv(rule.SecretEnv)
			if s == "" {
				return payload{}, fmt.Errorf("alert %s: webhook secret variable %s is empty", rule.ID, rule.SecretEnv)
			}
			secret = []byte(s)
		}
		body, err := json.Marshal(n.webhookBody(rule, row, b))
		if err != nil {
			return payload{}, err
		}
		return payload{webhook: &webhookPayload{id: row.MessageID, url: row.Recipient, event: "alert", secret: secret, body: body}}, nil
	}
	lang := n.langFor(row.Recipient, rule.Lang)
	r, err := RenderAlert(n.o.Config, rule, b, lang, n.o.BaseURL)
	if err != nil {
		return payload{}, err
	}
	return payload{mail: &Mail{From: n.o.Config.SMTP.From, To: row.Recipient, Subject: row.Subject, MessageID: row.MessageID,
		Date: row.ClaimedAt, Text: r.Text, HTML: r.HTML}}, nil
}

// WebhookBody is the JSON POSTed to an alert's webhook.
type WebhookBody struct {
	Event    string        `json:"event"` // "alert"
	Alert    string        `json:"alert"`
	Delivery string        `json:"delivery"` // stable across retries
	Created  time.Time     `json:"created"`
	Items    []WebhookItem `json:"items"`
}

// WebhookItem is one alerted item.
type WebhookItem struct {
	ID          string              `json:"id"`
	Title       string              `json:"title"`
	Link        string              `json:"link"`
	URL         string              `json:"url,omitempty"` // the item page in the watch
	Source      string              `json:"source"`
	Published   *time.Time          `json:"published,omitempty"`
	FirstSeen   time.Time           `json:"first_seen"`
	Lang        string              `json:"lang"`
	Summary     string              `json:"summary"`
	Domains     []string            `json:"domains"`
	Competences []string            `json:"competences"`
	Why         map[string][]string `json:"why"`
	Matched     []string            `json:"matched_terms"`
}

func (n *Notifier) webhookBody(rule veille.Alert, row store.Delivery, b []Match) WebhookBody {
	wb := WebhookBody{Event: "alert", Alert: rule.ID, Delivery: row.MessageID, Created: row.ClaimedAt.UTC()}
	for _, m := range b {
		it := m.Item
		wi := WebhookItem{ID: it.ID, Title: it.Title, Link: it.Link, URL: itemURL(n.o.BaseURL, it.ID), Source: it.Source,
			FirstSeen: it.FirstSeen.UTC(), Lang: it.Lang, Summary: text.Clip(text.Fold(text.FirstNonEmpty(it.Summary, it.Content)), 1000),
			Domains: nonNil(it.Domains), Competences: nonNil(it.Competences), Why: it.Why, Matched: nonNil(m.Terms)}
		if !it.Published.IsZero() {
			p := it.Published.UTC()
			wi.Published = &p
		}
		if wi.Why == nil {
			wi.Why = map[string][]string{}
		}
		wb.Items = append(wb.Items, wi)
	}
	return wb
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// AlertTest is what a rule would have sent over past items.
type AlertTest struct {
	Rule    veille.Alert
	Since   time.Time
	Total   uint64
	Matches []Match
	Mails   int // messages it would have sent (per recipient)
}

// TestAlert runs a rule over the items published in the last days,
// without recording or sending anything, so it can be tuned before it is
// enabled.
func (n *Notifier) TestAlert(ctx context.Context, id string, days int) (AlertTest, error) {
	rule, err := n.AlertConfig(id)
	if err != nil {
		return AlertTest{}, err
	}
	if days <= 0 {
		return AlertTest{}, fmt.Errorf("days must be positive (got %d)", days)
	}
	if n.o.Index == nil {
		return AlertTest{}, errors.New("alert test needs the index")
	}
	since := n.now().Add(-time.Duration(days) * 24 * time.Hour)
	at := AlertTest{Rule: rule, Since: since}
	req := veille.SearchRequest{Query: rule.Query, Domains: rule.Domains, Competences: rule.Competences, Since: since,
		Sort: "date", NoFacets: true, Limit: 1000}
	for {
		res, err := n.o.Index.Search(ctx, req)
		if err != nil {
			return at, err
		}
		at.Total = res.Total
		for _, h := range res.Hits {
			it, err := n.o.Store.Item(ctx, h.ID)
			if err != nil {
				return at, err
			}
			at.Matches = append(at.Matches, Match{Item: it, Terms: markedTerms(h.Snippet)})
		}
		req.Offset += len(res.Hits)
		if len(res.Hits) == 0 || uint64(req.Offset) >= res.Total {
			break
		}
	}
	if rule.Batch == BatchCrawl {
		// One message per day of first sight is the closest a replay gets
		// to one per crawl.
		days := map[string]bool{}
		for _, m := range at.Matches {
			days[m.Item.DisplayDate().Format(time.DateOnly)] = true
		}
		at.Mails = len(days)
	} else {
		at.Mails = len(at.Matches)
	}
	return at, nil
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

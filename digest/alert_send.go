package digest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nogentech/veille/internal/i18n"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/text"
	"github.com/nogentech/veille/store"
)

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

func alertSubject(lang i18n.Lang, b []Match) string {
	if len(b) == 1 {
		return Subject("[" + lang.T("mail.alert") + "] " + oneLine(b[0].Item.Title))
	}
	return Subject(fmt.Sprintf("[%s] %d %s", lang.T("mail.alert"), len(b), lang.T("mail.new_items")))
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

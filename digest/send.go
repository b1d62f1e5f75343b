package digest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/store"
)

// Ledger kinds and channels.
const (
	KindDigest = "digest"
	KindAlert  = "alert"
	// KindReminder is the mail to staff about an edition held at its send time.
	KindReminder   = "reminder"
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"
)

// ErrUnknown is returned for a digest or alert id the config lacks.
var ErrUnknown = errors.New("not in the config")

// DigestConfig returns the configured digest id.
func (n *Notifier) DigestConfig(id string) (veille.Digest, error) { return n.a.DigestConfig(id) }

// Preview builds a digest for a period without recording or sending
// anything (Archive.Preview).
func (n *Notifier) Preview(ctx context.Context, id string, p Period) (*Digest, veille.Digest, error) {
	return n.a.Preview(ctx, id, p)
}

// Archived returns the digest as it was first built for a period, or
// store.ErrNotFound.
func (n *Notifier) Archived(ctx context.Context, id, period string) (*Digest, error) {
	return n.a.Archived(ctx, id, period)
}

func (n *Notifier) build(ctx context.Context, dg veille.Digest, p Period) (*Digest, error) {
	return n.a.build(ctx, dg, p)
}

// RecipientResult is what happened for one recipient of a digest.
type RecipientResult struct {
	Address   string `json:"address"`
	Member    string `json:"member,omitempty"`
	Items     int    `json:"items"`
	Status    string `json:"status"`
	New       bool   `json:"new"` // claimed by this run (false: the ledger had it)
	MessageID string `json:"message_id"`
	Error     string `json:"error,omitempty"`
}

// DigestResult is the outcome of SendDigest.
type DigestResult struct {
	Digest     string            `json:"digest"`
	Period     Period            `json:"period"`
	Items      int               `json:"items"`
	Recipients []RecipientResult `json:"recipients"`
}

// SendDigest sends digest id for period p to everyone it goes to, once:
// the digest is archived as first built, each recipient's message is
// claimed in the ledger before it is sent and marked after. Calling it
// again for the same period sends only what is still pending.
//
// An editorial digest sends the commission's edition: SendDigest approves
// the draft as it stands (the command line's `veille digest`), then sends.
func (n *Notifier) SendDigest(ctx context.Context, id string, p Period) (DigestResult, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	dg, err := n.DigestConfig(id)
	if err != nil {
		return DigestResult{}, err
	}
	if dg.Editorial {
		res, _, err := n.approveAndSend(ctx, dg, p, WhoCommand)
		return res, err
	}
	return n.sendDigest(ctx, dg, p)
}

// sendDigest is SendDigest with n.mu held: the digest's period goes to its
// scheduled recipients (Recipients).
func (n *Notifier) sendDigest(ctx context.Context, dg veille.Digest, p Period) (DigestResult, error) {
	rs, err := n.Recipients(ctx, dg)
	if err != nil {
		return DigestResult{}, err
	}
	return n.sendDigestTo(ctx, dg, p, rs)
}

// sendDigestTo sends period p of dg to rs, once each.
func (n *Notifier) sendDigestTo(ctx context.Context, dg veille.Digest, p Period, rs []Recipient) (DigestResult, error) {
	id := dg.ID
	d, err := n.archive(ctx, dg, p)
	if err != nil {
		return DigestResult{}, err
	}
	res := DigestResult{Digest: id, Period: d.Period, Items: len(d.Items)}
	for _, r := range rs {
		cut := d
		rr := RecipientResult{Address: r.Address}
		if r.Member != nil {
			cut = d.Cut(*r.Member)
			rr.Member = r.Member.ID
		}
		rr.Items = len(cut.Items)
		// The mail itself is rendered once, by digestPayload, from what the
		// claim froze: the first send and a resend are the same message.
		claim := store.Delivery{Kind: KindDigest, Ref: id, Period: d.Period.Key, Recipient: r.Address, Channel: ChannelEmail,
			MessageID: n.MessageID(KindDigest, id, d.Period.Key, r.Address), Subject: digestSubject(n.o.Config, dg, cut, r.Lang),
			ItemIDs: cut.ItemIDs(), ClaimedAt: n.now()}
		if len(cut.Items) == 0 && !dg.SendEmpty {
			claim.Status = store.DeliverySkipped
		}
		row, fresh, err := n.o.Store.ClaimDelivery(ctx, claim)
		if err != nil {
			return res, err
		}
		rr.New, rr.MessageID, rr.Status = fresh, row.MessageID, row.Status
		if err := n.step(stepClaimed); err != nil {
			return res, err
		}
		if row.Status == store.DeliveryPending && (fresh || !row.NextAttempt.After(n.now())) {
			rr.Status, err = n.deliver(ctx, row, func() (payload, error) { return n.digestPayload(ctx, row) })
			if err != nil {
				return res, err
			}
		}
		if rr.Status == store.DeliveryFailed {
			rows, err := n.o.Store.Deliveries(ctx, store.DeliveryFilter{Kind: KindDigest, Ref: id, Period: d.Period.Key,
				Recipient: r.Address, Limit: 1})
			if err != nil {
				return res, fmt.Errorf("digest %s: read the failed delivery to %s: %w", id, r.Address, err)
			}
			if len(rows) == 1 {
				rr.Error = rows[0].LastError
			}
		}
		res.Recipients = append(res.Recipients, rr)
	}
	return res, nil
}

// archive returns the period's digest as first built, building and
// keeping it now if it was never built.
func (n *Notifier) archive(ctx context.Context, dg veille.Digest, p Period) (*Digest, error) {
	if d, err := n.Archived(ctx, dg.ID, p.Key); err == nil {
		return d, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	var d *Digest
	var err error
	if dg.Editorial {
		d, err = n.editionDigest(ctx, dg, p)
	} else {
		d, err = n.build(ctx, dg, p)
	}
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("digest %s: encode: %w", dg.ID, err)
	}
	if _, err := n.o.Store.ArchiveDigest(ctx, store.ArchivedDigest{Digest: dg.ID, Period: p.Key, Built: d.Built, Data: data}); err != nil {
		return nil, err
	}
	// Read back: if another run archived first, its version is the one.
	return n.Archived(ctx, dg.ID, p.Key)
}

// digestPayload rebuilds a digest delivery's mail from the archive and the
// frozen item list, so a resend is the message the claim promised.
func (n *Notifier) digestPayload(ctx context.Context, row store.Delivery) (payload, error) {
	dg, err := n.DigestConfig(row.Ref)
	if err != nil {
		return payload{}, err
	}
	d, err := n.Archived(ctx, row.Ref, row.Period)
	if err != nil {
		return payload{}, err
	}
	lang := n.langFor(row.Recipient, dg.Lang)
	cut := d
	if !slices.ContainsFunc(dg.To, func(a string) bool { return strings.EqualFold(strings.TrimSpace(a), row.Recipient) }) {
		if m, ok := n.memberByEmail(row.Recipient); ok {
			r, _, err := n.memberRecipient(ctx, dg, m)
			if err != nil {
				return payload{}, err
			}
			cut, lang = d.Cut(*r.Member), r.Lang
		}
	}
	frozen := map[string]bool{}
	for _, id := range row.ItemIDs {
		frozen[id] = true
	}
	c := *cut
	c.Items = nil
	for _, it := range d.Items {
		if frozen[it.ID] {
			c.Items = append(c.Items, it)
		}
	}
	if c.Member != nil {
		if c.Overdue, err = n.overdue(ctx, c.Member.ID, row.ClaimedAt); err != nil {
			return payload{}, err
		}
	}
	r, err := RenderDigest(n.o.Config, dg, &c, lang, n.o.BaseURL)
	if err != nil {
		return payload{}, err
	}
	return payload{mail: &Mail{From: n.o.Config.SMTP.From, To: row.Recipient, Subject: r.Subject, MessageID: row.MessageID,
		Date: row.ClaimedAt, Text: r.Text, HTML: r.HTML}}, nil
}

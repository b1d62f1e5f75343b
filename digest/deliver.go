package digest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/nogentech/veille/internal/backoff"
	"github.com/nogentech/veille/store"
)

// The delivery loop: every message, digest, alert, saved search or
// reminder, goes through deliver once the store's ledger holds its claim.

// payload is what one attempt sends.
type payload struct {
	mail    *Mail
	webhook *webhookPayload
}

type webhookPayload struct {
	id     string // the delivery's Message-ID
	url    string
	event  string
	secret []byte
	body   []byte
}

// deliver sends a claimed, pending delivery: each attempt is recorded
// before it starts, success is recorded after the server's answer,
// temporary failures are retried with backoff and then left pending for a
// later run, permanent ones are marked failed. It returns the status the
// delivery is left in; an error means the run must stop (context done,
// store failure), and the delivery stays pending for the next run.
func (n *Notifier) deliver(ctx context.Context, d store.Delivery, build func() (payload, error)) (string, error) {
	p, err := build()
	if err != nil {
		// A delivery that cannot be built (its items vanished, a config
		// problem) would fail the same way forever.
		if merr := n.o.Store.MarkFailed(context.WithoutCancel(ctx), d.ID, oneLine(err.Error())); merr != nil {
			return store.DeliveryPending, merr
		}
		n.o.Logger.Error("delivery cannot be built", "kind", d.Kind, "ref", d.Ref, "period", d.Period, "to", d.Recipient, "err", err)
		return store.DeliveryFailed, nil
	}
	attempts := d.Attempts
	for try := 1; ; try++ {
		if err := ctx.Err(); err != nil {
			return store.DeliveryPending, err
		}
		attempts++
		if err := n.o.Store.StartAttempt(ctx, d.ID, n.now()); err != nil {
			return store.DeliveryPending, err
		}
		if err := n.step(stepAttempt); err != nil {
			return store.DeliveryPending, err
		}
		err := n.send(ctx, p)
		if err == nil {
			if err := n.step(stepSent); err != nil {
				return store.DeliveryPending, err
			}
			// Recorded even if the context ended meanwhile: the message left.
			if err := n.o.Store.MarkSent(context.WithoutCancel(ctx), d.ID, n.now()); err != nil {
				return store.DeliveryPending, err
			}
			n.o.Logger.Info("delivered", "kind", d.Kind, "ref", d.Ref, "period", d.Period, "to", d.Recipient,
				"message_id", d.MessageID, "attempt", attempts)
			return store.DeliverySent, nil
		}
		if ctx.Err() != nil {
			// Stopped mid-send: whether it arrived is unknown, so it stays
			// pending and the next run resends it with the same Message-ID.
			return store.DeliveryPending, ctx.Err()
		}
		msg := oneLine(err.Error())
		wctx := context.WithoutCancel(ctx)
		if !temporary(err) || attempts >= n.o.MaxAttempts {
			if temporary(err) {
				msg = fmt.Sprintf("gave up after %d attempts: %s", attempts, msg)
			}
			if err := n.o.Store.MarkFailed(wctx, d.ID, msg); err != nil {
				return store.DeliveryPending, err
			}
			n.o.Logger.Error("delivery failed", "kind", d.Kind, "ref", d.Ref, "period", d.Period, "to", d.Recipient, "err", msg)
			return store.DeliveryFailed, nil
		}
		wait := n.backoff(attempts)
		if try >= n.o.Attempts {
			if err := n.o.Store.MarkRetry(wctx, d.ID, msg, n.now().Add(wait)); err != nil {
				return store.DeliveryPending, err
			}
			n.o.Logger.Warn("delivery postponed", "kind", d.Kind, "ref", d.Ref, "period", d.Period, "to", d.Recipient,
				"attempts", attempts, "retry_in", wait.Round(time.Second), "err", msg)
			return store.DeliveryPending, nil
		}
		if err := n.o.Store.MarkRetry(wctx, d.ID, msg, n.now().Add(wait)); err != nil {
			return store.DeliveryPending, err
		}
		if err := n.o.Sleep(ctx, wait); err != nil {
			return store.DeliveryPending, err
		}
	}
}

func (n *Notifier) send(ctx context.Context, p payload) error {
	switch {
	case p.mail != nil:
		return n.o.Mailer.Send(ctx, *p.mail)
	case p.webhook != nil:
		w := p.webhook
		return postWebhook(ctx, n.o.HTTPClient, w.url, w.event, w.id, w.secret, w.body)
	}
	return &SendError{Err: errors.New("empty delivery")}
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

// backoff is the pause after the given number of failed attempts, capped,
// with ±10% jitter so that retries to one server spread out.
func (n *Notifier) backoff(failed int) time.Duration {
	d := backoff.Doubling(n.o.Backoff, n.o.MaxBackoff, failed)
	jitter := time.Duration(rand.Int64N(int64(d)/5+1)) - d/10
	return d + jitter
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Resume sends every pending delivery that is due: those a crash
// interrupted and those waiting for a retry.
func (n *Notifier) Resume(ctx context.Context) (int, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.resume(ctx)
}

func (n *Notifier) resume(ctx context.Context) (int, error) {
	due, err := n.o.Store.DueDeliveries(ctx, n.now())
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, row := range due {
		build := func() (payload, error) {
			switch row.Kind {
			case KindDigest:
				return n.digestPayload(ctx, row)
			case KindReminder:
				return n.reminderPayload(ctx, row)
			}
			if row.Kind == KindSaved {
				return n.savedPayload(ctx, row)
			}
			return n.alertPayload(ctx, row)
		}
		st, err := n.deliver(ctx, row, build)
		if err != nil {
			return sent, err
		}
		if st == store.DeliverySent {
			sent++
		}
	}
	return sent, nil
}

// The ledger of deliveries (tables deliveries and delivery_items): every
// message to every recipient, claimed before it is sent so that a digest
// or an alert goes out once. Watermarks and the digest archive, the other
// tables of migration 0002, are in watermarks.go and archive.go.

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Delivery statuses in the ledger.
const (
	DeliveryPending = "pending" // claimed, not yet known to be sent
	DeliverySent    = "sent"
	DeliveryFailed  = "failed"  // a permanent refusal, or too many temporary ones
	DeliverySkipped = "skipped" // decided and nothing to send (an empty digest)
)

// ErrItemClaimed is returned by ClaimDelivery when one of the items it
// claims once per recipient was claimed by another delivery.
var ErrItemClaimed = errors.New("item already claimed for this recipient")

// Delivery is one message to one recipient, as the ledger records it.
type Delivery struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"`   // digest | alert
	Ref       string `json:"ref"`    // digest or alert id
	Period    string `json:"period"` // period key, item id or batch key
	Recipient string `json:"recipient"`
	Channel   string `json:"channel"` // email | webhook
	MessageID string `json:"message_id"`
	Subject   string `json:"subject"`
	// ItemIDs is the frozen list of what the message carries.
	ItemIDs     []string  `json:"item_ids"`
	Status      string    `json:"status"`
	Attempts    int       `json:"attempts"`
	LastError   string    `json:"last_error,omitempty"`
	ClaimedAt   time.Time `json:"claimed_at"`
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	SentAt      time.Time `json:"sent_at,omitzero"`

	// OncePerItem makes the claim also take each item for (Kind, Ref,
	// Recipient), so that no other delivery can carry it again. Not stored.
	OncePerItem bool `json:"-"`
}

const deliveryColumns = `id, kind, ref, period, recipient, channel, message_id, subject, item_ids, status,
	attempts, last_error, claimed_at, last_attempt, next_attempt, sent_at`

// ClaimDelivery records d (status pending unless d.Status says skipped)
// under its key (Kind, Ref, Period, Recipient) before anything is sent.
// When the key is already in the ledger it returns the recorded delivery
// and false: the caller must not send it as new. With OncePerItem, an
// item already claimed by another delivery to the same recipient fails the
// whole claim with ErrItemClaimed and records nothing.
func (s *Store) ClaimDelivery(ctx context.Context, d Delivery) (Delivery, bool, error) {
	if d.Kind == "" || d.Ref == "" || d.Period == "" || d.Recipient == "" || d.MessageID == "" {
		return Delivery{}, false, errors.New("store: claim delivery: kind, ref, period, recipient and message id are required")
	}
	if d.Status == "" {
		d.Status = DeliveryPending
	}
	if d.Status != DeliveryPending && d.Status != DeliverySkipped {
		return Delivery{}, false, fmt.Errorf("store: claim delivery: cannot claim with status %q", d.Status)
	}
	if d.ItemIDs == nil {
		d.ItemIDs = []string{}
	}
	if d.ClaimedAt.IsZero() {
		d.ClaimedAt = s.now()
	}
	d.ClaimedAt = d.ClaimedAt.UTC()
	ids, err := json.Marshal(d.ItemIDs)
	if err != nil {
		return Delivery{}, false, fmt.Errorf("store: claim delivery: %w", err)
	}
	var out Delivery
	claimed := false
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		row := tx.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries
			WHERE kind = ? AND ref = ? AND period = ? AND recipient = ?`, d.Kind, d.Ref, d.Period, d.Recipient)
		existing, err := scanDelivery(row)
		if err == nil {
			out = existing
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var sentAt any
		if d.Status == DeliverySkipped {
			sentAt = formatTime(d.ClaimedAt)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO deliveries (kind, ref, period, recipient, channel, message_id,
			subject, item_ids, status, claimed_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.Kind, d.Ref, d.Period, d.Recipient, d.Channel, d.MessageID, d.Subject, string(ids), d.Status,
			formatTime(d.ClaimedAt), sentAt)
		if err != nil {
			return err
		}
		if d.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if d.OncePerItem {
			for _, id := range d.ItemIDs {
				r, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO delivery_items (kind, ref, recipient, item_id, delivery_id)
					VALUES (?, ?, ?, ?, ?)`, d.Kind, d.Ref, d.Recipient, id, d.ID)
				if err != nil {
					return err
				}
				if n, _ := r.RowsAffected(); n == 0 {
					return fmt.Errorf("%w: %s %s item %s to %s", ErrItemClaimed, d.Kind, d.Ref, id, d.Recipient)
				}
			}
		}
		if d.Status == DeliverySkipped {
			d.SentAt = d.ClaimedAt
		}
		out, claimed = d, true
		return nil
	})
	if err != nil {
		return Delivery{}, false, fmt.Errorf("store: claim %s %s %s for %s: %w", d.Kind, d.Ref, d.Period, d.Recipient, err)
	}
	out.OncePerItem = false
	return out, claimed, nil
}

// ClaimedItems says which of ids are already claimed for (kind, ref, recipient).
func (s *Store) ClaimedItems(ctx context.Context, kind, ref, recipient string, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := []any{kind, ref, recipient}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := s.db.QueryContext(ctx, `SELECT item_id FROM delivery_items WHERE kind = ? AND ref = ? AND recipient = ?
			AND item_id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: claimed items of %s %s: %w", kind, ref, err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: claimed items of %s %s: %w", kind, ref, err)
			}
			out[id] = true
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("store: claimed items of %s %s: %w", kind, ref, err)
		}
	}
	return out, nil
}

// StartAttempt records that a send of a pending delivery begins. It is
// written before the first byte goes out, so the ledger shows a delivery
// that may have reached its recipient even if the process dies mid-send.
func (s *Store) StartAttempt(ctx context.Context, id int64, at time.Time) error {
	return s.updateDelivery(ctx, id, "start attempt", `UPDATE deliveries SET attempts = attempts + 1, last_attempt = ?
		WHERE id = ? AND status = 'pending'`, formatTime(at), id)
}

// MarkSent records a delivery as sent.
func (s *Store) MarkSent(ctx context.Context, id int64, at time.Time) error {
	return s.updateDelivery(ctx, id, "mark sent", `UPDATE deliveries SET status = 'sent', sent_at = ?, last_error = '',
		next_attempt = NULL WHERE id = ? AND status = 'pending'`, formatTime(at), id)
}

// MarkFailed records a permanent failure; the delivery is not retried.
func (s *Store) MarkFailed(ctx context.Context, id int64, msg string) error {
	return s.updateDelivery(ctx, id, "mark failed", `UPDATE deliveries SET status = 'failed', last_error = ?,
		next_attempt = NULL WHERE id = ? AND status = 'pending'`, msg, id)
}

// MarkRetry records a temporary failure and when to try again.
func (s *Store) MarkRetry(ctx context.Context, id int64, msg string, next time.Time) error {
	return s.updateDelivery(ctx, id, "mark retry", `UPDATE deliveries SET last_error = ?, next_attempt = ?
		WHERE id = ? AND status = 'pending'`, msg, formatTime(next), id)
}

func (s *Store) updateDelivery(ctx context.Context, id int64, what, q string, args ...any) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var status string
			err := tx.QueryRowContext(ctx, `SELECT status FROM deliveries WHERE id = ?`, id).Scan(&status)
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			if err != nil {
				return err
			}
			return fmt.Errorf("delivery is %s, not pending", status)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: %s delivery %d: %w", what, id, err)
	}
	return nil
}

// DueDeliveries returns the pending deliveries whose next attempt is due
// at now (or was never scheduled), oldest claim first.
func (s *Store) DueDeliveries(ctx context.Context, now time.Time) ([]Delivery, error) {
	return s.queryDeliveries(ctx, `SELECT `+deliveryColumns+` FROM deliveries
		WHERE status = 'pending' AND (next_attempt IS NULL OR next_attempt <= ?) ORDER BY claimed_at, id`, formatTime(now))
}

// DeliveryFilter selects ledger rows; zero fields do not filter.
type DeliveryFilter struct {
	Kind, Ref, Period, Recipient, Status string
	Since                                time.Time // claimed at or after
	Limit                                int       // default 100
	BeforeID                             int64     // paging: rows with a smaller id
}

// Deliveries lists ledger rows, newest first.
func (s *Store) Deliveries(ctx context.Context, f DeliveryFilter) ([]Delivery, error) {
	var where []string
	var args []any
	for _, c := range []struct{ col, v string }{{"kind", f.Kind}, {"ref", f.Ref}, {"period", f.Period},
		{"recipient", f.Recipient}, {"status", f.Status}} {
		if c.v != "" {
			where = append(where, c.col+" = ?")
			args = append(args, c.v)
		}
	}
	if !f.Since.IsZero() {
		where = append(where, "claimed_at >= ?")
		args = append(args, formatTime(f.Since))
	}
	if f.BeforeID > 0 {
		where = append(where, "id < ?")
		args = append(args, f.BeforeID)
	}
	q := `SELECT ` + deliveryColumns + ` FROM deliveries`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, f.Limit)
	return s.queryDeliveries(ctx, q, args...)
}

func (s *Store) queryDeliveries(ctx context.Context, q string, args ...any) ([]Delivery, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	defer rows.Close()
	out := []Delivery{}
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("store: deliveries: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	return out, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanDelivery(r scanner) (Delivery, error) {
	var d Delivery
	var ids, claimed string
	var last, next, sent sql.NullString
	if err := r.Scan(&d.ID, &d.Kind, &d.Ref, &d.Period, &d.Recipient, &d.Channel, &d.MessageID, &d.Subject, &ids,
		&d.Status, &d.Attempts, &d.LastError, &claimed, &last, &next, &sent); err != nil {
		return Delivery{}, err
	}
	if err := json.Unmarshal([]byte(ids), &d.ItemIDs); err != nil {
		return Delivery{}, fmt.Errorf("delivery %d: item ids: %w", d.ID, err)
	}
	var err error
	if d.ClaimedAt, err = parseTime(claimed); err != nil {
		return Delivery{}, fmt.Errorf("delivery %d: %w", d.ID, err)
	}
	for _, p := range []struct {
		s   sql.NullString
		dst *time.Time
	}{{last, &d.LastAttempt}, {next, &d.NextAttempt}, {sent, &d.SentAt}} {
		if p.s.Valid {
			if *p.dst, err = parseTime(p.s.String); err != nil {
				return Delivery{}, fmt.Errorf("delivery %d: %w", d.ID, err)
			}
		}
	}
	return d, nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Mark is a member's judgement of one item in its compliance register.
type Mark struct {
	Member    string    `json:"-"`
	ItemID    string    `json:"item_id"`
	Status    string    `json:"status"` // applies | not-applicable | to-assess
	Note      string    `json:"note"`
	Owner     string    `json:"owner"`
	Action    string    `json:"action"`
	Due       string    `json:"due"` // YYYY-MM-DD, or empty
	Done      bool      `json:"done"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// Overdue reports whether the mark's action is late on day today
// (YYYY-MM-DD in the watch's time zone): due before today and not done.
func (m Mark) Overdue(today string) bool { return !m.Done && m.Due != "" && m.Due < today }

// MarkFilter narrows a member's register; empty fields do not filter.
type MarkFilter struct {
	Status string
	Owner  string
	// DueBefore keeps marks with a due date on or before this day
	// (YYYY-MM-DD); Overdue keeps those not done.
	DueBefore string
	Open      bool
}

// PutMark creates or replaces member's mark on an item.
func (s *Store) PutMark(ctx context.Context, m Mark) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO marks (member, item_id, status, note, owner, action, due, done, updated_at, updated_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (member, item_id) DO UPDATE SET status = excluded.status, note = excluded.note,
				owner = excluded.owner, action = excluded.action, due = excluded.due, done = excluded.done,
				updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			m.Member, m.ItemID, m.Status, m.Note, m.Owner, m.Action, m.Due, m.Done, formatTime(m.UpdatedAt), m.UpdatedBy)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: save mark: %w", err)
	}
	return nil
}

// DeleteMark removes member's mark on an item; ErrNotFound when none.
func (s *Store) DeleteMark(ctx context.Context, member, itemID string) error {
	var n int64
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM marks WHERE member = ? AND item_id = ?`, member, itemID)
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete mark: %w", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// Mark returns member's mark on an item, ErrNotFound when none.
func (s *Store) Mark(ctx context.Context, member, itemID string) (Mark, error) {
	ms, err := s.marks(ctx, `WHERE member = ? AND item_id = ?`, member, itemID)
	if err != nil {
		return Mark{}, err
	}
	if len(ms) == 0 {
		return Mark{}, ErrNotFound
	}
	return ms[0], nil
}

// Marks returns member's register, soonest due first (undated last), then
// newest change first. Only member's rows can come out: the member is in
// every query's WHERE.
func (s *Store) Marks(ctx context.Context, member string, f MarkFilter) ([]Mark, error) {
	where := []string{"member = ?"}
	args := []any{member}
	if f.Status != "" {
		where = append(where, "status = ?")
		args = append(args, f.Status)
	}
	if f.Owner != "" {
		where = append(where, "owner = ? COLLATE NOCASE")
		args = append(args, f.Owner)
	}
	if f.DueBefore != "" {
		where = append(where, "due != '' AND due <= ?")
		args = append(args, f.DueBefore)
	}
	if f.Open {
		where = append(where, "done = 0")
	}
	return s.marks(ctx, "WHERE "+strings.Join(where, " AND ")+
		` ORDER BY due = '', due, updated_at DESC`, args...)
}

func (s *Store) marks(ctx context.Context, tail string, args ...any) ([]Mark, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT member, item_id, status, note, owner, action, due, done, updated_at, updated_by
		FROM marks `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("store: read marks: %w", err)
	}
	defer rows.Close()
	var out []Mark
	for rows.Next() {
		var m Mark
		var at string
		if err := rows.Scan(&m.Member, &m.ItemID, &m.Status, &m.Note, &m.Owner, &m.Action, &m.Due, &m.Done, &at, &m.UpdatedBy); err != nil {
			return nil, fmt.Errorf("store: read marks: %w", err)
		}
		m.UpdatedAt, _ = time.Parse(timeFormat, at)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read marks: %w", err)
	}
	return out, nil
}

// MarkMembers returns the members that marked an item with a status, for
// counting among a group of members; the caller must never show the ids.
func (s *Store) MarkMembers(ctx context.Context, itemID, status string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT member FROM marks WHERE item_id = ? AND status = ?`, itemID, status)
	if err != nil {
		return nil, fmt.Errorf("store: read marks: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return nil, fmt.Errorf("store: read marks: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MarkedKeys returns the items and acts any member marked, the most
// recently marked first (the staff's view of the cluster).
func (s *Store) MarkedKeys(ctx context.Context, limit int) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT item_id FROM marks GROUP BY item_id ORDER BY MAX(updated_at) DESC, item_id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: read marked items: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("store: read marked items: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// actMarkPrefix starts the key of a mark on an act rather than an item:
// "act:" + kind + ":" + id, so that the register, its exports, the digests'
// overdue actions and the cluster's counts treat both alike.
const actMarkPrefix = "act:"

// ActMarkKey is the mark key of the act kind:id.
func ActMarkKey(kind, id string) string { return actMarkPrefix + kind + ":" + id }

// SplitActMarkKey returns the act a mark key names; ok is false for an
// item's id.
func SplitActMarkKey(key string) (kind, id string, ok bool) {
	rest, ok := strings.CutPrefix(key, actMarkPrefix)
	if !ok {
		return "", "", false
	}
	kind, id, ok = strings.Cut(rest, ":")
	return kind, id, ok && kind != "" && id != ""
}

// MarkPath is the page of what a mark key names: the item's or the act's.
func MarkPath(key string) string {
	if kind, id, ok := SplitActMarkKey(key); ok {
		return "/acts/" + url.PathEscape(kind) + "/" + url.PathEscape(id)
	}
	return "/items/" + url.PathEscape(key)
}

// ClusterCount is how many members marked an item with a status, among all
// members or among those with one competence: counts only, never who. It
// is counted by members.Auth.ClusterCounts, and kept here so that the
// digests (the commission's edition), which members imports, can archive
// it.
type ClusterCount struct {
	Status     string `json:"status"`
	Competence string `json:"competence,omitempty"` // empty: all members
	Marked     int    `json:"marked"`
	Of         int    `json:"of"`
	// Names are the members among Marked that chose, in their profile, to
	// show their name to the staff (overall counts only).
	Names []string `json:"names,omitempty"`
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Edition statuses: staff edit a draft, approval freezes it, the send
// marks it sent.
const (
	EditionDraft    = "draft"
	EditionApproved = "approved"
	EditionSent     = "sent"
)

// ErrVersionConflict is returned by SaveEdition when the edition changed
// since the version the caller read: saving would lose that change.
var ErrVersionConflict = errors.New("the edition changed since it was read")

// ErrEditionFrozen is returned when a change is asked of an edition that
// is approved or sent.
var ErrEditionFrozen = errors.New("the edition is approved and can no longer be edited")

// EditionItem is one item of an edition as staff arranged it.
type EditionItem struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Note says what the item changes for the members, in French; NoteEN
	// is the optional English one.
	Note    string `json:"note"`
	NoteEN  string `json:"note_en,omitempty"`
	Heading string `json:"heading"`
}

// Edition is the commission's edition of one period of an editorial digest.
type Edition struct {
	Digest      string        `json:"digest"`
	Period      string        `json:"period"`
	Version     int           `json:"version"`
	Status      string        `json:"status"`
	Intro       string        `json:"intro"`
	IntroEN     string        `json:"intro_en,omitempty"`
	Items       []EditionItem `json:"items"`
	Removed     []string      `json:"removed,omitempty"`
	ApprovedBy  string        `json:"approved_by,omitempty"`
	ApprovedAt  time.Time     `json:"approved_at,omitzero"`
	SentAt      time.Time     `json:"sent_at,omitzero"`
	DiscussedOn string        `json:"discussed_on,omitempty"`
	Created     time.Time     `json:"created"`
	Updated     time.Time     `json:"updated"`
}

// EditionChange is one line of an edition's history.
type EditionChange struct {
	Version int       `json:"version"`
	Who     string    `json:"who"`
	At      time.Time `json:"at"`
	What    string    `json:"what"`
}

const editionColumns = `digest, period, version, status, intro, intro_en, items, removed, approved_by,
	approved_at, sent_at, discussed_on, created_at, updated_at`

func scanEdition(row interface{ Scan(...any) error }) (Edition, error) {
	var e Edition
	var items, removed, approvedAt, sentAt, created, updated string
	if err := row.Scan(&e.Digest, &e.Period, &e.Version, &e.Status, &e.Intro, &e.IntroEN, &items, &removed,
		&e.ApprovedBy, &approvedAt, &sentAt, &e.DiscussedOn, &created, &updated); err != nil {
		return e, err
	}
	if err := json.Unmarshal([]byte(items), &e.Items); err != nil {
		return e, fmt.Errorf("edition items: %w", err)
	}
	if err := json.Unmarshal([]byte(removed), &e.Removed); err != nil {
		return e, fmt.Errorf("edition removed items: %w", err)
	}
	for _, p := range []struct {
		s string
		t *time.Time
	}{{approvedAt, &e.ApprovedAt}, {sentAt, &e.SentAt}, {created, &e.Created}, {updated, &e.Updated}} {
		if p.s == "" {
			continue
		}
		t, err := parseTime(p.s)
		if err != nil {
			return e, err
		}
		*p.t = t
	}
	if e.Items == nil {
		e.Items = []EditionItem{}
	}
	return e, nil
}

func optTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatTime(t)
}

func readEdition(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, digest, period string) (Edition, error) {
	e, err := scanEdition(q.QueryRowContext(ctx, `SELECT `+editionColumns+` FROM editions WHERE digest = ? AND period = ?`,
		digest, period))
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("store: edition %s %s: %w", digest, period, ErrNotFound)
	}
	if err != nil {
		return e, fmt.Errorf("store: edition %s %s: %w", digest, period, err)
	}
	return e, nil
}

// writeEdition replaces the row with e and records the change in the
// history, in tx.
func writeEdition(ctx context.Context, tx *sql.Tx, e Edition, who, what string) error {
	items, err := json.Marshal(e.Items)
	if err != nil {
		return err
	}
	if e.Removed == nil {
		e.Removed = []string{}
	}
	removed, err := json.Marshal(e.Removed)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO editions (`+editionColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Digest, e.Period, e.Version, e.Status, e.Intro, e.IntroEN, string(items), string(removed), e.ApprovedBy,
		optTime(e.ApprovedAt), optTime(e.SentAt), e.DiscussedOn, formatTime(e.Created), formatTime(e.Updated)); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO edition_changes (digest, period, version, who, at, what) VALUES (?, ?, ?, ?, ?, ?)`,
		e.Digest, e.Period, e.Version, who, formatTime(e.Updated), what)
	return err
}

// Edition returns the edition of a digest period, or ErrNotFound.
func (s *Store) Edition(ctx context.Context, digest, period string) (Edition, error) {
	return readEdition(ctx, s.db, digest, period)
}

// SyncEdition makes the draft follow what the digest's rules select:
// it creates the edition with candidates when there is none, and appends
// the candidates it does not hold yet, except those staff removed (an item
// removed stays removed when it arrives again from another source). An
// approved or sent edition is returned unchanged.
func (s *Store) SyncEdition(ctx context.Context, digest, period string, candidates []EditionItem, who string, at time.Time) (Edition, error) {
	var out Edition
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		now := s.when(at)
		e, err := readEdition(ctx, tx, digest, period)
		if errors.Is(err, ErrNotFound) {
			e = Edition{Digest: digest, Period: period, Version: 1, Status: EditionDraft, Items: []EditionItem{},
				Removed: []string{}, Created: now, Updated: now}
			e.Items = append(e.Items, uniqueItems(candidates, nil)...)
			out = e
			return writeEdition(ctx, tx, e, who, fmt.Sprintf("draft created with %d items", len(e.Items)))
		}
		if err != nil {
			return err
		}
		out = e
		if e.Status != EditionDraft {
			return nil
		}
		skip := map[string]bool{}
		for _, it := range e.Items {
			skip[it.ID] = true
		}
		for _, id := range e.Removed {
			skip[id] = true
		}
		added := uniqueItems(candidates, skip)
		if len(added) == 0 {
			return nil
		}
		e.Items = append(e.Items, added...)
		e.Version++
		e.Updated = now
		out = e
		return writeEdition(ctx, tx, e, who, fmt.Sprintf("%d new items appended", len(added)))
	})
	if err != nil {
		return Edition{}, fmt.Errorf("store: sync edition %s %s: %w", digest, period, err)
	}
	return out, nil
}

// uniqueItems keeps the first of each id that skip does not hold.
func uniqueItems(items []EditionItem, skip map[string]bool) []EditionItem {
	seen := map[string]bool{}
	var out []EditionItem
	for _, it := range items {
		if it.ID == "" || seen[it.ID] || skip[it.ID] {
			continue
		}
		seen[it.ID] = true
		out = append(out, it)
	}
	return out
}

// SaveEdition writes staff's version of the draft: intro, items in order
// with their notes and headings. e.Version must be the current version,
// else ErrVersionConflict and nothing is written. Items of the current
// edition missing from e are recorded as removed.
func (s *Store) SaveEdition(ctx context.Context, e Edition, who string, at time.Time) (Edition, error) {
	var out Edition
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		cur, err := readEdition(ctx, tx, e.Digest, e.Period)
		if err != nil {
			return err
		}
		if cur.Status != EditionDraft {
			return ErrEditionFrozen
		}
		if e.Version != cur.Version {
			return fmt.Errorf("%w (saved from version %d, current %d)", ErrVersionConflict, e.Version, cur.Version)
		}
		next := cur
		next.Intro, next.IntroEN = e.Intro, e.IntroEN
		next.Items = uniqueItems(e.Items, nil)
		if next.Items == nil {
			next.Items = []EditionItem{}
		}
		kept := map[string]bool{}
		for _, it := range next.Items {
			kept[it.ID] = true
		}
		var removedNow []string
		next.Removed = nil
		for _, id := range cur.Removed {
			if !kept[id] { // an item added back by hand is no longer removed
				next.Removed = append(next.Removed, id)
			}
		}
		for _, it := range cur.Items {
			if !kept[it.ID] {
				next.Removed = append(next.Removed, it.ID)
				removedNow = append(removedNow, it.ID)
			}
		}
		next.Version = cur.Version + 1
		next.Updated = s.when(at)
		out = next
		return writeEdition(ctx, tx, next, who, describeSave(cur, next, removedNow))
	})
	if err != nil {
		return Edition{}, fmt.Errorf("store: save edition %s %s: %w", e.Digest, e.Period, err)
	}
	return out, nil
}

// describeSave says in one line what a save changed, for the history.
func describeSave(cur, next Edition, removed []string) string {
	var parts []string
	had := map[string]EditionItem{}
	for _, it := range cur.Items {
		had[it.ID] = it
	}
	var added, notes, headings int
	var order []string
	for _, it := range next.Items {
		old, ok := had[it.ID]
		if !ok {
			added++
			continue
		}
		order = append(order, it.ID)
		if old.Note != it.Note || old.NoteEN != it.NoteEN {
			notes++
		}
		if old.Heading != it.Heading {
			headings++
		}
	}
	var was []string
	for _, it := range cur.Items {
		if !slices.Contains(removed, it.ID) {
			was = append(was, it.ID)
		}
	}
	if len(removed) > 0 {
		parts = append(parts, fmt.Sprintf("removed %s", strings.Join(removed, ", ")))
	}
	if added > 0 {
		parts = append(parts, fmt.Sprintf("added %d", added))
	}
	if !slices.Equal(was, order) {
		parts = append(parts, "reordered")
	}
	if notes > 0 {
		parts = append(parts, fmt.Sprintf("%d notes", notes))
	}
	if headings > 0 {
		parts = append(parts, fmt.Sprintf("%d headings", headings))
	}
	if cur.Intro != next.Intro || cur.IntroEN != next.IntroEN {
		parts = append(parts, "introduction")
	}
	if len(parts) == 0 {
		return "saved, no change"
	}
	return strings.Join(parts, "; ")
}

// ApproveEdition freezes a draft. It reports whether this call approved it
// (false: it was already approved or sent, and nothing changed).
func (s *Store) ApproveEdition(ctx context.Context, digest, period, who string, at time.Time) (Edition, bool, error) {
	e, fresh, err := s.advanceEdition(ctx, digest, period, EditionDraft, who, "approved", at, func(e *Edition, now time.Time) {
		e.Status, e.ApprovedBy, e.ApprovedAt = EditionApproved, who, now
	})
	if err != nil {
		return Edition{}, false, fmt.Errorf("store: approve edition %s %s: %w", digest, period, err)
	}
	return e, fresh, nil
}

// MarkEditionSent records that every recipient of an approved edition
// has its delivery settled.
func (s *Store) MarkEditionSent(ctx context.Context, digest, period string, at time.Time) (Edition, error) {
	e, _, err := s.advanceEdition(ctx, digest, period, EditionApproved, "veille", "sent", at, func(e *Edition, now time.Time) {
		e.Status, e.SentAt = EditionSent, now
	})
	if err != nil {
		return Edition{}, fmt.Errorf("store: mark edition %s %s sent: %w", digest, period, err)
	}
	return e, nil
}

// advanceEdition moves an edition on from status from, in one
// transaction, as a new version with its change (who, what); it reports
// whether this call moved it (false: it was past from, and nothing
// changed).
func (s *Store) advanceEdition(ctx context.Context, digest, period, from, who, what string, at time.Time,
	set func(e *Edition, now time.Time)) (Edition, bool, error) {
	var out Edition
	moved := false
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		e, err := readEdition(ctx, tx, digest, period)
		if err != nil {
			return err
		}
		out = e
		if e.Status != from {
			return nil
		}
		now := s.when(at)
		set(&e, now)
		e.Updated = now
		e.Version++
		out, moved = e, true
		return writeEdition(ctx, tx, e, who, what)
	})
	return out, moved, err
}

// SetEditionDiscussed records the date (YYYY-MM-DD, empty to clear) of the
// meeting that discussed the edition. It is allowed at any status: the
// meeting comes after the send.
func (s *Store) SetEditionDiscussed(ctx context.Context, digest, period, date, who string, at time.Time) (Edition, error) {
	if date != "" {
		if _, err := time.Parse(time.DateOnly, date); err != nil {
			return Edition{}, fmt.Errorf("store: meeting date %q: use YYYY-MM-DD", date)
		}
	}
	var out Edition
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		e, err := readEdition(ctx, tx, digest, period)
		if err != nil {
			return err
		}
		e.DiscussedOn = date
		e.Version++
		e.Updated = s.when(at)
		out = e
		return writeEdition(ctx, tx, e, who, "discussed at the meeting of "+meetingLabel(date))
	})
	if err != nil {
		return Edition{}, fmt.Errorf("store: edition %s %s meeting: %w", digest, period, err)
	}
	return out, nil
}

func meetingLabel(date string) string {
	if date == "" {
		return "(cleared)"
	}
	return date
}

// EditionChanges is an edition's history, oldest first.
func (s *Store) EditionChanges(ctx context.Context, digest, period string) ([]EditionChange, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT version, who, at, what FROM edition_changes
		WHERE digest = ? AND period = ? ORDER BY id`, digest, period)
	if err != nil {
		return nil, fmt.Errorf("store: edition %s %s history: %w", digest, period, err)
	}
	defer rows.Close()
	var out []EditionChange
	for rows.Next() {
		var c EditionChange
		var at string
		if err := rows.Scan(&c.Version, &c.Who, &at, &c.What); err != nil {
			return nil, fmt.Errorf("store: edition %s %s history: %w", digest, period, err)
		}
		if c.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Editions lists a digest's editions (every digest's when digest is
// empty) with the given status (any when empty), newest period first.
func (s *Store) Editions(ctx context.Context, digest, status string, limit int) ([]Edition, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+editionColumns+` FROM editions
		WHERE (? = '' OR digest = ?) AND (? = '' OR status = ?) ORDER BY period DESC, digest LIMIT ?`,
		digest, digest, status, status, limit)
	if err != nil {
		return nil, fmt.Errorf("store: editions of %q: %w", digest, err)
	}
	defer rows.Close()
	var out []Edition
	for rows.Next() {
		e, err := scanEdition(rows)
		if err != nil {
			return nil, fmt.Errorf("store: editions of %q: %w", digest, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// SentEditionsOf lists the sent editions that carry an item, newest first:
// what the item page and search results say about it.
func (s *Store) SentEditionsOf(ctx context.Context, itemIDs []string) (map[string][]Edition, error) {
	out := map[string][]Edition{}
	if len(itemIDs) == 0 {
		return out, nil
	}
	want := map[string]bool{}
	for _, id := range itemIDs {
		want[id] = true
	}
	// Sent editions are a few a week: reading them all is cheaper than an
	// index on the JSON, and stays so for years.
	eds, err := s.Editions(ctx, "", EditionSent, 10000)
	if err != nil {
		return nil, err
	}
	for _, e := range eds {
		for _, it := range e.Items {
			if want[it.ID] {
				out[it.ID] = append(out[it.ID], e)
			}
		}
	}
	return out, nil
}

// when is at, or the store's clock when at is zero: the edition's times
// come from the caller's clock (the notifier's), like the ledger's.
func (s *Store) when(at time.Time) time.Time {
	if at.IsZero() {
		return s.now().UTC()
	}
	return at.UTC()
}

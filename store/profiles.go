package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nogentech/veille"
)

// Profile is what a member changed over its feeds.yaml defaults.
type Profile struct {
	Competences []string `json:"competences"`
	Domains     []string `json:"domains"`
	Lang        string   `json:"lang"`
	Digest      string   `json:"digest"` // weekly | daily | none
	// ShareName lets the staff see the member's name beside its marks in
	// the cluster's view; without it the counts are anonymous.
	ShareName bool `json:"share_name,omitempty"`
}

// Digest frequencies a member may choose, and what it gets until it
// chooses.
const (
	DigestWeekly  = "weekly"
	DigestDaily   = "daily"
	DigestNone    = "none"
	DefaultDigest = DigestWeekly
)

// MemberProfile is member m's profile as it applies: what it saved over
// its feeds.yaml defaults (competences, language; no language stays
// empty, for the reader to choose), and DefaultDigest until it chose.
func (s *Store) MemberProfile(ctx context.Context, m veille.Member) (Profile, error) {
	p, ok, err := s.Profile(ctx, m.ID)
	if err != nil {
		return Profile{}, err
	}
	if !ok {
		p = Profile{Competences: m.Competences, Lang: m.Lang}
	}
	if p.Digest == "" {
		p.Digest = DefaultDigest
	}
	return p, nil
}

// ProfileChange is one field a person changed, for the staff.
type ProfileChange struct {
	Member string    `json:"member"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Field  string    `json:"field"`
	Old    string    `json:"old"`
	New    string    `json:"new"`
}

// Profile returns a member's stored profile; ok is false when it never
// changed its defaults.
func (s *Store) Profile(ctx context.Context, member string) (Profile, bool, error) {
	var data string
	err := s.db.QueryRowContext(ctx, `SELECT data FROM profiles WHERE member = ?`, member).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return Profile{}, false, nil
	}
	if err != nil {
		return Profile{}, false, fmt.Errorf("store: read profile: %w", err)
	}
	var p Profile
	if err := json.Unmarshal([]byte(data), &p); err != nil {
		return Profile{}, false, fmt.Errorf("store: read profile of %s: %w", member, err)
	}
	return p, true, nil
}

// SaveProfile stores a member's profile and records, field by field, what
// changed from old and who changed it.
func (s *Store) SaveProfile(ctx context.Context, member, by string, old, p Profile, at time.Time) error {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("store: save profile: %w", err)
	}
	type diff struct{ field, old, new string }
	var diffs []diff
	for _, d := range []diff{
		{"competences", strings.Join(old.Competences, ", "), strings.Join(p.Competences, ", ")},
		{"domains", strings.Join(old.Domains, ", "), strings.Join(p.Domains, ", ")},
		{"lang", old.Lang, p.Lang},
		{"digest", old.Digest, p.Digest},
		{"share_name", strconv.FormatBool(old.ShareName), strconv.FormatBool(p.ShareName)},
	} {
		if d.old != d.new {
			diffs = append(diffs, d)
		}
	}
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO profiles (member, data, updated_at, updated_by) VALUES (?, ?, ?, ?)
			ON CONFLICT (member) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			member, string(b), formatTime(at), by); err != nil {
			return err
		}
		for _, d := range diffs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO profile_changes (member, at, by, field, old, new) VALUES (?, ?, ?, ?, ?, ?)`,
				member, formatTime(at), by, d.field, d.old, d.new); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save profile: %w", err)
	}
	return nil
}

// ProfileChanges lists the latest profile changes of every member, newest
// first.
func (s *Store) ProfileChanges(ctx context.Context, limit int) ([]ProfileChange, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT member, at, by, field, old, new FROM profile_changes ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: read profile changes: %w", err)
	}
	defer rows.Close()
	var out []ProfileChange
	for rows.Next() {
		var c ProfileChange
		var at string
		if err := rows.Scan(&c.Member, &at, &c.By, &c.Field, &c.Old, &c.New); err != nil {
			return nil, fmt.Errorf("store: read profile changes: %w", err)
		}
		c.At, _ = time.Parse(timeFormat, at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Visit records that email visits its home at now and returns when its
// previous visit was (zero for a first visit). Visits closer than gap to the
// current one count as the same visit, so that reloading the page does not
// clear "new since your last visit".
func (s *Store) Visit(ctx context.Context, email string, now time.Time, gap time.Duration) (time.Time, error) {
	var last, this string
	err := s.db.QueryRowContext(ctx, `SELECT last_visit, this_visit FROM visits WHERE email = ?`, email).Scan(&last, &this)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, fmt.Errorf("store: read visit: %w", err)
	}
	thisT, _ := time.Parse(timeFormat, this)
	lastT, _ := time.Parse(timeFormat, last)
	if err == nil && now.Sub(thisT) < gap {
		return lastT, nil // same visit: no write
	}
	prev := thisT
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO visits (email, last_visit, this_visit) VALUES (?, ?, ?)
			ON CONFLICT (email) DO UPDATE SET last_visit = excluded.last_visit, this_visit = excluded.this_visit`,
			email, formatTime(prev), formatTime(now))
		return err
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("store: record visit: %w", err)
	}
	if prev.Year() <= 1 {
		return time.Time{}, nil
	}
	return prev, nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Watermarks (table watermarks) are named instants the notifier has
// handled everything before, so that a restart neither resends nor skips.

// Watermark returns the named instant, and false when it was never set.
func (s *Store) Watermark(ctx context.Context, name string) (time.Time, bool, error) {
	var at string
	err := s.db.QueryRowContext(ctx, `SELECT at FROM watermarks WHERE name = ?`, name).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: watermark %s: %w", name, err)
	}
	t, err := parseTime(at)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: watermark %s: %w", name, err)
	}
	return t, true, nil
}

// InitWatermark sets the named instant to at unless it is already set,
// and returns the value in force.
func (s *Store) InitWatermark(ctx context.Context, name string, at time.Time) (time.Time, error) {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO watermarks (name, at, updated_at) VALUES (?, ?, ?)`,
			name, formatTime(at), formatTime(s.now()))
		return err
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("store: init watermark %s: %w", name, err)
	}
	t, _, err := s.Watermark(ctx, name)
	return t, err
}

// AdvanceWatermark moves the named instant forward to at; it never moves
// it back.
func (s *Store) AdvanceWatermark(ctx context.Context, name string, at time.Time) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO watermarks (name, at, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET at = excluded.at, updated_at = excluded.updated_at
			WHERE excluded.at > watermarks.at`, name, formatTime(at), formatTime(s.now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: advance watermark %s: %w", name, err)
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SetCalendarToken gives a space (a member, or one staff address) a new
// private calendar URL: only the token's hash is kept, and the space's
// earlier token stops working.
func (s *Store) SetCalendarToken(ctx context.Context, space, hash string, now time.Time) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO calendar_tokens (member, token_hash, created_at) VALUES (?, ?, ?)
			ON CONFLICT (member) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
			space, hash, formatTime(now))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: save calendar token: %w", err)
	}
	return nil
}

// CalendarTokenSpace returns the space a private calendar token belongs
// to, ErrNotFound for an unknown or replaced one.
func (s *Store) CalendarTokenSpace(ctx context.Context, hash string) (string, error) {
	var space string
	err := s.db.QueryRowContext(ctx, `SELECT member FROM calendar_tokens WHERE token_hash = ?`, hash).Scan(&space)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: read calendar token: %w", err)
	}
	return space, nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Session is one stored session (members/sessions.go gives it to
// gorilla/sessions): its id is known here only by its hash.
type Session struct {
	Email  string
	Data   []byte
	Expiry time.Time
}

// FindSession returns the session of an id hash while its expiry is after
// now; ok is false for an unknown or expired one.
func (s *Store) FindSession(ctx context.Context, idHash string, now time.Time) (Session, bool, error) {
	var ss Session
	var expiry string
	err := s.db.QueryRowContext(ctx, `SELECT email, data, expiry FROM sessions WHERE id_hash = ? AND expiry > ?`,
		idHash, formatTime(now)).Scan(&ss.Email, &ss.Data, &expiry)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, false, nil
	}
	if err != nil {
		return Session{}, false, fmt.Errorf("store: find session: %w", err)
	}
	ss.Expiry, err = parseTime(expiry)
	if err != nil {
		return Session{}, false, fmt.Errorf("store: find session: %w", err)
	}
	return ss, true, nil
}

// SaveSession writes a session under its id hash, and prunes the expired
// ones on the way.
func (s *Store) SaveSession(ctx context.Context, idHash string, ss Session, now time.Time) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, email, data, created_at, expiry) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id_hash) DO UPDATE SET email = excluded.email, data = excluded.data, expiry = excluded.expiry`,
			idHash, ss.Email, ss.Data, formatTime(now), formatTime(ss.Expiry))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= ?`, formatTime(now))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: save session: %w", err)
	}
	return nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

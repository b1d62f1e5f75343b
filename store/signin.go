package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrTokenRefused is a sign-in token that is unknown, used or expired; the
// caller cannot tell which, and neither can the person holding it.
var ErrTokenRefused = errors.New("sign-in link unknown, used or expired")

// SaveSignInToken keeps a one-time link's hash for email until expires.
func (s *Store) SaveSignInToken(ctx context.Context, hash, email string, now, expires time.Time) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO signin_tokens (hash, email, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			hash, email, formatTime(now), formatTime(expires))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: save sign-in token: %w", err)
	}
	return nil
}

// PeekSignInToken returns the address of a usable token without using it
// (the page with the button).
func (s *Store) PeekSignInToken(ctx context.Context, hash string, now time.Time) (string, error) {
	var email string
	err := s.db.QueryRowContext(ctx, `SELECT email FROM signin_tokens WHERE hash = ? AND used_at IS NULL AND expires_at > ?`,
		hash, formatTime(now)).Scan(&email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrTokenRefused
	}
	if err != nil {
		return "", fmt.Errorf("store: read sign-in token: %w", err)
	}
	return email, nil
}

// UseSignInToken marks a usable token used and returns its address; the
// UPDATE's WHERE makes "single use" hold between two concurrent requests.
func (s *Store) UseSignInToken(ctx context.Context, hash string, now time.Time) (string, error) {
	var email string
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `UPDATE signin_tokens SET used_at = ?
			WHERE hash = ? AND used_at IS NULL AND expires_at > ? RETURNING email`,
			formatTime(now), hash, formatTime(now)).Scan(&email)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrTokenRefused
	}
	if err != nil {
		return "", fmt.Errorf("store: use sign-in token: %w", err)
	}
	return email, nil
}

// CountSignInRequests records one request under each key and returns, for
// each key, how many requests it has made since (this one included). Old
// requests and tokens are pruned on the way.
func (s *Store) CountSignInRequests(ctx context.Context, keys []string, now, since time.Time) ([]int, error) {
	counts := make([]int, len(keys))
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM signin_requests WHERE at < ?`, formatTime(since.Add(-24*time.Hour))); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM signin_tokens WHERE expires_at < ?`, formatTime(now.Add(-24*time.Hour))); err != nil {
			return err
		}
		for i, k := range keys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO signin_requests (key, at) VALUES (?, ?)`, k, formatTime(now)); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM signin_requests WHERE key = ? AND at > ?`,
				k, formatTime(since)).Scan(&counts[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: count sign-in requests: %w", err)
	}
	return counts, nil
}

// EndSessionsExcept deletes every session whose address is not kept (a
// member or staff address removed from feeds.yaml) and returns how many.
func (s *Store) EndSessionsExcept(ctx context.Context, keep func(email string) bool) (int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT email FROM sessions`)
	if err != nil {
		return 0, fmt.Errorf("store: list sessions: %w", err)
	}
	var gone []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: list sessions: %w", err)
		}
		if !keep(e) {
			gone = append(gone, e)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: list sessions: %w", err)
	}
	n := 0
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		for _, e := range gone {
			res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE email = ?`, e)
			if err != nil {
				return err
			}
			k, _ := res.RowsAffected()
			n += int(k)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: end sessions: %w", err)
	}
	return n, nil
}

// CountSessions counts the stored sessions of an address (tests, staff).
func (s *Store) CountSessions(ctx context.Context, email string) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE email = ?`, email).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count sessions: %w", err)
	}
	return n, nil
}

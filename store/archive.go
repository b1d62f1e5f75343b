package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ArchivedDigest is one digest period kept in the archive.
type ArchivedDigest struct {
	Digest string
	Period string
	Built  time.Time
	Data   []byte
}

// ArchiveDigest keeps data as the digest of a period unless one is already
// kept, and returns the one in force: the first build wins, so every
// recipient and every resend gets the same content.
func (s *Store) ArchiveDigest(ctx context.Context, a ArchivedDigest) (ArchivedDigest, error) {
	if a.Built.IsZero() {
		a.Built = s.now()
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO digest_archive (digest, period, built_at, data) VALUES (?, ?, ?, ?)`,
			a.Digest, a.Period, formatTime(a.Built), string(a.Data))
		return err
	})
	if err != nil {
		return ArchivedDigest{}, fmt.Errorf("store: archive digest %s %s: %w", a.Digest, a.Period, err)
	}
	return s.DigestArchive(ctx, a.Digest, a.Period)
}

// DigestArchive returns a kept digest, or ErrNotFound.
func (s *Store) DigestArchive(ctx context.Context, digest, period string) (ArchivedDigest, error) {
	a := ArchivedDigest{Digest: digest, Period: period}
	var built, data string
	err := s.db.QueryRowContext(ctx, `SELECT built_at, data FROM digest_archive WHERE digest = ? AND period = ?`,
		digest, period).Scan(&built, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("store: digest %s %s: %w", digest, period, ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("store: digest %s %s: %w", digest, period, err)
	}
	if a.Built, err = parseTime(built); err != nil {
		return a, fmt.Errorf("store: digest %s %s: %w", digest, period, err)
	}
	a.Data = []byte(data)
	return a, nil
}

// DigestPeriods lists the kept periods of a digest, newest build first,
// without their data.
func (s *Store) DigestPeriods(ctx context.Context, digest string, limit int) ([]ArchivedDigest, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT period, built_at FROM digest_archive WHERE digest = ?
		ORDER BY built_at DESC, period DESC LIMIT ?`, digest, limit)
	if err != nil {
		return nil, fmt.Errorf("store: periods of digest %s: %w", digest, err)
	}
	defer rows.Close()
	var out []ArchivedDigest
	for rows.Next() {
		a := ArchivedDigest{Digest: digest}
		var built string
		if err := rows.Scan(&a.Period, &built); err != nil {
			return nil, fmt.Errorf("store: periods of digest %s: %w", digest, err)
		}
		if a.Built, err = parseTime(built); err != nil {
			return nil, fmt.Errorf("store: periods of digest %s: %w", digest, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: periods of digest %s: %w", digest, err)
	}
	return out, nil
}

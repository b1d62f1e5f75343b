package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/nogentech/veille"
)

// AttemptRetention is how long each fetch attempt is kept. A source checked
// every 2 hours leaves about 4,400 rows a year, a thousand sources 4.4
// million: kept forever the record would grow without bound for what only
// digests read, and no digest covers more than a year back. Past this, the
// record of a source starts later, which Coverage reports as such (First).
const AttemptRetention = 400 * 24 * time.Hour

// recordAttempts adds one row per state's last attempt and drops that
// source's rows older than AttemptRetention, in the transaction that saves
// the states: the record of attempts and the states never disagree. Both
// statements go through the (source, at) key, so their cost does not grow
// with the record.
func recordAttempts(ctx context.Context, tx *sql.Tx, states []veille.FetchState) error {
	put, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO fetch_attempts (source, at, ok, status, error) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer put.Close()
	prune, err := tx.PrepareContext(ctx, `DELETE FROM fetch_attempts WHERE source = ? AND at < ?`)
	if err != nil {
		return err
	}
	defer prune.Close()
	for _, st := range states {
		if st.LastAttempt.IsZero() {
			continue // a state saved before any fetch is no attempt
		}
		ok := 0
		if st.Error == "" {
			ok = 1
		}
		if _, err := put.ExecContext(ctx, st.Source, formatTime(st.LastAttempt), ok, st.Status, st.Error); err != nil {
			return fmt.Errorf("%s: record attempt: %w", st.Source, err)
		}
		if _, err := prune.ExecContext(ctx, st.Source, formatTime(st.LastAttempt.Add(-AttemptRetention))); err != nil {
			return fmt.Errorf("%s: prune attempts: %w", st.Source, err)
		}
	}
	return nil
}

// AttemptSummary is what the record says of one source's fetches over a
// period.
type AttemptSummary struct {
	Source string
	// Checks counts the attempts in the period, OK those the source
	// answered (a 304 Not Modified is an answer).
	Checks, OK int
	// Last is the last attempt in the period; LastOK the last answered one.
	Last, LastOK time.Time
	// LastStatus and LastError are those of the last attempt in the period.
	LastStatus int
	LastError  string
	// First is the source's earliest recorded attempt, at any time: zero
	// when it was never fetched.
	First time.Time
}

// Attempts summarises each source's recorded attempts in [since, until).
// Every source asked for is in the map, with zero counts when it was not
// checked in the period.
func (s *Store) Attempts(ctx context.Context, sources []string, since, until time.Time) (map[string]AttemptSummary, error) {
	out := make(map[string]AttemptSummary, len(sources))
	// One indexed range read per source: a single GROUP BY over the period
	// would have to scan the whole record, which is keyed by source first.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: attempts: %w", err)
	}
	defer conn.Close()
	for _, src := range sources {
		sum := AttemptSummary{Source: src}
		var first sql.NullString
		if err := conn.QueryRowContext(ctx, `SELECT MIN(at) FROM fetch_attempts WHERE source = ?`, src).Scan(&first); err != nil {
			return nil, fmt.Errorf("store: attempts of %s: %w", src, err)
		}
		if first.Valid {
			if sum.First, err = parseTime(first.String); err != nil {
				return nil, fmt.Errorf("store: attempts of %s: %w", src, err)
			}
		}
		if err := s.periodAttempts(ctx, conn, &sum, since, until); err != nil {
			return nil, fmt.Errorf("store: attempts of %s: %w", src, err)
		}
		out[src] = sum
	}
	return out, nil
}

func (s *Store) periodAttempts(ctx context.Context, conn *sql.Conn, sum *AttemptSummary, since, until time.Time) error {
	rows, err := conn.QueryContext(ctx, `SELECT at, ok, status, error FROM fetch_attempts
		WHERE source = ? AND at >= ? AND at < ? ORDER BY at`, sum.Source, formatTime(since), formatTime(until))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var at, msg string
		var ok bool
		var status int
		if err := rows.Scan(&at, &ok, &status, &msg); err != nil {
			return err
		}
		t, err := parseTime(at)
		if err != nil {
			return err
		}
		sum.Checks++
		sum.Last, sum.LastStatus, sum.LastError = t, status, msg
		if ok {
			sum.OK++
			sum.LastOK = t
		}
	}
	return rows.Err()
}

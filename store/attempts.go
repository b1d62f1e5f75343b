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
// record starts later, which FirstAttempt reports, and a digest of an older
// period says it is before the record.
const AttemptRetention = 400 * 24 * time.Hour

// recordAttempts adds one row per state's last attempt and drops the rows
// older than AttemptRetention, in the transaction that saves the states:
// the record of attempts and the states never disagree. The table is keyed
// by time, so both touch only its ends.
func recordAttempts(ctx context.Context, tx *sql.Tx, states []veille.FetchState) error {
	put, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO fetch_attempts (at, source, ok, status, error) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer put.Close()
	var latest time.Time
	for _, st := range states {
		if st.LastAttempt.IsZero() {
			continue // a state saved before any fetch is no attempt
		}
		ok := 0
		if st.Error == "" {
			ok = 1
		}
		if _, err := put.ExecContext(ctx, formatTime(st.LastAttempt), st.Source, ok, st.Status, st.Error); err != nil {
			return fmt.Errorf("%s: record attempt: %w", st.Source, err)
		}
		if st.LastAttempt.After(latest) {
			latest = st.LastAttempt
		}
	}
	if latest.IsZero() {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM fetch_attempts WHERE at < ?`, formatTime(latest.Add(-AttemptRetention))); err != nil {
		return fmt.Errorf("prune attempts: %w", err)
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
}

// Attempts summarises each source's recorded attempts in [since, until).
// Every source asked for is in the map, with zero counts when it was not
// checked in the period.
func (s *Store) Attempts(ctx context.Context, sources []string, since, until time.Time) (map[string]AttemptSummary, error) {
	out := make(map[string]AttemptSummary, len(sources))
	for _, src := range sources {
		out[src] = AttemptSummary{Source: src}
	}
	// One range of the time-ordered key: a week of 1,000 sources checked
	// every 2 hours is 84,000 short rows.
	rows, err := s.db.QueryContext(ctx, `SELECT at, source, ok, status, error FROM fetch_attempts
		WHERE at >= ? AND at < ? ORDER BY at`, formatTime(since), formatTime(until))
	if err != nil {
		return nil, fmt.Errorf("store: attempts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var at, src, msg string
		var ok bool
		var status int
		if err := rows.Scan(&at, &src, &ok, &status, &msg); err != nil {
			return nil, fmt.Errorf("store: attempts: %w", err)
		}
		sum, wanted := out[src]
		if !wanted {
			continue
		}
		t, err := parseTime(at)
		if err != nil {
			return nil, fmt.Errorf("store: attempts of %s: %w", src, err)
		}
		sum.Checks++
		sum.Last, sum.LastStatus, sum.LastError = t, status, msg
		if ok {
			sum.OK++
			sum.LastOK = t
		}
		out[src] = sum
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: attempts: %w", err)
	}
	return out, nil
}

// FirstAttempt is the earliest recorded attempt of any source: zero when
// the watch never fetched anything. Before it, the watch has no record of
// having checked anything.
func (s *Store) FirstAttempt(ctx context.Context) (time.Time, error) {
	var first sql.NullString
	if err := s.db.QueryRowContext(ctx, `SELECT MIN(at) FROM fetch_attempts`).Scan(&first); err != nil {
		return time.Time{}, fmt.Errorf("store: first attempt: %w", err)
	}
	if !first.Valid {
		return time.Time{}, nil
	}
	t, err := parseTime(first.String)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: first attempt: %w", err)
	}
	return t, nil
}

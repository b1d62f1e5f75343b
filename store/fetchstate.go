package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/nogentech/veille"
)

// FetchState returns what is remembered about a source, or a zero state
// with Source set when the source was never fetched.
func (s *Store) FetchState(ctx context.Context, source string) (veille.FetchState, error) {
	var data string
	err := s.db.QueryRowContext(ctx, `SELECT data FROM fetch_state WHERE source = ?`, source).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return veille.FetchState{Source: source}, nil
	}
	if err != nil {
		return veille.FetchState{}, fmt.Errorf("store: fetch state of %s: %w", source, err)
	}
	st, err := decodeFetchState(data)
	if err != nil {
		return veille.FetchState{}, fmt.Errorf("store: fetch state of %s: %w", source, err)
	}
	return st, nil
}

// SaveFetchStates records several sources' states in one transaction (one
// fsync, where a crawl of a thousand feeds would otherwise pay a thousand),
// and each state's last attempt in the record of attempts (attempts.go).
func (s *Store) SaveFetchStates(ctx context.Context, states []veille.FetchState) error {
	type row struct{ source, data string }
	rows := make([]row, 0, len(states))
	states = slices.Clone(states) // times are normalised below
	for i := range states {
		st := &states[i]
		if st.Source == "" {
			return errors.New("store: save fetch state: no source")
		}
		st.LastAttempt = st.LastAttempt.UTC()
		st.LastSuccess = st.LastSuccess.UTC()
		st.NextAttempt = st.NextAttempt.UTC()
		data, err := json.Marshal(*st)
		if err != nil {
			return fmt.Errorf("store: save fetch state of %s: %w", st.Source, err)
		}
		rows = append(rows, row{st.Source, string(data)})
	}
	if len(rows) == 0 {
		return nil
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		put, err := tx.PrepareContext(ctx, `INSERT INTO fetch_state (source, data, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (source) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`)
		if err != nil {
			return err
		}
		defer put.Close()
		now := formatTime(s.now())
		for _, r := range rows {
			if _, err := put.ExecContext(ctx, r.source, r.data, now); err != nil {
				return fmt.Errorf("%s: %w", r.source, err)
			}
		}
		return recordAttempts(ctx, tx, states)
	})
	if err != nil {
		if len(rows) == 1 {
			return fmt.Errorf("store: save fetch state of %s: %w", rows[0].source, err)
		}
		return fmt.Errorf("store: save %d fetch states: %w", len(rows), err)
	}
	return nil
}

// FetchStates returns every recorded source state, keyed by source.
func (s *Store) FetchStates(ctx context.Context) (map[string]veille.FetchState, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT source, data FROM fetch_state`)
	if err != nil {
		return nil, fmt.Errorf("store: fetch states: %w", err)
	}
	defer rows.Close()
	states := map[string]veille.FetchState{}
	for rows.Next() {
		var src, data string
		if err := rows.Scan(&src, &data); err != nil {
			return nil, fmt.Errorf("store: fetch states: %w", err)
		}
		st, err := decodeFetchState(data)
		if err != nil {
			return nil, fmt.Errorf("store: fetch state of %s: %w", src, err)
		}
		states[src] = st
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: fetch states: %w", err)
	}
	return states, nil
}

func decodeFetchState(data string) (veille.FetchState, error) {
	var st veille.FetchState
	if err := json.Unmarshal([]byte(data), &st); err != nil {
		return veille.FetchState{}, fmt.Errorf("decode: %w", err)
	}
	return st, nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// SavedSearch is a search a space (a member, or one staff address) keeps
// under a name.
type SavedSearch struct {
	ID        int64     `json:"id"`
	Space     string    `json:"-"`
	Name      string    `json:"name"`
	Query     string    `json:"query"`  // URL query, "q=…&domain=…"
	Notify    string    `json:"notify"` // none | immediate | daily | weekly
	CreatedAt time.Time `json:"created_at"`
	SeenAt    time.Time `json:"seen_at"`
}

// AddSavedSearch stores a saved search with the hash of its Atom token.
func (s *Store) AddSavedSearch(ctx context.Context, ss SavedSearch, feedTokenHash string) (int64, error) {
	var id int64
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO saved_searches (space, name, query, notify, feed_token, created_at, seen_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, ss.Space, ss.Name, ss.Query, ss.Notify, feedTokenHash,
			formatTime(ss.CreatedAt), formatTime(ss.SeenAt)).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("store: save search: %w", err)
	}
	return id, nil
}

// SavedSearches lists a space's saved searches, by name.
func (s *Store) SavedSearches(ctx context.Context, space string) ([]SavedSearch, error) {
	return s.savedSearches(ctx, `WHERE space = ? ORDER BY name, id`, space)
}

// SavedSearchesToNotify lists every saved search followed with this notify
// mode, across spaces (the sender).
func (s *Store) SavedSearchesToNotify(ctx context.Context, notify string) ([]SavedSearch, error) {
	return s.savedSearches(ctx, `WHERE notify = ? ORDER BY id`, notify)
}

// SavedSearchByFeedToken finds the saved search of a private Atom URL.
func (s *Store) SavedSearchByFeedToken(ctx context.Context, hash string) (SavedSearch, error) {
	out, err := s.savedSearches(ctx, `WHERE feed_token = ?`, hash)
	if err != nil {
		return SavedSearch{}, err
	}
	if len(out) == 0 {
		return SavedSearch{}, ErrNotFound
	}
	return out[0], nil
}

func (s *Store) savedSearches(ctx context.Context, tail string, args ...any) ([]SavedSearch, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, space, name, query, notify, created_at, seen_at FROM saved_searches `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("store: read saved searches: %w", err)
	}
	defer rows.Close()
	var out []SavedSearch
	for rows.Next() {
		var ss SavedSearch
		var created, seen string
		if err := rows.Scan(&ss.ID, &ss.Space, &ss.Name, &ss.Query, &ss.Notify, &created, &seen); err != nil {
			return nil, fmt.Errorf("store: read saved searches: %w", err)
		}
		ss.CreatedAt, _ = time.Parse(timeFormat, created)
		ss.SeenAt, _ = time.Parse(timeFormat, seen)
		out = append(out, ss)
	}
	return out, rows.Err()
}

// UpdateSavedSearch changes what a space may change of its saved search:
// seen (marks it read), notify, or a new feed token hash (revokes the old
// URL). Empty arguments leave the field; ErrNotFound when the space has no
// such search, whoever else has it.
func (s *Store) UpdateSavedSearch(ctx context.Context, space string, id int64, seen time.Time, notify, feedTokenHash string) error {
	var n int64
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE saved_searches SET
			seen_at = COALESCE(?, seen_at), notify = COALESCE(NULLIF(?, ''), notify), feed_token = COALESCE(NULLIF(?, ''), feed_token)
			WHERE space = ? AND id = ?`, seenValue(seen), notify, feedTokenHash, space, id)
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: update saved search: %w", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// DeleteSavedSearch removes a space's saved search.
func (s *Store) DeleteSavedSearch(ctx context.Context, space string, id int64) error {
	var n int64
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM saved_searches WHERE space = ? AND id = ?`, space, id)
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete saved search: %w", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// SavedSearch returns a saved search by id, whatever its space (the
// sender rebuilding a mail from the ledger).
func (s *Store) SavedSearch(ctx context.Context, id int64) (SavedSearch, error) {
	out, err := s.savedSearches(ctx, `WHERE id = ?`, id)
	if err != nil {
		return SavedSearch{}, err
	}
	if len(out) == 0 {
		return SavedSearch{}, ErrNotFound
	}
	return out[0], nil
}

// seenValue is the seen time to store, or NULL to keep the stored one.
func seenValue(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return formatTime(t)
}

package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// idsFirstSeenAfterSQL reads a range of item_selection's primary key.
const idsFirstSeenAfterSQL = `SELECT id FROM item_selection WHERE first_seen > ?`

// ItemIDsFirstSeenAfter returns the ids of the items first seen after
// since: what is new to someone who last looked at since. Ids only, read
// off item_selection, which is keyed by first sight (items has no index on
// first_seen since migration 0052): the search index then counts which of
// them a search matches, instead of a search over every item.
func (s *Store) ItemIDsFirstSeenAfter(ctx context.Context, since time.Time) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, idsFirstSeenAfterSQL, formatTime(since))
	if err != nil {
		return nil, fmt.Errorf("store: ids first seen after %s: %w", since.Format(time.RFC3339), err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: ids first seen: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: ids first seen: %w", err)
	}
	return ids, nil
}

// FirstSeenAfter returns which of ids the store first saw after since (the
// "new" marks of a page of items).
func (s *Store) FirstSeenAfter(ctx context.Context, ids []string, since time.Time) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(ids)+1)
	args = append(args, formatTime(since))
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM items WHERE first_seen > ? AND id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: first seen of a page: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: first seen of a page: %w", err)
		}
		out[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: first seen of a page: %w", err)
	}
	return out, nil
}

package store

import (
	"context"
	"time"

	"github.com/nogentech/veille"
)

// Helpers for this package's tests only: the code uses EachItemFirstSeen
// and SaveFetchStates.

// ItemsFirstSeen returns the items first seen in [since, until), oldest
// first. A zero until means no upper bound.
func (s *Store) ItemsFirstSeen(ctx context.Context, since, until time.Time) ([]veille.Item, error) {
	var items []veille.Item
	err := s.EachItemFirstSeen(ctx, since, until, func(it veille.Item) error {
		items = append(items, it)
		return nil
	})
	return items, err
}

// SaveFetchState records a source's state, replacing the previous one.
func (s *Store) SaveFetchState(ctx context.Context, st veille.FetchState) error {
	return s.SaveFetchStates(ctx, []veille.FetchState{st})
}

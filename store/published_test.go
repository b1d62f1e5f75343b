package store

import (
	"context"
	"testing"
	"time"
)

// The items table keeps no published column: the date lives in data, and
// an item read back still has it.
func TestItemsHaveNoPublishedColumn(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	it := item("a", "s1")
	it.Published = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	mustUpsert(t, s, it)
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info('items') WHERE name = 'published'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("items.published still there: %d, %v", n, err)
	}
	got, err := s.Item(ctx, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Published.Equal(it.Published) {
		t.Errorf("Published read back = %v, want %v", got.Published, it.Published)
	}
}

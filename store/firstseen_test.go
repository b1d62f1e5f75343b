package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// The ids first seen after a time come from item_selection's key: the
// member's home asks on every view, and a scan of items reads every item.
func TestItemIDsFirstSeenAfter(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	s.now = func() time.Time { return t0 }
	mustUpsert(t, s, item("a", "src1"), item("b", "src1"))
	s.now = func() time.Time { return t0.Add(time.Hour) }
	mustUpsert(t, s, item("c", "src2"), item("a", "src2")) // a seen again: not new

	ids, err := s.ItemIDsFirstSeenAfter(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, []string{"c"}) {
		t.Errorf("first seen after t0: %v, want [c]", ids)
	}
	if ids, _ := s.ItemIDsFirstSeenAfter(ctx, t0.Add(-time.Second)); len(ids) != 3 {
		t.Errorf("first seen after t0-1s: %v, want 3 ids", ids)
	}

	var plan strings.Builder
	rows, err := s.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+idsFirstSeenAfterSQL, formatTime(t0))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(detail + "\n")
	}
	if p := plan.String(); !strings.Contains(p, "SEARCH item_selection") {
		t.Errorf("the ids are not read off item_selection's key:\n%s", p)
	}
}

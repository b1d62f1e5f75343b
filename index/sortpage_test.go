package index

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/nogentech/veille"
)

// Items that tie on the score (the same text) come newest first on each
// page, then by id; items that tie on the date, by id; and paging neither
// repeats nor skips one of them. (Across pages, Bleve's order of equal
// scores stands: the tie-break is made on the page, see Search.)
func TestTiesOrderedByDateThenID(t *testing.T) {
	ix := openTemp(t)
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var items []veille.Item
	for i := range 30 {
		it := fixture(fmt.Sprintf("tie-%02d", i), "fr", "jorf", "FR",
			"Arrêté relatif aux installations classées",
			"Prescriptions applicables aux installations classées.", "",
			base.AddDate(0, 0, -(i%4)), // four dates, several items on each
			nil, nil)
		items = append(items, it)
	}
	if err := ix.Upsert(context.Background(), items, 1); err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]veille.SearchRequest{
		"relevance": {Query: "installations classées"},
		"date":      {},
	} {
		t.Run(name, func(t *testing.T) {
			var got []veille.Hit
			for off := 0; off < len(items); off += 7 {
				r.Limit, r.Offset = 7, off
				res := runSearch(t, ix, r)
				got = append(got, res.Hits...)
				sorted := slices.IsSortedFunc(res.Hits, func(a, b veille.Hit) int {
					if c := b.Published.Compare(a.Published); c != 0 {
						return c
					}
					if a.ID < b.ID {
						return -1
					}
					return 1
				})
				if !sorted {
					t.Errorf("page at %d not newest first then by id", off)
				}
			}
			seen := map[string]bool{}
			for _, h := range got {
				if seen[h.ID] {
					t.Errorf("%s on two pages", h.ID)
				}
				seen[h.ID] = true
			}
			if len(seen) != len(items) {
				t.Errorf("paging gave %d distinct items, want %d", len(seen), len(items))
			}
			if name == "date" {
				for i := 1; i < len(got); i++ {
					if got[i].Published.After(got[i-1].Published) {
						t.Fatalf("hit %d is newer than hit %d across pages", i, i-1)
					}
				}
			}
		})
	}
}

func TestSortPageMovesHitsOnlyWithinTies(t *testing.T) {
	d := func(day int) time.Time { return time.Date(2026, 1, day, 0, 0, 0, 0, time.UTC) }
	hits := []veille.Hit{
		{ID: "b", Score: 3, Published: d(1)},
		{ID: "a", Score: 3, Published: d(1)},
		{ID: "c", Score: 3, Published: d(5)},
		{ID: "d", Score: 2, Published: d(9)}, // newer but lower: stays after
		{ID: "e", Score: 1, Published: d(2)},
	}
	sortPage(hits, true)
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.ID)
	}
	if want := []string{"c", "a", "b", "d", "e"}; !slices.Equal(ids, want) {
		t.Errorf("relevance page %v, want %v", ids, want)
	}
	hits = []veille.Hit{{ID: "z", Published: d(3)}, {ID: "y", Published: d(3)}, {ID: "x", Published: d(1)}, {ID: "w", Published: d(9)}}
	sortPage(hits, false)
	ids = ids[:0]
	for _, h := range hits {
		ids = append(ids, h.ID)
	}
	// Bleve's date order between runs stands, even for a date it could
	// not index (w, last).
	if want := []string{"y", "z", "x", "w"}; !slices.Equal(ids, want) {
		t.Errorf("date page %v, want %v", ids, want)
	}
}

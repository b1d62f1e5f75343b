package store

import (
	"context"
	"database/sql"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/nogentech/veille"
)

// selectedFromItems is what EachSelected must say, read the slow way:
// every item of the period decoded.
func selectedFromItems(t *testing.T, s *Store, since, until time.Time) []Selected {
	t.Helper()
	var out []Selected
	err := s.EachItemFirstSeen(context.Background(), since, until, func(it veille.Item) error {
		out = append(out, Selected{ID: it.ID, FirstSeen: it.FirstSeen, Published: it.Published,
			Sources: it.Sources, Domains: it.Domains, Competences: it.Competences})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func eachSelected(t *testing.T, s *Store, since, until time.Time) []Selected {
	t.Helper()
	var out []Selected
	if err := s.EachSelected(context.Background(), since, until, Tags{}, func(sel Selected) error {
		out = append(out, sel)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func sameSelected(t *testing.T, got, want []Selected) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d:\n got %+v\nwant %+v", len(got), len(want), got, want)
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.ID != w.ID || !g.FirstSeen.Equal(w.FirstSeen) || !g.Published.Equal(w.Published) ||
			!slices.Equal(g.Sources, w.Sources) || !slices.Equal(g.Domains, w.Domains) ||
			!slices.Equal(g.Competences, w.Competences) {
			t.Errorf("row %d: got %+v, want %+v", i, g, w)
		}
	}
}

// The selection table says what the items say, in their order, through
// new items, an item without a date or tags, a second source that adds
// tags, and the same item twice in one call.
func TestSelectionFollowsUpserts(t *testing.T) {
	s, _ := openTemp(t)
	a, b, c := item("a", "src1"), item("b", "src1"), item("c", "src2")
	a.Domains, a.Competences = []string{"environment"}, []string{"surface-treatment"}
	b.Published, b.Domains, b.Competences = time.Time{}, nil, nil
	s.now = func() time.Time { return t0 }
	mustUpsert(t, s, a, b, c)
	until := t0.Add(24 * time.Hour)
	want := selectedFromItems(t, s, t0, until)
	if len(want) != 3 {
		t.Fatalf("fixture: %d items", len(want))
	}
	sameSelected(t, eachSelected(t, s, t0, until), want)

	// Another source sees a, with another tag; c comes twice in one call.
	s.now = func() time.Time { return t0.Add(time.Hour) }
	a2 := item("a", "src3")
	a2.Domains, a2.Competences = []string{"health-safety"}, nil
	c2, c3 := item("c", "src2"), item("c", "src2")
	c2.Title, c3.Title = "changed once", "changed twice"
	mustUpsert(t, s, a2, c2, c3)
	got := eachSelected(t, s, t0, until)
	sameSelected(t, got, selectedFromItems(t, s, t0, until))
	for _, sel := range got {
		if sel.ID == "a" && (!reflect.DeepEqual(sel.Sources, []string{"src1", "src3"}) || len(sel.Domains) != 2) {
			t.Errorf("a after a second source: %+v", sel)
		}
	}
	// The period is half-open, and outside it there is nothing.
	if got := eachSelected(t, s, t0.Add(time.Nanosecond), until); len(got) != 0 {
		t.Errorf("items first seen at t0 listed after it: %+v", got)
	}
	var rows int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM item_selection`).Scan(&rows); err != nil || rows != 3 {
		t.Errorf("item_selection holds %d rows (%v), want one per item", rows, err)
	}
}

// A record made before the selection table gets it filled from the items
// by the migration, the same as upserts would have written it.
func TestMigrateSelection(t *testing.T) {
	s, path := openTemp(t)
	a, b := item("a", "src1"), item("b", "src2")
	a.Sources = []string{"src1", "src2"}
	a.Domains, a.Competences = []string{"environment", "health-safety"}, []string{"surface-treatment"}
	b.Published = time.Time{}
	s.now = func() time.Time { return t0 }
	mustUpsert(t, s, a, b)
	until := t0.Add(time.Hour)
	want := selectedFromItems(t, s, t0, until)
	// Back to the schema before 0052 (and the migrations after it).
	s2 := reopenWithout(t, s, path, `DROP TABLE item_selection`, `CREATE INDEX items_first_seen ON items (first_seen)`,
		`DROP TABLE item_dates`, `DELETE FROM schema_version WHERE version >= 52`)
	got := eachSelected(t, s2, t0, until)
	sameSelected(t, got, want)
	if got[0].Published.IsZero() == got[1].Published.IsZero() {
		t.Errorf("fixture: one item must have a date and one none: %+v", got)
	}
	var pub sql.NullString
	if err := s2.db.QueryRow(`SELECT published FROM item_selection WHERE id = 'b'`).Scan(&pub); err != nil || pub.Valid {
		t.Errorf("an item without a date migrated with published %v (%v), want NULL", pub, err)
	}
}

// reopenWithout takes s back to an older schema with stmts, closes it and
// opens path again, which applies the migrations undone; the new store is
// closed at the end of the test.
func reopenWithout(t *testing.T, s *Store, path string, stmts ...string) *Store {
	t.Helper()
	for _, q := range stmts {
		if _, err := s.db.ExecContext(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s2, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open a record of an older schema: %v", err)
	}
	t.Cleanup(func() { s2.Close() })
	return s2
}

// The tag filter matches whole ids in the lists (a prefix is not a match),
// OR within domains or competences and AND across; the counts count an
// item once in all and once per source that saw it.
func TestSelectionTagsAndCounts(t *testing.T) {
	s, _ := openTemp(t)
	s.now = func() time.Time { return t0 }
	a, b, c, d := item("a", "src1"), item("b", "src1"), item("c", "src2"), item("d", "src2")
	a.Domains, a.Competences = []string{"environment"}, []string{"surface-treatment"}
	b.Domains, b.Competences = []string{"environment-extra"}, []string{"surface-treatment"}
	c.Sources = []string{"src2", "src3"}
	c.Domains, c.Competences = []string{"health-safety", "environment"}, []string{"forging"}
	d.Domains = nil
	mustUpsert(t, s, a, b, c, d)
	until := t0.Add(time.Hour)
	idsOf := func(tags Tags) []string {
		var out []string
		if err := s.EachSelected(context.Background(), t0, until, tags, func(sel Selected) error {
			out = append(out, sel.ID)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	for name, tc := range map[string]struct {
		tags Tags
		want []string
	}{
		"none":              {Tags{}, []string{"a", "b", "c", "d"}},
		"whole ids":         {Tags{Domains: []string{"environment"}}, []string{"a", "c"}},
		"or within":         {Tags{Domains: []string{"environment-extra", "health-safety"}}, []string{"b", "c"}},
		"and across":        {Tags{Domains: []string{"environment"}, Competences: []string{"surface-treatment"}}, []string{"a"}},
		"nothing has it":    {Tags{Competences: []string{"heat-treatment"}}, nil},
		"prefix is not one": {Tags{Domains: []string{"env"}}, nil},
	} {
		if got := idsOf(tc.tags); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}
	total, by, err := s.CountFirstSeen(context.Background(), t0, until)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"src1": 2, "src2": 2, "src3": 1}; total != 4 || !reflect.DeepEqual(by, want) {
		t.Errorf("counts: %d, %v; want 4, %v", total, by, want)
	}
	if total, _, _ := s.CountFirstSeen(context.Background(), until, until.Add(time.Hour)); total != 0 {
		t.Errorf("%d items counted in an hour when none was first seen", total)
	}
}

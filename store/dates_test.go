package store

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
)

// dated is an item setting the dates given as "kind@YYYY-MM-DD".
func dated(id string, dates ...string) veille.Item {
	it := item(id, "src1")
	it.Domains, it.Competences = []string{"environment"}, []string{"surface-treatment"}
	for _, d := range dates {
		kind, day, _ := strings.Cut(d, "@")
		it.Dates = append(it.Dates, veille.KeyDate{Kind: kind, Date: day, Text: "words for " + d})
	}
	return it
}

// datesOf lists a result as "date kind id".
func datesOf(t *testing.T, s *Store, q DatesQuery) ([]string, bool) {
	t.Helper()
	res, err := s.Dates(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range res.Dates {
		out = append(out, d.Date+" "+d.Kind+" "+d.Item.ID)
	}
	return out, res.Cut
}

// The table follows the items' dates through new items, an update that
// moves a date, a second source, SaveRefs (reindex), and gives what a
// calendar entry shows of the item.
func TestDatesFollowItems(t *testing.T) {
	s, _ := openTemp(t)
	s.now = func() time.Time { return t0 }
	a := dated("a", "deadline@2026-03-10", "application@2026-06-01")
	a.Refs = []veille.Ref{{Kind: "eu-act", ID: "Regulation (EU) 2017/745", Text: "règlement 2017/745", Rel: "amends"}}
	a.Act = &veille.ActID{Kind: "fr-act", ID: "Arrêté du 3 mars 2026"}
	b := dated("b", "deadline@2026-03-10")
	c := item("c", "src1") // sets no date
	mustUpsert(t, s, a, b, c)
	q := DatesQuery{From: "2026-01-01", Until: "2027-01-01"}
	got, cut := datesOf(t, s, q)
	want := []string{"2026-03-10 deadline a", "2026-03-10 deadline b", "2026-06-01 application a"}
	if !reflect.DeepEqual(got, want) || cut {
		t.Fatalf("dates %v (cut %v), want %v", got, cut, want)
	}
	res, _ := s.Dates(context.Background(), q)
	first := res.Dates[0]
	if first.Item.Title != a.Title || !first.Item.Published.Equal(a.Published) || first.Text != "words for deadline@2026-03-10" ||
		!reflect.DeepEqual(first.Item.Act, a.Act) || len(first.Item.Refs) != 1 || first.Item.Refs[0].Rel != "amends" ||
		first.Item.Refs[0].ID != "Regulation (EU) 2017/745" || first.Item.Refs[0].Text != "" ||
		!reflect.DeepEqual(first.Item.Competences, a.Competences) {
		t.Errorf("a's entry: %+v", first)
	}

	// a's deadline moves; b is seen by another source with another domain.
	a2 := dated("a", "deadline@2026-04-01", "application@2026-06-01")
	b2 := dated("b", "deadline@2026-03-10")
	b2.Source, b2.Domains = "src2", []string{"health-safety"}
	mustUpsert(t, s, a2, b2)
	got, _ = datesOf(t, s, q)
	want = []string{"2026-03-10 deadline b", "2026-04-01 deadline a", "2026-06-01 application a"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after the update: %v, want %v", got, want)
	}
	if got, _ := datesOf(t, s, DatesQuery{From: "2026-01-01", Until: "2027-01-01", Tags: Tags{Domains: []string{"health-safety"}}}); !reflect.DeepEqual(got, []string{"2026-03-10 deadline b"}) {
		t.Errorf("health-safety dates after b's second source: %v", got)
	}

	// reindex extracts again: a now sets one date only.
	a3 := a2
	a3.Dates = []veille.KeyDate{{Kind: "entry-into-force", Date: "2026-05-05", Text: "le 5 mai"}}
	if _, err := s.SaveRefs(context.Background(), []veille.Item{a3}); err != nil {
		t.Fatal(err)
	}
	got, _ = datesOf(t, s, q)
	want = []string{"2026-03-10 deadline b", "2026-05-05 entry-into-force a"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after SaveRefs: %v, want %v", got, want)
	}
}

// Whole days, upcoming first, then the past back from today, within the
// cap; filters by kind and tags; a window with nothing gives nothing.
func TestDatesWholeDaysUpcomingFirst(t *testing.T) {
	s, _ := openTemp(t)
	s.now = func() time.Time { return t0 }
	mustUpsert(t, s,
		dated("p1", "deadline@2026-02-01"),
		dated("p2", "deadline@2026-02-20", "application@2026-02-20"),
		dated("t1", "deadline@2026-03-01"),
		dated("u1", "deadline@2026-03-05", "application@2026-03-05"),
		dated("u2", "deadline@2026-03-05"),
		dated("u3", "comment-deadline@2026-04-01"),
	)
	q := DatesQuery{From: "2026-01-01", Until: "2027-01-01", Today: "2026-03-01"}
	for _, c := range []struct {
		name string
		max  int
		want []string
		cut  bool
	}{
		{"all", 0, []string{"2026-02-01 deadline p1", "2026-02-20 application p2", "2026-02-20 deadline p2",
			"2026-03-01 deadline t1", "2026-03-05 application u1", "2026-03-05 deadline u1", "2026-03-05 deadline u2",
			"2026-04-01 comment-deadline u3"}, false},
		// today and the upcoming days (5), then the day before today does not fit whole (2 > 1)
		{"six", 6, []string{"2026-03-01 deadline t1", "2026-03-05 application u1", "2026-03-05 deadline u1",
			"2026-03-05 deadline u2", "2026-04-01 comment-deadline u3"}, true},
		{"seven", 7, []string{"2026-02-20 application p2", "2026-02-20 deadline p2",
			"2026-03-01 deadline t1", "2026-03-05 application u1", "2026-03-05 deadline u1", "2026-03-05 deadline u2",
			"2026-04-01 comment-deadline u3"}, true},
		// March 5th does not fit after today's date: the calendar stops before it
		{"two", 2, []string{"2026-03-01 deadline t1"}, true},
	} {
		q := q
		q.Max = c.max
		got, cut := datesOf(t, s, q)
		if !reflect.DeepEqual(got, c.want) || cut != c.cut {
			t.Errorf("%s: %v (cut %v), want %v (cut %v)", c.name, got, cut, c.want, c.cut)
		}
	}
	// A single day holding more than the whole cap gives the cap's worth.
	got, cut := datesOf(t, s, DatesQuery{From: "2026-03-05", Until: "2026-03-06", Max: 2})
	if !reflect.DeepEqual(got, []string{"2026-03-05 application u1", "2026-03-05 deadline u1"}) || !cut {
		t.Errorf("a day over the cap: %v (cut %v)", got, cut)
	}
	got, _ = datesOf(t, s, DatesQuery{From: "2026-01-01", Until: "2027-01-01", Kinds: []string{"application", "comment-deadline"}})
	if !reflect.DeepEqual(got, []string{"2026-02-20 application p2", "2026-03-05 application u1", "2026-04-01 comment-deadline u3"}) {
		t.Errorf("two kinds: %v", got)
	}
	for _, q := range []DatesQuery{
		{From: "2026-01-01", Until: "2027-01-01", Tags: Tags{Competences: []string{"surface"}}}, // a prefix is not a match
		{From: "2026-03-02", Until: "2026-03-05"},
		{From: "2026-04-02", Until: "2026-04-01"},
	} {
		if got, cut := datesOf(t, s, q); len(got) != 0 || cut {
			t.Errorf("%+v: %v (cut %v), want nothing", q, got, cut)
		}
	}
}

// A record made before item_dates gets it filled by the migration, the
// same as upserts write it.
func TestMigrateDates(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	s.now = func() time.Time { return t0 }
	a := dated("a", "deadline@2026-03-10", "application@2026-06-01")
	a.Refs = []veille.Ref{{Kind: "eu-act", ID: "Regulation (EU) 2017/745", Text: "MDR", Rel: "amends"}, {Kind: "cas", ID: "50-00-0", Text: "50-00-0"}}
	a.Act = &veille.ActID{Kind: "fr-act", ID: "Arrêté du 3 mars 2026"}
	b := dated("b", "deadline@2026-03-10")
	b.Published = time.Time{}
	b.Refs = manyRefs(dateRefs + 3)
	mustUpsert(t, s, a, b, item("c", "src1"))
	q := DatesQuery{From: "2026-01-01", Until: "2027-01-01"}
	want, _ := s.Dates(ctx, q)
	if len(want.Dates) != 3 {
		t.Fatalf("fixture: %+v", want)
	}
	s2 := reopenWithout(t, s, path, `DROP TABLE item_dates`, `DELETE FROM schema_version WHERE version = 53`)
	got, err := s2.Dates(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("migrated:\n got %+v\nwant %+v", got, want)
	}
	if b := got.Dates[1]; b.Item.ID != "b" || len(b.Item.Refs) != dateRefs || b.RefsLeft != 3 {
		t.Errorf("b migrated with %d references and %d left, want %d and 3", len(b.Item.Refs), b.RefsLeft, dateRefs)
	}
}

// manyRefs are n CAS numbers.
func manyRefs(n int) []veille.Ref {
	out := make([]veille.Ref, n)
	for i := range out {
		out[i] = veille.Ref{Kind: "cas", ID: fmt.Sprintf("%d-00-0", 50+i), Text: "CAS"}
	}
	return out
}

// A text citing many references has its first dateRefs copied with each
// of its dates, and the count of the others: not the whole list per date.
func TestDatesKeepFirstRefs(t *testing.T) {
	s, _ := openTemp(t)
	s.now = func() time.Time { return t0 }
	a := dated("a", "deadline@2026-03-10", "application@2026-06-01")
	a.Refs = append([]veille.Ref{{Kind: "eu-act", ID: "Regulation (EU) 2017/745", Rel: "amends"}}, manyRefs(500)...)
	mustUpsert(t, s, a)
	res, err := s.Dates(context.Background(), DatesQuery{From: "2026-01-01", Until: "2027-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Dates) != 2 {
		t.Fatalf("%d dates, want 2", len(res.Dates))
	}
	for _, d := range res.Dates {
		if len(d.Item.Refs) != dateRefs || d.RefsLeft != 501-dateRefs || d.Act == nil || d.Act.ID != "Regulation (EU) 2017/745" {
			t.Errorf("%s: %d references, %d left, act %v", d.Date, len(d.Item.Refs), d.RefsLeft, d.Act)
		}
	}
	var bytes int
	if err := s.db.QueryRow(`SELECT SUM(length(refs)) FROM item_dates`).Scan(&bytes); err != nil || bytes > 2*dateRefs*60 {
		t.Errorf("the rows hold %d bytes of references (%v)", bytes, err)
	}
}

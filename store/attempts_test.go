package store

import (
	"context"
	"testing"
	"time"

	"github.com/nogentech/veille"
)

// Every saved state leaves one attempt; the record answers per period and
// survives a reopen of the database.
func TestAttemptsRecordedAndSummarised(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	save := func(st veille.FetchState) {
		t.Helper()
		if err := s.SaveFetchStates(ctx, []veille.FetchState{st}); err != nil {
			t.Fatal(err)
		}
	}
	save(veille.FetchState{Source: "a", LastAttempt: t0, LastSuccess: t0, Status: 200})
	save(veille.FetchState{Source: "a", LastAttempt: t0.Add(2 * time.Hour), LastSuccess: t0.Add(2 * time.Hour), Status: 304})
	save(veille.FetchState{Source: "a", LastAttempt: t0.Add(2 * time.Hour), LastSuccess: t0.Add(2 * time.Hour), Status: 304}) // same attempt saved again
	save(veille.FetchState{Source: "b", LastAttempt: t0.Add(time.Hour), Status: 503, Error: "503 Service Unavailable", Failures: 1})
	save(veille.FetchState{Source: "b", LastAttempt: t0.Add(3 * time.Hour), Status: 0, Error: "timed out after 30s", Failures: 2})
	save(veille.FetchState{Source: "c"}) // never fetched: no attempt

	s.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()

	got, err := s2.Attempts(ctx, []string{"a", "b", "c"}, t0, t0.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := got["a"], got["b"], got["c"]
	if a.Checks != 2 || a.OK != 2 || !a.Last.Equal(t0.Add(2*time.Hour)) || !a.LastOK.Equal(a.Last) || a.LastStatus != 304 {
		t.Errorf("a = %+v", a)
	}
	if b.Checks != 2 || b.OK != 0 || b.LastError != "timed out after 30s" || !b.LastOK.IsZero() {
		t.Errorf("b = %+v", b)
	}
	if c.Checks != 0 {
		t.Errorf("c = %+v", c)
	}

	// A period before any attempt: nothing checked, the first attempt known.
	before, err := s2.Attempts(ctx, []string{"a"}, t0.Add(-7*24*time.Hour), t0)
	if err != nil {
		t.Fatal(err)
	}
	if got := before["a"]; got.Checks != 0 {
		t.Errorf("before the first attempt: %+v", got)
	}
	if first, err := s2.FirstAttempt(ctx); err != nil || !first.Equal(t0) {
		t.Errorf("first attempt %v (%v), want %v", first, err, t0)
	}
}

// Attempts older than AttemptRetention go at the next save.
func TestAttemptsPruned(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	old := t0.Add(-AttemptRetention - time.Hour)
	for _, at := range []time.Time{old, t0} {
		if err := s.SaveFetchStates(ctx, []veille.FetchState{{Source: "a", LastAttempt: at}}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Attempts(ctx, []string{"a"}, old.Add(-time.Hour), t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if a := got["a"]; a.Checks != 1 {
		t.Errorf("after pruning: %+v, want only the recent attempt", a)
	}
	if first, _ := s.FirstAttempt(ctx); !first.Equal(t0) {
		t.Errorf("first attempt after pruning %v, want %v", first, t0)
	}
}

// A database from before the record of attempts starts it with each
// source's last attempt.
func TestAttemptsMigrationSeedsLastAttempt(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	states := []veille.FetchState{
		{Source: "a", LastAttempt: t0.Add(1500 * time.Millisecond), LastSuccess: t0, Status: 200},
		{Source: "b", LastAttempt: t0, Status: 500, Error: "500 Internal Server Error", Failures: 1},
		{Source: "c"},
	}
	if err := s.SaveFetchStates(ctx, states); err != nil {
		t.Fatal(err)
	}
	// Back to schema 3: no record of attempts, items.published still there,
	// nor the tables of later migrations (every later migration undone).
	later := []string{`DROP TABLE fetch_attempts`, `ALTER TABLE items ADD COLUMN published TEXT`,
		`DELETE FROM schema_version WHERE version >= 4`}
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN
		('items', 'fetch_state', 'counters', 'deliveries', 'delivery_items', 'watermarks', 'digest_archive',
		 'source_counts', 'fetch_attempts', 'schema_version')`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		later = append(later, `DROP TABLE `+name)
	}
	rows.Close()
	for _, q := range later {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.Attempts(ctx, []string{"a", "b", "c"}, t0.Add(-time.Hour), t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if a := got["a"]; a.Checks != 1 || a.OK != 1 || !a.Last.Equal(t0.Add(1500*time.Millisecond)) {
		t.Errorf("a = %+v", a)
	}
	if b := got["b"]; b.Checks != 1 || b.OK != 0 || b.LastStatus != 500 || b.LastError == "" {
		t.Errorf("b = %+v", b)
	}
	if c := got["c"]; c.Checks != 0 {
		t.Errorf("c = %+v", c)
	}
	// The same attempt saved again after the migration is not counted twice.
	if err := s2.SaveFetchStates(ctx, states[:1]); err != nil {
		t.Fatal(err)
	}
	got, _ = s2.Attempts(ctx, []string{"a"}, t0.Add(-time.Hour), t0.Add(time.Hour))
	if got["a"].Checks != 1 {
		t.Errorf("re-saved seeded attempt counted twice: %+v", got["a"])
	}
}

package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nogentech/veille"
)

func openTemp(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sub", "dir", "veille.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

var t0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func item(id, source string) veille.Item {
	paris, _ := time.LoadLocation("Europe/Paris")
	return veille.Item{
		ID:          id,
		Title:       "Chrome hexavalent : restriction REACH " + id,
		Link:        "https://example.org/" + id,
		GUID:        "urn:" + id,
		Source:      source,
		Sources:     []string{source},
		Published:   t0.In(paris), // stored in UTC whatever the zone given
		Lang:        "fr",
		Summary:     "Résumé de " + id,
		Content:     "Texte intégral de " + id,
		Domains:     []string{"environment"},
		Competences: []string{"surface-treatment"},
		Why:         map[string][]string{"environment": {"REACH"}, "surface-treatment": {"chrome hexavalent"}},
	}
}

func mustUpsert(t *testing.T, s *Store, items ...veille.Item) UpsertResult {
	t.Helper()
	res, err := s.UpsertItems(context.Background(), items)
	if err != nil {
		t.Fatalf("UpsertItems: %v", err)
	}
	return res
}

func ids(items []veille.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func TestOpenCreatesAndMigrates(t *testing.T) {
	s, path := openTemp(t)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file not created: %v", err)
	}
	var version int
	if err := s.db.QueryRow(`SELECT MAX(version) FROM schema_version`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if want := ms[len(ms)-1].version; version != want {
		t.Errorf("schema version = %d, want %d", version, want)
	}
	pragmas := map[string]string{"journal_mode": "wal", "foreign_keys": "1", "synchronous": "2", "busy_timeout": "5000",
		"page_size": strconv.Itoa(pageSize)}
	for name, want := range pragmas {
		var got string
		if err := s.db.QueryRow(`PRAGMA ` + name).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", name, err)
		}
		if !strings.EqualFold(got, want) {
			t.Errorf("PRAGMA %s = %s, want %s", name, got, want)
		}
	}
}

// An empty file, as a mistaken touch leaves, is a new database too; one
// made with another page size keeps it.
func TestOpenPageSize(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(dir, "old.db")
	db, err := sql.Open("sqlite", dsn(old)) // SQLite's default page size
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (x)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for path, want := range map[string]int{empty: pageSize, old: 4096} {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("Open %s: %v", filepath.Base(path), err)
		}
		var got int
		if err := s.db.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: page size %d, want %d", filepath.Base(path), got, want)
		}
		mustUpsert(t, s, item("a", "s1"))
		if n, err := s.CountItems(ctx); err != nil || n != 1 {
			t.Errorf("%s: %d items (%v), want 1", filepath.Base(path), n, err)
		}
		s.Close()
	}
}

func TestOpenNewerSchemaFails(t *testing.T) {
	s, path := openTemp(t)
	if _, err := s.db.Exec(`INSERT INTO schema_version (version, name, applied_at) VALUES (9999, 'future.sql', 'x')`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err := Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a newer schema: err = %v, want a 'newer' error", err)
	}
}

func TestOpenBadPath(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := map[string]string{
		"empty":            "",
		"parent is a file": filepath.Join(blocker, "veille.db"),
	}
	for name, path := range tests {
		t.Run(name, func(t *testing.T) {
			s, err := Open(context.Background(), path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
		})
	}
}

func TestUpsertNewThenUnchanged(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	s.now = func() time.Time { return t0.Add(time.Hour) }

	a, b := item("a", "src1"), item("b", "src1")
	res := mustUpsert(t, s, a, b)
	if got := ids(res.New); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Fatalf("New = %v, want [a b]", got)
	}
	if len(res.Updated) != 0 || res.Unchanged != 0 || res.MaxSeq != 2 {
		t.Fatalf("res = %d updated, %d unchanged, maxseq %d; want 0, 0, 2", len(res.Updated), res.Unchanged, res.MaxSeq)
	}
	if !res.New[0].FirstSeen.Equal(t0.Add(time.Hour)) {
		t.Errorf("FirstSeen = %v, want the store clock %v", res.New[0].FirstSeen, t0.Add(time.Hour))
	}

	got, err := s.Item(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if got.Published.Location() != time.UTC || !got.Published.Equal(t0) {
		t.Errorf("Published = %v, want %v in UTC", got.Published, t0)
	}
	want := res.New[0]
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Item(a) =\n%+v\nwant (as returned by UpsertItems)\n%+v", got, want)
	}

	// The same content again, even with a later FirstSeen and another time
	// zone, writes nothing.
	s.now = func() time.Time { return t0.Add(48 * time.Hour) }
	a2 := item("a", "src1")
	a2.FirstSeen = t0.Add(48 * time.Hour)
	res = mustUpsert(t, s, a2, item("b", "src1"))
	if len(res.New) != 0 || len(res.Updated) != 0 || res.Unchanged != 2 || res.MaxSeq != 0 {
		t.Fatalf("identical re-crawl: new %v updated %v unchanged %d maxseq %d; want nothing but 2 unchanged",
			ids(res.New), ids(res.Updated), res.Unchanged, res.MaxSeq)
	}
	if seq, _ := s.MaxSeq(ctx); seq != 2 {
		t.Errorf("MaxSeq = %d after an identical re-crawl, want 2", seq)
	}
	got, _ = s.Item(ctx, "a")
	if !got.FirstSeen.Equal(t0.Add(time.Hour)) {
		t.Errorf("FirstSeen changed to %v", got.FirstSeen)
	}
}

func TestUpsertChangedGetsNewSeq(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	mustUpsert(t, s, item("a", "src1"), item("b", "src1"))

	tests := map[string]func(*veille.Item){
		"title":     func(it *veille.Item) { it.Title = "Nouveau titre" },
		"link":      func(it *veille.Item) { it.Link = "https://example.org/moved" },
		"summary":   func(it *veille.Item) { it.Summary = "Autre résumé" },
		"content":   func(it *veille.Item) { it.Content = "Autre texte" },
		"published": func(it *veille.Item) { it.Published = t0.Add(time.Minute) },
		"lang":      func(it *veille.Item) { it.Lang = "en" },
		"domains":   func(it *veille.Item) { it.Domains = []string{"environment", "health-safety"} },
		"why":       func(it *veille.Item) { it.Why = map[string][]string{"environment": {"REACH", "ECHA"}} },
	}
	for name, change := range tests {
		t.Run(name, func(t *testing.T) {
			before, _ := s.MaxSeq(ctx)
			cur, err := s.Item(ctx, "a")
			if err != nil {
				t.Fatal(err)
			}
			change(&cur)
			res := mustUpsert(t, s, cur, item("b", "src1"))
			if got := ids(res.Updated); !reflect.DeepEqual(got, []string{"a"}) {
				t.Fatalf("Updated = %v, want [a]", got)
			}
			if len(res.New) != 0 || res.Unchanged != 1 {
				t.Errorf("New = %v, Unchanged = %d; want none and 1", ids(res.New), res.Unchanged)
			}
			if res.MaxSeq != before+1 {
				t.Errorf("MaxSeq = %d, want %d", res.MaxSeq, before+1)
			}
			var seq int64
			if err := s.db.QueryRow(`SELECT seq FROM items WHERE id = 'a'`).Scan(&seq); err != nil {
				t.Fatal(err)
			}
			if seq != res.MaxSeq {
				t.Errorf("row seq = %d, want %d", seq, res.MaxSeq)
			}
			got, _ := s.Item(ctx, "a")
			if !reflect.DeepEqual(got, res.Updated[0]) {
				t.Errorf("recorded item differs from the reported one:\n%+v\n%+v", got, res.Updated[0])
			}
		})
	}
}

func TestUpsertEmptyFieldKeepsRecorded(t *testing.T) {
	s, _ := openTemp(t)
	mustUpsert(t, s, item("a", "src1"))
	terse := item("a", "src2")
	terse.Summary, terse.Content = "", ""
	res := mustUpsert(t, s, terse)
	if len(res.Updated) != 1 {
		t.Fatalf("Updated = %v, want [a] (Sources grew)", ids(res.Updated))
	}
	if got := res.Updated[0]; got.Summary != "Résumé de a" || got.Content != "Texte intégral de a" {
		t.Errorf("Summary/Content = %q/%q, want the recorded ones kept", got.Summary, got.Content)
	}
}

func TestUpsertTwoSourcesMerge(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	s.now = func() time.Time { return t0 }
	first := item("a", "echa-news")
	first.Domains = []string{"environment"}
	first.Competences = []string{"surface-treatment"}
	first.Why = map[string][]string{"environment": {"REACH"}, "surface-treatment": {"chrome"}}
	mustUpsert(t, s, first)

	s.now = func() time.Time { return t0.Add(24 * time.Hour) }
	second := item("a", "anses")
	second.Title = "Titre vu par l'ANSES"
	second.Domains = []string{"health-safety"}
	second.Competences = []string{"surface-treatment", "polishing-finishing"}
	second.Why = map[string][]string{"health-safety": {"CMR"}, "surface-treatment": {"chromage"}}
	res := mustUpsert(t, s, second)
	if len(res.Updated) != 1 {
		t.Fatalf("Updated = %v, want [a]", ids(res.Updated))
	}
	got, err := s.Item(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if got.Source != "echa-news" {
		t.Errorf("Source = %q, want the first source echa-news", got.Source)
	}
	if !got.FirstSeen.Equal(t0) {
		t.Errorf("FirstSeen = %v, want %v", got.FirstSeen, t0)
	}
	if want := []string{"echa-news", "anses"}; !reflect.DeepEqual(got.Sources, want) {
		t.Errorf("Sources = %v, want %v (first source first, then sorted)", got.Sources, want)
	}
	if want := []string{"environment", "health-safety"}; !reflect.DeepEqual(got.Domains, want) {
		t.Errorf("Domains = %v, want union %v", got.Domains, want)
	}
	if want := []string{"polishing-finishing", "surface-treatment"}; !reflect.DeepEqual(got.Competences, want) {
		t.Errorf("Competences = %v, want union %v", got.Competences, want)
	}
	wantWhy := map[string][]string{"environment": {"REACH"}, "health-safety": {"CMR"}, "surface-treatment": {"chrome", "chromage"}}
	if !reflect.DeepEqual(got.Why, wantWhy) {
		t.Errorf("Why = %v, want %v", got.Why, wantWhy)
	}
	if got.Title != "Titre vu par l'ANSES" {
		t.Errorf("Title = %q, want the incoming one", got.Title)
	}

	// A third source sorts among the others; echa-news stays first.
	mustUpsert(t, s, item("a", "ademe"))
	got, _ = s.Item(ctx, "a")
	if want := []string{"echa-news", "ademe", "anses"}; !reflect.DeepEqual(got.Sources, want) {
		t.Errorf("Sources = %v, want %v", got.Sources, want)
	}

	// A re-crawl by the only source that has seen an item replaces its tags.
	mustUpsert(t, s, item("b", "solo"))
	retag := item("b", "solo")
	retag.Domains = []string{"technology"}
	retag.Competences = nil
	retag.Why = map[string][]string{"technology": {"fabrication additive"}}
	mustUpsert(t, s, retag)
	got, _ = s.Item(ctx, "b")
	if !reflect.DeepEqual(got.Domains, []string{"technology"}) || len(got.Competences) != 0 {
		t.Errorf("single-source re-tag: Domains %v Competences %v, want [technology] []", got.Domains, got.Competences)
	}

	counts, err := s.CountBySource(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"echa-news": 1, "anses": 1, "ademe": 1, "solo": 1}; !reflect.DeepEqual(counts, want) {
		t.Errorf("CountBySource = %v, want %v", counts, want)
	}
}

func TestUpsertSameIDTwiceInOneCall(t *testing.T) {
	s, _ := openTemp(t)
	mustUpsert(t, s, item("old", "src1"))

	res := mustUpsert(t, s, item("x", "src1"), item("x", "src2"), item("old", "src1"), item("old", "src3"))
	if len(res.New) != 1 || res.New[0].ID != "x" {
		t.Fatalf("New = %v, want [x] once", ids(res.New))
	}
	if want := []string{"src1", "src2"}; !reflect.DeepEqual(res.New[0].Sources, want) {
		t.Errorf("New[0].Sources = %v, want its final form %v", res.New[0].Sources, want)
	}
	if len(res.Updated) != 1 || res.Updated[0].ID != "old" {
		t.Fatalf("Updated = %v, want [old] once", ids(res.Updated))
	}
	if res.Unchanged != 0 {
		t.Errorf("Unchanged = %d, want 0 (old changed in the same call)", res.Unchanged)
	}
	if want := []string{"src1", "src3"}; !reflect.DeepEqual(res.Updated[0].Sources, want) {
		t.Errorf("Updated[0].Sources = %v, want %v", res.Updated[0].Sources, want)
	}
	// Each item counts once per source, however many times it came.
	counts, err := s.CountBySource(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"src1": 2, "src2": 1, "src3": 1}; !reflect.DeepEqual(counts, want) {
		t.Errorf("CountBySource = %v, want %v", counts, want)
	}
}

// A record written before per-source counters (schema version 2) keeps
// its counts through the migration, and they go on from there.
func TestMigrateSourceCounts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "veille.db")
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{`CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`}
	for _, m := range ms[:2] {
		stmts = append(stmts, m.sql, fmt.Sprintf(`INSERT INTO schema_version VALUES (%d, '%s', 'x')`, m.version, m.name))
	}
	for i, id := range []string{"a", "b", "c"} {
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO items (id, seq, source, first_seen, fingerprint, data)
			VALUES ('%s', %d, 's1', 'x', 'fp', '{}')`, id, i+1))
	}
	stmts = append(stmts, `INSERT INTO item_sources VALUES ('a', 's1'), ('b', 's1'), ('c', 's1'), ('c', 's2')`,
		`UPDATE counters SET value = 3 WHERE name = 'item_seq'`)
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open a version 2 record: %v", err)
	}
	defer s.Close()
	counts, err := s.CountBySource(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"s1": 3, "s2": 1}; !reflect.DeepEqual(counts, want) {
		t.Errorf("CountBySource after the migration = %v, want %v", counts, want)
	}
	mustUpsert(t, s, item("d", "s2"))
	counts, _ = s.CountBySource(ctx)
	if want := map[string]int{"s1": 3, "s2": 2}; !reflect.DeepEqual(counts, want) {
		t.Errorf("CountBySource after a new item = %v, want %v", counts, want)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name IN ('item_sources', 'items_published')`).Scan(&n); err != nil || n != 0 {
		t.Errorf("item_sources and items_published left: %d, %v", n, err)
	}
}

func TestUpsertRejectsBadItems(t *testing.T) {
	s, _ := openTemp(t)
	tests := map[string]veille.Item{
		"no id":     {Source: "src1", Title: "x"},
		"no source": {ID: "x", Title: "x"},
	}
	for name, bad := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := s.UpsertItems(context.Background(), []veille.Item{item("good", "src1"), bad})
			if err == nil {
				t.Fatal("UpsertItems succeeded")
			}
			// One transaction: the good item of the batch is not recorded either.
			if n, _ := s.CountItems(context.Background()); n != 0 {
				t.Errorf("CountItems = %d after a failed batch, want 0", n)
			}
		})
	}
}

func TestItemNotFound(t *testing.T) {
	s, _ := openTemp(t)
	_, err := s.Item(context.Background(), "nope")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

func TestItemsAfter(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	var all []veille.Item
	for i := range 10 {
		all = append(all, item(fmt.Sprintf("i%02d", i), "src1"))
	}
	mustUpsert(t, s, all...)
	// Updating i03 moves it to the end of the sequence.
	changed := item("i03", "src1")
	changed.Title = "changed"
	mustUpsert(t, s, changed)

	tests := map[string]struct {
		after   int64
		n       int
		batches [][]string
		lasts   []int64
	}{
		"from start by 4": {0, 4, [][]string{{"i00", "i01", "i02", "i04"}, {"i05", "i06", "i07", "i08"}, {"i09", "i03"}}, []int64{5, 9, 11}},
		"exact multiple":  {3, 4, [][]string{{"i04", "i05", "i06", "i07"}, {"i08", "i09", "i03"}}, []int64{8, 11}},
		"one batch":       {9, 0, [][]string{{"i09", "i03"}}, []int64{11}},
		"nothing after":   {11, 5, nil, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var batches [][]string
			var lasts []int64
			err := s.ItemsAfter(ctx, tc.after, tc.n, func(items []veille.Item, last int64) error {
				batches = append(batches, ids(items))
				lasts = append(lasts, last)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(batches, tc.batches) || !reflect.DeepEqual(lasts, tc.lasts) {
				t.Errorf("batches %v lasts %v, want %v %v", batches, lasts, tc.batches, tc.lasts)
			}
		})
	}

	stop := errors.New("stop")
	calls := 0
	err := s.ItemsAfter(ctx, 0, 2, func([]veille.Item, int64) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("callback error: err %v after %d calls, want stop after 1", err, calls)
	}
}

func TestCounts(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	if n, err := s.CountItems(ctx); err != nil || n != 0 {
		t.Fatalf("empty CountItems = %d, %v", n, err)
	}
	if seq, err := s.MaxSeq(ctx); err != nil || seq != 0 {
		t.Fatalf("empty MaxSeq = %d, %v", seq, err)
	}
	mustUpsert(t, s, item("a", "s1"), item("b", "s1"), item("c", "s2"), item("a", "s2"))
	if n, _ := s.CountItems(ctx); n != 3 {
		t.Errorf("CountItems = %d, want 3", n)
	}
	counts, _ := s.CountBySource(ctx)
	if want := map[string]int{"s1": 2, "s2": 2}; !reflect.DeepEqual(counts, want) {
		t.Errorf("CountBySource = %v, want %v", counts, want)
	}
}

func TestItemsFirstSeen(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	for i, id := range []string{"mon", "tue", "wed", "nextmon"} {
		day := []int{0, 1, 2, 7}[i]
		s.now = func() time.Time { return t0.Add(time.Duration(day) * 24 * time.Hour) }
		mustUpsert(t, s, item(id, "src1"))
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	tests := map[string]struct {
		since, until time.Time
		want         []string
	}{
		"week":               {t0, t0.Add(7 * 24 * time.Hour), []string{"mon", "tue", "wed"}},
		"until is exclusive": {t0, t0.Add(24 * time.Hour), []string{"mon"}},
		"other zone":         {t0.In(paris).Add(24 * time.Hour), t0.Add(3 * 24 * time.Hour), []string{"tue", "wed"}},
		"open end":           {t0.Add(time.Hour), time.Time{}, []string{"tue", "wed", "nextmon"}},
		"empty":              {t0.Add(3 * 24 * time.Hour), t0.Add(4 * 24 * time.Hour), nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			items, err := s.ItemsFirstSeen(ctx, tc.since, tc.until)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(items); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFetchStateRoundTrip(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	st, err := s.FetchState(ctx, "ansm-dm")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(st, veille.FetchState{Source: "ansm-dm"}) {
		t.Fatalf("unknown source state = %+v, want zero with Source", st)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	want := veille.FetchState{
		Source: "ansm-dm", ETag: `W/"abc"`, LastModified: "Fri, 20 Nov 2026 09:00:00 GMT",
		LastAttempt: t0.In(paris), LastSuccess: t0.Add(-time.Hour), Status: 304,
		Error: "", Failures: 0, NextAttempt: t0.Add(2 * time.Hour), ItemCount: 42,
	}
	if err := s.SaveFetchState(ctx, want); err != nil {
		t.Fatal(err)
	}
	failing := veille.FetchState{Source: "dead", LastAttempt: t0, Status: 503, Error: "fetch dead: 503", Failures: 3}
	if err := s.SaveFetchState(ctx, failing); err != nil {
		t.Fatal(err)
	}
	failing.Failures = 4
	if err := s.SaveFetchState(ctx, failing); err != nil {
		t.Fatal(err)
	}
	got, err := s.FetchState(ctx, "ansm-dm")
	if err != nil {
		t.Fatal(err)
	}
	if !got.LastAttempt.Equal(want.LastAttempt) || got.LastAttempt.Location() != time.UTC {
		t.Errorf("LastAttempt = %v, want %v in UTC", got.LastAttempt, want.LastAttempt)
	}
	want.LastAttempt = want.LastAttempt.UTC()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FetchState =\n%+v\nwant\n%+v", got, want)
	}
	all, err := s.FetchStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all["dead"].Failures != 4 || all["ansm-dm"].ETag != want.ETag {
		t.Errorf("FetchStates = %+v", all)
	}
	if err := s.SaveFetchState(ctx, veille.FetchState{}); err == nil {
		t.Error("SaveFetchState without a source succeeded")
	}
}

func TestReopenPersists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "veille.db")
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.UpsertItems(ctx, []veille.Item{item("a", "src1"), item("b", "src2")})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveFetchState(ctx, veille.FetchState{Source: "src1", ETag: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	got, err := s.Item(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, res.New[1]) {
		t.Errorf("after reopen Item(b) = %+v, want %+v", got, res.New[1])
	}
	if seq, _ := s.MaxSeq(ctx); seq != 2 {
		t.Errorf("MaxSeq after reopen = %d, want 2", seq)
	}
	if st, _ := s.FetchState(ctx, "src1"); st.ETag != "x" {
		t.Errorf("fetch state after reopen = %+v", st)
	}
	// Sequence numbers keep growing across opens.
	res, err = s.UpsertItems(ctx, []veille.Item{item("c", "src1")})
	if err != nil || res.MaxSeq != 3 {
		t.Errorf("after reopen: MaxSeq %d err %v, want 3", res.MaxSeq, err)
	}
}

func TestConcurrentUpserts(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	const writers, perWriter = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*2)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				// Every writer also touches a shared item, from its own source.
				batch := []veille.Item{item(fmt.Sprintf("w%d-%d", w, i), fmt.Sprintf("src%d", w)), item("shared", fmt.Sprintf("src%d", w))}
				if _, err := s.UpsertItems(ctx, batch); err != nil {
					errs <- err
					return
				}
			}
		}()
		// Readers alongside the writers.
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perWriter {
				if _, err := s.CountBySource(ctx); err != nil {
					errs <- err
					return
				}
				if err := s.ItemsAfter(ctx, 0, 50, func([]veille.Item, int64) error { return nil }); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent use: %v", err)
	}
	if n, _ := s.CountItems(ctx); n != writers*perWriter+1 {
		t.Errorf("CountItems = %d, want %d", n, writers*perWriter+1)
	}
	shared, err := s.Item(ctx, "shared")
	if err != nil {
		t.Fatal(err)
	}
	if len(shared.Sources) != writers {
		t.Errorf("shared.Sources = %v, want all %d writers' sources", shared.Sources, writers)
	}
	// Sequence numbers are distinct and the counter is their maximum.
	var distinct, maxSeq int64
	if err := s.db.QueryRow(`SELECT COUNT(DISTINCT seq), MAX(seq) FROM items`).Scan(&distinct, &maxSeq); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.MaxSeq(ctx); got != maxSeq || distinct != int64(writers*perWriter+1) {
		t.Errorf("MaxSeq %d, column max %d, distinct %d", got, maxSeq, distinct)
	}
}

func TestCancelledContext(t *testing.T) {
	s, _ := openTemp(t)
	mustUpsert(t, s, item("a", "src1"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	calls := map[string]func() error{
		"UpsertItems": func() error { _, err := s.UpsertItems(ctx, []veille.Item{item("b", "src1")}); return err },
		"Item":        func() error { _, err := s.Item(ctx, "a"); return err },
		"ItemsAfter": func() error {
			return s.ItemsAfter(ctx, 0, 10, func([]veille.Item, int64) error { return nil })
		},
		"MaxSeq":         func() error { _, err := s.MaxSeq(ctx); return err },
		"CountItems":     func() error { _, err := s.CountItems(ctx); return err },
		"CountBySource":  func() error { _, err := s.CountBySource(ctx); return err },
		"ItemsFirstSeen": func() error { _, err := s.ItemsFirstSeen(ctx, time.Time{}, time.Time{}); return err },
		"FetchState":     func() error { _, err := s.FetchState(ctx, "src1"); return err },
		"SaveFetchState": func() error { return s.SaveFetchState(ctx, veille.FetchState{Source: "src1"}) },
		"FetchStates":    func() error { _, err := s.FetchStates(ctx); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			if err := call(); !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
		})
	}
	if _, err := Open(ctx, filepath.Join(t.TempDir(), "x.db")); err == nil {
		t.Error("Open with a cancelled context succeeded")
	}
	// Nothing was written by the cancelled upsert.
	if n, _ := s.CountItems(context.Background()); n != 1 {
		t.Errorf("CountItems = %d, want 1", n)
	}
}

// TestCancelWhileWaitingForWriteLock checks that a writer queued behind
// another gives up when its context ends instead of waiting forever.
func TestCancelWhileWaitingForWriteLock(t *testing.T) {
	s, _ := openTemp(t)
	hold := make(chan struct{})
	held := make(chan struct{})
	go s.writeTx(context.Background(), func(*sql.Tx) error {
		close(held)
		<-hold
		return nil
	})
	<-held
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := s.UpsertItems(ctx, []veille.Item{item("a", "src1")})
	close(hold)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
}

func BenchmarkUpsertItems(b *testing.B) {
	ctx := context.Background()
	body := strings.Repeat("Le règlement REACH restreint le chrome hexavalent dans les traitements de surface. ", 60) // ~5 KB
	batch := make([]veille.Item, 1000)
	for i := range batch {
		it := item(fmt.Sprintf("bench-%04d", i), "src1")
		it.Content = body
		batch[i] = it
	}
	b.Run("new", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			s, _ := openTemp(b)
			b.StartTimer()
			if _, err := s.UpsertItems(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(batch)), "ns/item")
	})
	b.Run("unchanged", func(b *testing.B) {
		s, _ := openTemp(b)
		if _, err := s.UpsertItems(ctx, batch); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for range b.N {
			res, err := s.UpsertItems(ctx, batch)
			if err != nil || res.Unchanged != len(batch) {
				b.Fatalf("unchanged %d, err %v", res.Unchanged, err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(batch)), "ns/item")
	})
}

// Records written before the pooled encoder hold json.Marshal's bytes and
// their hash: the encoder must give the very same, or a re-crawl would
// rewrite every item.
func TestEncodeMatchesMarshal(t *testing.T) {
	it := item("enc", "src")
	it.HTML = `<p>Chrome <b>VI</b> &amp; "nickel" <script>x</script></p>` + "\n"
	if err := it.Normalize(); err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(it)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(want)
	for range 2 { // the second time from the pool
		data, fp, err := encode(it)
		if err != nil {
			t.Fatal(err)
		}
		if data != string(want) || fp != hex.EncodeToString(sum[:16]) {
			t.Fatalf("encode = %s, %s; want %s, %x", data, fp, want, sum[:16])
		}
	}
}

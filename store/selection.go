package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/nogentech/veille"
)

// Selected is what a digest or an alert selects an item by, read without
// the item itself (the item_selection table, migration 0052): deciding on
// a week in which a million items were first seen decodes none of them.
type Selected struct {
	ID        string
	FirstSeen time.Time
	// Published is zero when the publisher gave no date.
	Published time.Time
	// Sources are every source that has seen the item (veille.Item.Sources).
	Sources, Domains, Competences []string
}

// Tags restricts EachSelected to the items with one of Domains (when
// any) and one of Competences (when any): the rule of a digest's or an
// alert's domains and competences, applied by SQLite so that the items
// they leave out never reach Go.
type Tags struct {
	Domains, Competences []string
}

// where is the SQL condition of t on a table with the comma-joined
// columns domains and competences (item_selection, item_dates), to append
// after a WHERE clause, with its arguments.
func (t Tags) where() (string, []any) {
	var q string
	var args []any
	for _, f := range []struct {
		col  string
		want []string
	}{{"domains", t.Domains}, {"competences", t.Competences}} {
		if len(f.want) == 0 {
			continue
		}
		var or []string
		for _, v := range f.want {
			// Lists are comma-joined: ",a,b," holds ",a," exactly when a is one.
			or = append(or, `instr(',' || `+f.col+` || ',', ?) > 0`)
			args = append(args, ","+strings.ToLower(strings.TrimSpace(v))+",")
		}
		q += ` AND (` + strings.Join(or, " OR ") + `)`
	}
	return q, args
}

// EachSelected calls fn with what selects each item first seen in
// [since, until) that has tags, in the order of EachItemFirstSeen (first
// seen, then sequence). An error from fn stops the walk and is returned.
func (s *Store) EachSelected(ctx context.Context, since, until time.Time, tags Tags, fn func(Selected) error) error {
	q := `SELECT id, first_seen, published, sources, domains, competences
		FROM item_selection WHERE first_seen >= ? AND first_seen < ?`
	args := []any{formatTime(since), formatTime(until)}
	where, targs := tags.where()
	q += where
	args = append(args, targs...)
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY first_seen, seq`, args...)
	if err != nil {
		return fmt.Errorf("store: items first seen since %s: %w", since.Format(time.RFC3339), err)
	}
	defer rows.Close()
	for rows.Next() {
		var sel Selected
		var first string
		var pub sql.NullString
		var srcs, doms, comps string
		if err := rows.Scan(&sel.ID, &first, &pub, &srcs, &doms, &comps); err != nil {
			return fmt.Errorf("store: items first seen: %w", err)
		}
		if sel.FirstSeen, err = parseTime(first); err != nil {
			return fmt.Errorf("store: item %s: %w", sel.ID, err)
		}
		if pub.Valid {
			if sel.Published, err = parseTime(pub.String); err != nil {
				return fmt.Errorf("store: item %s: %w", sel.ID, err)
			}
		}
		sel.Sources, sel.Domains, sel.Competences = splitList(srcs), splitList(doms), splitList(comps)
		if err := fn(sel); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: items first seen: %w", err)
	}
	return nil
}

// CountFirstSeen counts the items first seen in [since, until), all of
// them and per source that has seen them (an item seen by two sources
// counts for each).
func (s *Store) CountFirstSeen(ctx context.Context, since, until time.Time) (int, map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT sources, COUNT(*) FROM item_selection
		WHERE first_seen >= ? AND first_seen < ? GROUP BY sources`, formatTime(since), formatTime(until))
	if err != nil {
		return 0, nil, fmt.Errorf("store: count items first seen: %w", err)
	}
	defer rows.Close()
	total, bySource := 0, map[string]int{}
	for rows.Next() {
		var srcs string
		var n int
		if err := rows.Scan(&srcs, &n); err != nil {
			return 0, nil, fmt.Errorf("store: count items first seen: %w", err)
		}
		total += n
		for _, src := range splitList(srcs) {
			bySource[src] += n
		}
	}
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("store: count items first seen: %w", err)
	}
	return total, bySource, nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// selectionRow is an item's row of item_selection.
func selectionRow(it veille.Item, seq int64) []any {
	var pub any
	if !it.Published.IsZero() {
		pub = formatTime(it.Published)
	}
	srcs := it.Sources
	if len(srcs) == 0 {
		srcs = []string{it.Source}
	}
	return []any{formatTime(it.FirstSeen), seq, it.ID, pub, strings.Join(srcs, ","),
		strings.Join(it.Domains, ","), strings.Join(it.Competences, ",")}
}

// ItemsByID returns the recorded items among ids, in the order of ids;
// ids not recorded are left out. It reads them in batches, so a digest
// listing thousands of items asks the database a few times, not once per
// item.
func (s *Store) ItemsByID(ctx context.Context, ids []string) ([]veille.Item, error) {
	const batch = 500
	byID := make(map[string]veille.Item, len(ids))
	for lo := 0; lo < len(ids); lo += batch {
		part := ids[lo:min(lo+batch, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		q := `SELECT data FROM items WHERE id IN (?` + strings.Repeat(",?", len(part)-1) + `)`
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("store: items by id: %w", err)
		}
		for rows.Next() {
			var data string
			if err := rows.Scan(&data); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: items by id: %w", err)
			}
			it, err := decodeItem(data)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: items by id: %w", err)
			}
			byID[it.ID] = it
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("store: items by id: %w", err)
		}
	}
	out := make([]veille.Item, 0, len(byID))
	for _, id := range ids {
		if it, ok := byID[id]; ok {
			out = append(out, it)
		}
	}
	return out, nil
}

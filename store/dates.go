package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/refs"
)

// The dates the items set, for the deadlines calendar and the digests'
// deadlines (item_dates, migration 0053), read as refs.Event values. Every
// write of an item's dates (UpsertItems, SaveRefs) rewrites its rows in
// the same transaction, so the table says what the items say.

// DatesQuery asks for the dates of a window, at most Max of them, in whole
// days: the days from Today on first, earliest first, then the days before
// Today, latest first, each day taken whole while it fits in what is left.
// A deadline three weeks ahead matters more to a reader than one passed
// three weeks ago, and a day shown in part would hide dates without saying
// which. A single day holding more than Max dates, when nothing was taken
// before it, gives its first Max dates rather than nothing.
type DatesQuery struct {
	// From and Until are days (YYYY-MM-DD), Until exclusive.
	From, Until string
	// Today splits the window; empty or before From reads forward only.
	Today string
	// Kinds are date kinds; none means every kind.
	Kinds []string
	// Tags restricts the items as in EachSelected.
	Tags Tags
	// Max caps the dates; 0 means no cap.
	Max int
}

// DatesResult is what a DatesQuery gives.
type DatesResult struct {
	// Dates are in date order, then kind, then item id. Each Item holds
	// what a calendar entry shows: its id, title, publication date, tags,
	// first references (their Text left out; RefsLeft counts the others),
	// act, and the one date.
	Dates []refs.Event
	// Cut: the window holds more dates than Max; those left out are
	// after the last date shown or before the first.
	Cut bool
}

// Dates reads the dates of q's window (see DatesQuery).
func (s *Store) Dates(ctx context.Context, q DatesQuery) (DatesResult, error) {
	var res DatesResult
	if q.From >= q.Until {
		return res, nil
	}
	split := max(q.Today, q.From)
	budget := q.Max
	if budget <= 0 {
		budget = math.MaxInt
	}
	ahead, cut, err := s.datesDays(ctx, q, split, q.Until, false, budget, 0)
	if err != nil {
		return res, err
	}
	var past []refs.Event
	if !cut && split > q.From {
		past, cut, err = s.datesDays(ctx, q, q.From, min(split, q.Until), true, budget-len(ahead), len(ahead))
		if err != nil {
			return res, err
		}
	}
	// The past was read latest day first: put its days back in order.
	res.Dates = make([]refs.Event, 0, len(past)+len(ahead))
	for i := len(past) - 1; i >= 0; {
		j := i
		for j > 0 && past[j-1].Date == past[i].Date {
			j--
		}
		res.Dates = append(res.Dates, past[j:i+1]...)
		i = j - 1
	}
	res.Dates = append(res.Dates, ahead...)
	res.Cut = cut
	return res, nil
}

// NearestDates are the last day before q's window and the first day from
// its end on (YYYY-MM-DD, "" when none) on which an item of q's kinds and
// tags sets a date: where an empty calendar can send its reader.
func (s *Store) NearestDates(ctx context.Context, q DatesQuery) (before, after string, err error) {
	kinds, kargs := kindsWhere(q.Kinds)
	tags, targs := q.Tags.where()
	for _, c := range []struct {
		agg, cmp, day string
		out           *string
	}{{"MAX", "<", q.From, &before}, {"MIN", ">=", q.Until, &after}} {
		sqlq := `SELECT ` + c.agg + `(date) FROM item_dates WHERE date ` + c.cmp + ` ?` + kinds + tags
		args := append(append([]any{c.day}, kargs...), targs...)
		var day sql.NullString
		if err := s.db.QueryRowContext(ctx, sqlq, args...).Scan(&day); err != nil {
			return "", "", fmt.Errorf("store: dates nearest %s: %w", c.day, err)
		}
		*c.out = day.String
	}
	return before, after, nil
}

// kindsWhere is the SQL condition on item_dates' kind, to append after a
// WHERE clause, with its arguments; none for no kinds (every kind).
func kindsWhere(kinds []string) (string, []any) {
	if len(kinds) == 0 {
		return "", nil
	}
	args := make([]any, len(kinds))
	for i, k := range kinds {
		args[i] = k
	}
	return ` AND kind IN (?` + strings.Repeat(`, ?`, len(kinds)-1) + `)`, args
}

// datesDays reads the whole days of [from, until) in order (backward:
// latest day first, each day's dates still by kind and id) while they fit
// in budget; cut says a day did not. taken is how many dates were taken
// before: a day too big for the whole budget is cut only when none was.
func (s *Store) datesDays(ctx context.Context, q DatesQuery, from, until string, backward bool, budget, taken int) ([]refs.Event, bool, error) {
	if from >= until {
		return nil, false, nil
	}
	sqlq := `SELECT date, kind, id, text, title, published, domains, competences, act, refs, refs_total
		FROM item_dates WHERE date >= ? AND date < ?`
	kinds, kargs := kindsWhere(q.Kinds)
	tags, targs := q.Tags.where()
	sqlq += kinds + tags
	args := append(append([]any{from, until}, kargs...), targs...)
	order := ` ORDER BY date, kind, id`
	if backward {
		order = ` ORDER BY date DESC, kind, id`
	}
	rows, err := s.db.QueryContext(ctx, sqlq+order, args...)
	if err != nil {
		return nil, false, fmt.Errorf("store: dates %s to %s: %w", from, until, err)
	}
	defer rows.Close()
	var out, day []refs.Event
	// take adds the day read so far if it fits; false when it does not.
	take := func() bool {
		if len(out)+len(day) <= budget {
			out = append(out, day...)
			day = day[:0]
			return true
		}
		if taken+len(out) == 0 {
			out = append(out, day[:budget]...)
		}
		return false
	}
	for rows.Next() {
		d, err := scanDated(rows)
		if err != nil {
			return nil, false, fmt.Errorf("store: dates %s to %s: %w", from, until, err)
		}
		if len(day) > 0 && d.Date != day[0].Date && !take() {
			return out, true, nil
		}
		day = append(day, d)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("store: dates %s to %s: %w", from, until, err)
	}
	if len(day) > 0 && !take() {
		return out, true, nil
	}
	return out, false, nil
}

func scanDated(rows *sql.Rows) (refs.Event, error) {
	var d refs.Event
	var pub, act, rs sql.NullString
	var doms, comps string
	var total int
	if err := rows.Scan(&d.Date, &d.Kind, &d.Item.ID, &d.Text, &d.Item.Title, &pub, &doms, &comps,
		&act, &rs, &total); err != nil {
		return d, err
	}
	if pub.Valid {
		t, err := parseTime(pub.String)
		if err != nil {
			return d, fmt.Errorf("item %s: %w", d.Item.ID, err)
		}
		d.Item.Published = t
	}
	d.Item.Domains, d.Item.Competences = splitList(doms), splitList(comps)
	if act.Valid && act.String != "" {
		d.Item.Act = new(veille.ActID)
		if err := json.Unmarshal([]byte(act.String), d.Item.Act); err != nil {
			return d, fmt.Errorf("item %s: act: %w", d.Item.ID, err)
		}
	}
	if rs.Valid && rs.String != "" && rs.String != "[]" {
		if err := json.Unmarshal([]byte(rs.String), &d.Item.Refs); err != nil {
			return d, fmt.Errorf("item %s: refs: %w", d.Item.ID, err)
		}
	}
	d.Item.Dates = []veille.KeyDate{d.KeyDate}
	d.RefsLeft = max(0, total-len(d.Item.Refs))
	d.Act = refs.EventAct(d.Item)
	return d, nil
}

// datesWriter keeps an item's rows of item_dates within a write
// transaction.
type datesWriter struct {
	del, put *sql.Stmt
}

func prepareDates(ctx context.Context, tx *sql.Tx) (*datesWriter, error) {
	del, err := tx.PrepareContext(ctx, `DELETE FROM item_dates WHERE date = ? AND kind = ? AND id = ?`)
	if err != nil {
		return nil, err
	}
	put, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO item_dates
		(date, kind, id, text, title, published, domains, competences, act, refs, refs_total)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		del.Close()
		return nil, err
	}
	return &datesWriter{del: del, put: put}, nil
}

func (w *datesWriter) Close() {
	w.del.Close()
	w.put.Close()
}

// dateRefs is how many of an item's references each of its dates' rows
// keeps, in the item's order (the title's first): enough for the act a
// date belongs to (refs.EventAct) and a calendar entry's list, while a
// text citing thousands is not copied once per date.
const dateRefs = 20

// calendarRef is a reference as item_dates keeps it: without the words.
type calendarRef struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	Rel  string `json:"rel"`
}

// write replaces the rows of old's dates (nil for a new item) with those
// of it. An item that sets no date, and set none, costs nothing.
func (w *datesWriter) write(ctx context.Context, old *veille.Item, it veille.Item) error {
	if old != nil {
		for _, d := range old.Dates {
			if _, err := w.del.ExecContext(ctx, d.Date, d.Kind, old.ID); err != nil {
				return fmt.Errorf("dates of item %s: %w", old.ID, err)
			}
		}
	}
	if len(it.Dates) == 0 {
		return nil
	}
	var pub, act any
	if !it.Published.IsZero() {
		pub = formatTime(it.Published)
	}
	if it.Act != nil {
		b, err := json.Marshal(it.Act)
		if err != nil {
			return fmt.Errorf("dates of item %s: %w", it.ID, err)
		}
		act = string(b)
	}
	rs := make([]calendarRef, min(len(it.Refs), dateRefs))
	for i, r := range it.Refs[:len(rs)] {
		rs[i] = calendarRef{Kind: r.Kind, ID: r.ID, Rel: r.Rel}
	}
	refsJSON, err := json.Marshal(rs)
	if err != nil {
		return fmt.Errorf("dates of item %s: %w", it.ID, err)
	}
	doms, comps := strings.Join(it.Domains, ","), strings.Join(it.Competences, ",")
	for _, d := range it.Dates {
		if _, err := w.put.ExecContext(ctx, d.Date, d.Kind, it.ID, d.Text, it.Title, pub, doms, comps,
			act, string(refsJSON), len(it.Refs)); err != nil {
			return fmt.Errorf("dates of item %s: %w", it.ID, err)
		}
	}
	return nil
}

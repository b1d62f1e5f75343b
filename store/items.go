package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/nogentech/veille"
)

// UpsertResult says what one UpsertItems call changed.
type UpsertResult struct {
	New       []veille.Item // first seen now, in their merged final form
	Updated   []veille.Item // existed and changed, in their merged final form
	Unchanged int           // distinct items whose content did not change
	MaxSeq    int64         // highest sequence number assigned in this call (0 if none)
}

// UpsertItems merges items (from one crawl, possibly several sources) into
// the record in one transaction: all of them are recorded, or none.
//
// A new item gets FirstSeen now unless it carries one. For an existing item
// see merge: Source and FirstSeen stay, Sources grow, tags are the union when
// another source has seen it. An item whose merged form has the fingerprint
// already recorded is Unchanged and not written, so a re-crawl of identical
// content writes nothing. Each insert or real update takes the next sequence
// number; the index catches up by sequence.
//
// The same ID may appear several times in items (two sources in one crawl):
// they are merged in order and reported once, in their final form.
func (s *Store) UpsertItems(ctx context.Context, items []veille.Item) (UpsertResult, error) {
	var res UpsertResult
	if len(items) == 0 {
		return res, nil
	}
	now := s.now()
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res = UpsertResult{}
		var seq int64
		if err := tx.QueryRowContext(ctx, `SELECT value FROM counters WHERE name = 'item_seq'`).Scan(&seq); err != nil {
			return fmt.Errorf("read sequence: %w", err)
		}
		get, err := tx.PrepareContext(ctx, `SELECT fingerprint, data, seq, first_seen FROM items WHERE id = ?`)
		if err != nil {
			return err
		}
		defer get.Close()
		put, err := tx.PrepareContext(ctx, `INSERT INTO items (id, seq, source, first_seen, fingerprint, data)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, source = excluded.source,
				first_seen = excluded.first_seen, fingerprint = excluded.fingerprint, data = excluded.data`)
		if err != nil {
			return err
		}
		defer put.Close()
		// item_selection follows each write (store/selection.go).
		unselect, err := tx.PrepareContext(ctx, `DELETE FROM item_selection WHERE first_seen = ? AND seq = ?`)
		if err != nil {
			return err
		}
		defer unselect.Close()
		reselect, err := tx.PrepareContext(ctx, `INSERT INTO item_selection
			(first_seen, seq, id, published, sources, domains, competences) VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer reselect.Close()
		dates, err := prepareDates(ctx, tx)
		if err != nil {
			return err
		}
		defer dates.Close()

		// Where each ID ended up in this call, so a repeat updates that entry.
		type slot struct {
			isNew bool
			index int
		}
		placed := map[string]slot{}
		unchanged := map[string]bool{}
		// How each source's count changes: an item counts once for each
		// source in its Sources.
		counts := map[string]int{}

		for i, in := range items {
			if err := in.Normalize(); err != nil {
				return fmt.Errorf("item %d (%q): %w", i, in.ID, err)
			}
			var oldFP, oldData, oldFirst string
			var oldSeq int64
			err := get.QueryRowContext(ctx, in.ID).Scan(&oldFP, &oldData, &oldSeq, &oldFirst)
			exists := err == nil
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("read item %s: %w", in.ID, err)
			}
			final := in
			var old veille.Item
			if exists {
				if err := json.Unmarshal([]byte(oldData), &old); err != nil {
					return fmt.Errorf("decode recorded item %s: %w", in.ID, err)
				}
				final = merge(old, in)
			} else if final.FirstSeen.IsZero() {
				final.FirstSeen = now.UTC()
			}
			data, fp, err := encode(final)
			if err != nil {
				return fmt.Errorf("encode item %s: %w", in.ID, err)
			}
			if exists && fp == oldFP {
				if _, done := placed[in.ID]; !done {
					unchanged[in.ID] = true
				}
				continue
			}
			seq++
			if _, err := put.ExecContext(ctx, final.ID, seq, final.Source, formatTime(final.FirstSeen),
				fp, data); err != nil {
				return fmt.Errorf("write item %s: %w", in.ID, err)
			}
			if exists {
				if _, err := unselect.ExecContext(ctx, oldFirst, oldSeq); err != nil {
					return fmt.Errorf("write item %s: %w", in.ID, err)
				}
			}
			if _, err := reselect.ExecContext(ctx, selectionRow(final, seq)...); err != nil {
				return fmt.Errorf("write item %s: %w", in.ID, err)
			}
			var was *veille.Item
			if exists {
				was = &old
			}
			if err := dates.write(ctx, was, final); err != nil {
				return err
			}
			for _, src := range old.Sources {
				counts[src]--
			}
			for _, src := range final.Sources {
				counts[src]++
			}
			if p, done := placed[in.ID]; done {
				if p.isNew {
					res.New[p.index] = final
				} else {
					res.Updated[p.index] = final
				}
			} else if exists {
				delete(unchanged, in.ID) // it may have come unchanged earlier in this call
				placed[in.ID] = slot{index: len(res.Updated)}
				res.Updated = append(res.Updated, final)
			} else {
				placed[in.ID] = slot{isNew: true, index: len(res.New)}
				res.New = append(res.New, final)
			}
			res.MaxSeq = seq
		}
		res.Unchanged = len(unchanged)
		if err := addCounts(ctx, tx, counts); err != nil {
			return err
		}
		if res.MaxSeq > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE counters SET value = ? WHERE name = 'item_seq'`, seq); err != nil {
				return fmt.Errorf("write sequence: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return UpsertResult{}, fmt.Errorf("store: upsert %d items: %w", len(items), err)
	}
	return res, nil
}

// addCounts applies the changes of per-source counts, in sorted order so
// that the writes are the same from one run to the next.
func addCounts(ctx context.Context, tx *sql.Tx, counts map[string]int) error {
	sources := make([]string, 0, len(counts))
	for src, d := range counts {
		if d != 0 {
			sources = append(sources, src)
		}
	}
	sort.Strings(sources)
	for _, src := range sources {
		if _, err := tx.ExecContext(ctx, `INSERT INTO source_counts (source, items) VALUES (?, ?)
			ON CONFLICT (source) DO UPDATE SET items = items + excluded.items`, src, counts[src]); err != nil {
			return fmt.Errorf("count items of source %s: %w", src, err)
		}
	}
	return nil
}

// Item returns the recorded item, or ErrNotFound.
func (s *Store) Item(ctx context.Context, id string) (veille.Item, error) {
	var data string
	err := s.db.QueryRowContext(ctx, `SELECT data FROM items WHERE id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return veille.Item{}, fmt.Errorf("store: item %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return veille.Item{}, fmt.Errorf("store: item %s: %w", id, err)
	}
	it, err := decodeItem(data)
	if err != nil {
		return veille.Item{}, fmt.Errorf("store: item %s: %w", id, err)
	}
	return it, nil
}

// defaultBatch is the ItemsAfter batch size when the caller gives none; it
// matches the Bleve batch size that indexes fastest.
const defaultBatch = 1000

// ItemsAfter calls fn with batches of at most n items whose seq is above
// after, in seq order, with the last seq of the batch. It holds no
// transaction or connection while fn runs, so fn may take its time and use
// the store; items written meanwhile are picked up by later batches. An
// error from fn stops the walk and is returned as is.
func (s *Store) ItemsAfter(ctx context.Context, after int64, n int, fn func(items []veille.Item, lastSeq int64) error) error {
	if n <= 0 {
		n = defaultBatch
	}
	for {
		items, last, err := s.batchAfter(ctx, after, n)
		if err != nil {
			return fmt.Errorf("store: items after seq %d: %w", after, err)
		}
		if len(items) == 0 {
			return nil
		}
		if err := fn(items, last); err != nil {
			return err
		}
		if len(items) < n {
			return nil
		}
		after = last
	}
}

func (s *Store) batchAfter(ctx context.Context, after int64, n int) ([]veille.Item, int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, data FROM items WHERE seq > ? ORDER BY seq LIMIT ?`, after, n)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var items []veille.Item
	last := after
	for rows.Next() {
		var data string
		if err := rows.Scan(&last, &data); err != nil {
			return nil, 0, err
		}
		it, err := decodeItem(data)
		if err != nil {
			return nil, 0, fmt.Errorf("seq %d: %w", last, err)
		}
		items = append(items, it)
	}
	return items, last, rows.Err()
}

// MaxSeq returns the highest sequence number assigned so far (0 when none).
func (s *Store) MaxSeq(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM counters WHERE name = 'item_seq'`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("store: max seq: %w", err)
	}
	return seq, nil
}

// CountItems returns the number of recorded items.
func (s *Store) CountItems(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM items`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count items: %w", err)
	}
	return n, nil
}

// CountBySource returns, per source, the number of items whose Sources
// include it. Sources without items are absent.
func (s *Store) CountBySource(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT source, items FROM source_counts WHERE items > 0`)
	if err != nil {
		return nil, fmt.Errorf("store: count by source: %w", err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var src string
		var n int
		if err := rows.Scan(&src, &n); err != nil {
			return nil, fmt.Errorf("store: count by source: %w", err)
		}
		counts[src] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: count by source: %w", err)
	}
	return counts, nil
}

// EachItemFirstSeen calls fn with each item first seen in [since, until),
// oldest first, holding one item at a time: the week after a source is
// added brings its whole archive, which need not sit in memory at once. An
// error from fn stops the iteration and is returned.
func (s *Store) EachItemFirstSeen(ctx context.Context, since, until time.Time, fn func(veille.Item) error) error {
	// item_selection is the items' index by first sight (store/selection.go).
	q := `SELECT i.data FROM item_selection s JOIN items i ON i.id = s.id
		WHERE s.first_seen >= ? ORDER BY s.first_seen, s.seq`
	args := []any{formatTime(since)}
	if !until.IsZero() {
		q = `SELECT i.data FROM item_selection s JOIN items i ON i.id = s.id
		WHERE s.first_seen >= ? AND s.first_seen < ? ORDER BY s.first_seen, s.seq`
		args = append(args, formatTime(until))
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: items first seen since %s: %w", since.Format(time.RFC3339), err)
	}
	defer rows.Close()
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return fmt.Errorf("store: items first seen: %w", err)
		}
		it, err := decodeItem(data)
		if err != nil {
			return fmt.Errorf("store: items first seen: %w", err)
		}
		if err := fn(it); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: items first seen: %w", err)
	}
	return nil
}

func decodeItem(data string) (veille.Item, error) {
	var it veille.Item
	if err := json.Unmarshal([]byte(data), &it); err != nil {
		return veille.Item{}, fmt.Errorf("decode recorded item: %w", err)
	}
	return it, nil
}

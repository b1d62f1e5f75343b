package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nogentech/veille"
)

// SaveRefs writes the Refs, Dates and Act of items into their records,
// when they differ from what is recorded, and says how many it rewrote.
// `veille reindex` extracts them again with the grammars of this version
// and saves them here, so that the store, the index and /api/items say the
// same. The rest of each record, and its sequence number, are left as they
// are: the references are derived from the text, not news, and the index
// being rebuilt gets them from the same extraction. The fingerprint
// follows the record, so that a later crawl of the same text is unchanged.
func (s *Store) SaveRefs(ctx context.Context, items []veille.Item) (int, error) {
	if len(items) == 0 {
		return 0, nil
	}
	n := 0
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		n = 0
		get, err := tx.PrepareContext(ctx, `SELECT data FROM items WHERE id = ?`)
		if err != nil {
			return err
		}
		defer get.Close()
		put, err := tx.PrepareContext(ctx, `UPDATE items SET fingerprint = ?, data = ? WHERE id = ?`)
		if err != nil {
			return err
		}
		defer put.Close()
		dates, err := prepareDates(ctx, tx)
		if err != nil {
			return err
		}
		defer dates.Close()
		for _, in := range items {
			var data string
			err := get.QueryRowContext(ctx, in.ID).Scan(&data)
			if errors.Is(err, sql.ErrNoRows) {
				continue // deleted meanwhile: nothing to save
			}
			if err != nil {
				return fmt.Errorf("read item %s: %w", in.ID, err)
			}
			rec, err := decodeItem(data)
			if err != nil {
				return fmt.Errorf("item %s: %w", in.ID, err)
			}
			same, err := sameRefs(rec, in)
			if err != nil {
				return fmt.Errorf("item %s: %w", in.ID, err)
			}
			if same {
				continue
			}
			was := rec
			rec.Refs, rec.Dates, rec.Act = in.Refs, in.Dates, in.Act
			if err := dates.write(ctx, &was, rec); err != nil {
				return err
			}
			out, fp, err := encode(rec)
			if err != nil {
				return fmt.Errorf("encode item %s: %w", in.ID, err)
			}
			if _, err := put.ExecContext(ctx, fp, out, in.ID); err != nil {
				return fmt.Errorf("write item %s: %w", in.ID, err)
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: save references of %d items: %w", len(items), err)
	}
	return n, nil
}

// sameRefs compares the three fields as the record writes them (an empty
// list and none are the same: both are left out).
func sameRefs(a, b veille.Item) (bool, error) {
	type refs struct {
		Refs  []veille.Ref     `json:"refs,omitempty"`
		Dates []veille.KeyDate `json:"dates,omitempty"`
		Act   *veille.ActID    `json:"act,omitempty"`
	}
	x, err := json.Marshal(refs{a.Refs, a.Dates, a.Act})
	if err != nil {
		return false, err
	}
	y, err := json.Marshal(refs{b.Refs, b.Dates, b.Act})
	if err != nil {
		return false, err
	}
	return string(x) == string(y), nil
}

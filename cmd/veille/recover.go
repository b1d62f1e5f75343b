package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/nogentech/veille/index"
)

// indexRecovery records that the index was found damaged at start-up and
// rebuilt from the store, for the log and for /healthz.
type indexRecovery struct {
	At      time.Time
	Cause   string // what was wrong
	MovedTo string // where the damaged index was kept ("" if it could not be)
	Items   int    // items re-indexed from the store
}

func (r indexRecovery) String() string {
	s := fmt.Sprintf("index rebuilt from the store at %s (%d items) after damage: %s", r.At.UTC().Format(time.RFC3339), r.Items, r.Cause)
	if r.MovedTo != "" {
		s += "; the damaged index was moved to " + r.MovedTo
	}
	return s
}

// indexNotices lists the recoveries of this process, for /healthz.
func (a *app) indexNotices() []string {
	out := make([]string, len(a.recovered))
	for i, r := range a.recovered {
		out[i] = r.String()
	}
	return out
}

// openIndexSafely opens the index, turning a panic in Bleve (a segment
// file cut short can make it read past the end of a mapping) into an error.
func openIndexSafely(dir string, o index.Options) (ix *index.Index, err error) {
	defer func() {
		if r := recover(); r != nil {
			ix, err = nil, fmt.Errorf("open index %s: bleve panicked: %v", dir, r)
		}
	}()
	return index.Open(dir, o)
}

// damaged reports whether an index.Open error means the files are broken,
// as opposed to held by another process or built by another version (which
// `veille reindex` fixes on purpose).
func damaged(err error) bool {
	return err != nil && !errors.Is(err, index.ErrLocked) && !errors.Is(err, index.ErrVersion)
}

// openIndex opens the index of the data dir. A damaged index (unreadable
// metadata, truncated or missing files, a stray file where the index
// should be) is moved aside and rebuilt from the store, which is the
// record: the service starts, says so in the log and on /healthz, and the
// next start finds a sound index, so there is no crash loop.
func (a *app) openIndex(ctx context.Context) error {
	o := index.Options{BoltTimeout: time.Second, Logger: a.log, Vocabulary: index.NewVocabulary(a.cfg)}
	ix, err := openIndexSafely(indexDir(a.dir), o)
	if damaged(err) {
		ix, err = a.rebuildDamaged(ctx, err.Error(), o)
	}
	if err != nil {
		if errors.Is(err, index.ErrVersion) {
			return fmt.Errorf("%w\nrun: veille reindex --data %s", err, a.dir)
		}
		return fmt.Errorf("open index: %w", err)
	}
	a.index = ix
	return nil
}

// rebuildDamaged moves the damaged index aside, rebuilds it from the store
// and opens the result.
func (a *app) rebuildDamaged(ctx context.Context, cause string, o index.Options) (*index.Index, error) {
	dir := indexDir(a.dir)
	rec := indexRecovery{At: time.Now(), Cause: cause}
	a.log.Error("index damaged: moving it aside and rebuilding it from the store", "dir", dir, "err", cause)
	aside := fmt.Sprintf("%s.damaged-%s", dir, rec.At.UTC().Format("20060102T150405.000000000"))
	if err := os.Rename(dir, aside); err != nil && !errors.Is(err, os.ErrNotExist) {
		// Keeping the broken copy is a courtesy; the rebuild is what matters.
		a.log.Warn("could not move the damaged index aside; removing it", "err", err)
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("remove damaged index %s: %w", dir, err)
		}
	} else if err == nil {
		rec.MovedTo = aside
	}
	n, err := rebuildIndex(ctx, a.store, a.dir, func(done, total int) {
		if done == total || done%10000 == 0 {
			a.log.Info("rebuilding index", "done", done, "total", total)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("rebuild damaged index: %w", err)
	}
	rec.Items = n
	ix, err := openIndexSafely(dir, o)
	if err != nil {
		return nil, fmt.Errorf("open rebuilt index: %w", err)
	}
	a.recovered = append(a.recovered, rec)
	a.log.Warn(rec.String())
	return ix, nil
}

// checkIndexComplete compares, after the catch-up, the documents of the
// index with the items of the store: fewer documents means segments were
// lost (Bleve skips a segment it cannot read and opens without it), and
// the index is rebuilt.
func (a *app) checkIndexComplete(ctx context.Context) error {
	docs, err := a.index.Count()
	if err != nil {
		return a.replaceIndex(ctx, err.Error())
	}
	items, err := a.store.CountItems(ctx)
	if err != nil {
		return fmt.Errorf("count stored items: %w", err)
	}
	if docs >= uint64(items) {
		return nil
	}
	return a.replaceIndex(ctx, fmt.Sprintf("the index holds %d documents for %d stored items", docs, items))
}

func (a *app) replaceIndex(ctx context.Context, cause string) error {
	if err := a.index.Close(); err != nil {
		a.log.Warn("close damaged index", "err", err)
	}
	a.index = nil
	ix, err := a.rebuildDamaged(ctx, cause, index.Options{BoltTimeout: time.Second, Logger: a.log, Vocabulary: index.NewVocabulary(a.cfg)})
	if err != nil {
		return err
	}
	a.index = ix
	if a.watch != nil {
		a.watch = a.newWatch() // it writes to the index that replaced the damaged one
	}
	return nil
}

// storeReadable says whether the store answers, so that a failure to
// catch up is blamed on the index only when the record is sound.
func (a *app) storeReadable(ctx context.Context) bool {
	if _, err := a.store.MaxSeq(ctx); err != nil {
		return false
	}
	_, err := a.store.CountItems(ctx)
	return err == nil
}

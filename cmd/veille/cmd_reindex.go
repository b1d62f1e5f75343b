package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/internal/datadir"
	"github.com/nogentech/veille/refs"
	"github.com/nogentech/veille/store"
)

// runReindex rebuilds the index beside the old one and swaps it in only
// once complete, so an interrupted rebuild leaves the old index in place.
func runReindex(ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet(g, "reindex")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	lock, err := datadir.Acquire(g.data, datadir.Holder{Command: "reindex"})
	if err != nil {
		return err
	}
	defer lock.Release()
	st, err := store.Open(ctx, storePath(g.data))
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer st.Close()
	n, err := rebuildIndex(ctx, st, g.data, func(done, total int) {
		if isTerminal(g.stderr) {
			fmt.Fprintf(g.stderr, "\r\033[Kreindex: %d/%d items", done, total)
		} else if done == total || done%10000 == 0 {
			fmt.Fprintf(g.stderr, "reindex: %d/%d items\n", done, total)
		}
	})
	if isTerminal(g.stderr) {
		fmt.Fprintln(g.stderr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "reindexed %d items into %s\n", n, indexDir(g.data))
	return nil
}

// rebuildIndex writes every stored item into a fresh index and replaces
// the current one with it.
func rebuildIndex(ctx context.Context, st *store.Store, data string, progress func(done, total int)) (int, error) {
	total, err := st.CountItems(ctx)
	if err != nil {
		return 0, fmt.Errorf("count items: %w", err)
	}
	final := indexDir(data)
	tmp := final + ".new"
	if err := os.RemoveAll(tmp); err != nil {
		return 0, fmt.Errorf("remove leftover %s: %w", tmp, err)
	}
	ix, err := index.Open(tmp, index.Options{BoltTimeout: time.Second})
	if err != nil {
		return 0, fmt.Errorf("create index: %w", err)
	}
	n := 0
	err = st.ItemsAfter(ctx, 0, 1000, func(items []veille.Item, last int64) error {
		// re-extracted, so that a new version of the grammars reaches items
		// stored before it
		for i := range items {
			refs.Apply(&items[i])
		}
		// and written back, so that the store says what the index does
		if _, err := st.SaveRefs(ctx, items); err != nil {
			return err
		}
		if err := ix.Upsert(ctx, items, last); err != nil {
			return err
		}
		n += len(items)
		progress(n, total)
		return nil
	})
	if cerr := ix.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.RemoveAll(tmp)
		return n, fmt.Errorf("rebuild index: %w", err)
	}
	// index.Remove, not os.RemoveAll: it deletes only a Bleve index, so
	// whatever else a person left at that path stays (and the move aside
	// below then fails and says so).
	old := final + ".old"
	index.Remove(old)
	if _, err := os.Stat(final); err == nil {
		if err := os.Rename(final, old); err != nil {
			return n, fmt.Errorf("move old index aside: %w", err)
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		return n, fmt.Errorf("install new index: %w", err)
	}
	index.Remove(old)
	if n == 0 {
		progress(0, 0)
	}
	return n, nil
}

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
)

// floorIngest indexes the items straight into Bleve with veille's mapping
// and documents, in batches of s.Batch, the next batch being mapped while
// Bleve indexes the previous one.
func floorIngest(ctx context.Context, s spec) (phaseResult, error) {
	res := phaseResult{Phase: s.Phase}
	m, err := index.Mapping()
	if err != nil {
		return res, err
	}
	f, err := os.Open(s.itemsFile())
	if err != nil {
		return res, err
	}
	defer f.Close()
	if err := os.RemoveAll(s.floorDir()); err != nil {
		return res, err
	}
	stop := profile(s.Profile, s.Phase)
	sec := begin()
	idx, err := bleve.NewUsing(s.floorDir(), m, scorch.Name, bleve.Config.DefaultKVStore, nil)
	if err != nil {
		stop()
		return res, fmt.Errorf("floor index: %w", err)
	}
	batches := make(chan *bleve.Batch, 1)
	errc := make(chan error, 1)
	go func() {
		defer close(batches)
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		b := idx.NewBatch()
		for sc.Scan() {
			var it veille.Item
			if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
				errc <- err
				return
			}
			doc, err := index.Document(&it)
			if err != nil {
				errc <- err
				return
			}
			if err := b.Index(it.ID, doc); err != nil {
				errc <- err
				return
			}
			if b.Size() >= s.Batch {
				batches <- b
				b = idx.NewBatch()
			}
		}
		if err := sc.Err(); err != nil {
			errc <- err
			return
		}
		if b.Size() > 0 {
			batches <- b
		}
	}()
	var wg sync.WaitGroup
	berrs := make([]error, max(1, s.Writers))
	for k := range berrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				if err := idx.Batch(b); err != nil && berrs[k] == nil {
					berrs[k] = fmt.Errorf("floor batch: %w", err)
				}
			}
		}()
	}
	wg.Wait()
	res.WallS, res.CPUS = sec.end()
	if err := errors.Join(berrs...); err != nil {
		stop()
		return res, err
	}
	stop()
	select {
	case err := <-errc:
		return res, err
	default:
	}
	n, err := idx.DocCount()
	if err != nil {
		return res, err
	}
	res.Items = int(n)
	if n != uint64(s.N) {
		return res, fmt.Errorf("floor holds %d documents, want %d", n, s.N)
	}
	// Not timed: let Bleve finish merging, so that the search phase does
	// not measure merges left over by the ingest.
	res.Notes = map[string]any{"settle_s": settle(idx)}
	return res, idx.Close()
}

// settle waits until Bleve has no merge to do (index.WaitMerged) and
// returns how long that took.
func settle(idx bleve.Index) float64 {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	_ = index.WaitMerged(ctx, idx, 500*time.Millisecond) // at worst, searches share the machine with merges
	return time.Since(start).Seconds()
}

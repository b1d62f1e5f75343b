package index

// What the benchmark's floor (cmd/veille-bench) needs to index the very
// same documents into plain Bleve, and to wait for Bleve's merges before
// timing searches. Nothing else of veille uses these: they are exported
// because the benchmark is a command of its own, outside this package.

import (
	"context"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/nogentech/veille"
)

// Mapping returns a fresh copy of the index mapping, for tools that must
// index the very same documents by other means: the benchmark's floor
// (cmd/veille-bench) measures plain Bleve against Upsert with it.
func Mapping() (*mapping.IndexMappingImpl, error) { return buildMapping() }

// Document is the Bleve document Upsert writes for an item.
func Document(it *veille.Item) (map[string]interface{}, error) {
	doc, _, err := document(it)
	return doc, err
}

// StoredFields are the fields a hit is rebuilt from, snippet text last.
func StoredFields() []string { return append(append([]string(nil), storedFields...), fHighlight) }

// WaitMerged waits until a Bleve (scorch) index has persisted every segment
// and has no merge running or planned, and the same segments at three
// checks poll apart: until then, searches compete with merges left over by
// the last writes. The benchmark waits so before timing searches.
func WaitMerged(ctx context.Context, idx bleve.Index, poll time.Duration) error {
	last, stable := "", 0
	for {
		m, _ := idx.StatsMap()["index"].(map[string]interface{})
		n := func(k string) uint64 { v, _ := m[k].(uint64); return v }
		state := fmt.Sprint(n("TotFileSegmentsAtRoot"), n("TotMemorySegmentsAtRoot"), n("TotFileMergeZapEnd"), n("TotPersistedSegments"))
		if n("TotMemorySegmentsAtRoot") == 0 && n("TotFileMergePlanTasks") == n("TotFileMergePlanTasksDone") &&
			n("TotFileMergeZapBeg") == n("TotFileMergeZapEnd") && state == last {
			stable++
		} else {
			stable = 0
		}
		if stable == 2 {
			return nil
		}
		last = state
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for merges: %w", ctx.Err())
		case <-time.After(poll):
		}
	}
}

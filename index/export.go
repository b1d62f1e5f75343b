package index

import (
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

// Batches is the number of Bleve batches this Index wrote since Open:
// every Upsert and every internal write is one (or more, when split). The
// benchmark checks that a re-crawl of unchanged feeds writes none.
func (ix *Index) Batches() uint64 {
	m, _ := ix.idx.StatsMap()["index"].(map[string]interface{})
	n, _ := m["TotBatches"].(uint64)
	return n
}

package index

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/nogentech/veille"
)

// A plain Bleve index built with Mapping and Document answers like Upsert's.
func TestMappingAndDocumentBuildTheSameIndex(t *testing.T) {
	items := genItems(t, 0, 50)
	m, err := Mapping()
	if err != nil {
		t.Fatal(err)
	}
	plain, err := bleve.New(filepath.Join(t.TempDir(), "plain"), m)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	b := plain.NewBatch()
	for i := range items {
		doc, err := Document(&items[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Index(items[i].ID, doc); err != nil {
			t.Fatal(err)
		}
	}
	if err := plain.Batch(b); err != nil {
		t.Fatal(err)
	}
	ix := openTemp(t)
	if err := ix.Upsert(context.Background(), items, 1); err != nil {
		t.Fatal(err)
	}
	q, err := ParseQuery("déchets")
	if err != nil {
		t.Fatal(err)
	}
	req := bleve.NewSearchRequest(q)
	req.Fields = StoredFields()
	got, err := plain.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	want := runSearch(t, ix, veille.SearchRequest{Query: "déchets", NoFacets: true, NoHighlight: true})
	if got.Total == 0 || got.Total != want.Total {
		t.Fatalf("plain Bleve finds %d, Search %d", got.Total, want.Total)
	}
	if title, _ := got.Hits[0].Fields[fTitle].(string); title == "" {
		t.Errorf("stored fields not returned: %v", got.Hits[0].Fields)
	}
}

func TestBatchesCountsWrites(t *testing.T) {
	ix := openTemp(t)
	before := ix.Batches()
	if err := ix.Upsert(context.Background(), genItems(t, 0, 3), 3); err != nil {
		t.Fatal(err)
	}
	if d := ix.Batches() - before; d != 1 {
		t.Errorf("one upsert counted as %d batches", d)
	}
	if _, err := ix.Search(context.Background(), veille.SearchRequest{Query: "arrêté"}); err != nil {
		t.Fatal(err)
	}
	if d := ix.Batches() - before; d != 1 {
		t.Errorf("a search counted as a write (%d batches)", d)
	}
}

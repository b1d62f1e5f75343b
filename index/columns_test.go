package index

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/nogentech/veille"
)

// columnsIndex is an index of several segments, with replaced documents
// (deletions inside segments), tied dates and an item without a date.
func columnsIndex(t *testing.T) *Index {
	t.Helper()
	ix := openTemp(t)
	ctx := context.Background()
	items := genItems(t, 0, 2000)
	for i := range items {
		if i%10 == 0 && i+1 < len(items) { // ties on the date
			items[i].Published = items[i+1].Published
		}
	}
	items[7].Published = time.Time{}
	for b := 0; b < len(items); b += 400 {
		if err := ix.Upsert(ctx, items[b:b+400], int64(b+400)); err != nil {
			t.Fatal(err)
		}
	}
	// Replace some: their old versions stay as deleted documents.
	var again []veille.Item
	for i := 0; i < len(items); i += 13 {
		it := items[i]
		it.Domains = []string{"medical-devices"}
		it.Competences = append([]string{"forging"}, it.Competences...)
		it.Published = it.Published.Add(-90 * 24 * time.Hour)
		again = append(again, it)
	}
	if err := ix.Upsert(ctx, again, 3000); err != nil {
		t.Fatal(err)
	}
	return ix
}

func columnRequests() []veille.SearchRequest {
	var out []veille.SearchRequest
	since := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	for _, q := range []string{"", "déchets", "environnement", "machines", `"code de l'environnement"`, "REACH -déchets", "zzznothing"} {
		for _, sortBy := range []string{"", "date", "relevance"} {
			out = append(out,
				veille.SearchRequest{Query: q, Sort: sortBy},
				veille.SearchRequest{Query: q, Sort: sortBy, Offset: 20, Limit: 10},
				veille.SearchRequest{Query: q, Sort: sortBy, Offset: 1990, Limit: 50},
				veille.SearchRequest{Query: q, Sort: sortBy, Domains: []string{"environment"}},
				veille.SearchRequest{Query: q, Sort: sortBy, Competences: []string{"machining", "forging"}, Langs: []string{"fr"}},
				veille.SearchRequest{Query: q, Sort: sortBy, Since: since, NoFacets: true},
				veille.SearchRequest{Query: q, Sort: sortBy, Sources: []string{"source-03"}, Limit: 100},
				veille.SearchRequest{Query: q, Sort: sortBy, Tagged: true},
				veille.SearchRequest{Query: q, Sort: sortBy, Tagged: true, Offset: 1800, Limit: 50},
				veille.SearchRequest{Query: q, Sort: sortBy, Tagged: true, Langs: []string{"en"}, Limit: 100},
			)
		}
	}
	return out
}

// TestColumnsMatchBleve: facets and the newest-first order from the
// columns are exactly what Bleve gives, on every kind of search.
func TestColumnsMatchBleve(t *testing.T) {
	ix := columnsIndex(t)
	ctx := context.Background()
	// strict: scorch merges segments in the background, and a merge
	// changes relevance scores (deleted documents leave the statistics),
	// so hits ranked by relevance are compared only once it has settled.
	compare := func(t *testing.T, strict bool) {
		if err := ix.cols.build(ix.idx); err != nil {
			t.Fatal(err)
		}
		cols := ix.cols
		for _, r := range columnRequests() {
			name := fmt.Sprintf("%+v", r)
			got, err := ix.Search(ctx, r)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			ix.cols = nil // Bleve's facets and sort
			want, err := ix.Search(ctx, r)
			ix.cols = cols
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got.Total != want.Total || !reflect.DeepEqual(got.Facets, want.Facets) {
				t.Errorf("%s:\n columns %d %v\n bleve   %d %v", name, got.Total, got.Facets, want.Total, want.Facets)
			}
			if !strict && r.Sort == "relevance" || !strict && r.Sort == "" && r.Query != "" {
				continue
			}
			if len(got.Hits) != len(want.Hits) {
				t.Fatalf("%s: %d hits, Bleve %d", name, len(got.Hits), len(want.Hits))
			}
			for i := range got.Hits {
				g, w := got.Hits[i], want.Hits[i]
				if g.ID != w.ID || g.Snippet != w.Snippet || !g.Published.Equal(w.Published) || g.Score != w.Score {
					t.Errorf("%s: hit %d is %s %s, Bleve %s %s", name, i, g.ID, g.Published, w.ID, w.Published)
				}
			}
		}
	}
	// The columns really are used (and not Bleve's path twice). Bleve's
	// merger may swap in a merged segment between the build and the
	// search (it did on a loaded machine): then build again.
	req := veille.SearchRequest{Domains: []string{"environment"}}
	for deadline := time.Now().Add(10 * time.Second); ; {
		if err := ix.cols.build(ix.idx); err != nil {
			t.Fatal(err)
		}
		cc := &columnCollector{c: ix.cols, facets: true, byDate: true, keep: 20}
		_, err := ix.idx.SearchInContext(withCollector(ctx, cc), mustRequest(t, req))
		if errors.Is(err, errNoColumns) && time.Now().Before(deadline) {
			continue
		}
		if err != nil || len(cc.page) != 20 {
			t.Fatalf("column search: %v, page of %d", err, len(cc.page))
		}
		break
	}
	t.Run("fresh segments", func(t *testing.T) { compare(t, false) })
	ctx30, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := WaitMerged(ctx30, ix.idx, 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	t.Run("merged and persisted", func(t *testing.T) { compare(t, true) })
}

func mustRequest(t *testing.T, r veille.SearchRequest) *bleve.SearchRequest {
	t.Helper()
	q, err := filters(r)
	if err != nil || q == nil {
		t.Fatal(err)
	}
	return bleve.NewSearchRequestOptions(q, 0, 0, false)
}

// TestColumnsWhileWriting: searches during writes answer from columns or
// from Bleve, with facets that add up to the total (each item has one
// language).
func TestColumnsWhileWriting(t *testing.T) {
	ix := openTemp(t)
	ctx := context.Background()
	items := genItems(t, 0, 3000)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for b := 0; b < len(items); b += 100 {
			if err := ix.Upsert(ctx, items[b:b+100], int64(b+100)); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	searches := 0
	for stop := false; !stop; {
		select {
		case <-done:
			stop = true
		default:
		}
		for _, r := range []veille.SearchRequest{{}, {Query: "déchets"}, {Query: "environnement", Sort: "date"}} {
			res, err := ix.Search(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			sum := 0
			for _, fc := range res.Facets["lang"] {
				sum += fc.Count
			}
			if uint64(sum) != res.Total {
				t.Fatalf("%+v: lang facet adds up to %d, total %d", r, sum, res.Total)
			}
			searches++
		}
	}
	res, err := ix.Search(ctx, veille.SearchRequest{})
	if err != nil || res.Total != uint64(len(items)) {
		t.Fatalf("after the writes: %v, total %d", err, res.Total)
	}
	t.Logf("%d searches during the writes", searches)
}

// columnsReady says whether every segment of the index's current snapshot
// has its columns, without counting as a search.
func columnsReady(t *testing.T, ix *Index) bool {
	t.Helper()
	adv, err := ix.idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	snap := r.(*scorch.IndexSnapshot)
	ix.cols.mu.Lock()
	defer ix.cols.mu.Unlock()
	for _, ss := range snap.Segments() {
		if ix.cols.segs[ss.Id()] == nil {
			return false
		}
	}
	return true
}

func waitColumns(t *testing.T, ix *Index) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !columnsReady(t, ix); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("columns not built within 10 s")
		}
	}
}

// TestColumnsServing: an index a server is about to search builds its
// columns without waiting for a search.
func TestColumnsServing(t *testing.T) {
	ix := openTemp(t)
	if err := ix.Upsert(context.Background(), genItems(t, 0, 300), 300); err != nil {
		t.Fatal(err)
	}
	ix.Serving()
	waitColumns(t, ix)
}

// TestColumnsFollowWrites: nobody searching, writes build no columns; once
// people search, each write's segments get theirs without waiting for the
// next search.
func TestColumnsFollowWrites(t *testing.T) {
	ix := openTemp(t)
	ctx := context.Background()
	items := genItems(t, 0, 1500)
	if err := ix.Upsert(ctx, items[:500], 500); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	ix.cols.mu.Lock()
	built := len(ix.cols.segs)
	ix.cols.mu.Unlock()
	if built != 0 {
		t.Fatalf("columns of %d segments built with nobody searching", built)
	}
	if _, err := ix.Search(ctx, veille.SearchRequest{}); err != nil { // starts the build
		t.Fatal(err)
	}
	waitColumns(t, ix)
	for b := 500; b < len(items); b += 500 {
		if err := ix.Upsert(ctx, items[b:b+500], int64(b+500)); err != nil {
			t.Fatal(err)
		}
		waitColumns(t, ix)
	}
	res, err := ix.Search(ctx, veille.SearchRequest{})
	if err != nil || res.Total != uint64(len(items)) {
		t.Fatalf("total %d, err %v", res.Total, err)
	}
}

// TestTaggedHomePage: Tagged keeps exactly the items with a domain or a
// competence, newest first, from the columns and from Bleve alike, and
// the untagged items are left out of the total and the facets.
func TestTaggedHomePage(t *testing.T) {
	ix := openTemp(t)
	ctx := context.Background()
	items := genItems(t, 0, 600)
	tagged := 0
	for _, it := range items {
		if len(it.Domains)+len(it.Competences) > 0 {
			tagged++
		}
	}
	if tagged == 0 || tagged == len(items) {
		t.Fatalf("%d of %d items tagged: the corpus does not test this", tagged, len(items))
	}
	if err := ix.Upsert(ctx, items, 1); err != nil {
		t.Fatal(err)
	}
	if err := ix.cols.build(ix.idx); err != nil {
		t.Fatal(err)
	}
	cols := ix.cols
	defer func() { ix.cols = cols }()
	for _, mode := range []string{"columns", "bleve"} {
		ix.cols = cols
		if mode == "bleve" {
			ix.cols = nil
		}
		all := runSearch(t, ix, veille.SearchRequest{Limit: 1000})
		if all.Total != uint64(len(items)) {
			t.Errorf("%s: every item is %d, want %d", mode, all.Total, len(items))
		}
		res := runSearch(t, ix, veille.SearchRequest{Tagged: true, Limit: 1000})
		if res.Total != uint64(tagged) || len(res.Hits) != tagged {
			t.Errorf("%s: tagged total %d (%d hits), want %d", mode, res.Total, len(res.Hits), tagged)
		}
		for i, h := range res.Hits {
			if len(h.Domains)+len(h.Competences) == 0 {
				t.Errorf("%s: %q has no tag", mode, h.Title)
			}
			if i > 0 && h.Published.After(res.Hits[i-1].Published) {
				t.Errorf("%s: hit %d is newer than the one before", mode, i)
			}
		}
		langs := 0
		for _, fc := range res.Facets["lang"] {
			langs += fc.Count
		}
		if langs != tagged {
			t.Errorf("%s: language facet adds up to %d, want %d", mode, langs, tagged)
		}
	}
}

package index

import (
	"context"
	"slices"
	"testing"

	"github.com/nogentech/veille"
)

// A search with filters and no text: every item the filters select,
// newest first, however the sort is asked for.
func TestFiltersWithoutText(t *testing.T) {
	ix := openTemp(t)
	items := genItems(t, 0, 300)
	if err := ix.Upsert(context.Background(), items, 1); err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, it := range items {
		if slices.Contains(it.Domains, "environment") && slices.Contains(it.Competences, "forging") {
			want++
		}
	}
	if want < 5 {
		t.Fatalf("only %d generated items to find", want)
	}
	for _, sort := range []string{"", "date", "relevance"} {
		res := runSearch(t, ix, veille.SearchRequest{Domains: []string{"environment"}, Competences: []string{"forging"},
			Sort: sort, Limit: 1000})
		if int(res.Total) != want || len(res.Hits) != want {
			t.Errorf("sort %q: total %d, %d hits, want %d", sort, res.Total, len(res.Hits), want)
		}
		for i, h := range res.Hits {
			if !slices.Contains(h.Domains, "environment") || !slices.Contains(h.Competences, "forging") {
				t.Errorf("sort %q: hit %s outside the filters", sort, h.ID)
			}
			if sort != "relevance" && i > 0 && h.Published.After(res.Hits[i-1].Published) {
				t.Errorf("sort %q: hit %d newer than hit %d", sort, i, i-1)
			}
		}
		if f := res.Facets["domain"]; len(f) == 0 || f[0].Term != "environment" || f[0].Count != want {
			t.Errorf("sort %q: domain facet %v", sort, f)
		}
	}
}

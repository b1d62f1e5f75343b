package index

import (
	"context"
	"slices"
	"testing"

	"github.com/nogentech/veille"
)

// SearchRequest.IDs keeps the matches among those ids alone, with text,
// with filters, and with neither (where a search would otherwise walk
// every item).
func TestSearchAmongIDs(t *testing.T) {
	ix := openTemp(t)
	items := genItems(t, 0, 300)
	if err := ix.Upsert(context.Background(), items, 1); err != nil {
		t.Fatal(err)
	}
	var ids []string
	forging := 0
	for i, it := range items {
		if i%7 == 0 {
			ids = append(ids, it.ID)
			if slices.Contains(it.Competences, "forging") {
				forging++
			}
		}
	}
	if forging == 0 || forging == len(ids) {
		t.Fatalf("the generated items give no test: %d of %d ids are forging", forging, len(ids))
	}
	for name, tc := range map[string]struct {
		req  veille.SearchRequest
		want int
	}{
		"ids alone":   {veille.SearchRequest{IDs: ids, Limit: 1000}, len(ids)},
		"ids, filter": {veille.SearchRequest{IDs: ids, Competences: []string{"forging"}, Limit: 1000}, forging},
		"ids, no id":  {veille.SearchRequest{IDs: []string{"no-such-id"}, Limit: 1000}, 0},
	} {
		res := runSearch(t, ix, tc.req)
		if int(res.Total) != tc.want {
			t.Errorf("%s: total %d, want %d", name, res.Total, tc.want)
		}
		for _, h := range res.Hits {
			if !slices.Contains(ids, h.ID) {
				t.Errorf("%s: hit %s is not among the ids", name, h.ID)
			}
		}
	}
	// With text: the matches of the text among the ids.
	all := runSearch(t, ix, veille.SearchRequest{Query: items[0].Title, Limit: 1000})
	among := runSearch(t, ix, veille.SearchRequest{Query: items[0].Title, IDs: ids, Limit: 1000})
	want := 0
	for _, h := range all.Hits {
		if slices.Contains(ids, h.ID) {
			want++
		}
	}
	if want == 0 || int(among.Total) != want || all.Total == among.Total {
		t.Errorf("text among ids: %d, want %d (of %d without ids)", among.Total, want, all.Total)
	}
}

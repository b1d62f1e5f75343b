package server

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nogentech/veille"
)

// TestRefFilter: the crawl of the sample extracts references; ref= on
// /api/search finds exactly the items whose refs or act hold the id, ORs
// repeated values, and the page and /api/items show the same.
func TestRefFilter(t *testing.T) {
	f := sharedFixture(t)
	all, err := f.index.Search(t.Context(), veille.SearchRequest{Limit: 10000, NoFacets: true, NoHighlight: true})
	if err != nil {
		t.Fatal(err)
	}
	// the most cited reference of the sample, counted from the hits
	count := map[string]int{}
	holds := func(h veille.Hit, key string) bool {
		for _, r := range h.Refs {
			if strings.EqualFold(r.Key(), key) {
				return true
			}
		}
		return h.Act != nil && strings.EqualFold(veille.RefKey(h.Act.Kind, h.Act.ID), key)
	}
	for _, h := range all.Hits {
		if h.Refs == nil || h.Dates == nil {
			t.Fatalf("hit %s: refs %v dates %v, want lists", h.ID, h.Refs, h.Dates)
		}
		for _, r := range h.Refs {
			count[r.Key()]++
		}
	}
	var top, other string
	for k, n := range count {
		if top == "" || n > count[top] || (n == count[top] && k < top) {
			top = k
		}
	}
	if count[top] < 2 {
		t.Fatalf("no reference cited twice in %d sample items: %v", len(all.Hits), count)
	}
	for k := range count {
		if k != top && (other == "" || k < other) && !strings.HasPrefix(k, "fr-act:arrêté du") {
			other = k
		}
	}
	want := func(keys ...string) []string {
		var ids []string
		for _, h := range all.Hits {
			for _, k := range keys {
				if holds(h, k) {
					ids = append(ids, h.ID)
					break
				}
			}
		}
		slices.Sort(ids)
		return ids
	}
	// every page of the API's answer
	got := func(v url.Values) []string {
		var ids []string
		v.Set("limit", "100")
		for off := 0; ; off += 100 {
			v.Set("offset", strconv.Itoa(off))
			res := apiSearch(t, f, v)
			for _, h := range res.Hits {
				ids = append(ids, h.ID)
			}
			if len(res.Hits) < 100 {
				break
			}
		}
		slices.Sort(ids)
		return ids
	}
	t.Logf("%d items; most cited %s (%d), other %s", len(all.Hits), top, count[top], other)
	if g, w := got(url.Values{"ref": {top}}), want(top); !slices.Equal(g, w) || len(w) < 2 {
		t.Errorf("ref=%s: %d hits %v, want %d %v", top, len(g), g, len(w), w)
	}
	if g, w := got(url.Values{"ref": {top, other}}), want(top, other); !slices.Equal(g, w) || len(w) <= count[top]-1 {
		t.Errorf("ref=%s&ref=%s: %v, want %v", top, other, g, w)
	}
	if g := got(url.Values{"ref": {"eu-act:Regulation (EU) 1999/99999"}}); len(g) != 0 {
		t.Errorf("a reference nothing cites: %v", g)
	}
	resp, body := get(t, f.ts.URL+"/api/search?ref=nokind")
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("ref without kind: %d %s", resp.StatusCode, body)
	}
	wantAPIError("KIND:ID")(t, resp, body)

	// the page keeps the filter and says so
	resp, body = get(t, f.ts.URL+"/?"+url.Values{"ref": {top}}.Encode())
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Référence") {
		t.Errorf("page with ref=: %d, no active filter named Référence", resp.StatusCode)
	}

	// /api/items carries the same references as the hit
	id := want(top)[0]
	resp, body = get(t, f.ts.URL+"/api/items/"+id)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("item: %d", resp.StatusCode)
	}
	it := decodeJSON[veille.Item](t, body)
	found := false
	for _, r := range it.Refs {
		found = found || strings.EqualFold(r.Key(), top)
	}
	if !found {
		t.Errorf("/api/items/%s refs %v, want %s among them", id, it.Refs, top)
	}
	for _, h := range all.Hits {
		if len(h.Refs) == 0 && len(h.Dates) == 0 {
			_, body := get(t, f.ts.URL+"/api/items/"+h.ID)
			if !strings.Contains(string(body), `"refs":[]`) || !strings.Contains(string(body), `"dates":[]`) {
				t.Errorf("item without references: %s, want \"refs\":[] and \"dates\":[]", body)
			}
			break
		}
	}
}

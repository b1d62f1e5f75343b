package index

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/nogentech/veille"
)

// BenchmarkSearchAmongIDs: what an unread count costs by the number of
// items first seen since (a member back after a long absence has many),
// on an index the server's load benchmark built (its "bench:N" items):
//
//	VEILLE_BENCH_INDEX=/tmp/bench/index-100000.bleve go test ./index -run '^$' -bench SearchAmongIDs
func BenchmarkSearchAmongIDs(b *testing.B) {
	dir := os.Getenv("VEILLE_BENCH_INDEX")
	if dir == "" {
		b.Skip("VEILLE_BENCH_INDEX names no index built by server's BenchmarkMemberHome")
	}
	ix, err := Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	for _, n := range []int{100, 1000, 10000, 30000} {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = veille.ItemID("bench:" + strconv.Itoa(i*3))
		}
		for name, req := range map[string]veille.SearchRequest{
			"filter": {IDs: ids, Domains: []string{"environment"}},
			"text":   {IDs: ids, Query: "déchets"},
		} {
			req.Limit, req.Sort, req.NoFacets, req.NoHighlight = 1, "date", true, true
			b.Run(strconv.Itoa(n)+"-ids-"+name, func(b *testing.B) {
				for b.Loop() {
					if _, err := ix.Search(context.Background(), req); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

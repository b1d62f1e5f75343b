package members

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/store"
)

// BenchmarkClusterCountsOf counts the marks of 200 members on the 30 texts
// of an edition (a third of the pairs marked), as each view of a draft and
// each approval does.
func BenchmarkClusterCountsOf(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "veille.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var cfg veille.Config
	for i := range 200 {
		cfg.Members = append(cfg.Members, veille.Member{ID: fmt.Sprintf("m%d", i), Email: fmt.Sprintf("a@m%d.example", i),
			Competences: []string{"forging"}})
	}
	var items []veille.Item
	for i := range 30 {
		items = append(items, veille.Item{ID: fmt.Sprintf("it%d", i), Title: "Arrêté", Link: fmt.Sprintf("https://example.org/%d", i),
			Source: "src", Published: time.Now(), FirstSeen: time.Now(), Competences: []string{"forging"}})
	}
	if _, err := st.UpsertItems(ctx, items); err != nil {
		b.Fatal(err)
	}
	for i := range 200 {
		for j := range 30 {
			if (i+j)%3 == 0 {
				if err := st.PutMark(ctx, store.Mark{Member: fmt.Sprintf("m%d", i), ItemID: items[j].ID, Status: "applies"}); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	count := ClusterCounter(cfg, st)
	b.ResetTimer()
	for b.Loop() {
		got, err := count(ctx, items)
		if err != nil || len(got) != 30 || got[items[0].ID][0].Marked != 67 {
			b.Fatalf("%v %v", got[items[0].ID], err)
		}
	}
}

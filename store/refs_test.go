package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/nogentech/veille"
)

// TestSaveRefs: the references are written into the record without a new
// sequence number; saving the same again writes nothing; a later upsert of
// the same item with them is unchanged (the fingerprint followed).
func TestSaveRefs(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "veille.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pub := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	it := veille.Item{ID: "x", Title: "Règlement (UE) 2023/607 modifiant le règlement (UE) 2017/745", Link: "https://example.org/x",
		Source: "eur-lex", Sources: []string{"eur-lex"}, Published: pub, FirstSeen: pub}
	if _, err := s.UpsertItems(ctx, []veille.Item{it}); err != nil {
		t.Fatal(err)
	}
	before, _ := s.MaxSeq(ctx)
	it.Refs = []veille.Ref{{Kind: "eu-act", ID: "Regulation (EU) 2017/745", Text: "règlement (UE) 2017/745", Rel: "amends"}}
	it.Dates = []veille.KeyDate{{Kind: "deadline", Date: "2028-05-26", Text: "au plus tard le 26 mai 2028"}}
	it.Act = &veille.ActID{Kind: "eu-act", ID: "Regulation (EU) 2023/607"}
	n, err := s.SaveRefs(ctx, []veille.Item{it, {ID: "no-such-item"}})
	if err != nil || n != 1 {
		t.Fatalf("SaveRefs: %d, %v; want 1", n, err)
	}
	got, err := s.Item(ctx, "x")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Refs) != 1 || got.Refs[0].Rel != "amends" || len(got.Dates) != 1 || got.Act == nil || got.Act.ID != "Regulation (EU) 2023/607" {
		t.Errorf("stored refs %+v dates %+v act %+v", got.Refs, got.Dates, got.Act)
	}
	if got.Title != it.Title || !got.FirstSeen.Equal(pub) {
		t.Errorf("the rest of the record changed: %+v", got)
	}
	if after, _ := s.MaxSeq(ctx); after != before {
		t.Errorf("sequence %d → %d: saving references is not news", before, after)
	}
	if n, err := s.SaveRefs(ctx, []veille.Item{it}); err != nil || n != 0 {
		t.Errorf("saving the same again: %d, %v; want 0", n, err)
	}
	res, err := s.UpsertItems(ctx, []veille.Item{it})
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged != 1 || len(res.Updated) != 0 {
		t.Errorf("re-crawl of the same item: %+v, want unchanged", res)
	}
}

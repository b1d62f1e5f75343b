package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/store"
)

// TestReindexExtractsRefs: an item stored without references (as every item
// stored before extraction existed) gets them from `veille reindex`, which
// reads them again from its title and text.
func TestReindexExtractsRefs(t *testing.T) {
	cfgPath := writeConfig(t, "https://example.org")
	data := filepath.Join(t.TempDir(), "data")
	common := []string{"--config", cfgPath, "--data", data}
	ctx := context.Background()
	st, err := store.Open(ctx, storePath(data))
	if err != nil {
		t.Fatal(err)
	}
	link := "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000043183635"
	it := veille.Item{ID: veille.ItemID(link), Link: link, Source: "jorf", Sources: []string{"jorf"}, Lang: "fr",
		Title:     "Arrêté du 15 février 2021 autorisant par dérogation la mise à disposition sur le marché du produit biocide « PHERO-BALL PIN »",
		Content:   "Vu le règlement (UE) n° 528/2012 du 22 mai 2012 ; Vu l'article R. 522-6 du code de l'environnement ; substance active n° CAS 78617-58-0.",
		Published: time.Date(2021, 2, 27, 0, 0, 0, 0, time.UTC)}
	if _, err := st.UpsertItems(ctx, []veille.Item{it}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	if code, _, errs := veilleCmd(t, append([]string{"reindex"}, common...)...); code != 0 {
		t.Fatalf("reindex exit %d: %s", code, errs)
	}
	for _, ref := range []string{"eu-act:Regulation (EU) 528/2012", "fr-code:code de l'environnement R. 522-6", "cas:78617-58-0", "fr-act:arrêté du 15 février 2021"} {
		res := searchJSON(t, append(common, "--ref", ref, "")...)
		if res.Total != 1 || res.Hits[0].ID != it.ID {
			t.Errorf("--ref %s after reindex: %d hits", ref, res.Total)
		}
	}
	// and the store holds them too (reindex writes them back)
	st, err = store.Open(ctx, storePath(data))
	if err != nil {
		t.Fatal(err)
	}
	stored, err := st.Item(ctx, it.ID)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.Refs) < 3 || stored.Act == nil || stored.Act.ID != "arrêté du 15 février 2021" {
		t.Errorf("stored after reindex: refs %+v act %+v", stored.Refs, stored.Act)
	}
	if res := searchJSON(t, append(common, "--ref", "eu-act:Regulation (EU) 2017/745", "")...); res.Total != 0 {
		t.Errorf("--ref of an act the item does not cite: %d hits", res.Total)
	}
}

package index

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/refs"
)

// refItems are three items whose references the extractor reads from their
// text, as the crawl does: one cites the MDR, one is an act amending a
// décret, one cites nothing.
func refItems() []veille.Item {
	items := []veille.Item{
		fixture("mdr-guide", "fr", "ansm-dm", "EU", "Guide d'application du règlement (UE) 2017/745",
			"", "Les fabricants appliquent le règlement (UE) 2017/745 et l'article R. 5211-1 du code de la santé publique à compter du 26 mai 2021.",
			day("2021-05-20"), []string{"medical-devices"}, nil),
		fixture("decret", "fr", "legifrance-jorf", "FR", "Décret n° 2021-212 du 25 février 2021 modifiant le décret n° 2012-422 du 29 mars 2012",
			"", "Le présent décret entre en vigueur le 1er janvier 2023.",
			day("2021-02-26"), nil, nil),
		fixture("nothing", "en", "echa-news", "EU", "ECHA annual report",
			"", "The agency published its annual report.", day("2021-06-01"), nil, nil),
	}
	for i := range items {
		refs.Apply(&items[i])
	}
	return items
}

func TestRefFilterAndHits(t *testing.T) {
	ix := openTemp(t)
	items := refItems()
	if err := ix.Upsert(context.Background(), items, 3); err != nil {
		t.Fatal(err)
	}
	ids := func(res *veille.SearchResult) []string {
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.ID)
		}
		slices.Sort(out)
		return out
	}
	sorted := func(s ...string) []string { slices.Sort(s); return s }
	mdr, decret, nothing := items[0], items[1], items[2]

	tests := map[string]struct {
		req  veille.SearchRequest
		want []string
	}{
		"ref filter":              {veille.SearchRequest{Refs: []string{"eu-act:Regulation (EU) 2017/745"}}, []string{mdr.ID}},
		"ref filter, any case":    {veille.SearchRequest{Refs: []string{"EU-ACT:regulation (eu) 2017/745"}}, []string{mdr.ID}},
		"code article":            {veille.SearchRequest{Refs: []string{"fr-code:code de la santé publique R. 5211-1"}}, []string{mdr.ID}},
		"the act itself":          {veille.SearchRequest{Refs: []string{"fr-act:décret n° 2021-212"}}, []string{decret.ID}},
		"an act it amends":        {veille.SearchRequest{Refs: []string{"fr-act:décret n° 2012-422"}}, []string{decret.ID}},
		"repeated: OR":            {veille.SearchRequest{Refs: []string{"fr-act:décret n° 2012-422", "eu-act:Regulation (EU) 2017/745"}}, sorted(mdr.ID, decret.ID)},
		"cited by none":           {veille.SearchRequest{Refs: []string{"eu-act:Regulation (EU) 2017/746"}}, nil},
		"query language":          {veille.SearchRequest{Query: `ref:"eu-act:Regulation (EU) 2017/745"`}, []string{mdr.ID}},
		"query language excluded": {veille.SearchRequest{Query: `* -ref:"eu-act:Regulation (EU) 2017/745"`}, sorted(decret.ID, nothing.ID)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := ids(runSearch(t, ix, tc.req)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}

	// Hits carry what the item carries; empty lists, not null, when nothing.
	for _, it := range items {
		h, err := ix.Hit(context.Background(), it.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantRefs, wantDates := it.Refs, it.Dates
		if wantRefs == nil {
			wantRefs = []veille.Ref{}
		}
		if wantDates == nil {
			wantDates = []veille.KeyDate{}
		}
		if !reflect.DeepEqual(h.Refs, wantRefs) || !reflect.DeepEqual(h.Dates, wantDates) || !reflect.DeepEqual(h.Act, it.Act) {
			t.Errorf("%s: hit refs %+v dates %+v act %+v, want %+v %+v %+v", it.Title, h.Refs, h.Dates, h.Act, wantRefs, wantDates, it.Act)
		}
	}
	if decret.Act == nil || decret.Act.ID != "décret n° 2021-212" || len(decret.Dates) != 1 || decret.Refs[0].Rel != refs.RelAmends {
		t.Errorf("extraction of the décret: act %+v dates %+v refs %+v", decret.Act, decret.Dates, decret.Refs)
	}
}

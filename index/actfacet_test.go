package index

import (
	"slices"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/refs"
)

// actItems are items whose refs and dates come from their text, through
// the real extraction.
func actItems(t *testing.T) []veille.Item {
	t.Helper()
	pub := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	mk := func(id, title, text string, domains ...string) veille.Item {
		it := veille.Item{ID: id, Title: title, Content: text, Lang: "fr", Source: "s", Sources: []string{"s"},
			Published: pub, FirstSeen: pub, Domains: domains}
		refs.Apply(&it)
		return it
	}
	return []veille.Item{
		mk("a", "Règlement (UE) 2023/607 modifiant le règlement (UE) 2017/745",
			"Le présent règlement entre en vigueur le 20 mars 2023. Les dispositifs doivent être conformes au plus tard le 26 mai 2026.", "medical-devices"),
		mk("b", "Avis sur le règlement (UE) 2017/745", "La consultation est ouverte. Les dispositions sont applicables à compter du 1er juillet 2027.", "medical-devices"),
		mk("c", "Arrêté relatif aux rubriques 2564 et 2565", "Le présent arrêté entre en vigueur le 1er janvier 2027.", "environment"),
		mk("d", "Sans date", "Le règlement (UE) 2017/745 est cité sans date.", "medical-devices"),
	}
}

// TestActFacet: the ref facet counts acts as written (not lower-cased),
// and leaves out what is not an act (rubriques).
func TestActFacet(t *testing.T) {
	ix := openTemp(t)
	items := actItems(t)
	if err := ix.Upsert(t.Context(), items, int64(len(items))); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(t.Context(), veille.SearchRequest{})
	if err != nil {
		t.Fatal(err)
	}
	got := res.Facets["ref"]
	if len(got) == 0 || got[0].Term != "eu-act:Regulation (EU) 2017/745" || got[0].Count != 3 {
		t.Fatalf("ref facet %v, want eu-act:Regulation (EU) 2017/745 first with 3", got)
	}
	for _, fc := range got {
		if fc.Term == "icpe:2564" {
			t.Errorf("a rubrique counted as an act: %v", got)
		}
	}
}

// TestGlossaryRefFindsCitingItems: an acronym whose glossary entry stands
// for an act (ref) finds the items that cite it though they never write the
// acronym nor any other term of the entry; without the ref it finds none.
func TestGlossaryRefFindsCitingItems(t *testing.T) {
	pub := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	it := veille.Item{ID: "qs", Title: "Quality system final rule", Lang: "en", Source: "fda", Sources: []string{"fda"},
		Content: "The agency amends 21 CFR 820 to align it with ISO 13485:2016.", Published: pub, FirstSeen: pub}
	refs.Apply(&it)
	if !slices.ContainsFunc(it.Refs, func(r veille.Ref) bool { return r.Key() == "us-cfr:21 CFR 820" }) {
		t.Fatalf("the extraction did not read 21 CFR 820: %+v", it.Refs)
	}
	for _, c := range []struct {
		ref  string
		want int
	}{{"us-cfr:21 CFR 820", 1}, {"", 0}} {
		voc := NewVocabulary(veille.Config{Glossary: []veille.GlossaryEntry{
			{EN: []string{"Quality Management System Regulation"}, Acronyms: []string{"QMSR"}, Ref: c.ref}}})
		ix, err := Open(t.TempDir()+"/index", Options{Vocabulary: voc})
		if err != nil {
			t.Fatal(err)
		}
		if err := ix.Upsert(t.Context(), []veille.Item{it}, 1); err != nil {
			t.Fatal(err)
		}
		res, err := ix.Search(t.Context(), veille.SearchRequest{Query: "QMSR", NoFacets: true})
		ix.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != c.want {
			t.Errorf("ref %q: QMSR found %d items, want %d", c.ref, len(res.Hits), c.want)
		}
	}
}

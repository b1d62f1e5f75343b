package index

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/refs"
)

// datedItems are items whose refs and dates come from their text, through
// the real extraction.
func datedItems(t *testing.T) []veille.Item {
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

func TestDatedWindow(t *testing.T) {
	ix := openTemp(t)
	items := datedItems(t)
	for _, it := range items[:3] {
		if len(it.Dates) == 0 {
			t.Fatalf("item %s: the extraction found no date in %q", it.ID, it.Content)
		}
	}
	if err := ix.Upsert(t.Context(), items, int64(len(items))); err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	ids := func(r DatedRequest) []string {
		t.Helper()
		hits, total, err := ix.Dated(t.Context(), r)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range hits {
			out = append(out, h.ID)
		}
		slices.Sort(out)
		if int(total) != len(out) {
			t.Errorf("total %d, %d hits", total, len(out))
		}
		return out
	}
	for name, c := range map[string]struct {
		r    DatedRequest
		want []string
	}{
		"every date 2026-2028":    {DatedRequest{From: day("2026-01-01"), Until: day("2028-01-01")}, []string{"a", "b", "c"}},
		"2023 only":               {DatedRequest{From: day("2023-01-01"), Until: day("2024-01-01")}, []string{"a"}},
		"until is exclusive":      {DatedRequest{From: day("2026-05-01"), Until: day("2026-05-26")}, nil},
		"the day itself":          {DatedRequest{From: day("2026-05-26"), Until: day("2026-05-27")}, []string{"a"}},
		"kind narrows":            {DatedRequest{Kinds: []string{refs.DateEntryIntoForce}, From: day("2026-01-01"), Until: day("2028-01-01")}, []string{"c"}},
		"kind and day must agree": {DatedRequest{Kinds: []string{refs.DateDeadline}, From: day("2023-01-01"), Until: day("2024-01-01")}, nil},
		"domain filter":           {DatedRequest{Filter: veille.SearchRequest{Domains: []string{"environment"}}, From: day("2020-01-01"), Until: day("2030-01-01")}, []string{"c"}},
		"ref filter":              {DatedRequest{Filter: veille.SearchRequest{Refs: []string{"eu-act:Regulation (EU) 2017/745"}}, From: day("2020-01-01"), Until: day("2030-01-01")}, []string{"a", "b"}},
		"a window with no dates":  {DatedRequest{From: day("2030-01-01"), Until: day("2031-01-01")}, nil},
	} {
		t.Run(name, func(t *testing.T) {
			if got := ids(c.r); !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	if _, _, err := ix.Dated(t.Context(), DatedRequest{From: day("2027-01-01"), Until: day("2026-01-01")}); err == nil {
		t.Error("a window ending before it starts was accepted")
	}
}

// TestActFacet: the ref facet counts acts as written (not lower-cased),
// and leaves out what is not an act (rubriques).
func TestActFacet(t *testing.T) {
	ix := openTemp(t)
	items := datedItems(t)
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

// TestDateCounts: the dictionary's counts of dates by day, for the kinds
// asked, within the window (its end excluded).
func TestDateCounts(t *testing.T) {
	ix := openTemp(t)
	mk := func(id string, ds ...veille.KeyDate) veille.Item {
		return veille.Item{ID: id, Title: id, Source: "s", Published: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Dates: ds}
	}
	dl := func(d string) veille.KeyDate { return veille.KeyDate{Kind: "deadline", Date: d} }
	ap := func(d string) veille.KeyDate { return veille.KeyDate{Kind: "application", Date: d} }
	if err := ix.Upsert(t.Context(), []veille.Item{
		mk("a", dl("2026-03-01"), ap("2026-03-01")),
		mk("b", dl("2026-03-01")),
		mk("c", dl("2026-03-31"), ap("2026-04-01")),
		mk("d", dl("2026-02-28")),
	}, 1); err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	for _, c := range []struct {
		kinds []string
		want  map[string]uint64
	}{
		{nil, map[string]uint64{"2026-03-01": 3, "2026-03-31": 1}},
		{[]string{"deadline"}, map[string]uint64{"2026-03-01": 2, "2026-03-31": 1}},
		{[]string{"application"}, map[string]uint64{"2026-03-01": 1}},
	} {
		got, err := ix.DateCounts(c.kinds, day("2026-03-01"), day("2026-04-01"))
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(got, c.want) {
			t.Errorf("%v: %v, want %v", c.kinds, got, c.want)
		}
	}
}

package index

import (
	"context"
	"testing"
	"time"

	"github.com/nogentech/veille"
)

// Acts spell out what people search as acronyms, and an English query
// should reach a French act about the same thing; the item that uses the
// typed word itself still ranks first.
func TestSynonymsExpandAcronymsAndLanguages(t *testing.T) {
	ix := openTemp(t)
	day := time.Date(2021, 2, 1, 0, 0, 0, 0, time.UTC)
	items := []veille.Item{
		fixture("spelled", "fr", "jorf", "FR",
			"Arrêté du 17 décembre 2020 relatif aux installations classées soumises à autorisation",
			"Prescriptions applicables aux installations classées pour la protection de l'environnement.", "", day, nil, nil),
		fixture("acronym", "fr", "jorf", "FR",
			"Note sur les ICPE", "Les ICPE de la rubrique 2565.", "", day, nil, nil),
		fixture("udi-fr", "fr", "ansm", "FR",
			"Identifiant unique des dispositifs : calendrier", "Mise en œuvre de l'identifiant unique des dispositifs.", "", day, nil, nil),
		fixture("dechets-fr", "fr", "jorf", "FR",
			"Arrêté relatif à l'incinération des déchets", "Meilleures techniques disponibles pour l'incinération des déchets.", "", day, nil, nil),
		fixture("unrelated", "fr", "jorf", "FR",
			"Décret relatif aux obligations du Trésor", "Émission d'obligations.", "", day, nil, nil),
	}
	if err := ix.Upsert(context.Background(), items, 1); err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, it := range items {
		names[it.ID] = it.Link[len("https://example.org/"):]
	}
	tests := map[string]struct {
		q     string
		first string
		want  []string
	}{
		"ICPE finds the spelled-out act, the acronym first": {"ICPE", "acronym", []string{"acronym", "spelled"}},
		"UDI finds the French name":                         {"UDI", "udi-fr", []string{"udi-fr"}},
		"English waste reaches French déchets":              {"waste incineration", "dechets-fr", []string{"dechets-fr"}},
		"MTD and BAT":                                       {"BAT", "dechets-fr", []string{"dechets-fr"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res := runSearch(t, ix, veille.SearchRequest{Query: tc.q})
			got := hitNames(t, res, names)
			if len(got) == 0 || got[0] != tc.first {
				for _, h := range res.Hits {
					t.Logf("%s %.3f", names[h.ID], h.Score)
				}
				t.Fatalf("query %q: got %v, want %s first", tc.q, got, tc.first)
			}
			if !sameSet(got, tc.want) {
				t.Errorf("query %q: got %v, want %v", tc.q, got, tc.want)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

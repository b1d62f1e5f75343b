package index

import (
	"context"
	"slices"
	"testing"

	"github.com/nogentech/veille"
)

// operatorItems are small items that tell the operators apart: an implant
// recall in each language, road signs "implantation", a food recall, the
// acronym REACH and the verb "reach", regulation 2022/473 and decree
// n° 2022-473, the exact "dispositifs médicaux" and the singular.
func operatorItems() map[string]veille.Item {
	d := day("2022-04-05")
	md := []string{"medical-devices"}
	env := []string{"environment"}
	items := map[string]veille.Item{
		"implant-recall": fixture("implant-recall", "en", "fda", "US", "Recall of hip implant components",
			"The manufacturer recalls orthopaedic implants after loosening reports.", "", d, md, nil),
		"rappel-implant": fixture("rappel-implant", "fr", "ansm", "FR", "Rappel de lots d'implants mammaires",
			"L'ANSM annonce le rappel de lots d'implants.", "", d.AddDate(0, 0, -1), md, nil),
		"implantation": fixture("implantation", "fr", "jorf", "FR", "Expérimentation de l'implantation d'une signalisation lumineuse au sol",
			"L'implantation des feux au sol est expérimentée.", "", d, nil, nil),
		"peanut-recall": fixture("peanut-recall", "en", "fda-food", "US", "Company recalls peanuts because of possible Salmonella",
			"The company recalls roasted peanuts.", "", d, nil, nil),
		"reach-acronym": fixture("reach-acronym", "en", "echa", "EU", "ECHA adds substances to the REACH candidate list",
			"Under REACH, suppliers must inform their customers.", "", d, env, nil),
		"reach-verb": fixture("reach-verb", "en", "europarl", "EU", "Parliament and Council reach agreement on packaging",
			"Negotiators reach a deal on packaging.", "", d, nil, nil),
		"reg-2022-473": fixture("reg-2022-473", "en", "eur-lex", "EU", "Commission Implementing Regulation (EU) 2022/473 on tariffs",
			"Regulation 2022/473 amends the tariff nomenclature.", "", d, nil, nil),
		"decree-2022-473": fixture("decree-2022-473", "fr", "jorf", "FR", "Décret n° 2022-473 du 4 avril 2022 relatif aux déchets",
			"Le décret n° 2022-473 précise la gestion des déchets.", "", d, env, nil),
		"dm-plural": fixture("dm-plural", "fr", "ansm", "FR", "Vigilance des dispositifs médicaux",
			"Les dispositifs médicaux implantables font l'objet d'un suivi.", "", d, md, nil),
		"dm-singular": fixture("dm-singular", "fr", "ansm", "FR", "Notice d'un dispositif médical de classe IIb",
			"Ce dispositif médical porte le marquage CE.", "", d, md, nil),
		"amiante-fr":  fixture("amiante-fr", "fr", "jorf", "FR", "Amiante : nouvelles règles", "Les règles sur l'amiante changent.", "", d, nil, nil),
		"asbestos-en": fixture("asbestos-en", "en", "osha", "US", "Asbestos: new rules", "The rules on asbestos change.", "", d, nil, nil),
		"waste-en": fixture("waste-en", "en", "eur-lex", "EU", "Waste shipment regulation applies",
			"Waste shipments need a notification.", "", d, env, []string{"surface-treatment"}),
	}
	return items
}

// TestOperators is the query language, operator by operator, in English
// and in French, with the items each query must return (in any order).
func TestOperators(t *testing.T) {
	ix := openTemp(t)
	items := operatorItems()
	names := map[string]string{}
	var list []veille.Item
	for name, it := range items {
		names[it.ID] = name
		list = append(list, it)
	}
	if err := ix.Upsert(context.Background(), list, 1); err != nil {
		t.Fatal(err)
	}
	all := func(except ...string) []string {
		var out []string
		for n := range items {
			if !slices.Contains(except, n) {
				out = append(out, n)
			}
		}
		return out
	}
	implantItems := []string{"implant-recall", "rappel-implant"}
	recalls := []string{"implant-recall", "rappel-implant", "peanut-recall"}
	tests := []struct {
		name, q string
		want    []string
	}{
		{"all words, English", "implant recall", implantItems},
		{"all words, French", "rappel implant", implantItems},
		{"explicit AND", "implant AND recall", implantItems},
		{"explicit ET", "implant ET rappel", implantItems},
		{"+word", "+implant +recall", implantItems},
		// Not "implantation" of road signs; the implantable devices are
		// implants (glossary).
		{"a word not stemmed to implantation", "implant", []string{"implant-recall", "rappel-implant", "dm-plural"}},
		{"OR", "recall OR rappel", recalls},
		{"OU", "recall OU rappel", recalls},
		{"NOT", "recall NOT implant", []string{"peanut-recall"}},
		{"SAUF", "rappel SAUF implant", []string{"peanut-recall"}},
		{"-word", "recall -implant", []string{"peanut-recall"}},
		{"NOT alone excludes, glossary included", "NOT déchets", all("decree-2022-473", "waste-en")},
		{"SAUF alone", "SAUF waste", all("decree-2022-473", "waste-en")},
		{"exact phrase is unstemmed", `"dispositifs médicaux"`, []string{"dm-plural"}},
		{"exact phrase in guillemets", `« dispositif médical »`, []string{"dm-singular"}},
		{"unquoted words take inflections and the tag", "dispositifs médicaux", []string{"dm-plural", "dm-singular", "rappel-implant", "implant-recall"}},
		{"prefix", "implant*", []string{"implant-recall", "rappel-implant", "implantation", "dm-plural"}},
		{"parentheses", "(recall OR rappel) (implants OR prothèses)", implantItems},
		{"parentheses in French", "(recall OU rappel) ET implant", implantItems},
		{"NOT a group", "recall NOT (implant OR mammaires)", []string{"peanut-recall"}},
		{"acronym in capitals", "REACH", []string{"reach-acronym"}},
		{"word in small letters", "reach", []string{"reach-acronym", "reach-verb"}},
		{"regulation number", "2022/473", []string{"reg-2022-473"}},
		{"decree number", "2022-473", []string{"decree-2022-473"}},
		{"field in English", "domain:environment", []string{"reach-acronym", "decree-2022-473", "waste-en"}},
		{"field and value in French", "domaine:environnement", []string{"reach-acronym", "decree-2022-473", "waste-en"}},
		{"competence by French label", `compétence:"traitement de surface"`, []string{"waste-en"}},
		{"competence by hyphenated label", "competence:traitement-de-surface", []string{"waste-en"}},
		{"English word reaches French", "waste", []string{"waste-en", "decree-2022-473"}},
		{"French word reaches English", "déchets", []string{"waste-en", "decree-2022-473"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runSearch(t, ix, veille.SearchRequest{Query: tc.q, Limit: 100})
			got := hitNames(t, res, names)
			if !slices.Equal(sorted(got), sorted(tc.want)) {
				t.Errorf("query %q: got %v, want %v", tc.q, sorted(got), sorted(tc.want))
			}
		})
	}

	// Of two items equally relevant, the one in the query's language first.
	for q, first := range map[string]string{"implant recall": "implant-recall", "implant rappel": "rappel-implant",
		"asbestos": "asbestos-en", "amiante": "amiante-fr"} {
		got := hitNames(t, runSearch(t, ix, veille.SearchRequest{Query: q}), names)
		if len(got) == 0 || got[0] != first {
			t.Errorf("query %q ranks %v, want %s first", q, got, first)
		}
	}
}

// The tree written back as text parses to the same tree: hints build
// their links from it.
func TestQueryRoundTrip(t *testing.T) {
	voc := shippedVocabulary()
	for _, q := range []string{"implant recall", `(recall OU rappel) ET implant* -"vis osseuse"`, "REACH NOT (a OR b) domaine:environnement",
		`NOT déchets`, `« dispositif médical » 2022/473 510(k)`} {
		n, err := parse(q, voc)
		if err != nil {
			t.Fatal(err)
		}
		again, err := parse(n.query(), voc)
		if err != nil {
			t.Fatalf("%q → %q: %v", q, n.query(), err)
		}
		if again.String() != n.String() {
			t.Errorf("%q → %q → %s, want %s", q, n.query(), again, n)
		}
	}
}

// A glossary of one short entry still reads a term typed with its stop
// words: "traitement de surface" is three words typed, two in its key.
func TestGlossaryTermWithStopWords(t *testing.T) {
	voc := NewVocabulary(veille.Config{Glossary: []veille.GlossaryEntry{
		{FR: []string{"traitement de surface"}, EN: []string{"surface treatment"}}}})
	e, term, n := voc.lookup([]string{"traitement", "de", "surface", "chrome"})
	if e == nil || n != 3 || term.text != "traitement de surface" {
		t.Errorf("lookup: entry %v, term %q, %d words; want the entry, 3 words", e, term.text, n)
	}
}

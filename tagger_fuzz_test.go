package veille

import (
	"slices"
	"testing"
	"unicode/utf8"
)

// FuzzTag tags arbitrary text with the shipped taxonomy: no panic, only
// categories the taxonomy knows, each with the terms that earned it,
// sorted without repeats, and the same answer twice. Seeds are in
// testdata/fuzz/FuzzTag and below.
func FuzzTag(f *testing.F) {
	cfg, err := ParseConfig(ShippedConfig, "feeds.yaml")
	if err != nil {
		f.Fatal(err)
	}
	tg, err := NewTagger(cfg.Domains, cfg.Competences)
	if err != nil {
		f.Fatal(err)
	}
	known := map[string]bool{}
	for _, c := range append(append([]Category(nil), cfg.Domains...), cfg.Competences...) {
		known[c.ID] = true
	}
	for _, s := range [][3]string{
		{"Arrêté du 12 novembre 2026 relatif aux installations de traitement de surface (rubrique n° 2565)", "chrome hexavalent", ""},
		{"MDCG 2020-3 guidance on significant changes", "Regulation (EU) 2017/745 implants", "titanium ISO 10993"},
		{"", "", ""},
		{"œuvre Œ ﬁ ß İ ı", "DÉCHETS dechets déchets", "ǅ"},
		{"\xff\xfe\x00", "a\u200db\u00adc", "\u202eevil"},
		{"REACH REACH REACH", "forge forgé forgeage", "polissage-polishing/ébavurage"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, title, summary, content string) {
		it := Item{Title: title, Summary: summary, Content: content}
		tg.Tag(&it, Source{ID: "fz"})
		for _, list := range [][]string{it.Domains, it.Competences} {
			if !slices.IsSorted(list) || len(slices.Compact(slices.Clone(list))) != len(list) {
				t.Fatalf("tags not sorted or repeated: %v", list)
			}
			for _, id := range list {
				if !known[id] {
					t.Fatalf("unknown tag %q", id)
				}
				if len(it.Why[id]) == 0 {
					t.Fatalf("tag %q without a why: %v", id, it.Why)
				}
				for _, w := range it.Why[id] {
					if !utf8.ValidString(w) || w == "" {
						t.Fatalf("why of %q: %q", id, w)
					}
				}
			}
		}
		if len(it.Why) != len(it.Domains)+len(it.Competences) {
			t.Fatalf("why %v for %v %v", it.Why, it.Domains, it.Competences)
		}
		again := Item{Title: title, Summary: summary, Content: content}
		tg.Tag(&again, Source{ID: "fz"})
		if !slices.Equal(again.Domains, it.Domains) || !slices.Equal(again.Competences, it.Competences) {
			t.Fatalf("tagging twice differs: %v %v / %v %v", it.Domains, it.Competences, again.Domains, again.Competences)
		}
	})
}

package veille_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
)

func TestFold(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"acute and grave":      {"Déchets à traiter", "dechets a traiter"},
		"capitals with accent": {"ÉTÉ ÏLE", "ete ile"},
		"ligatures":            {"Œuvre, Æsthetic, cœur", "oeuvre, aesthetic, coeur"},
		"sharp s":              {"Straße", "strasse"},
		"typographic quote":    {"l’usine", "l'usine"},
		"decomposed accent":    {"de\u0301chets", "dechets"},
		"dashes and nbsp":      {"2017–745\u00a0MDR", "2017-745 mdr"},
		"other scripts kept":   {"Ωmega", "ωmega"},
		"ascii untouched":      {"ICPE 2565", "icpe 2565"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := veille.Fold(tc.in); got != tc.want {
				t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// A small taxonomy whose rules exercise each mechanism of the tagger.
var (
	testDomains = []veille.Category{
		{ID: "environment",
			Keywords: []string{"ICPE|installation classée", "déchets dangereux", "REACH", "rejets atmosphériques", "émissions industrielles"},
			Strong:   []string{"meilleures techniques disponibles"},
			Exclude:  []string{"ménagers|household"}},
		{ID: "health-safety",
			Keywords: []string{"amiante|asbestos", "EPI|équipements de protection individuelle", "bruit au travail", "silice cristalline"},
			Exclude:  []string{"ministère des armées"}},
		{ID: "medical-devices",
			Keywords: []string{"dispositif médical|medical device", "510(k)", "2017/745|MDR", "LPP"},
			Strong:   []string{"matériovigilance"}},
	}
	testCompetences = []veille.Category{
		{ID: "surface-treatment",
			Keywords: []string{"traitement de surface", "chrome hexavalent|chromium VI|Cr(VI)", "anodi*"},
			Requires: []string{"environment", "health-safety"}},
		{ID: "polishing-finishing",
			Keywords: []string{"polissage|polishing", "silice cristalline"},
			Requires: []string{"environment", "health-safety"}},
		{ID: "medical-implants",
			Keywords: []string{"implant|implants", "endoprothèse", "T3 ch*"},
			Requires: []string{"medical-devices"}},
		{ID: "surgical-instruments",
			Keywords: []string{"instruments chirurgicaux"},
			Implies:  []string{"medical-devices"}},
	}
)

func newTestTagger(t testing.TB) *veille.Tagger {
	t.Helper()
	tg, err := veille.NewTagger(testDomains, testCompetences)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// filler is neutral administrative French, to make bodies long.
func filler(words int) string {
	const s = "Le présent arrêté sera publié au Journal officiel de la République française et entrera en vigueur le lendemain. "
	n := len(strings.Fields(s))
	return strings.Repeat(s, words/n+1)
}

func TestTag(t *testing.T) {
	tests := map[string]struct {
		item        veille.Item
		src         veille.Source
		domains     []string
		competences []string
		why         map[string][]string // checked when set
	}{
		"accents and case": {
			item:    veille.Item{Title: "DÉCHETS DANGEREUX : nouvelles règles de traçabilité"},
			domains: []string{"environment"},
			why:     map[string][]string{"environment": {"déchets dangereux"}},
		},
		"text without accents": {
			item:    veille.Item{Title: "Reglementation des dechets dangereux"},
			domains: []string{"environment"},
		},
		"whole words only": {
			item: veille.Item{Title: "Le logiciel ICPEX remplace l'outil Reachability"},
		},
		"acronym needs capitals": {
			item: veille.Item{Title: "Negotiators reach an agreement on the Mdr file"},
		},
		"acronym in capitals": {
			item:    veille.Item{Title: "Restriction REACH du plomb dans les munitions"},
			domains: []string{"environment"},
		},
		"singular keyword, plural text": {
			item:    veille.Item{Title: "Contrôle des installations classées soumises à déclaration"},
			domains: []string{"environment"},
			why:     map[string][]string{"environment": {"installation classée"}},
		},
		"-al keyword, -aux text": {
			item:    veille.Item{Title: "Arrêté relatif aux dispositifs médicaux sur mesure"},
			domains: []string{"medical-devices"},
			why:     map[string][]string{"medical-devices": {"dispositif médical"}},
		},
		"English plural": {
			item:    veille.Item{Title: "Cybersecurity in Medical Devices: final guidance"},
			domains: []string{"medical-devices"},
		},
		"510(k) as a word sequence": {
			item:    veille.Item{Title: "FDA clears 510 (k) for a bone screw system"},
			domains: []string{"medical-devices"},
			why:     map[string][]string{"medical-devices": {"510(k)"}},
		},
		"2017/745 is not 2017/7450": {
			item: veille.Item{Title: "Décision 2017/7450 relative aux quotas laitiers"},
		},
		"regulation number": {
			item:    veille.Item{Title: "Règlement (UE) 2017/745 : report de l'application"},
			domains: []string{"medical-devices"},
		},
		"prefix keyword": {
			item:        veille.Item{Title: "Rejets atmosphériques des ateliers d'anodisation"},
			domains:     []string{"environment"},
			competences: []string{"surface-treatment"},
			why:         map[string][]string{"surface-treatment": {"anodi*"}},
		},
		"prefix with a phrase": {
			item:        veille.Item{Title: "LPP : nouvelles inscriptions T3 Ch1"},
			domains:     []string{"medical-devices"},
			competences: []string{"medical-implants"},
		},
		"punctuation inside a keyword": {
			item:        veille.Item{Title: "Émissions industrielles : le Cr (VI) sous surveillance"},
			domains:     []string{"environment"},
			competences: []string{"surface-treatment"},
		},
		"a phrase does not span zones": {
			item: veille.Item{Title: "Nouvelles règles de traitement de", Summary: "surface des pièces"},
		},
		"categories weigh like the title": {
			item:    veille.Item{Title: "Notice", Categories: []string{"Asbestos"}},
			domains: []string{"health-safety"},
		},
		"one passing mention in the body": {
			item: veille.Item{Title: "Arrêté fixant le programme des épreuves du concours",
				Content: filler(300) + " dont une épreuve sur l'amiante. " + filler(300)},
		},
		"two distinct keywords in a short body": {
			item: veille.Item{Title: "Arrêté du 3 mars",
				Content: "Les travaux exposant à l'amiante et à la silice cristalline sont interdits aux jeunes."},
			domains: []string{"health-safety"},
			why:     map[string][]string{"health-safety": {"amiante", "silice cristalline"}},
		},
		"two keywords lost in a long body": {
			item: veille.Item{Title: "Décret portant diverses dispositions",
				Content: filler(5000) + " amiante " + filler(2000) + " équipements de protection individuelle " + filler(5000)},
		},
		"two keywords frequent in a long body": {
			item: veille.Item{Title: "Décret portant diverses dispositions",
				Content: filler(4000) + strings.Repeat(" amiante; équipements de protection individuelle. ", 5) + filler(4000)},
			domains: []string{"health-safety"},
		},
		"alternatives are one piece of evidence": {
			item: veille.Item{Title: "Arrêté du 3 mars",
				Content: "Le port des équipements de protection individuelle (EPI) est obligatoire ; les EPI sont fournis."},
		},
		"a strong term decides from the body": {
			item:    veille.Item{Title: "Décret du 5 février", Content: filler(4000) + " coordonnateurs régionaux de matériovigilance " + filler(4000)},
			domains: []string{"medical-devices"},
			why:     map[string][]string{"medical-devices": {"matériovigilance"}},
		},
		"summary cut from the content is body": {
			item: veille.Item{Title: "Arrêté du 12 février",
				Summary: "Article 1 Les dispositions relatives à l'amiante…",
				Content: "Article 1 Les dispositions relatives à l'amiante sont modifiées. " + filler(2000)},
		},
		"the end of a long summary is body": {
			item:    veille.Item{Title: "Newsletter", Summary: filler(400) + " asbestos"},
			domains: nil,
		},
		"exclude in the title vetoes": {
			item: veille.Item{Title: "Arrêté relatif à la protection contre l'amiante au ministère des armées"},
		},
		"exclude only counts in the head": {
			item:    veille.Item{Title: "Contrôle des ICPE", Content: "Les déchets ménagers ne sont pas concernés."},
			domains: []string{"environment"},
		},
		"exclude vetoes one category only": {
			item:        veille.Item{Title: "Household waste: polishing dust and crystalline silica", Summary: "silice cristalline et polissage"},
			domains:     []string{"health-safety"},
			competences: []string{"polishing-finishing"},
		},
		"requires drops a competence without its domain": {
			item: veille.Item{Title: "Concours de polissage des couverts en argent"},
		},
		"requires met by a source default": {
			item:        veille.Item{Title: "Concours de polissage des couverts en argent"},
			src:         veille.Source{ID: "inrs", Domains: []string{"health-safety"}},
			domains:     []string{"health-safety"},
			competences: []string{"polishing-finishing"},
			why:         map[string][]string{"health-safety": {"source:inrs"}, "polishing-finishing": {"polissage"}},
		},
		"implies": {
			item:        veille.Item{Title: "Retraitement des instruments chirurgicaux réutilisables"},
			domains:     []string{"medical-devices"},
			competences: []string{"surgical-instruments"},
			why:         map[string][]string{"medical-devices": {"via:surgical-instruments"}},
		},
		"source defaults and keywords": {
			item:    veille.Item{Title: "Nomenclature LPP version 491"},
			src:     veille.Source{ID: "ameli-lpp", Domains: []string{"medical-devices"}, Competences: []string{"medical-implants"}},
			domains: []string{"medical-devices"}, competences: []string{"medical-implants"},
			why: map[string][]string{"medical-devices": {"LPP", "source:ameli-lpp"},
				"medical-implants": {"source:ameli-lpp"}},
		},
		"unknown source default is kept": {
			item:    veille.Item{Title: "Bulletin"},
			src:     veille.Source{ID: "x", Domains: []string{"energy"}},
			domains: []string{"energy"},
			why:     map[string][]string{"energy": {"source:x"}},
		},
		"unrelated item": {
			item: veille.Item{Title: "Arrêté homologuant le cahier des charges de l'appellation d'origine contrôlée « Morgon »",
				Content: filler(3000)},
		},
	}
	tg := newTestTagger(t)
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			it := tc.item
			tg.Tag(&it, tc.src)
			want := func(s []string) []string {
				if s == nil {
					return []string{}
				}
				return s
			}
			if !slices.Equal(it.Domains, want(tc.domains)) || !slices.Equal(it.Competences, want(tc.competences)) {
				t.Errorf("got %v %v, want %v %v (why %v)", it.Domains, it.Competences, tc.domains, tc.competences, it.Why)
			}
			for k, w := range tc.why {
				if !slices.Equal(it.Why[k], w) {
					t.Errorf("why[%s] = %q, want %q", k, it.Why[k], w)
				}
			}
			for _, tag := range append(append([]string{}, it.Domains...), it.Competences...) {
				if len(it.Why[tag]) == 0 {
					t.Errorf("tag %s has no reason in Why", tag)
				}
			}
			if len(it.Why) != len(it.Domains)+len(it.Competences) {
				t.Errorf("why has %d keys for %d tags: %v", len(it.Why), len(it.Domains)+len(it.Competences), it.Why)
			}
		})
	}
}

func TestTagIsIdempotent(t *testing.T) {
	tg := newTestTagger(t)
	it := veille.Item{Title: "Installations classées et amiante", Domains: []string{"stale"},
		Competences: []string{"stale"}, Why: map[string][]string{"stale": {"old"}}}
	tg.Tag(&it, veille.Source{ID: "s", Domains: []string{"environment"}})
	first := it
	first.Why = map[string][]string{}
	for k, v := range it.Why {
		first.Why[k] = slices.Clone(v)
	}
	tg.Tag(&it, veille.Source{ID: "s", Domains: []string{"environment"}})
	if !reflect.DeepEqual(first.Domains, it.Domains) || !reflect.DeepEqual(first.Competences, it.Competences) || !reflect.DeepEqual(first.Why, it.Why) {
		t.Errorf("second Tag changed the result: %v %v %v, then %v %v %v",
			first.Domains, first.Competences, first.Why, it.Domains, it.Competences, it.Why)
	}
	if slices.Contains(it.Domains, "stale") || it.Why["stale"] != nil {
		t.Errorf("previous tags kept: %v %v", it.Domains, it.Why)
	}
	if !slices.Equal(it.Why["environment"], []string{"installation classée", "source:s"}) {
		t.Errorf("why[environment] = %q", it.Why["environment"])
	}
}

func TestTagConcurrent(t *testing.T) {
	tg := newTestTagger(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				it := veille.Item{Title: fmt.Sprintf("Avis %d-%d sur les implants et dispositifs médicaux", g, i),
					Content: filler(200) + " amiante, silice cristalline"}
				tg.Tag(&it, veille.Source{})
				if !slices.Equal(it.Domains, []string{"health-safety", "medical-devices"}) || !slices.Equal(it.Competences, []string{"medical-implants"}) {
					t.Errorf("got %v %v", it.Domains, it.Competences)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestNewTaggerErrors(t *testing.T) {
	ok := veille.Category{ID: "environment", Keywords: []string{"ICPE"}}
	tests := map[string]struct {
		domains, competences []veille.Category
		want                 string
	}{
		"empty keyword":        {[]veille.Category{{ID: "a", Keywords: []string{"  "}}}, nil, `domain "a": keywords[0]`},
		"no letters or digits": {[]veille.Category{{ID: "a", Keywords: []string{"(.)"}}}, nil, "no letters or digits"},
		"empty alternative":    {[]veille.Category{{ID: "a", Keywords: []string{"ICPE||IED"}}}, nil, "empty term"},
		"star inside":          {[]veille.Category{{ID: "a", Strong: []string{"anod*isation"}}}, nil, `strong[0] "anod*isation"`},
		"short prefix":         {[]veille.Category{{ID: "a", Keywords: []string{"an*"}}}, nil, "prefix"},
		"space before star":    {[]veille.Category{{ID: "a", Exclude: []string{"chrome *"}}}, nil, `"*" must follow a word`},
		"no id":                {[]veille.Category{ok, {Keywords: []string{"x"}}}, nil, "domain 2 has no id"},
		"duplicate id":         {[]veille.Category{ok}, []veille.Category{{ID: "environment"}}, `competence "environment" is defined twice`},
		"unknown implies":      {[]veille.Category{ok}, []veille.Category{{ID: "c", Implies: []string{"nope"}}}, `implies unknown category "nope"`},
		"unknown requires":     {[]veille.Category{ok}, []veille.Category{{ID: "c", Requires: []string{"envirnoment"}}}, `requires unknown category "envirnoment"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := veille.NewTagger(tc.domains, tc.competences)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := veille.NewTagger(nil, nil); err != nil {
		t.Errorf("an empty taxonomy is valid (it tags nothing): %v", err)
	}
}

// jorfActs returns real JORF acts (title and full text) from the demo sample.
func jorfActs(tb testing.TB) []veille.Item {
	tb.Helper()
	var acts []veille.Item
	files, _ := filepath.Glob("demo/sample/jorf-legifrss/*/*.xml")
	if len(files) == 0 {
		tb.Fatal("no JORF sample under demo/sample")
	}
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		items, err := crawler.Parse(body, "application/atom+xml", "", veille.Source{ID: "jorf", Lang: "fr"}, time.Now())
		if err != nil {
			tb.Fatal(err)
		}
		acts = append(acts, items...)
	}
	return acts
}

// BenchmarkTag tags a real 5 KB JORF act and a 100 KB one (the largest act
// of the sample, its text repeated to 100 KB) with the shipped taxonomy.
func BenchmarkTag(b *testing.B) {
	cfg, err := veille.ParseConfig(veille.ShippedConfig, "feeds.yaml")
	if err != nil {
		b.Fatal(err)
	}
	tg, err := veille.NewTagger(cfg.Domains, cfg.Competences)
	if err != nil {
		b.Fatal(err)
	}
	acts := jorfActs(b)
	var small, large veille.Item
	for _, a := range acts {
		if len(a.Content) >= 5000 && (small.Content == "" || len(a.Content) < len(small.Content)) {
			small = a
		}
		if len(a.Content) > len(large.Content) {
			large = a
		}
	}
	for len(large.Content) < 100_000 {
		large.Content += "\n" + large.Content
	}
	large.Content = large.Content[:100_000]
	for _, bc := range []struct {
		name string
		it   veille.Item
	}{{"5KB", small}, {"100KB-JORF", large}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.it.Title) + len(bc.it.Summary) + len(bc.it.Content)))
			b.ReportAllocs()
			for b.Loop() {
				it := bc.it
				tg.Tag(&it, veille.Source{ID: "jorf"})
			}
		})
	}
}

package index

import (
	"context"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/nogentech/veille"
)

// The fixture items: realistic French and English regulatory news, keyed by
// a short name. Their ids are veille.ItemID of the link, as in production.
func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t.Add(9 * time.Hour)
}

func fixture(name, lang, source, jur, title, summary, content string, published time.Time,
	domains, competences []string) veille.Item {
	link := "https://example.org/" + name
	why := map[string][]string{}
	for _, d := range domains {
		why[d] = []string{"rule-" + d}
	}
	return veille.Item{
		ID: veille.ItemID(link), Title: title, Link: link, Source: source, Sources: []string{source},
		Published: published, FirstSeen: published.Add(time.Hour), Lang: lang, Jurisdiction: jur,
		Summary: summary, Content: content, Domains: domains, Competences: competences, Why: why,
	}
}

func fixtures() map[string]veille.Item {
	items := []struct {
		name string
		item veille.Item
	}{
		{"dechets", fixture("dechets", "fr", "legifrance-jorf", "FR",
			"Arrêté du 12 mars 2021 relatif aux déchets dangereux des installations de traitement de surface",
			"Le présent arrêté fixe les conditions de stockage des déchets dangereux issus des bains de traitement de surface.",
			"Article 1er. Les exploitants tiennent un registre chronologique de la production des déchets. Article 2. Le préfet peut imposer des analyses complémentaires des boues d'hydroxydes métalliques.",
			day("2021-03-12"), []string{"environment"}, []string{"surface-treatment"})},
		{"mdr", fixture("mdr", "fr", "ansm-dm", "EU",
			"Règlement (UE) 2017/745 relatif aux dispositifs médicaux : entrée en application",
			"Le règlement relatif aux dispositifs médicaux s'applique depuis le 26 mai 2021.",
			"Les fabricants de dispositifs médicaux doivent désigner une personne chargée de veiller au respect de la réglementation. Les organismes notifiés réévaluent les certificats.",
			day("2021-05-26"), []string{"medical-devices"}, []string{"medical-implants", "surgical-instruments"})},
		{"reach", fixture("reach", "en", "echa-news", "EU",
			"REACH restriction on chromium trioxide (chrome hexavalent)",
			"ECHA proposes to restrict chromium trioxide and other hexavalent chromium substances used in plating.",
			"The restriction would replace the authorisation requirement for chromium VI substances in functional chrome plating and surface treatment of metals.",
			day("2024-04-11"), []string{"environment", "health-safety"}, []string{"surface-treatment"})},
		{"machinery", fixture("machinery", "en", "eur-lex", "EU",
			"Machinery Regulation (EU) 2023/1230 published in the Official Journal",
			"The new regulation replaces Directive 2006/42/EC from 20 January 2027.",
			"Every machine placed on the market must meet the essential health and safety requirements. A partly completed machine needs a declaration of incorporation.",
			day("2023-06-29"), []string{"health-safety"}, []string{"machining", "forging"})},
		{"icpe", fixture("icpe", "fr", "aida-ineris", "FR",
			"Installations classées (ICPE) : rubrique 2565, revêtement métallique et traitement de surface",
			"Prescriptions générales applicables aux installations relevant du régime de l'enregistrement.",
			"La réglementation des installations classées impose une surveillance des rejets aqueux. L'arrêté ministériel fixe les valeurs limites.",
			day("2022-09-01"), []string{"environment"}, []string{"surface-treatment", "heat-treatment"})},
		{"udi", fixture("udi", "fr", "ansm-dm", "EU",
			"Identifiant unique des dispositifs (UDI) : calendrier EUDAMED",
			"Chaque dispositif médical porte un identifiant unique.",
			"L'enregistrement dans la base EUDAMED devient obligatoire pour le fabricant d'un dispositif medical de classe III.",
			day("2024-01-15"), []string{"medical-devices"}, []string{"medical-implants"})},
		{"pfas", fixture("pfas", "en", "echa-news", "EU",
			"ECHA publishes updated PFAS restriction proposal",
			"The universal PFAS restriction covers about 10,000 per- and polyfluoroalkyl substances.",
			"Industrial uses in metal plating and fluoropolymer coatings are assessed sector by sector.",
			day("2025-08-20"), []string{"environment"}, []string{"surface-treatment"})},
		{"510k", fixture("510k", "en", "fda-cdrh", "US",
			"510(k) premarket notification for orthopaedic implants",
			"FDA clears a device under the 510(k) pathway after review of substantial equivalence.",
			"The submitter must demonstrate that the device is as safe and effective as a legally marketed predicate device.",
			day("2025-02-03"), []string{"medical-devices"}, []string{"medical-implants"})},
		{"silice", fixture("silice", "fr", "inrs", "FR",
			"Réglementation des émissions de poussières de silice cristalline",
			"Valeur limite d'exposition professionnelle pour la silice.",
			"Le traitement des poussières se fait par aspiration à la source ; la surface des ateliers est nettoyée par voie humide. Le port de protections de l'ouïe reste obligatoire.",
			day("2023-11-07"), []string{"health-safety"}, []string{"polishing-finishing"})},
		{"l541", fixture("l541", "fr", "legifrance-jorf", "FR",
			"Décret n° 2021-321 modifiant l'article L. 541-10 du code de l'environnement",
			"Responsabilité élargie du producteur : modalités d'application.",
			"Les metteurs sur le marché mentionnés à l'article L. 541-10 adhèrent à un éco-organisme agréé.",
			day("2021-03-25"), []string{"environment"}, nil)},
		{"mais", fixture("mais", "fr", "agri-jorf", "FR",
			"Maïs : mise en œuvre des contrôles phytosanitaires",
			"Le ministère précise la mise en œuvre des contrôles.",
			"",
			day("2022-05-02"), nil, []string{"agriculture"})},
		{"hostile", fixture("hostile", "en", "eur-lex", "EU",
			`<script>alert("x")</script> Waste & recycling update`,
			`Waste shipments <img src=x onerror=alert(1)> now need electronic notification & consent.`,
			"The revised Waste Shipment Regulation applies from 2026.",
			day("2024-05-20"), []string{"environment"}, nil)},
		{"bonds", fixture("bonds", "en", "treasury", "US",
			"Treasury bond auction results",
			"Results of the auction of 10-year notes.",
			"The high yield was 4.2 percent; bids totalled 80 billion dollars.",
			day("2025-10-01"), nil, nil)},
	}
	out := make(map[string]veille.Item, len(items))
	for _, it := range items {
		out[it.name] = it.item
	}
	return out
}

// fixtureIndex opens an index in a temp dir holding every fixture; names
// maps a document id back to its fixture name.
func fixtureIndex(t testing.TB) (*Index, map[string]veille.Item, map[string]string) {
	t.Helper()
	ix := openTemp(t)
	items := fixtures()
	names := map[string]string{}
	var list []veille.Item
	for name, it := range items {
		names[it.ID] = name
		list = append(list, it)
	}
	if err := ix.Upsert(context.Background(), list, int64(len(list))); err != nil {
		t.Fatalf("upsert fixtures: %v", err)
	}
	return ix, items, names
}

func openTemp(t testing.TB) *Index {
	t.Helper()
	ix, err := Open(t.TempDir()+"/data/index", Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// hitNames are the fixture names of a result's hits, in order.
func hitNames(t testing.TB, res *veille.SearchResult, names map[string]string) []string {
	t.Helper()
	out := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		n, ok := names[h.ID]
		if !ok {
			t.Fatalf("hit %s is not a fixture", h.ID)
		}
		out = append(out, n)
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

package veille_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
)

func shippedConfig(t testing.TB) veille.Config {
	t.Helper()
	cfg, err := veille.ParseConfig(veille.ShippedConfig, "feeds.yaml")
	if err != nil {
		t.Fatalf("the shipped feeds.yaml does not load:\n%v", err)
	}
	return cfg
}

func ids(cs []veille.Category) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestShippedTaxonomy(t *testing.T) {
	cfg := shippedConfig(t)
	wantDomains := []string{"environment", "health-safety", "medical-devices", "technology"}
	wantComps := []string{"forging", "machining", "surface-treatment", "heat-treatment", "polishing-finishing",
		"cutlery", "automotive", "aerospace", "agriculture", "medical-implants", "surgical-instruments"}
	if got := ids(cfg.Domains); !slices.Equal(got, wantDomains) {
		t.Errorf("domains %v, want %v", got, wantDomains)
	}
	if got := ids(cfg.Competences); !slices.Equal(got, wantComps) {
		t.Errorf("competences %v, want %v", got, wantComps)
	}
	for _, c := range append(slices.Clone(cfg.Domains), cfg.Competences...) {
		if c.Label["fr"] == "" || c.Label["en"] == "" {
			t.Errorf("%s: label needs fr and en, has %v", c.ID, c.Label)
		}
		terms := 0
		for _, k := range c.Keywords {
			terms += len(strings.Split(k, "|"))
		}
		if terms < 10 {
			t.Errorf("%s: %d keywords; real items need a richer rule", c.ID, terms)
		}
	}
	if _, err := veille.NewTagger(cfg.Domains, cfg.Competences); err != nil {
		t.Fatal(err)
	}
}

// TestShippedTagging tags realistic titles and summaries, French and
// English, with the shipped rules: each concerns exactly these categories.
func TestShippedTagging(t *testing.T) {
	cfg := shippedConfig(t)
	tg, err := veille.NewTagger(cfg.Domains, cfg.Competences)
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		title, summary       string
		domains, competences []string
	}{
		"REACH restriction of chromium VI": {
			title:   "Commission Regulation amending Annex XVII to Regulation (EC) No 1907/2006 (REACH) as regards chromium(VI) substances",
			domains: []string{"environment"}, competences: []string{"surface-treatment"},
		},
		"machinery regulation": {
			title:   "Regulation (EU) 2023/1230 of the European Parliament and of the Council on machinery",
			domains: []string{"health-safety"}, competences: []string{"forging", "machining"},
		},
		"MDCG guidance": {
			title:   "MDCG 2024-1 Guidance on the vigilance system under the MDR",
			domains: []string{"medical-devices"}, competences: []string{"medical-implants", "surgical-instruments"},
		},
		"matériovigilance": {
			title:   "Matériovigilance : nouvelles modalités de signalement des incidents par les fabricants",
			domains: []string{"medical-devices"}, competences: []string{"medical-implants", "surgical-instruments"},
		},
		"LPP title III endoprostheses": {
			title:   "Arrêté portant renouvellement d'inscription des endoprothèses aortiques abdominales au titre III de la liste des produits et prestations remboursables",
			domains: []string{"medical-devices"}, competences: []string{"medical-implants"},
		},
		"orthopaedic implant recall": {
			title:   "Rappel de lots de prothèses de hanche non cimentées",
			summary: "RAPPEL DE PRODUIT - Dispositifs médicaux",
			domains: []string{"medical-devices"}, competences: []string{"medical-implants"},
		},
		"surgical instrument recall": {
			title:   "Recall of reusable surgical instruments after sterilization failures",
			domains: []string{"medical-devices"}, competences: []string{"surgical-instruments"},
		},
		"insulin pump recall": {
			title:   "Medtronic Recalls MiniMed Insulin Pumps",
			domains: []string{"medical-devices"},
		},
		"ICPE 2565": {
			title:   "Arrêté relatif aux prescriptions générales applicables aux installations classées relevant de la rubrique n° 2565",
			domains: []string{"environment"}, competences: []string{"surface-treatment"},
		},
		"ICPE 2561": {
			title:   "Installations classées : rubrique 2561 (trempe, recuit, revenu des métaux)",
			domains: []string{"environment"}, competences: []string{"heat-treatment"},
		},
		"ICPE 2560": {
			title:   "ICPE : prescriptions pour la rubrique 2560, travail mécanique des métaux",
			domains: []string{"environment"}, competences: []string{"forging", "machining"},
		},
		"silica exposure limit": {
			title:   "Exposition des travailleurs à la silice cristalline : abaissement de la VLEP",
			domains: []string{"health-safety"}, competences: []string{"polishing-finishing"},
		},
		"OSHA silica": {
			title:   "Occupational Exposure to Respirable Crystalline Silica; Extension of the Office of Management and Budget's Approval",
			domains: []string{"health-safety"}, competences: []string{"polishing-finishing"},
		},
		"TSCA trichloroethylene": {
			title:   "Trichloroethylene (TCE); Regulation Under the Toxic Substances Control Act (TSCA)",
			domains: []string{"environment"}, competences: []string{"surface-treatment"},
		},
		"food contact materials": {
			title:       "Matériaux au contact des denrées alimentaires : interdiction du bisphénol A",
			competences: []string{"cutlery"},
		},
		"end-of-life vehicles": {
			title:   "Briefing - End-of-life vehicles: a new regulation on circularity requirements for vehicle design",
			domains: []string{"environment"}, competences: []string{"automotive"},
		},
		"additive manufacturing of implants": {
			title:   "Fabrication additive d'implants orthopédiques en titane : un nouveau procédé",
			domains: []string{"medical-devices", "technology"}, competences: []string{"medical-implants"},
		},
		"EN 9100 revision": {
			title:   "EN 9100 : ce qui change pour les sous-traitants de l'aéronautique",
			domains: []string{"technology"}, competences: []string{"aerospace"},
		},
		"tractor rules": {
			title:       "Regulation (EU) 167/2013 on the approval and market surveillance of agricultural and forestry vehicles: tractors",
			competences: []string{"agriculture"},
		},
		"EU ETS": {
			title:   "At a Glance - Market stability reserve for the EU’s emissions trading system",
			domains: []string{"environment"},
		},
		"CBAM": {
			title:   "Extension of CBAM scope to downstream goods",
			summary: "To increase protection against carbon leakage from imported goods containing embedded greenhouse gas emissions",
			domains: []string{"environment"},
		},
		"asbestos early retirement": {
			title:   "Arrêté modifiant la liste des établissements susceptibles d'ouvrir droit à l'allocation de cessation anticipée d'activité des travailleurs de l'amiante",
			domains: []string{"health-safety"},
		},
		"joint replacement recall": {
			title:   "Exactech Recalls Knee, Ankle and Hip Replacement Devices",
			domains: []string{"medical-devices"}, competences: []string{"medical-implants"},
		},
		"breast implants": {
			title:   "Prothèses mammaires texturées : l'ANSM demande le retrait du marché",
			domains: []string{"medical-devices"}, competences: []string{"medical-implants"},
		},
		"surgical staplers": {
			title:   "Recall of surgical staplers for incomplete staple formation",
			domains: []string{"medical-devices"}, competences: []string{"surgical-instruments"},
		},
		"UDI rule": {
			title:   "Medical Devices; Unique Device Identification System",
			domains: []string{"medical-devices"}, competences: []string{"medical-implants", "surgical-instruments"},
		},
		"MDR revision briefing": {
			title:   "Briefing - Simplifying the Medical Devices Regulation and the IVDR",
			domains: []string{"medical-devices"}, competences: []string{"medical-implants", "surgical-instruments"},
		},
		"chromium electroplating NESHAP": {
			title:   "National Emission Standards for Hazardous Air Pollutants: Chromium Electroplating and Chromium Anodizing Tanks",
			domains: []string{"environment"}, competences: []string{"surface-treatment"},
		},
		"TSCA new uses": {
			title:   "Significant New Use Rules on Certain Chemical Substances (24-5.5e)",
			summary: "EPA is finalizing significant new use rules (SNURs) under the Toxic Substances Control Act (TSCA) for chemical substances.",
			domains: []string{"environment"},
		},
		"ICPE 2564": {
			title:   "Arrêté relatif aux prescriptions générales applicables aux installations relevant du régime de la déclaration au titre de la rubrique n° 2564",
			domains: []string{"environment"}, competences: []string{"surface-treatment"},
		},
		"work equipment": {
			title:   "Décret relatif aux règles de sécurité applicables aux équipements de travail",
			domains: []string{"health-safety"},
		},
		"carcinogens directive": {
			title:   "Briefing - Protection of workers from the risks related to exposure to carcinogens, mutagens or reprotoxic substances at work",
			domains: []string{"health-safety"},
		},
		"packaging waste": {
			title:   "At a Glance - Packaging and packaging waste regulation",
			domains: []string{"environment"},
		},
		// Surgical instruments and surface treatment as their publishers
		// word them (issue 15): by the instrument's name, by reprocessing,
		// by the ICPE heading, in both languages.
		"ancillary recall": {
			title:   "Rappel de lots : ancillaire de pose de tige fémorale",
			summary: "RAPPEL DE PRODUIT - Dispositifs médicaux",
			domains: []string{"medical-devices"}, competences: []string{"medical-implants", "surgical-instruments"},
		},
		"single-use reprocessing decree": {
			title:   "Décret relatif au retraitement des dispositifs médicaux à usage unique",
			domains: []string{"medical-devices"}, competences: []string{"surgical-instruments"},
		},
		"biopsy forceps recall": {
			title:   "Rappel de pinces à biopsie pour endoscopie digestive",
			summary: "RAPPEL DE PRODUIT - Dispositifs médicaux",
			domains: []string{"medical-devices"}, competences: []string{"surgical-instruments"},
		},
		"duodenoscope reprocessing": {
			title:   "Olympus Recalls Duodenoscopes Due to Reprocessing Instructions",
			domains: []string{"medical-devices"}, competences: []string{"surgical-instruments"},
		},
		"circular staplers": {
			title:   "Ethicon Recalls Endo-Surgery Circular Staplers",
			domains: []string{"medical-devices"}, competences: []string{"surgical-instruments"},
		},
		"electrosurgical generators": {
			title:   "Class I recall: electrosurgical generators may activate unexpectedly",
			domains: []string{"medical-devices"}, competences: []string{"surgical-instruments"},
		},
		"needle holders and UDI": {
			title:   "Porte-aiguilles et ciseaux de chirurgie : non-conformité du marquage UDI",
			domains: []string{"medical-devices"}, competences: []string{"medical-implants", "surgical-instruments"},
		},
		"bone plating is an implant": {
			title:   "Zimmer Biomet Recalls Locking Plating System Due to Screw Breakage",
			summary: "medical device recall",
			domains: []string{"medical-devices"}, competences: []string{"medical-implants"},
		},
		"LPP title III by chapter": {
			title:   "Liste des produits et prestations : titre III, chapitre 1, section 3",
			domains: []string{"medical-devices"}, competences: []string{"medical-implants"},
		},
		"active implantable devices": {
			title:   "Tarification des dispositifs médicaux implantables actifs : neurostimulateurs",
			domains: []string{"medical-devices"}, competences: []string{"medical-implants"},
		},
		"ICPE 2564 and 2565 in one heading": {
			title:   "Installations classées : rubriques 2564 et 2565, dégraissage et revêtement métallique",
			domains: []string{"environment"}, competences: []string{"surface-treatment"},
		},
		"hard chrome plating shops": {
			title:   "Restriction REACH du trioxyde de chrome : ce que doivent faire les ateliers de chromage dur",
			domains: []string{"environment"}, competences: []string{"surface-treatment"},
		},
		"halogenated solvent cleaning": {
			title:   "National Emission Standards for Hazardous Air Pollutants: Halogenated Solvent Cleaning",
			domains: []string{"environment"}, competences: []string{"surface-treatment"},
		},
		"metal finishing effluents": {
			title:   "Metal Finishing Point Source Category; Effluent Limitations Guidelines and Pretreatment Standards",
			domains: []string{"environment"}, competences: []string{"surface-treatment"},
		},
		"chromium VI exposure": {
			title:   "Hard chrome plating shops: OSHA hexavalent chromium standard",
			domains: []string{"health-safety"}, competences: []string{"surface-treatment"},
		},
		// Items that concern no member, though they use the same words.
		"pressure equipment notified body": {
			title: "Arrêté portant habilitation d'un organisme notifié pour les équipements sous pression",
		},
		"toys notified bodies": {title: "Notified bodies under the Toys Safety Regulation"},
		"road surfacing":       {title: "Réfection du revêtement de la chaussée de la route départementale 12"},
		"cat sterilisation":    {title: "Arrêté relatif à la stérilisation des chats errants dans les communes"},
		"financial ancillary services": {
			title: "Décret relatif aux services ancillaires des marchés d'instruments financiers",
		},
		"seat belt retractors": {
			title:       "Recall of seat belt retractors",
			summary:     "NHTSA campaign for automotive parts",
			competences: []string{"automotive"},
		},
		"pesticide tolerance": {
			title:   "Pyraclostrobin; Pesticide Tolerances",
			summary: "This regulation establishes tolerances for residues of pyraclostrobin in or on multiple commodities.",
		},
		"Texas air plan": {
			title: "Approval and Promulgation of Air Quality Implementation Plans; Texas; Volatile Organic Compounds",
		},
		"AI act": {title: "Briefing - Artificial intelligence act: state of play"},
		"car insurance": {
			title:   "Décret portant application de l'article L. 211-1-1 du code des assurances",
			summary: "assurance automobile des véhicules terrestres à moteur",
		},
		"defence ministry OSH": {
			title: "Décret modifiant le décret relatif à la santé et à la sécurité au travail au ministère de la défense",
		},
		"household WEEE": {
			title: "Arrêté portant agrément d'un éco-organisme de la filière des déchets d'équipements électriques et électroniques ménagers",
		},
		"aviation allowances": {
			title: "Arrêté relatif aux quotas d'émission de gaz à effet de serre alloués à titre gratuit à certains exploitants d'aéronefs",
		},
		"local air plan": {
			title:   "Air Plan Revisions; California; Feather River Air Quality Management District",
			summary: "The EPA is taking final action to approve a revision to the California State Implementation Plan (SIP).",
		},
		"energy regulator": {title: "Combined Notice of Filings #1"},
		"appointment": {
			title: "Arrêté portant nomination au Conseil supérieur de la prévention des risques technologiques",
		},
		"defence workshops pay": {
			title: "Arrêté fixant l'indemnité de sujétions horaires des personnels des ateliers industriels de l'aéronautique",
		},
		"cheese": {
			title: "Arrêté relatif à l'homologation du cahier des charges concernant la dénomination « Cancoillotte »",
		},
		"English verb reach": {
			title:   "Council and Parliament reach a deal on the customs reform",
			summary: "Negotiators reached a provisional agreement.",
		},
		"food recall": {
			title:   "Palmer Candy Company Recalls White Confectionary Products Because of Possible Health Risk",
			summary: "recalling its White Coated Confectionary Items because they have the potential to be contaminated with Salmonella",
		},
		"medicine recall": {
			title:   "Chloraprep, solution pour application cutanée 60 ampoules en verre de 1 ml avec applicateur",
			summary: "RAPPEL DE PRODUIT - Médicaments - risque potentiel de perte de stérilité",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			it := veille.Item{Title: tc.title, Summary: tc.summary}
			tg.Tag(&it, veille.Source{ID: "test"})
			want := func(s []string) []string {
				if s == nil {
					return []string{}
				}
				return s
			}
			if !slices.Equal(it.Domains, want(tc.domains)) || !slices.Equal(it.Competences, want(tc.competences)) {
				t.Errorf("got %v %v, want %v %v\nwhy %v", it.Domains, it.Competences, tc.domains, tc.competences, it.Why)
			}
		})
	}
}

func TestShippedSources(t *testing.T) {
	cfg := shippedConfig(t)
	if len(cfg.Sources) < 25 {
		t.Errorf("%d sources, want at least 25", len(cfg.Sources))
	}
	kinds := map[string]bool{veille.KindFeed: true, veille.KindHTML: true, "federalregister": true}
	for _, s := range cfg.Sources {
		u, err := url.Parse(s.URL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			t.Errorf("%s: URL %q is not an https URL", s.ID, s.URL)
		}
		if !kinds[s.Kind] {
			t.Errorf("%s: kind %q", s.ID, s.Kind)
		}
		if s.Kind == veille.KindHTML && (s.Select == nil || s.Select.Item == "") {
			t.Errorf("%s: an html source needs select.item", s.ID)
		}
		if s.Every <= 0 || s.Lang == "" {
			t.Errorf("%s: every %v, lang %q", s.ID, s.Every.D(), s.Lang)
		}
	}
	// The publishers the cluster's watch needs, by a piece of their URL.
	for _, want := range []string{
		"eur-lex.europa.eu/EN/display-feed.rss?rssId=222", "rssId=161", "health.ec.europa.eu/node/2/rss_en",
		"guidance-mdcg-endorsed-documents", "echa.europa.eu", "osha.europa.eu", "ansm.sante.fr/rss/actualites",
		"ansm.sante.fr/rss/informations_securite", "inrs.fr", "ecologie.gouv.fr", "aida.ineris.fr/reglementation/arrete-270715",
		"search_api_views_fulltext=2561", "search_api_views_fulltext=2564", "search_api_views_fulltext=2565",
		"food-and-drug-administration", "environmental-protection-agency", "occupational-safety-and-health-administration",
		"medical-device-recalls/rss.xml", "rss-feeds/recalls/rss.xml", "gov.uk/drug-device-alerts.atom",
		"cetim.fr", "3dprintingindustry.com", "iso.org", "legifrss.org/latest?q=installations",
		"legifrss.org/latest?q=dispositifs", "legifrss.org/latest?q=amiante", "opikanoba.org/feeds/ameli_lpp.xml",
		"europarl.europa.eu/thinktank",
	} {
		if !slices.ContainsFunc(cfg.Sources, func(s veille.Source) bool { return strings.Contains(s.URL, want) }) {
			t.Errorf("no source with %q in its URL", want)
		}
	}
	// Every source says where its URL comes from.
	lines := strings.Split(string(veille.ShippedConfig), "\n")
	inSources := false
	for i, l := range lines {
		if strings.HasPrefix(l, "sources:") {
			inSources = true
		} else if len(l) > 0 && l[0] != ' ' && l[0] != '#' {
			inSources = false
		}
		if inSources && strings.HasPrefix(l, "  - id: ") {
			j := i - 1
			for j > 0 && strings.TrimSpace(lines[j]) == "" {
				j--
			}
			if !strings.HasPrefix(strings.TrimSpace(lines[j]), "#") {
				t.Errorf("line %d: source %s has no evidence comment above it", i+1, strings.TrimPrefix(l, "  - id: "))
			}
		}
	}
}

func TestShippedDeliveries(t *testing.T) {
	cfg := shippedConfig(t)
	if n := len(cfg.Members); n < 3 || n > 4 {
		t.Errorf("%d example members, want 3 or 4", n)
	}
	var weekly, members bool
	for _, d := range cfg.Digests {
		if d.ID == "environment-weekly" && d.Schedule == "0 8 * * 1" && slices.Equal(d.Domains, []string{"environment"}) &&
			slices.Equal(d.To, []string{"commission-environnement@example.org"}) {
			weekly = true
		}
		if d.Members == "all" {
			members = true
		}
	}
	if !weekly || !members {
		t.Errorf("digests %+v: want environment-weekly and a members: all digest", cfg.Digests)
	}
	if !slices.ContainsFunc(cfg.Alerts, func(a veille.Alert) bool {
		return a.ID == "medical-device-rules" && slices.Equal(a.Domains, []string{"medical-devices"})
	}) {
		t.Errorf("alerts %+v: want medical-device-rules on medical-devices", cfg.Alerts)
	}
	if cfg.Timezone != "Europe/Paris" || cfg.Fetch.AllowPrivateNetworks || cfg.Server.AdminTokenEnv == "" {
		t.Errorf("timezone %q, allow_private_networks %v, admin_token_env %q", cfg.Timezone, cfg.Fetch.AllowPrivateNetworks, cfg.Server.AdminTokenEnv)
	}
}

// TestShippedFederalRegisterFields: a Federal Register search answers with
// a default set of fields only (no citation, dates, action, CFR parts,
// topics), so each shipped federalregister source's URL must name, in
// fields[], every field the parser reads (its json tags), and keep its
// conditions, order and page size.
func TestShippedFederalRegisterFields(t *testing.T) {
	fields := crawler.FederalRegisterFields()
	for _, f := range []string{"citation", "dates", "action", "cfr_references", "title", "document_number"} {
		if !slices.Contains(fields, f) {
			t.Errorf("the parser's fields %v lack %q", fields, f)
		}
	}
	n := 0
	for _, s := range shippedConfig(t).Sources {
		if s.Kind != crawler.KindFederalRegister {
			continue
		}
		n++
		u, err := url.Parse(s.URL)
		if err != nil {
			t.Fatalf("%s: %v", s.ID, err)
		}
		q := u.Query()
		asked := q["fields[]"]
		for _, f := range fields {
			if !slices.Contains(asked, f) {
				t.Errorf("%s: the URL does not ask for %q (fields[] %v)", s.ID, f, asked)
			}
		}
		if missing := crawler.FederalRegisterMissingFields(s.URL); len(missing) > 0 {
			t.Errorf("%s: veille check would warn of %v", s.ID, missing)
		}
		if s.ID == "federalregister-epa-rules" {
			for k, v := range map[string]string{"conditions[agencies][]": "environmental-protection-agency",
				"conditions[type][]": "RULE", "order": "newest", "per_page": "50"} {
				if q.Get(k) != v {
					t.Errorf("%s: %s=%q, want %q", s.ID, k, q.Get(k), v)
				}
			}
		}
	}
	if n == 0 {
		t.Error("no shipped federalregister source")
	}
}

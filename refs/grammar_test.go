package refs_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/refs"
)

// TestGrammar holds the examples of REFS.md, and the cases each grammar
// was written for: every text → the (kind:id) it must give, and the ones it
// must not.
func TestGrammar(t *testing.T) {
	tests := map[string]struct {
		title, text string
		want        []string // kind:id that must be found
		not         []string // kind:id, or a bare kind, that must not
	}{
		"EU implementing regulation": {text: "conformément au règlement d'exécution (UE) 2018/2066 susvisé", want: []string{"eu-act:Regulation (EU) 2018/2066"}},
		"EU delegated directive":     {text: "la directive déléguée (UE) 2020/361 de la Commission", want: []string{"eu-act:Directive (EU) 2020/361"}},
		"EU old directive":           {text: "l'article 10 bis de la directive 2003/87/CE", want: []string{"eu-act:Directive 2003/87/EC"}},
		"EU old regulation bare":     {text: "au sens du (CE) n° 1907/2006", want: []string{"eu-act:Regulation (EC) 1907/2006"}},
		"EU in English":              {text: "Commission Implementing Regulation (EU) 2021/2078 and Council Directive 93/42/EEC", want: []string{"eu-act:Regulation (EU) 2021/2078", "eu-act:Directive 93/42/EEC"}},
		"EU plural list":             {text: "les règlements (UE) 2018/2066 et 2018/2067", want: []string{"eu-act:Regulation (EU) 2018/2066", "eu-act:Regulation (EU) 2018/2067"}},
		"CELEX":                      {text: "https://eur-lex.europa.eu/legal-content/FR/TXT/?uri=CELEX:32017R0745", want: []string{"celex:32017R0745"}},
		"French numbered":            {text: "vu la LOI NO 2020-105 DU 10 FÉVRIER 2020 et la décision n° 2021-DC-0702", want: []string{"fr-act:loi n° 2020-105", "fr-act:décision n° 2021-DC-0702"}},
		"French date only":           {text: "l'arrêté du 1er juin 2015 et l'arrêté ministériel du 3 octobre 2010 modifié", want: []string{"fr-act:arrêté du 1er juin 2015", "fr-act:arrêté du 3 octobre 2010"}},
		"French date takes number": {text: "Vu le décret n° 2012-422 du 29 mars 2012 ; le décret du 29 mars 2012 susvisé", want: []string{"fr-act:décret n° 2012-422"},
			not: []string{"fr-act:décret du 29 mars 2012"}},
		"French list of numbers": {text: "les décrets n° 2020-1262 du 16 octobre 2020 et n° 2020-1310 du 29 octobre 2020", want: []string{"fr-act:décret n° 2020-1262", "fr-act:décret n° 2020-1310"}},
		"NOR":                    {text: "NOR : TREL1821693V", want: []string{"nor:TREL1821693V"}},
		"code article trailing":  {text: "l'article L. 521-5 du code de l'environnement", want: []string{"fr-code:code de l'environnement L. 521-5"}},
		"code range":             {text: "les articles R. 211-38 à R. 211-45 du code de l'environnement", want: []string{"fr-code:code de l'environnement R. 211-38", "fr-code:code de l'environnement R. 211-45"}},
		"code même code":         {text: "l'article L. 541-2 du code de l'environnement et l'article R. 214-1 du même code", want: []string{"fr-code:code de l'environnement R. 214-1"}},
		"code CSS":               {text: "l'article L. 165-1 du CSS", want: []string{"fr-code:code de la sécurité sociale L. 165-1"}},
		"code star and suffix":   {text: "Le code monétaire et financier est ainsi modifié : 1° L'article R. * 511-16-3 et l'article R. 613-1-A sont abrogés", want: []string{"fr-code:code monétaire et financier R. 511-16-3", "fr-code:code monétaire et financier R. 613-1-A"}},
		"code article no letter": {text: "l'article 266 sexies du code des douanes", want: []string{"fr-code:code des douanes 266 sexies"}},
		"code never named":       {text: "l'article R. 1413-61-2 est abrogé", not: []string{"fr-code", "cas"}},
		"code subdivision":       {text: "l'article L. 162-17, deuxième alinéa, du code de la sécurité sociale ; l'article L. 5126-6 du code de la santé publique", want: []string{"fr-code:code de la sécurité sociale L. 162-17"}, not: []string{"fr-code:code de la santé publique L. 162-17"}},
		"ICPE list":              {text: "au titre des rubriques 2564 et 2565 ou de la rubrique n° 3610a (papier)", want: []string{"icpe:2564", "icpe:2565", "icpe:3610"}},
		"IOTA is not ICPE":       {text: "la rubrique 2.1.4.0 de la nomenclature", not: []string{"icpe"}},
		"standard edition":       {text: "la norme NF EN 14385 (mai 2004) et the 2016 edition of ISO 13485", want: []string{"standard:NF EN 14385:2004", "standard:ISO 13485:2016"}},
		"standard amendments":    {text: "NF EN 1948-4+A1, XP CEN/TS 17405 et NF EN ISO 374-1/A1", want: []string{"standard:NF EN 1948-4+A1", "standard:XP CEN/TS 17405", "standard:NF EN ISO 374-1/A1"}},
		"standard dateless drop": {text: "ISO 13485 ; ISO 13485:2016", want: []string{"standard:ISO 13485:2016"}, not: []string{"standard:ISO 13485"}},
		"CAS check digit":        {text: "substance CAS 0541-02-06 ; faux 50-00-1", want: []string{"cas:541-02-6"}, not: []string{"cas:50-00-1"}},
		"CFR":                    {text: "See 29 CFR 1910 subpart Q and 21 CFR part 820.", want: []string{"us-cfr:29 CFR 1910 subpart Q", "us-cfr:21 CFR 820"}},
		"CFR bare section":       {text: "Under 29 CFR 1910, Sec. 1910.1200(j)(2)(i) requires labels.", want: []string{"us-cfr:29 CFR 1910.1200(j)(2)(i)"}},
		"Federal Register":       {text: "published at 89 FR 44144 on May 22, 2024", want: []string{"us-fr-doc:89 FR 44144"}},
		"not references":         {text: "H350, ADR 2021, IMO resolution MSC.1/Circ.1432, le règlement REACH, TSCA, EPA Method 1633", not: []string{"eu-act", "standard", "cas", "fr-act"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := refs.Extract(tc.title, tc.text)
			var got []string
			for _, x := range r.Refs {
				got = append(got, x.Key())
			}
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("want %s, got %v", w, got)
				}
			}
			for _, n := range tc.not {
				for _, g := range got {
					if g == n || (!strings.Contains(n, ":") && strings.HasPrefix(g, n+":")) {
						t.Errorf("got %s, which is not a reference here (all: %v)", g, got)
					}
				}
			}
		})
	}
}

// TestOwnActAndRelations: the title's designation is the act, not a
// reference; the verbs of the title give the relations.
func TestOwnActAndRelations(t *testing.T) {
	tests := map[string]struct {
		title string
		act   *veille.ActID
		rels  map[string]string // kind:id → rel
	}{
		"arrêté amending": {"Arrêté du 17 décembre 2020 modifiant l'arrêté du 3 octobre 2010 relatif au stockage",
			&veille.ActID{Kind: "fr-act", ID: "arrêté du 17 décembre 2020"}, map[string]string{"fr-act:arrêté du 3 octobre 2010": "amends"}},
		"décret amending two": {"Décret n° 2021-217 du 25 février 2021 modifiant les décrets n° 2020-1262 du 16 octobre 2020 et n° 2020-1310 du 29 octobre 2020 prescrivant",
			&veille.ActID{Kind: "fr-act", ID: "décret n° 2021-217"}, map[string]string{"fr-act:décret n° 2020-1262": "amends", "fr-act:décret n° 2020-1310": "amends"}},
		"repealing then amending": {"Arrêté du 17 décembre 2020 abrogeant l'arrêté du 7 juillet 2009 relatif aux modalités d'analyse et modifiant l'arrêté du 2 février 1998",
			&veille.ActID{Kind: "fr-act", ID: "arrêté du 17 décembre 2020"}, map[string]string{"fr-act:arrêté du 7 juillet 2009": "repeals", "fr-act:arrêté du 2 février 1998": "amends"}},
		"transposing": {"Ordonnance n° 2021-1 du 6 janvier 2021 portant transposition de la directive (UE) 2019/944",
			&veille.ActID{Kind: "fr-act", ID: "ordonnance n° 2021-1"}, map[string]string{"eu-act:Directive (EU) 2019/944": "transposes"}},
		"implementing": {"Décret n° 2021-133 du 9 février 2021 pris pour l'application de l'article L. 211-1-1 du code des assurances",
			&veille.ActID{Kind: "fr-act", ID: "décret n° 2021-133"}, map[string]string{"fr-code:code des assurances L. 211-1-1": "implements"}},
		"EU amending": {"Commission Delegated Regulation (EU) 2023/502 of 1 December 2022 amending Regulation (EU) 2017/745 as regards",
			&veille.ActID{Kind: "eu-act", ID: "Regulation (EU) 2023/502"}, map[string]string{"eu-act:Regulation (EU) 2017/745": "amends"}},
		"not an act":     {"Avis relatif à l'extension d'un accord", nil, nil},
		"cites, no verb": {"Guide sur le règlement (UE) 2017/745", nil, map[string]string{"eu-act:Regulation (EU) 2017/745": ""}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := refs.Extract(tc.title, "")
			if (r.Act == nil) != (tc.act == nil) || (r.Act != nil && *r.Act != *tc.act) {
				t.Errorf("act %+v, want %+v", r.Act, tc.act)
			}
			got := map[string]string{}
			for _, x := range r.Refs {
				got[x.Key()] = x.Rel
			}
			if r.Act != nil {
				if _, ok := got[veille.RefKey(r.Act.Kind, r.Act.ID)]; ok {
					t.Errorf("the act itself is among the refs: %v", got)
				}
			}
			for k, rel := range tc.rels {
				if g, ok := got[k]; !ok || g != rel {
					t.Errorf("%s: rel %q (found %v), want %q; all %v", k, g, ok, rel, got)
				}
			}
		})
	}
}

// TestKeyDates: French and English wording of each kind, and what is not a
// key date.
func TestKeyDates(t *testing.T) {
	tests := map[string]struct {
		text string
		want []string // kind:date
	}{
		"entry into force":  {"Le présent arrêté entre en vigueur le 1er janvier 2021.", []string{"entry-into-force:2021-01-01"}},
		"application":       {"Les dispositions sont applicables à compter du 1er janvier 2021.", []string{"application:2021-01-01"}},
		"deadline":          {"Le rapport est transmis au plus tard le mardi 16 mars 2021.", []string{"deadline:2021-03-16"}},
		"this date":         {"Le programme est établi avant le 1er janvier 2022 et est applicable à compter de cette date.", []string{"deadline:2022-01-01", "application:2022-01-01"}},
		"English effective": {"Dates: This rule is effective January 30, 2025.", []string{"entry-into-force:2025-01-30"}},
		"English comments":  {"Comments must be received on or before July 15, 2024.", []string{"comment-deadline:2024-07-15"}},
		"consultation":      {"La consultation du public est ouverte jusqu'au 15 mars 2021.", []string{"comment-deadline:2021-03-15"}},
		"window":            {"Les taux sont applicables du 1er janvier 2021 au 31 décembre 2021.", []string{"application:2021-01-01", "deadline:2021-12-31"}},
		"tariff":            {"Nouveau TARIF en € TTC au 15 avril 2021", []string{"application:2021-04-15"}},
		"signature":         {"Fait le 17 décembre 2020.", nil},
		"act citation":      {"Vu l'arrêté du 3 octobre 2010 susvisé", nil},
		"relative":          {"Il entre en vigueur le lendemain de sa publication, dans un délai de 180 jours.", nil},
		"no year":           {"La déclaration est faite avant le 28 février de chaque année.", nil},
		"scope":             {"Les installations autorisées avant le 1er janvier 2020 et celles ayant débuté leur activité avant le 1er mars 2020.", nil},
		"no role stated":    {"Le comité s'est réuni le 12 mars 2021.", nil},
		"appointment":       {"M. Dupont est nommé directeur, à compter du 1er mars 2021.", nil},
		"replaced words":    {"les mots : « jusqu'au 31 décembre 2020 » sont remplacés par les mots : « jusqu'au 31 décembre 2021 »", []string{"deadline:2021-12-31"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, d := range refs.Extract("", tc.text).Dates {
				got = append(got, d.Kind+":"+d.Date)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("dates %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEUActWithoutSuffix(t *testing.T) {
	tests := map[string]struct {
		text string
		want []string
	}{
		"resolved":       {"Vu le règlement (UE) n° 389/2013 ; l'article 10 du règlement n° 389/2013 susvisé", []string{"eu-act:Regulation (EU) 389/2013"}},
		"no brackets":    {"le règlement UE n°1178/2011 susvisé", []string{"eu-act:Regulation (EU) 1178/2011"}},
		"spaced suffix":  {"la directive 2006/112/ CE du Conseil", []string{"eu-act:Directive 2006/112/EC"}},
		"never in full":  {"le règlement n° 389/2013", nil},
		"old style full": {"la directive 2003/87/CE ; la directive n° 2003/87 précitée", []string{"eu-act:Directive 2003/87/EC"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, r := range refs.Extract("", tc.text).Refs {
				got = append(got, r.Key())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFRActAfterAWordEndingLikeAType(t *testing.T) {
	var got []string
	for _, r := range refs.Extract("", "l'arrêté sur l'emploi du 3 mars 2020 ; l'arrêté du 4 mars 2020").Refs {
		got = append(got, r.Key())
	}
	if !slices.Equal(got, []string{"fr-act:arrêté du 4 mars 2020"}) {
		t.Errorf("got %v", got)
	}
}

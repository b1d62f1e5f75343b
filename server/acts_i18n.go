package server

import "fmt"

// actMessages are the messages of the act pages, the calendar and the
// references on item pages, added to the catalogue at start-up like the
// edition's (editions_i18n.go). A key already there is a mistake.
var actMessages = map[string]map[string]string{
	langFR: {
		"nav.calendar":              "Échéances",
		"act.none":                  "Aucun élément de la veille n'est ni ne cite %s.",
		"act.kind":                  "Type de référence",
		"act.official":              "Texte officiel",
		"act.itself":                "L'acte dans la veille",
		"act.notitself":             "La veille n'a pas l'acte lui-même, seulement des éléments qui le citent.",
		"act.timeline":              "Dates",
		"act.notimeline":            "Aucune date fixée par l'acte ou par ses modifications.",
		"act.search":                "Chercher les éléments qui le citent",
		"act.more":                  "%s éléments en tout : la page montre les %s plus récents ; la recherche les liste tous.",
		"item.refs":                 "Textes cités",
		"item.dates":                "Dates fixées",
		"item.act":                  "Cet élément est l'acte",
		"refkind.eu-act":            "Acte de l'Union européenne",
		"refkind.celex":             "Numéro CELEX",
		"refkind.fr-act":            "Texte français",
		"refkind.nor":               "Numéro NOR",
		"refkind.fr-code":           "Article de code",
		"refkind.icpe":              "Rubrique ICPE",
		"refkind.standard":          "Norme",
		"refkind.cas":               "Numéro CAS",
		"refkind.us-cfr":            "Code of Federal Regulations",
		"refkind.us-fr-doc":         "Federal Register",
		"rel.amends":                "modifie",
		"rel.repeals":               "abroge",
		"rel.transposes":            "transpose",
		"rel.implements":            "pris pour l'application de",
		"rel.by.amends":             "Modifié par",
		"rel.by.repeals":            "Abrogé par",
		"rel.by.transposes":         "Transposé par",
		"rel.by.implements":         "Mis en œuvre par",
		"rel.by.cites":              "Cité par",
		"datekind.entry-into-force": "entrée en vigueur",
		"datekind.application":      "application",
		"datekind.deadline":         "date limite",
		"datekind.comment-deadline": "fin de la consultation",
		"calendar.title":            "Échéances réglementaires",
		"calendar.intro":            "Les dates que fixent les textes de la veille : entrées en vigueur, applications, dates limites et fins de consultation.",
		"calendar.window":           "Du %s au %s",
		"calendar.none":             "Aucune échéance dans cette période pour ces filtres.",
		"calendar.kind":             "Type de date",
		"calendar.member":           "Adhérent",
		"calendar.all":              "Tous",
		"calendar.since":            "Depuis le",
		"calendar.until":            "Jusqu'au",
		"calendar.apply":            "Afficher",
		"calendar.ics":              "S'abonner au calendrier (.ics)",
		"calendar.past":             "Passées",
		"calendar.upcoming":         "À venir",
		"calendar.truncated":        "Plus de %s dates dans cette période : le calendrier en montre %s, du %s au %s, les prochaines d'abord, puis les passées les plus récentes. Resserrez la période ou les filtres pour voir les autres.",
		"calendar.bad":              "Paramètre de calendrier invalide : %s",
	},
	langEN: {
		"nav.calendar":              "Deadlines",
		"act.none":                  "No item in the watch is or cites %s.",
		"act.kind":                  "Kind of reference",
		"act.official":              "Official text",
		"act.itself":                "The act in the watch",
		"act.notitself":             "The watch does not hold the act itself, only items that cite it.",
		"act.timeline":              "Dates",
		"act.notimeline":            "No date set by the act or by what changes it.",
		"act.search":                "Search the items that cite it",
		"act.more":                  "%s items in all: the page shows the %s newest; the search lists them all.",
		"item.refs":                 "Acts and texts cited",
		"item.dates":                "Dates set",
		"item.act":                  "This item is the act",
		"refkind.eu-act":            "European Union act",
		"refkind.celex":             "CELEX number",
		"refkind.fr-act":            "French act",
		"refkind.nor":               "NOR number",
		"refkind.fr-code":           "Code article",
		"refkind.icpe":              "ICPE rubrique",
		"refkind.standard":          "Standard",
		"refkind.cas":               "CAS number",
		"refkind.us-cfr":            "Code of Federal Regulations",
		"refkind.us-fr-doc":         "Federal Register",
		"rel.amends":                "amends",
		"rel.repeals":               "repeals",
		"rel.transposes":            "transposes",
		"rel.implements":            "implements",
		"rel.by.amends":             "Amended by",
		"rel.by.repeals":            "Repealed by",
		"rel.by.transposes":         "Transposed by",
		"rel.by.implements":         "Implemented by",
		"rel.by.cites":              "Cited by",
		"datekind.entry-into-force": "entry into force",
		"datekind.application":      "application",
		"datekind.deadline":         "deadline",
		"datekind.comment-deadline": "comment deadline",
		"calendar.title":            "Regulatory deadlines",
		"calendar.intro":            "The dates the watch's texts set: entries into force, applications, deadlines and ends of comment periods.",
		"calendar.window":           "From %s to %s",
		"calendar.none":             "No deadline in this period for these filters.",
		"calendar.kind":             "Kind of date",
		"calendar.member":           "Member",
		"calendar.all":              "All",
		"calendar.since":            "From",
		"calendar.until":            "Until",
		"calendar.apply":            "Show",
		"calendar.ics":              "Subscribe to the calendar (.ics)",
		"calendar.past":             "Past",
		"calendar.upcoming":         "Upcoming",
		"calendar.truncated":        "More than %s dates in this period: the calendar shows %s of them, from %s to %s, the upcoming ones first, then the most recent past ones. Narrow the period or the filters to see the others.",
		"calendar.bad":              "Invalid calendar parameter: %s",
	},
}

// calendarErrorsFR are the calendar's request mistakes in French, added to
// errorsFR (user_errors.go).
var calendarErrorsFR = map[string]string{
	"unknown parameter %q (known: since, until, domain, competence, member, kind)": "paramètre inconnu %q (connus : since, until, domain, competence, member, kind)",
	"unknown kind of date %q (known: %s)":                                          "type de date inconnu %q (connus : %s)",
	"unknown member %q":                                                            "adhérent inconnu %q",
	"since (%s) must not be after until":                                           "le début (%s) ne doit pas suivre la fin",
}

func init() {
	for k, v := range calendarErrorsFR {
		if _, dup := errorsFR[k]; dup {
			panic(fmt.Sprintf("server: error message %q defined twice", k))
		}
		errorsFR[k] = v
	}
	for lang, msgs := range actMessages {
		for k, v := range msgs {
			if _, dup := messages[lang][k]; dup {
				panic(fmt.Sprintf("server: message %s (%s) defined twice", k, lang))
			}
			messages[lang][k] = v
		}
	}
}

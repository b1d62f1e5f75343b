package server

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nogentech/veille/internal/text"
)

// UI languages. French is the default: the members are French companies.
const (
	langFR = "fr"
	langEN = "en"
)

// uiCookie remembers the language a person chose with the switch.
const uiCookie = "veille_ui"

// uiLang picks the interface language: the ?ui= switch, then the cookie it
// set, then Accept-Language, then French.
func uiLang(r *http.Request) (lang string, fromSwitch bool) {
	if v := r.URL.Query().Get("ui"); v == langFR || v == langEN {
		return v, true
	}
	if c, err := r.Cookie(uiCookie); err == nil && (c.Value == langFR || c.Value == langEN) {
		return c.Value, false
	}
	return acceptLanguage(r.Header.Get("Accept-Language")), false
}

// acceptLanguage returns fr or en, whichever the header prefers; fr when it
// names neither.
func acceptLanguage(h string) string {
	type pref struct {
		lang string
		q    float64
		pos  int
	}
	var prefs []pref
	for i, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		base, _, _ := strings.Cut(tag, "-")
		if base != langFR && base != langEN {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.TrimSpace(k) == "q" {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		if q > 0 {
			prefs = append(prefs, pref{base, q, i})
		}
	}
	if len(prefs) == 0 {
		return langFR
	}
	sort.SliceStable(prefs, func(i, j int) bool { return prefs[i].q > prefs[j].q })
	return prefs[0].lang
}

// messages are the interface strings; every key exists in both languages
// (a test checks it).
var messages = map[string]map[string]string{
	langFR: {
		"app.title":            "Veille réglementaire et technologique",
		"app.short":            "Veille",
		"nav.search":           "Recherche",
		"nav.sources":          "Sources",
		"nav.switch":           "English",
		"search.label":         "Rechercher dans la veille",
		"search.placeholder":   "ex. chrome VI, « MDR article 120 », ICPE 2565",
		"search.button":        "Rechercher",
		"search.help":          "Tous les mots sont requis. OU, SAUF ou -mot, « phrase exacte », préfixe*, domaine:environnement, ref:\"icpe:2565\".",
		"search.syntax":        "Syntaxe",
		"search.syntax.words":  "chrome hexavalent : les deux mots (et leurs formes fléchies, synonymes et traductions)",
		"search.syntax.or":     "implant OU prothèse : l'un ou l'autre (OR aussi) ; parenthèses pour grouper",
		"search.syntax.not":    "REACH SAUF déchets, ou REACH -déchets : sans le mot (NOT aussi)",
		"search.syntax.phrase": "« code de l'environnement » ou \"exact phrase\" : la phrase telle quelle",
		"search.syntax.prefix": "biocid* : les mots qui commencent ainsi ; un sigle en capitales (REACH, MDR) ne trouve que le sigle",
		"search.syntax.field":  "domaine:environnement, compétence:…, source:…, langue:en, juridiction:EU, ref:\"eu-act:Regulation (EU) 2017/745\"",
		"home.hidden":          "Les éléments sans domaine ni compétence (%s) ne sont pas listés.",
		"home.showall":         "Tout afficher (%s de plus)",
		"home.all":             "Tous les éléments, étiquetés ou non.",
		"home.tagged":          "N'afficher que ceux qui ont un domaine ou une compétence",
		"sort.label":           "Trier par",
		"sort.relevance":       "pertinence",
		"sort.date":            "date",
		"results.count":        "%s résultats",
		"results.one":          "1 résultat",
		"results.none":         "Aucun résultat.",
		"results.range":        "Résultats %s à %s sur %s",
		"results.took":         "(%s ms)",
		"filters.active":       "Filtres actifs",
		"filters.remove":       "Retirer le filtre %s",
		"filters.clear":        "Tout effacer",
		"facet.domain":         "Domaine",
		"facet.competence":     "Compétence",
		"facet.source":         "Source",
		"facet.lang":           "Langue",
		"facet.jurisdiction":   "Juridiction",
		"facet.ref":            "Référence",
		"facet.period":         "Période",
		"period.7d":            "7 derniers jours",
		"period.30d":           "30 derniers jours",
		"period.1y":            "12 derniers mois",
		"period.older":         "Plus ancien",
		"page.prev":            "« Précédent",
		"page.next":            "Suivant »",
		"page.nav":             "Pages",
		"follow":               "Suivre (Atom)",
		"follow.title":         "Suivre cette recherche dans un lecteur de flux ou Outlook",
		"why":                  "pourquoi : %s",
		"tags":                 "Étiquettes",
		"open.original":        "Voir l'original",
		"item.source":          "Source",
		"item.sources":         "Sources",
		"item.published":       "Publié le",
		"item.firstseen":       "Vu pour la première fois le",
		"item.updated":         "Modifié par l'éditeur le",
		"item.lang":            "Langue",
		"item.jurisdiction":    "Juridiction",
		"item.authors":         "Auteurs",
		"item.categories":      "Catégories de l'éditeur",
		"item.text":            "Texte",
		"item.notext":          "La source ne donne pas de texte pour cet élément.",
		"item.back":            "Retour à la recherche",
		"item.matched":         "termes trouvés : %s",
		"item.notags":          "Aucune étiquette : l'élément ne concerne aucun domaine ni compétence de la veille.",
		"sources.title":        "Santé des sources",
		"sources.intro":        "État de chaque source surveillée. Une source est marquée obsolète quand elle n'a pas réussi depuis trois de ses intervalles.",
		"sources.name":         "Source",
		"sources.state":        "État",
		"sources.lastatt":      "Dernière tentative",
		"sources.lastok":       "Dernier succès",
		"sources.status":       "HTTP",
		"sources.error":        "Erreur",
		"sources.failures":     "Échecs consécutifs",
		"sources.items":        "Éléments",
		"sources.next":         "Prochain passage",
		"sources.every":        "toutes les %s",
		"sources.opml":         "Exporter les sources (OPML)",
		"sources.summary":      "%s sources — en bonne santé : %s · en échec : %s · obsolètes : %s",
		"state.ok":             "OK",
		"state.failing":        "En échec",
		"state.stale":          "Obsolète",
		"state.stale.since":    "obsolète depuis le %s",
		"state.never":          "Jamais essayée",
		"state.never.ok":       "aucun succès",
		"state.disabled":       "Désactivée",
		"state.pending":        "au prochain cycle",
		"kind.feed":            "flux",
		"kind.html":            "page HTML",
		"kind.federalregister": "API Federal Register",
		"lang.fr":              "français",
		"lang.en":              "anglais",
		"error.title":          "Erreur",
		"error.badrequest":     "La recherche n'est pas valide : %s",
		"error.notfound":       "Page introuvable.",
		"error.noitem":         "Aucun élément ne porte cet identifiant.",
		"error.internal":       "Une erreur interne est survenue ; réessayez plus tard.",
		"error.timeout":        "La recherche a pris trop de temps ; précisez la requête ou les filtres.",
		"undated":              "sans date",
		"sep":                  " : ",
		"filter.since":         "depuis le %s",
		"filter.until":         "jusqu'au %s",
		"nav.digests":          "Résumés",
		"digests.title":        "Résumés de la veille",
		"digests.intro":        "Les résumés envoyés par courriel, période par période, et la semaine en cours avec ce qu'elle contient déjà.",
		"digests.none":         "Aucun résumé n'est configuré (section digests de feeds.yaml).",
		"digests.domains":      "domaines : %s",
		"digests.competences":  "compétences : %s",
		"digests.members.all":  "une sélection par membre, selon ses compétences",
		"digests.members":      "sélections pour : %s",
		"digests.everything":   "tous les éléments de la veille",
		"digests.unscheduled":  "envoyé à la demande (aucun calendrier)",
		"digests.schedule":     "envoyé %s",
		"digests.next":         "prochain envoi le %s",
		"digests.sofar":        "%s jusqu'ici",
		"digests.item":         "1 élément",
		"digests.items":        "%s éléments",
		"digests.sent":         "%s envoyés",
		"digests.skipped":      ", %s vides",
		"digests.problem":      "%s en échec, %s en attente",
		"digests.inprogress":   "en cours",
		"digests.notsent":      "non envoyée : aperçu",
		"digests.period":       "Période",
		"digests.builtat":      "Construit le",
		"digests.recipients":   "Destinataires",
		"digests.archive":      "Toutes les périodes envoyées",
		"digests.nonesent":     "Aucune période envoyée pour l'instant.",
		"digests.unknown":      "Aucun résumé ne porte l'identifiant « %s ».",
		"digests.badperiod":    "« %s » n'est pas une période : écrivez par exemple 2026-W48 ou 2026-11-01--2026-11-15.",
		"digests.future":       "La période %s n'a pas commencé : elle commence le %s.",
		"digests.nomember":     "Aucun membre ne porte l'identifiant « %s ».",
		"digests.preview":      "Aperçu : cette période n'a pas été envoyée ; voici ce qu'elle contiendrait aujourd'hui.",
		"digests.progress":     "Semaine en cours : voici ce que le résumé contient déjà ; il sera envoyé le %s.",
		"digests.progress.any": "Période en cours : voici ce que le résumé contient déjà.",
		"digests.built":        "Archivé tel que construit le %s ; c'est ce que les destinataires ont reçu.",
		"digests.cuts":         "Sélections des membres",
		"digests.whole":        "Le résumé complet",
		"facets.show":          "Filtres",
		"facets.label":         "Filtres de la recherche",
		"limit.rate":           "Trop de recherches depuis votre adresse : au plus %s par seconde (%s d'affilée). Réessayez dans un instant.",
		"limit.busy":           "Le serveur est occupé : %s recherches sont en cours. Réessayez dans un instant.",
		"limit.body":           "La requête est trop volumineuse : %s octets, pour %s au plus.",
		"limit.crossorigin":    "Requête refusée : une action d'administration doit venir de ce site.",
		"error.method":         "La méthode %s n'est pas acceptée sur %s (acceptées : %s).",
		"sources.detail":       "Détail technique",
		"why.source":           "donnée par la source %s",
		"why.via":              "par %s",
		"why.sep":              " ; ",
		"digests.built.unsent": "Archivé tel que construit le %s ; envoyé à personne pour l'instant.",
		"digests.sent.none":    "aucun envoi",
		"digests.noitem":       "aucun élément",
		"digests.sent.one":     "1 envoyé",
		"hint.some":            "Résultats avec une partie des mots seulement (%s) :",
		"hint.spelling":        "Vouliez-vous dire (%s) :",
		"hint.unfiltered":      "Sans les filtres (%s) :",
		"hint.otherlang":       "Dans l'autre langue (%s) :",
		"hint.none":            "Aucun élément ne contient tous les mots. Vérifiez l'orthographe, retirez un filtre ou un mot, ou écrivez-le dans l'autre langue.",
		// The members' space (issue 16).
		"auth.required":         "Connectez-vous pour continuer.",
		"auth.forbidden":        "Cette page n'est pas ouverte à votre compte.",
		"nav.register":          "Registre",
		"nav.saved":             "Recherches suivies",
		"nav.cluster":           "Vue du pôle",
		"nav.signin":            "Se connecter",
		"nav.signout":           "Se déconnecter",
		"signin.title":          "Connexion à l'espace adhérent",
		"signin.email":          "Votre adresse e-mail",
		"signin.send":           "Recevoir un lien de connexion",
		"signin.intro":          "Pas de mot de passe : si l'adresse est celle d'un adhérent ou de l'équipe du pôle, vous recevez un lien valable 15 minutes, une seule fois.",
		"signin.sent":           "Si %s est une adresse d'adhérent ou de l'équipe, un lien de connexion vient de lui être envoyé. Il est valable 15 minutes.",
		"signin.confirm":        "Se connecter en tant que %s ?",
		"signin.button":         "Se connecter",
		"signin.refused":        "Ce lien de connexion a déjà servi, a expiré ou n'existe pas.",
		"signin.again":          "Demander un nouveau lien",
		"mark.title":            "Registre de conformité",
		"mark.applies":          "S'applique",
		"mark.not-applicable":   "Ne s'applique pas",
		"mark.to-assess":        "À évaluer",
		"mark.save":             "Enregistrer",
		"mark.delete":           "Retirer du registre",
		"register.title":        "Registre de conformité",
		"register.text":         "Texte",
		"register.reference":    "Référence",
		"register.applies_on":   "Date d'application",
		"register.status":       "Statut",
		"register.action":       "Action",
		"register.owner":        "Responsable",
		"register.due":          "Échéance",
		"register.done":         "Fait",
		"register.note":         "Note de preuve",
		"register.link":         "Lien",
		"register.yes":          "oui",
		"register.all":          "Tous",
		"register.due_before":   "Échéance avant le",
		"register.open":         "Actions non faites",
		"register.filter":       "Filtrer",
		"register.overdue":      "en retard",
		"register.empty":        "Aucun élément dans le registre : marquez un élément depuis sa fiche.",
		"cluster.title":         "Le pôle sur cet élément (anonyme sauf noms partagés)",
		"cluster.members":       "adhérents",
		"cluster.members_of":    "adhérents « %s »",
		"cluster.count":         "%s : %d sur %d %s",
		"cluster.page":          "Vue du pôle",
		"cluster.changes":       "Profils modifiés",
		"cluster.when":          "Quand",
		"cluster.member":        "Adhérent",
		"cluster.who":           "Par",
		"cluster.field":         "Champ",
		"cluster.old":           "Avant",
		"cluster.new":           "Après",
		"cluster.nochanges":     "Aucun adhérent n'a encore modifié son profil.",
		"cluster.named":         "(dont, nom partagé : %s)",
		"cluster.marks":         "Marques des adhérents",
		"cluster.marks_note":    "Comptes anonymes ; un adhérent n'est nommé que s'il l'a choisi dans son profil.",
		"cluster.nomarks":       "Aucun adhérent n'a encore marqué d'élément.",
		"profile.share_name":    "Montrer notre nom à l'équipe du pôle à côté de nos marques (sinon elles ne comptent qu'anonymement)",
		"saved.delete":          "Supprimer",
		"saved.renew":           "Nouvelle adresse de flux",
		"saved.renew_note":      "L'ancienne adresse cesse aussitôt de marcher.",
		"saved.deleted":         "Recherche « %s » supprimée.",
		"saved.renewed":         "Nouvelle adresse du flux Atom privé de « %s » (notée une seule fois ici ; l'ancienne ne marche plus) :",
		"calendar.private":      "Votre agenda privé (pour les applications d'agenda, qui ne peuvent pas se connecter) :",
		"calendar.private_new":  "Créer une adresse privée",
		"calendar.private_once": "Notée une seule fois ici ; ne la partagez pas :",
		"saved.title":           "Recherches suivies",
		"saved.save":            "Suivre cette recherche",
		"saved.name":            "Nom",
		"saved.notify":          "Par e-mail",
		"saved.button":          "Enregistrer la recherche",
		"saved.added":           "Recherche « %s » enregistrée.",
		"saved.feed_once":       "Son flux Atom privé (noté une seule fois ici ; ne le partagez pas) :",
		"saved.unread":          "%d non lus",
		"saved.empty":           "Aucune recherche suivie : enregistrez-en une depuis la page de recherche.",
		"notify.none":           "pas d'e-mail",
		"notify.immediate":      "dès qu'il y a du nouveau",
		"notify.daily":          "chaque jour",
		"notify.weekly":         "chaque semaine",
		"home.title":            "Ce qui nous concerne",
		"home.new":              "%d nouveaux éléments depuis votre dernière visite (%s).",
		"home.first":            "Bienvenue : voici les éléments de vos compétences, les plus récents d'abord.",
		"home.overdue":          "%d actions en retard",
		"home.search":           "Rechercher dans toute la veille",
		"home.badge":            "nouveau",
		"home.empty":            "Aucun élément pour vos compétences : complétez votre profil.",
		"profile.title":         "Notre profil",
		"profile.saved":         "Profil enregistré.",
		"profile.competences":   "Compétences",
		"profile.domains":       "Domaines",
		"profile.lang":          "Langue",
		"profile.digest":        "Résumé par e-mail",
		"profile.save":          "Enregistrer",
		"digest.weekly":         "chaque semaine",
		"digest.daily":          "chaque jour",
		"digest.none":           "aucun",
	},
	langEN: {
		"app.title":            "Regulatory and technology watch",
		"app.short":            "Watch",
		"nav.search":           "Search",
		"nav.sources":          "Sources",
		"nav.switch":           "Français",
		"search.label":         "Search the watch",
		"search.placeholder":   "e.g. chromium VI, \"MDR article 120\", ICPE 2565",
		"search.button":        "Search",
		"search.help":          "Every word is required. OR, NOT or -word, \"exact phrase\", prefix*, domain:environment, ref:\"icpe:2565\".",
		"search.syntax":        "Query syntax",
		"search.syntax.words":  "hexavalent chromium: both words (with their inflections, synonyms and translations)",
		"search.syntax.or":     "implant OR prosthesis: either (OU too); parentheses to group",
		"search.syntax.not":    "REACH NOT waste, or REACH -waste: without the word (SAUF too)",
		"search.syntax.phrase": "\"code de l'environnement\" or « guillemets »: the phrase as typed",
		"search.syntax.prefix": "biocid*: the words that start so; an acronym in capitals (REACH, MDR) finds the acronym only",
		"search.syntax.field":  "domain:environment, competence:…, source:…, lang:en, jurisdiction:EU, ref:\"eu-act:Regulation (EU) 2017/745\"",
		"home.hidden":          "Items with no domain or competence (%s) are not listed.",
		"home.showall":         "Show everything (%s more)",
		"home.all":             "Every item, tagged or not.",
		"home.tagged":          "Show only those with a domain or competence",
		"sort.label":           "Sort by",
		"sort.relevance":       "relevance",
		"sort.date":            "date",
		"results.count":        "%s results",
		"results.one":          "1 result",
		"results.none":         "No results.",
		"results.range":        "Results %s to %s of %s",
		"results.took":         "(%s ms)",
		"filters.active":       "Active filters",
		"filters.remove":       "Remove filter %s",
		"filters.clear":        "Clear all",
		"facet.domain":         "Domain",
		"facet.competence":     "Competence",
		"facet.source":         "Source",
		"facet.lang":           "Language",
		"facet.jurisdiction":   "Jurisdiction",
		"facet.ref":            "Reference",
		"facet.period":         "Period",
		"period.7d":            "Last 7 days",
		"period.30d":           "Last 30 days",
		"period.1y":            "Last 12 months",
		"period.older":         "Older",
		"page.prev":            "« Previous",
		"page.next":            "Next »",
		"page.nav":             "Pages",
		"follow":               "Follow (Atom)",
		"follow.title":         "Follow this search in a feed reader or Outlook",
		"why":                  "why: %s",
		"tags":                 "Tags",
		"open.original":        "Open the original",
		"item.source":          "Source",
		"item.sources":         "Sources",
		"item.published":       "Published",
		"item.firstseen":       "First seen",
		"item.updated":         "Updated by the publisher",
		"item.lang":            "Language",
		"item.jurisdiction":    "Jurisdiction",
		"item.authors":         "Authors",
		"item.categories":      "Publisher's categories",
		"item.text":            "Text",
		"item.notext":          "The source gives no text for this item.",
		"item.back":            "Back to the search",
		"item.matched":         "matched terms: %s",
		"item.notags":          "No tags: the item concerns none of the watch's domains or competences.",
		"sources.title":        "Source health",
		"sources.intro":        "The state of every watched source. A source is marked stale when it has not succeeded for three of its intervals.",
		"sources.name":         "Source",
		"sources.state":        "State",
		"sources.lastatt":      "Last attempt",
		"sources.lastok":       "Last success",
		"sources.status":       "HTTP",
		"sources.error":        "Error",
		"sources.failures":     "Consecutive failures",
		"sources.items":        "Items",
		"sources.next":         "Next run",
		"sources.every":        "every %s",
		"sources.opml":         "Export the sources (OPML)",
		"sources.summary":      "%s sources — healthy: %s · failing: %s · stale: %s",
		"state.ok":             "OK",
		"state.failing":        "Failing",
		"state.stale":          "Stale",
		"state.stale.since":    "stale since %s",
		"state.never":          "Never tried",
		"state.never.ok":       "never succeeded",
		"state.disabled":       "Disabled",
		"state.pending":        "next cycle",
		"kind.feed":            "feed",
		"kind.html":            "HTML page",
		"kind.federalregister": "Federal Register API",
		"lang.fr":              "French",
		"lang.en":              "English",
		"error.title":          "Error",
		"error.badrequest":     "The search is not valid: %s",
		"error.notfound":       "Page not found.",
		"error.noitem":         "No item has this id.",
		"error.internal":       "Something went wrong on our side; try again later.",
		"error.timeout":        "The search took too long; narrow the query or the filters.",
		"undated":              "undated",
		"sep":                  ": ",
		"filter.since":         "since %s",
		"filter.until":         "until %s",
		"nav.digests":          "Digests",
		"digests.title":        "Watch digests",
		"digests.intro":        "The digests sent by mail, period by period, and the week in progress with what it already holds.",
		"digests.none":         "No digest is configured (digests section of feeds.yaml).",
		"digests.domains":      "domains: %s",
		"digests.competences":  "competences: %s",
		"digests.members.all":  "one selection per member, by their competences",
		"digests.members":      "selections for: %s",
		"digests.everything":   "every item of the watch",
		"digests.unscheduled":  "sent on demand (no schedule)",
		"digests.schedule":     "sent %s",
		"digests.next":         "next on %s",
		"digests.sofar":        "%s so far",
		"digests.item":         "1 item",
		"digests.items":        "%s items",
		"digests.sent":         "%s sent",
		"digests.skipped":      ", %s empty",
		"digests.problem":      "%s failed, %s pending",
		"digests.inprogress":   "in progress",
		"digests.notsent":      "not sent: preview",
		"digests.period":       "Period",
		"digests.builtat":      "Built",
		"digests.recipients":   "Recipients",
		"digests.archive":      "Every period sent",
		"digests.nonesent":     "No period sent yet.",
		"digests.unknown":      "No digest has the id “%s”.",
		"digests.badperiod":    "“%s” is not a period: write for example 2026-W48 or 2026-11-01--2026-11-15.",
		"digests.future":       "The period %s has not begun: it begins on %s.",
		"digests.nomember":     "No member has the id “%s”.",
		"digests.preview":      "Preview: this period was not sent; this is what it would hold today.",
		"digests.progress":     "Week in progress: this is what the digest already holds; it goes out on %s.",
		"digests.progress.any": "Period in progress: this is what the digest already holds.",
		"digests.built":        "Archived as built on %s; this is what the recipients received.",
		"digests.cuts":         "Members' selections",
		"digests.whole":        "The whole digest",
		"facets.show":          "Filters",
		"facets.label":         "Search filters",
		"limit.rate":           "Too many searches from your address: at most %s a second (%s in a row). Try again in a moment.",
		"limit.busy":           "The server is busy: %s searches are running. Try again in a moment.",
		"limit.body":           "The request is too large: %s bytes, for at most %s.",
		"limit.crossorigin":    "Request refused: an admin action must come from this site.",
		"error.method":         "The method %s is not allowed on %s (allowed: %s).",
		"sources.detail":       "Technical detail",
		"why.source":           "given by the source %s",
		"why.via":              "through %s",
		"why.sep":              "; ",
		"digests.built.unsent": "Archived as built on %s; mailed to no one so far.",
		"digests.sent.none":    "none sent",
		"digests.noitem":       "no item",
		"digests.sent.one":     "1 sent",
		"hint.some":            "Results with only some of the words (%s):",
		"hint.spelling":        "Did you mean (%s):",
		"hint.unfiltered":      "Without the filters (%s):",
		"hint.otherlang":       "In the other language (%s):",
		"hint.none":            "No item holds every word. Check the spelling, remove a filter or a word, or write it in the other language.",
		// The members' space (issue 16).
		"auth.required":         "Sign in to continue.",
		"auth.forbidden":        "This page is not open to your account.",
		"nav.register":          "Register",
		"nav.saved":             "Followed searches",
		"nav.cluster":           "Cluster view",
		"nav.signin":            "Sign in",
		"nav.signout":           "Sign out",
		"signin.title":          "Sign in to the members' space",
		"signin.email":          "Your e-mail address",
		"signin.send":           "Mail me a sign-in link",
		"signin.intro":          "No password: if the address is a member's or the cluster staff's, you get a link that works once, for 15 minutes.",
		"signin.sent":           "If %s is a member's or staff address, a sign-in link has just been sent to it. It works for 15 minutes.",
		"signin.confirm":        "Sign in as %s?",
		"signin.button":         "Sign in",
		"signin.refused":        "This sign-in link has been used, has expired or does not exist.",
		"signin.again":          "Ask for a new link",
		"mark.title":            "Compliance register",
		"mark.applies":          "Applies",
		"mark.not-applicable":   "Does not apply",
		"mark.to-assess":        "To assess",
		"mark.save":             "Save",
		"mark.delete":           "Remove from the register",
		"register.title":        "Compliance register",
		"register.text":         "Text",
		"register.reference":    "Reference",
		"register.applies_on":   "Date of application",
		"register.status":       "Status",
		"register.action":       "Action",
		"register.owner":        "Owner",
		"register.due":          "Due",
		"register.done":         "Done",
		"register.note":         "Evidence note",
		"register.link":         "Link",
		"register.yes":          "yes",
		"register.all":          "All",
		"register.due_before":   "Due on or before",
		"register.open":         "Actions not done",
		"register.filter":       "Filter",
		"register.overdue":      "overdue",
		"register.empty":        "Nothing in the register yet: mark an item from its page.",
		"cluster.title":         "The cluster on this item (anonymous but for shared names)",
		"cluster.members":       "members",
		"cluster.members_of":    "%s members",
		"cluster.count":         "%s: %d of %d %s",
		"cluster.page":          "Cluster view",
		"cluster.changes":       "Profile changes",
		"cluster.when":          "When",
		"cluster.member":        "Member",
		"cluster.who":           "By",
		"cluster.field":         "Field",
		"cluster.old":           "Before",
		"cluster.new":           "After",
		"cluster.nochanges":     "No member has changed its profile yet.",
		"cluster.named":         "(including, name shared: %s)",
		"cluster.marks":         "Members' marks",
		"cluster.marks_note":    "Anonymous counts; a member is named only when it chose so in its profile.",
		"cluster.nomarks":       "No member has marked anything yet.",
		"profile.share_name":    "Show our name to the cluster staff beside our marks (otherwise they only count anonymously)",
		"saved.delete":          "Delete",
		"saved.renew":           "New feed address",
		"saved.renew_note":      "The old address stops working at once.",
		"saved.deleted":         "Search “%s” deleted.",
		"saved.renewed":         "New address of the private Atom feed of “%s” (shown once here; the old one no longer works):",
		"calendar.private":      "Your private calendar (for calendar apps, which cannot sign in):",
		"calendar.private_new":  "Make a private address",
		"calendar.private_once": "Shown once here; do not share it:",
		"saved.title":           "Followed searches",
		"saved.save":            "Follow this search",
		"saved.name":            "Name",
		"saved.notify":          "By e-mail",
		"saved.button":          "Save the search",
		"saved.added":           "Search \"%s\" saved.",
		"saved.feed_once":       "Its private Atom feed (shown only this once; do not share it):",
		"saved.unread":          "%d unread",
		"saved.empty":           "No followed search yet: save one from the search page.",
		"notify.none":           "no e-mail",
		"notify.immediate":      "as soon as there is news",
		"notify.daily":          "daily",
		"notify.weekly":         "weekly",
		"home.title":            "What concerns us",
		"home.new":              "%d new items since your last visit (%s).",
		"home.first":            "Welcome: here are the items of your competences, newest first.",
		"home.overdue":          "%d overdue actions",
		"home.search":           "Search the whole watch",
		"home.badge":            "new",
		"home.empty":            "No item for your competences: complete your profile.",
		"profile.title":         "Our profile",
		"profile.saved":         "Profile saved.",
		"profile.competences":   "Competences",
		"profile.domains":       "Domains",
		"profile.lang":          "Language",
		"profile.digest":        "Digest by e-mail",
		"profile.save":          "Save",
		"digest.weekly":         "weekly",
		"digest.daily":          "daily",
		"digest.none":           "none",
	},
}

// tr is the translator of one request: its language and the time zone
// dates are shown in.
type tr struct {
	lang string
	loc  *time.Location
}

// T returns the message key, formatted with args when it has verbs.
func (t tr) T(key string, args ...any) string {
	m, ok := messages[t.lang][key]
	if !ok {
		m, ok = messages[langFR][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return m
	}
	return fmt.Sprintf(m, args...)
}

func (t tr) location() *time.Location {
	if t.loc == nil {
		return time.UTC
	}
	return t.loc
}

// Date formats a day: "20 novembre 2026" or "20 November 2026".
func (t tr) Date(d time.Time) string {
	if d.IsZero() {
		return t.T("undated")
	}
	d = d.In(t.location())
	if t.lang == langFR {
		day := strconv.Itoa(d.Day())
		if d.Day() == 1 {
			day = "1er"
		}
		return day + " " + text.MonthFR(d.Month()) + " " + strconv.Itoa(d.Year())
	}
	return d.Format("2 January 2006")
}

// DateTime formats a moment: "20 novembre 2026 à 09:05" or "20 November 2026, 09:05".
func (t tr) DateTime(d time.Time) string {
	if d.IsZero() {
		return "–"
	}
	d = d.In(t.location())
	if t.lang == langFR {
		return t.Date(d) + " à " + d.Format("15:04")
	}
	return t.Date(d) + ", " + d.Format("15:04")
}

// Number groups thousands: "12 345" (narrow no-break space) in French,
// "12,345" in English.
func (t tr) Number(n int64) string {
	sep := ","
	if t.lang == langFR {
		sep = "\u202f"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Duration says an interval the way people do: "2 h", "30 min", "1 j".
func (t tr) Duration(d time.Duration) string {
	day := "j"
	if t.lang == langEN {
		day = "d"
	}
	switch {
	case d <= 0:
		return "–"
	case d%(24*time.Hour) == 0:
		return strconv.Itoa(int(d/(24*time.Hour))) + " " + day
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + " h"
	case d%time.Minute == 0:
		return strconv.Itoa(int(d/time.Minute)) + " min"
	}
	return d.String()
}

// LangName names an item language in the interface language.
func (t tr) LangName(code string) string {
	if m, ok := messages[t.lang]["lang."+code]; ok {
		return m
	}
	return code
}

// kindName names a source kind; kinds without a message show as they are.
func (t tr) kindName(kind string) string {
	if m, ok := messages[t.lang]["kind."+kind]; ok {
		return m
	}
	return kind
}

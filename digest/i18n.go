package digest

import (
	"fmt"
	"strings"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/text"
)

// Languages the mails are written in. French is the default: the cluster
// and most of its members work in French.
const (
	LangFR = "fr"
	LangEN = "en"
)

// normLang maps a profile's language to one we write.
func normLang(l string) string {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(l)), "en") {
		return LangEN
	}
	return LangFR
}

var labels = map[string][2]string{ // key → {fr, en}
	"deadlines":                 {"Échéances des 90 prochains jours", "Deadlines in the next 90 days"},
	"deadlines_none":            {"Aucune échéance connue dans les 90 prochains jours.", "No known deadline in the next 90 days."},
	"datekind.entry-into-force": {"entrée en vigueur", "entry into force"},
	"datekind.application":      {"application", "application"},
	"datekind.deadline":         {"date limite", "deadline"},
	"datekind.comment-deadline": {"fin de la consultation", "comment deadline"},
	"act_page":                  {"Page de l'acte", "Act page"},
	"watch":                     {"Veille", "watch"},
	"week":                      {"semaine", "week"},
	"items":                     {"éléments", "items"},
	"item":                      {"élément", "item"},
	"total":                     {"Cette période", "This period"},
	"by_competence":             {"Par compétence", "By competence"},
	"general":                   {"Autres sujets", "Other topics"},
	"also_in":                   {"aussi dans", "also in"},
	"read":                      {"Lire la source", "Read the source"},
	"item_page":                 {"Fiche dans la veille", "Item page"},
	"published":                 {"publié le", "published"},
	"source":                    {"Source", "Source"},
	"coverage":                  {"Couverture des sources", "Source coverage"},
	"coverage_intro":            {"Consultations de chaque source pendant la période, d'après le relevé de la veille.", "Each source's checks during the period, from the watch's record."},
	"last_success":              {"Dernier succès", "Last success"},
	"state":                     {"État", "State"},
	"in_period":                 {"Nouveaux", "New"},
	"ok":                        {"OK", "OK"},
	"failed":                    {"En échec", "Failing"},
	"stale":                     {"Périmée", "Stale"},
	"not_checked":               {"Non consultée pendant la période", "Not checked during the period"},
	"never":                     {"jamais", "never"},
	"never_checked":             {"Jamais consultée", "Never checked"},
	"disabled":                  {"Désactivée", "Disabled"},
	"empty":                     {"Aucun nouvel élément pendant cette période.", "No new item during this period."},
	"for_member":                {"Sélection pour", "Selection for"},
	"competences":               {"compétences", "competences"},
	"footer":                    {"Vous recevez ce résumé de la veille NOGENTECH. Archives :", "You receive this digest from the NOGENTECH watch. Archive:"},
	"checked_ok":                {"sources consultées avec succès pendant la période", "sources checked successfully during the period"},
	"alert":                     {"Alerte veille", "Watch alert"},
	"new_items":                 {"nouveaux éléments", "new items"},
	"new_item":                  {"nouvel élément", "new item"},
	"why":                       {"Pourquoi", "Why"},
	"rule":                      {"règle", "rule"},
	"tags":                      {"étiquettes", "tags"},
	"matched":                   {"termes trouvés", "matched terms"},
	"alert_intro":               {"Nouveaux éléments correspondant à la règle", "New items matching the rule"},
	"alert_footer":              {"Alerte envoyée une seule fois par élément et par destinataire.", "Sent once per item and recipient."},
	// Coverage from the record of checks (issue 12).
	"checks_in_period":   {"Consultations pendant la période", "Checks during the period"},
	"last_one":           {"dernière le", "last on"},
	"none_checked":       {"aucune", "none"},
	"one_failed":         {"1 échec sur %d consultations", "1 of %d checks failed"},
	"some_failed":        {"%d échecs sur %d consultations", "%d of %d checks failed"},
	"n_failed":           {"en échec", "failing"},
	"n_not_checked":      {"non consultées", "not checked"},
	"notice_never":       {"Attention : la veille n'a encore consulté aucune source. Ce résumé ne couvre rien : aucune absence de nouvelles ne doit en être déduite.", "Warning: the watch has not checked any source yet. This digest covers nothing: no absence of news can be inferred from it."},
	"notice_before":      {"Attention : cette période est antérieure au premier relevé de la veille (%s). Aucune source n'a été consultée pendant la période : ce résumé ne prouve pas qu'il n'y a rien eu de nouveau.", "Warning: this period is before the watch's first recorded check (%s). No source was checked during it: this digest does not show that nothing new happened."},
	"notice_partly":      {"Attention : cette période commence avant le premier relevé de la veille (%s). Elle n'est couverte qu'à partir de cette date.", "Warning: this period starts before the watch's first recorded check (%s). It is covered only from then on."},
	"older_left_out_one": {"1 élément trouvé pendant la période a été laissé de côté : il a été publié bien avant elle (archives d'une source).", "1 item found during the period was left out: it was published long before it (a source's archive)."},
	"older_left_out":     {"%d éléments trouvés pendant la période ont été laissés de côté : ils ont été publiés bien avant elle (archives d'une source).", "%d items found during the period were left out: they were published long before it (a source's archive)."},
	"err_http":           {"le site a répondu par une erreur HTTP %d", "the site answered with HTTP error %d"},
	"err_not_found":      {"la page n'existe plus sur le site (HTTP 404)", "the page no longer exists on the site (HTTP 404)"},
	"err_forbidden":      {"le site refuse l'accès (HTTP %d)", "the site refuses access (HTTP %d)"},
	"err_too_many":       {"le site limite le nombre de requêtes (HTTP 429)", "the site limits the number of requests (HTTP 429)"},
	"err_server":         {"le site est en panne ou surchargé (HTTP %d)", "the site is down or overloaded (HTTP %d)"},
	"err_timeout":        {"le site n'a pas répondu à temps", "the site did not answer in time"},
	"err_dns":            {"le nom du site est introuvable", "the site's name does not resolve"},
	"err_refused":        {"le site refuse la connexion", "the site refuses the connection"},
	"err_tls":            {"le certificat du site n'est pas valide", "the site's certificate is not valid"},
	"err_private":        {"adresse refusée : elle est dans un réseau privé", "address refused: it is in a private network"},
	"err_too_large":      {"la réponse est trop volumineuse", "the answer is too large"},
	"err_not_feed":       {"la réponse n'est pas un flux lisible", "the answer is not a readable feed"},
	"err_no_items":       {"aucun élément trouvé dans la page (sélecteurs à revoir)", "no item found in the page (check the selectors)"},
	"err_cancelled":      {"consultation interrompue", "check interrupted"},
	"err_other":          {"la consultation a échoué", "the check failed"},
	"every_day":          {"chaque jour", "every day"},
	"every_weekday":      {"chaque", "every"},
	"and":                {"et", "and"},
	"in_months":          {"en", "in"},
	// The commission's edition (issue 17).
	"edition":          {"Édition de la commission", "Commission's edition"},
	"edition_note":     {"Impact pour les adhérents", "Impact for members"},
	"edition_approved": {"Approuvée par %s le %s.", "Approved by %s on %s."},
	"edition_footer":   {"Édition préparée par l'équipe de la veille NOGENTECH. Archives :", "Edition prepared by the NOGENTECH watch staff. Archive:"},
	"reminder_subject": {"À approuver : %s", "To approve: %s"},
	"reminder_body":    {"L'édition n'était pas approuvée à l'heure d'envoi (%s) : elle est retenue et n'a été envoyée à personne. Relisez-la et approuvez-la pour l'envoyer.", "The edition was not approved at its send time (%s): it is held and was sent to nobody. Review and approve it to send it."},
	"reminder_link":    {"Relire et approuver", "Review and approve"},

	// The edition's counts of the members' marks (issue 17 point 6).
	// Arguments: status, "9 adhérents", 9, of, competence.
	"edition_count":       {"%[1]s : %[2]s sur %[4]d", "%[1]s: %[3]d of %[4]d members"},
	"edition_count_of":    {"%[1]s : %[2]s sur %[4]d « %[5]s »", "%[1]s: %[3]d of %[4]d %[5]s members"},
	"member":              {"adhérent", "member"},
	"members":             {"adhérents", "members"},
	"mark.applies":        {"s'applique", "applies"},
	"mark.not-applicable": {"ne s'applique pas", "does not apply"},
	"mark.to-assess":      {"à évaluer", "to assess"},

	// The members' space (issue 16).
	"signin_subject": {"Votre lien de connexion à la veille", "Your sign-in link to the watch"},
	"signin_body":    {"Bonjour,\n\nPour vous connecter à la veille, ouvrez ce lien puis cliquez sur « Se connecter » :\n\n%s\n\nLe lien sert une seule fois et expire dans %d minutes. Si vous n'avez rien demandé, ignorez ce message.\n", "Hello,\n\nTo sign in to the watch, open this link and click \"Sign in\":\n\n%s\n\nThe link works once and expires in %d minutes. If you did not ask for it, ignore this message.\n"},
	"overdue":        {"Actions en retard dans votre registre", "Overdue actions in your register"},
	"due_on":         {"échéance", "due"},
	"saved_subject":  {"Recherche suivie : %s", "Followed search: %s"},
	"saved_intro":    {"Nouveaux éléments pour votre recherche", "New items for your search"},
}

// t returns the label in lang.
func t(lang, key string) string {
	l, ok := labels[key]
	if !ok {
		return key
	}
	if lang == LangEN {
		return l[1]
	}
	return l[0]
}

// monthName is the month's name in lang.
func monthName(lang string, m time.Month) string {
	if lang == LangEN {
		return m.String()
	}
	return text.MonthFR(m)
}

// dayOrdinal writes the day of the month, "1er" in French.
func dayOrdinal(lang string, d int) string {
	if lang == LangFR && d == 1 {
		return "1er"
	}
	return fmt.Sprint(d)
}

// LongDate is "23 novembre 2026" or "23 November 2026".
func LongDate(lang string, t time.Time) string {
	return dayOrdinal(lang, t.Day()) + " " + monthName(lang, t.Month()) + " " + fmt.Sprint(t.Year())
}

// ShortDate is "23/11/2026" (fr) or "2026-11-23" (en), for dense tables.
func ShortDate(lang string, t time.Time) string {
	if lang == LangEN {
		return t.Format(time.DateOnly)
	}
	return t.Format("02/01/2006")
}

// DateTime is a date and a time of day, for the coverage table.
func DateTime(lang string, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	if lang == LangEN {
		return t.Format("2006-01-02 15:04")
	}
	return t.Format("02/01/2006 15:04")
}

// dayRange writes two days compactly: "23–29 novembre 2026",
// "30 novembre – 6 décembre 2026", "28 décembre 2026 – 3 janvier 2027".
func dayRange(lang string, a, b time.Time) string {
	switch {
	case a.Year() != b.Year():
		return LongDate(lang, a) + " – " + LongDate(lang, b)
	case a.Month() != b.Month():
		return dayOrdinal(lang, a.Day()) + " " + monthName(lang, a.Month()) + " – " + LongDate(lang, b)
	case a.Day() != b.Day():
		return dayOrdinal(lang, a.Day()) + "–" + LongDate(lang, b)
	}
	return LongDate(lang, a)
}

// PeriodLabel is "semaine 48 (23–29 novembre 2026)", "week 48 (23–29
// November 2026)", or for a range "du 1er au 15 novembre 2026".
func PeriodLabel(lang string, p Period, loc *time.Location) string {
	a, b := p.Since.In(loc), p.LastDay().In(loc)
	if p.IsWeek() {
		return fmt.Sprintf("%s %d (%s)", t(lang, "week"), p.Week, dayRange(lang, a, b))
	}
	if a.Format(time.DateOnly) == b.Format(time.DateOnly) {
		return LongDate(lang, a) // a member's daily digest
	}
	if lang == LangEN {
		return "from " + LongDate(lang, a) + " to " + LongDate(lang, b)
	}
	return "du " + LongDate(lang, a) + " au " + LongDate(lang, b)
}

// digestTitle is the configured title, else one made from what the digest
// selects: "Veille environnement" / "Environment watch".
func digestTitle(cfg veille.Config, d veille.Digest, lang string) string {
	if d.Title != "" {
		return d.Title
	}
	var parts []string
	for _, id := range d.Domains {
		parts = append(parts, veille.CategoryLabel(cfg.Domains, id, lang))
	}
	for _, id := range d.Competences {
		parts = append(parts, veille.CategoryLabel(cfg.Competences, id, lang))
	}
	if len(parts) == 0 {
		if lang == LangEN {
			return "Regulatory watch"
		}
		return "Veille réglementaire"
	}
	if lang == LangEN {
		return strings.Join(parts, ", ") + " watch"
	}
	for i := range parts {
		parts[i] = strings.ToLower(parts[i])
	}
	return "Veille " + strings.Join(parts, ", ")
}

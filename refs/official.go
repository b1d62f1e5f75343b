package refs

import (
	"net/url"
	"regexp"
	"strings"
)

// Official texts: the address of an act's text, built from its id alone,
// for the kinds whose id is enough. EU acts get their ELI
// (data.europa.eu/eli/{type}/{year}/{number}/oj), CELEX numbers their
// EUR-Lex page, CFR sections eCFR, Federal Register citations the
// Register's own citation lookup. A NOR or a numbered French act does not
// give the JORFTEXT id Légifrance's pages are addressed by, nor the date
// its ELI needs, so they get Légifrance's search for that exact NOR or
// number: the text is its first answer. Other kinds (code articles,
// rubriques, standards, substances, acts cited by date only) get none.

var (
	reEUActID = regexp.MustCompile(`^(Regulation|Directive|Decision)(?: \((EU|EC|EEC|Euratom|UE|CE|CEE)\))? (\d+)/(\d+)(?:/(?:EU|EC|EEC|CE|CEE|UE|Euratom))?$`)
	reCFRID   = regexp.MustCompile(`^(\d+) CFR (\d+)(?:\.(\d+[a-z]?))?(?:\([^)]*\))*(?: subpart ([A-Z]+))?$`)
	reFRDocID = regexp.MustCompile(`^(\d+) FR (\d+)$`)
	reFRActNo = regexp.MustCompile(`^(?:décret|loi|ordonnance|arrêté|décision|loi organique) n° \S+$`)
)

// OfficialURL is the address of the official text of the act kind:id, or
// "" when the id does not give one. lang ("fr", "en") picks the language of
// pages that have several.
func OfficialURL(kind, id, lang string) string {
	switch kind {
	case KindEUAct:
		m := reEUActID.FindStringSubmatch(id)
		if m == nil {
			return ""
		}
		typ := map[string]string{"Regulation": "reg", "Directive": "dir", "Decision": "dec"}[m[1]]
		year, num := m[3], m[4]
		// Regulations numbered before 2015 ("(EC) 1907/2006") put the
		// number first; directives and decisions, and every act since,
		// the year.
		if m[1] == "Regulation" && (m[2] == "EC" || m[2] == "EEC" || m[2] == "CE" || m[2] == "CEE") {
			year, num = num, year
		}
		if len(year) == 2 { // "Directive 91/271/EEC"
			year = "19" + year
		}
		return "http://data.europa.eu/eli/" + typ + "/" + year + "/" + strings.TrimLeft(num, "0") + "/oj"
	case KindCELEX:
		l := "EN"
		if lang == "fr" {
			l = "FR"
		}
		return "https://eur-lex.europa.eu/legal-content/" + l + "/TXT/?uri=CELEX:" + url.QueryEscape(id)
	case KindCFR:
		m := reCFRID.FindStringSubmatch(id)
		if m == nil {
			return ""
		}
		base := "https://www.ecfr.gov/current/title-" + m[1]
		switch {
		case m[3] != "":
			return base + "/section-" + m[2] + "." + m[3]
		case m[4] != "":
			return base + "/part-" + m[2] + "/subpart-" + m[4]
		}
		return base + "/part-" + m[2]
	case KindFRDoc:
		m := reFRDocID.FindStringSubmatch(id)
		if m == nil {
			return ""
		}
		return "https://www.federalregister.gov/citation/" + m[1] + "-FR-" + m[2]
	case KindNOR:
		return legifranceSearch(id)
	case KindFRAct:
		if reFRActNo.MatchString(id) {
			return legifranceSearch(`"` + id + `"`)
		}
	}
	return ""
}

func legifranceSearch(q string) string {
	v := url.Values{"tab_selection": {"all"}, "searchField": {"ALL"}, "query": {q}}
	return "https://www.legifrance.gouv.fr/search/all?" + v.Encode()
}

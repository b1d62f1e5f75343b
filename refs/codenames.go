package refs

import (
	"regexp"
	"sort"
	"strings"

	"github.com/nogentech/veille"
)

// frCodes are the French codes in force (Légifrance's list), as their id
// writes them: lower case, with their article. A list, not a grammar,
// because nothing in "du code de l'environnement figure en annexe" says
// where a code's name ends.
var frCodes = []string{
	"code civil",
	"code de commerce",
	"code de justice administrative",
	"code de justice militaire",
	"code de l'action sociale et des familles",
	"code de l'artisanat",
	"code de l'aviation civile",
	"code de l'éducation",
	"code de l'énergie",
	"code de l'entrée et du séjour des étrangers et du droit d'asile",
	"code de l'environnement",
	"code de l'expropriation pour cause d'utilité publique",
	"code de l'organisation judiciaire",
	"code de l'urbanisme",
	"code de la commande publique",
	"code de la consommation",
	"code de la construction et de l'habitation",
	"code de la défense",
	"code de la famille et de l'aide sociale",
	"code de la justice pénale des mineurs",
	"code de la légion d'honneur, de la médaille militaire et de l'ordre national du mérite",
	"code de la mutualité",
	"code de la propriété intellectuelle",
	"code de la recherche",
	"code de la route",
	"code de la santé publique",
	"code de la sécurité intérieure",
	"code de la sécurité sociale",
	"code de la voirie routière",
	"code de procédure civile",
	"code de procédure pénale",
	"code des assurances",
	"code des communes",
	"code des douanes",
	"code des douanes de mayotte",
	"code des juridictions financières",
	"code des pensions civiles et militaires de retraite",
	"code des pensions militaires d'invalidité et des victimes de guerre",
	"code des pensions de retraite des marins français du commerce, de pêche ou de plaisance",
	"code des postes et des communications électroniques",
	"code des procédures civiles d'exécution",
	"code des relations entre le public et l'administration",
	"code des transports",
	"code disciplinaire et pénal de la marine marchande",
	"code du cinéma et de l'image animée",
	"code du domaine de l'état",
	"code du domaine public fluvial et de la navigation intérieure",
	"code du patrimoine",
	"code du service national",
	"code du sport",
	"code du tourisme",
	"code du travail",
	"code du travail maritime",
	"code électoral",
	"code forestier",
	"code général de la fonction publique",
	"code général de la propriété des personnes publiques",
	"code général des collectivités territoriales",
	"code général des impôts",
	"code minier",
	"code monétaire et financier",
	"code pénal",
	"code pénitentiaire",
	"code rural et de la pêche maritime",
	"code rural",
}

// codeAbbrev are the abbreviations texts use for a code after naming it.
var codeAbbrev = map[string]string{
	"CSS":  "code de la sécurité sociale",
	"CSP":  "code de la santé publique",
	"CGCT": "code général des collectivités territoriales",
	"CGI":  "code général des impôts",
	"CMF":  "code monétaire et financier",
	"CRPA": "code des relations entre le public et l'administration",
}

// codePattern matches a code's name however it is written: any case,
// accented or not ("Code de l'Environnement", "code de l'education").
func codePattern(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch r {
		case 'é', 'è', 'ê', 'e':
			b.WriteString(`[eéèêEÉÈÊ]`)
		case 'ô', 'o':
			b.WriteString(`[oôOÔ]`)
		case 'î', 'i':
			b.WriteString(`[iîIÎ]`)
		case 'à', 'a':
			b.WriteString(`[aàâAÀÂ]`)
		case ' ':
			b.WriteString(` ?`) // "financierest ainsi modifié": words run together
		case '\'':
			b.WriteString(`' ?`)
		default:
			b.WriteString(`(?i:` + regexp.QuoteMeta(string(r)) + `)`)
		}
	}
	return b.String()
}

var (
	reCodeName, reCodeAnaphor *regexp.Regexp
	// codeByKey finds a code's canonical name from the folded text that named it.
	codeByKey = map[string]string{}
)

// reCodeAbbrev: an abbreviation, in capitals, as a word.
var reCodeAbbrev = regexp.MustCompile(`\b(CSS|CSP|CGCT|CGI|CMF|CRPA)\b`)

func init() {
	names := append([]string(nil), frCodes...)
	// the longest name first: "code rural et de la pêche maritime" before "code rural"
	sort.SliceStable(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = codePattern(n)
		codeByKey[codeKey(n)] = n
	}
	reCodeName = regexp.MustCompile(`(?:` + strings.Join(parts, "|") + `)`)
	reCodeAnaphor = regexp.MustCompile(`(?i)\b(?:du m[êe]me code|dudit code|de ce code|du pr[ée]sent code|ledit code|ce m[êe]me code|ce code|le m[êe]me code|audit code|au m[êe]me code|au pr[ée]sent code|le pr[ée]sent code)\b`)
}

// codeKey folds a code's name as written for codeByKey: case, accents and
// spaces do not count.
func codeKey(s string) string {
	return strings.NewReplacer(" ", "", "'", "").Replace(veille.Fold(s))
}

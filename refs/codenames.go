package refs

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

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

var (
	// codeKeys are the codes' folded names (see codeKey), the longest first:
	// "code rural et de la pêche maritime" before "code rural".
	codeKeys []codeName
)

type codeName struct{ key, name string }

// reCodeAbbrev: an abbreviation, in capitals, as a word.
var reCodeAbbrev = regexp.MustCompile(`\b(CSS|CSP|CGCT|CGI|CMF|CRPA)\b`)

func init() {
	for _, n := range frCodes {
		codeKeys = append(codeKeys, codeName{codeKey(n), n})
	}
	sort.SliceStable(codeKeys, func(i, j int) bool { return len(codeKeys[i].key) > len(codeKeys[j].key) })
}

var keySpaces = strings.NewReplacer(" ", "", "'", "")

// codeKey folds a code's name as written: case, accents, spaces and
// apostrophes do not count ("Code de l'Education", "code monétaire et
// financierest ainsi modifié" where the words ran together).
func codeKey(s string) string {
	return keySpaces.Replace(veille.Fold(s))
}

// codeNameAt reads the name of a code starting at p ("code de …"): the
// canonical name and where the name ends in s, or "" when it is none of the
// codes in force. It folds the text as it goes and compares it with each
// code's folded name, the longest first, which is what a pattern of 65
// alternatives did at every "code" of the text, for a fraction of the cost.
func codeNameAt(s string, p int) (name string, end int) {
	window := s[p:min(len(s), p+160)]
	if nl := strings.IndexByte(window, '\n'); nl >= 0 {
		window = window[:nl]
	}
	key := codeKey(window)
	for _, c := range codeKeys {
		if !strings.HasPrefix(key, c.key) {
			continue
		}
		// where the name ends in s: walk the runes, counting the folded
		// bytes each gives (spaces and apostrophes none, œ two, a letter one)
		n := 0
		for i, r := range window {
			switch {
			case r == ' ' || r == '\'' || unicode.Is(unicode.Mn, r):
			case r == 'œ' || r == 'Œ' || r == 'æ' || r == 'Æ' || r == 'ß':
				n += 2
			default:
				n++
			}
			if n >= len(c.key) {
				return c.name, p + i + utf8.RuneLen(r)
			}
		}
	}
	return "", 0
}

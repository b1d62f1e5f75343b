package refs

import (
	"regexp"
	"strings"
)

// A title says what the act does to the acts it names: "Arrêté … modifiant
// l'arrêté du 3 octobre 2010 relatif …", "Regulation … amending Regulation
// (EU) 2017/745 as regards …". The relation holds for the references between
// its verb and the next clause (the next verb, or the words that start the
// subject matter: relatif à, fixant, as regards…).
var (
	reRelation = regexp.MustCompile(`(?i:\b(modifiant|abrogeant|portant abrogation d[eu]s?|portant modification d[eu]s?|portant transposition d[eu]s?|transposant|pris pour l'application d[eu]s?|prise pour l'application d[eu]s?|pris en application d[eu]s?|portant application d[eu]s?|amending|repealing|transposing|for the application of))\b|\bimplementing\b`)
	reClause   = regexp.MustCompile(`(?i:\b(?:relati(?:f|ve|fs|ves)|portant|fixant|prescrivant|autorisant|concernant|d[ée]finissant|instaurant|pr[ée]cisant|d[ée]signant|d[ée]terminant|approuvant|homologuant|laying down|as regards|concerning|with regard to|supplementing|in respect of|correcting|on the|establishing)\b)`)
)

// relationWords: one is in every title reRelation matches (d.low folds ASCII only).
var relationWords = []string{"modifi", "abrog", "transpos", "application", "amending", "repealing", "implementing"}

// relationStarter: a verb begins with one of these letters, after \b.
var relationStarter = newStarter(reRelation, true, func(_, low string, i int) bool {
	return strings.IndexByte("maptrfi", low[i]) >= 0
})

// relSpan is a stretch of the title where references take a relation.
type relSpan struct {
	start, end int
	rel        string
}

type relations []relSpan

// at is the relation a title reference starting at pos takes.
func (rs relations) at(pos int) string {
	for _, r := range rs {
		if pos >= r.start && pos < r.end {
			return r.rel
		}
	}
	return ""
}

func relName(verb string) string {
	v := strings.ToLower(verb)
	switch {
	case strings.HasPrefix(v, "modifiant"), strings.HasPrefix(v, "portant modification"), v == "amending":
		return RelAmends
	case strings.HasPrefix(v, "abrogeant"), strings.HasPrefix(v, "portant abrogation"), v == "repealing":
		return RelRepeals
	case strings.Contains(v, "transpos"):
		return RelTransposes
	}
	return RelImplements
}

func titleRelations(d *doc) relations {
	title := d.s[:d.titleEnd]
	if !containsAny(d.low[:d.titleEnd], relationWords) {
		return nil
	}
	verbs := d.findAllAt(relationStarter, []window{{0, d.titleEnd}}, nil)
	var out relations
	for i, v := range verbs {
		word := title[v[0]:v[1]]
		if v[2] >= 0 {
			word = title[v[2]:v[3]]
		}
		end := len(title)
		if i+1 < len(verbs) {
			end = verbs[i+1][0]
		}
		// the clause ends at the first clause word after the first reference
		// that follows the verb ("modifiant l'arrêté du … relatif à …")
		from := v[1]
		for _, f := range d.refs {
			if f.start >= v[1] && f.start < end {
				from = max(from, f.end)
				break
			}
		}
		if c := reClause.FindStringIndex(title[from:end]); c != nil {
			end = from + c[0]
		}
		out = append(out, relSpan{start: v[1], end: end, rel: relName(word)})
	}
	return out
}

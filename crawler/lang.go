package crawler

import (
	"strings"
	"unicode"
)

// Words frequent in one language and rare in the other. Ambiguous ones
// ("a", "on", "as", "but", "plus", "me") are left out on purpose.
var (
	frenchWords = wordSet(`le la les des du de et est une un pour dans par sur au aux
		qui que ne pas avec ce cette ces sont été être leur leurs ou où il elle nous vous ils
		son sa ses se lui mais donc dont entre sans sous chez après avant selon lors
		relatif relative relatifs relatives portant modifiant fixant arrêté décret décision
		avis loi janvier février mars avril mai juin juillet août septembre octobre
		novembre décembre à l d qu n s j c également ainsi très aussi peut doit`)
	englishWords = wordSet(`the and of to in is for with that by this are be from at or an
		was it which has have not will its their they were been can should would may
		into about than other these those such any all between under after before
		new also must shall we our you your he she his her who what when where how
		january february march april june july august september october november december
		notice rule final proposed regarding`)
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// detectWords bounds the work on long texts: the first words decide.
const detectWords = 400

// DetectLang guesses whether text is French or English by counting frequent
// function words of each language. It returns "fr", "en", or "" when the
// text is too short or too mixed to tell.
func DetectLang(text string) string {
	fr, en, n := 0, 0, 0
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := strings.ToLower(text[start:end])
		start = -1
		n++
		if frenchWords[w] {
			fr++
		}
		if englishWords[w] {
			en++
		}
	}
	for i, r := range text {
		if unicode.IsLetter(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		// an apostrophe ends a French elision (l', d', qu') like any non-letter
		flush(i)
		if n >= detectWords {
			break
		}
	}
	if n < detectWords {
		flush(len(text))
	}
	switch {
	case fr >= 2 && fr > 2*en:
		return "fr"
	case en >= 2 && en > 2*fr:
		return "en"
	case fr+en >= 6 && fr*2 > en*3:
		return "fr"
	case fr+en >= 6 && en*2 > fr*3:
		return "en"
	}
	return ""
}

// langSubtag reduces a language tag ("fr-FR", "en_us", "EN") to its primary
// subtag; names like "French" are understood too. Unknown forms give "".
func langSubtag(tag string) string {
	t := strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(t, "-_ ;,"); i >= 0 {
		t = t[:i]
	}
	switch t {
	case "french", "français", "francais", "fra", "fre":
		return "fr"
	case "english", "anglais", "eng":
		return "en"
	}
	if len(t) < 2 || len(t) > 3 {
		return ""
	}
	for _, r := range t {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return t
}

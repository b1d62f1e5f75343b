package veille

import (
	"fmt"
	"strings"
	"unicode"
)

// RefKinds are the reference kinds of REFS.md, the only ones a glossary
// entry's ref may name.
var RefKinds = []string{"eu-act", "celex", "fr-act", "nor", "fr-code", "icpe", "standard", "cas", "us-cfr", "us-fr-doc"}

// IsAcronym says whether w is written as an acronym: one word that starts
// with a capital, holds at least two capitals and more capitals than small
// letters, digits allowed (REACH, MDR, RoHS, CO2). The config and the query
// language share it, so a glossary acronym and one typed in a query are
// recognised alike.
func IsAcronym(w string) bool {
	upper, lower := 0, 0
	for i, r := range w {
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r) && i > 0:
			lower++
		case unicode.IsDigit(r) && i > 0:
		default:
			return false
		}
	}
	return upper >= 2 && upper > lower
}

// GlossaryKey is the form glossary terms are compared in: folded, words
// split on anything but letters and digits, a plural -s or -x dropped from
// words of more than three letters. "Dispositifs médicaux" and
// "dispositif medicaux" share a key; "déchet" and "Déchets" too.
func GlossaryKey(term string) string {
	words := strings.FieldsFunc(Fold(term), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := words[:0]
	for _, w := range words {
		if glossaryStopWords[w] {
			continue
		}
		if len(w) > 3 && (strings.HasSuffix(w, "s") || strings.HasSuffix(w, "x")) {
			w = w[:len(w)-1]
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// glossaryStopWords are left out of keys, so that "traitement surface"
// typed in a query is the term "traitement de surface".
var glossaryStopWords = map[string]bool{
	"a": true, "au": true, "aux": true, "d": true, "de": true, "des": true, "du": true, "en": true, "et": true,
	"l": true, "la": true, "le": true, "les": true, "ou": true, "pour": true, "sur": true, "un": true, "une": true,
	"an": true, "and": true, "for": true, "in": true, "of": true, "on": true, "or": true, "the": true, "to": true,
}

// glossary checks each entry: terms not empty, acronyms in capitals,
// something to expand to, a ref of a known kind, and no term in two
// entries (a query word must expand one way).
func (c checker) glossary(entries []GlossaryEntry) {
	seen := map[string]string{} // key → path of its first use
	for i, e := range entries {
		p := fmt.Sprintf("glossary[%d]", i)
		n := 0
		for _, l := range []struct {
			name  string
			terms []string
		}{{"fr", e.FR}, {"en", e.EN}, {"acronyms", e.Acronyms}} {
			for j, t := range l.terms {
				tp := fmt.Sprintf("%s.%s[%d]", p, l.name, j)
				key := GlossaryKey(t)
				switch {
				case key == "":
					c.add(tp, "empty term")
					continue
				}
				n++
				if l.name == "acronyms" && !IsAcronym(strings.TrimSpace(t)) {
					c.add(tp, "%q is not an acronym: write one word in capitals (REACH, MDR), or put it under fr or en", t)
					continue
				}
				if first, dup := seen[key]; dup {
					if strings.HasPrefix(first, p+".") {
						c.add(tp, "%q repeats %s: plurals, accents and case already match", t, first)
					} else {
						c.add(tp, "%q is already in the glossary at line %d (%s): a term belongs to one entry", t, c.lineOf(first), first)
					}
					continue
				}
				seen[key] = tp
			}
		}
		if n < 2 {
			c.add(p, "an entry needs at least two terms (fr, en or acronyms) to expand one into the other")
		}
		if e.Ref != "" {
			kind, id, ok := strings.Cut(e.Ref, ":")
			known := false
			for _, k := range RefKinds {
				known = known || k == kind
			}
			switch {
			case !ok || strings.TrimSpace(id) == "":
				c.add(p+".ref", "ref %q must be kind:id, such as eu-act:Regulation (EU) 2017/745", e.Ref)
			case !known:
				c.add(p+".ref", "unknown ref kind %q (known: %s)", kind, strings.Join(RefKinds, ", "))
			}
		}
	}
}

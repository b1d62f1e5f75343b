package index

import (
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
)

// frStemTokenFilter is Bleve's French light stemmer but for the nouns of
// action and result it over-joins with their root: it cuts -ation, -ition
// and -ement, so "implantation" (of road signs) met "implant" (a medical
// device), "installation" met "installer", "traitement" met "traité" (a
// treaty) and "règlement" met "règle". Such words only lose their plural.
// It runs after accent folding, on one token at a time.
type frStemTokenFilter struct {
	light *fr.FrenchLightStemmerFilter
}

// keptSuffixes end the words the light stemmer must leave whole.
var keptSuffixes = []string{"ation", "ition", "ement"}

func (f frStemTokenFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		if w, ok := keptWord(string(t.Term)); ok {
			t.Term = []byte(w)
			continue
		}
		f.light.Filter(analysis.TokenStream{t})
	}
	return in
}

// keptWord is the word without its plural when it ends with a kept suffix.
func keptWord(w string) (string, bool) {
	s := strings.TrimSuffix(w, "s")
	for _, suf := range keptSuffixes {
		if strings.HasSuffix(s, suf) && len(s) > len(suf)+2 {
			return s, true
		}
	}
	return w, false
}

package index

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/nogentech/veille"
)

// Vocabulary is what the query language knows of the watch's words: the
// glossary of feeds.yaml, which expands a query word to its synonyms,
// acronyms and translation, and the taxonomy, whose ids and labels in
// either language name the values of domain: and competence:.
type Vocabulary struct {
	byKey    map[string]*glossEntry // veille.GlossaryKey of a term → its entry
	maxWords int                    // words of the longest term
	// values maps a keyword field to what users may type for each value
	// (GlossaryKey of the id or of a label) and the value it means.
	values map[string]map[string]string
	// names lists each field's values with their labels, for messages.
	names map[string][]string
	// cats maps the key of a category's id or label to the category, so
	// that words naming a category also find the items tagged with it.
	cats map[string][]catRef
}

// catRef is a domain or competence: its keyword field and id.
type catRef struct{ field, id string }

type glossTerm struct {
	text    string
	key     string
	lang    string // "fr" or "en"; "" for acronyms and numbers, in every language
	acronym bool
}

type glossEntry struct {
	terms []glossTerm
	ref   string
}

// redundant says whether another term of the entry has all of t's words
// but some: an item holding t holds that one too, and counting both would
// let the item outrank one holding the word typed ("installations classées
// pour la protection de l'environnement" beside "installation classée").
func (e *glossEntry) redundant(t glossTerm) bool {
	words := strings.Fields(t.key)
	for _, o := range e.terms {
		if o.key == t.key || o.acronym || len(strings.Fields(o.key)) >= len(words) {
			continue
		}
		all := true
		for _, w := range strings.Fields(o.key) {
			all = all && slices.Contains(words, w)
		}
		if all {
			return true
		}
	}
	return false
}

// NewVocabulary takes the glossary and the taxonomy of a config.
func NewVocabulary(cfg veille.Config) *Vocabulary {
	v := &Vocabulary{byKey: map[string]*glossEntry{}, values: map[string]map[string]string{}, names: map[string][]string{},
		cats: map[string][]catRef{}}
	for _, g := range cfg.Glossary {
		e := &glossEntry{ref: g.Ref}
		add := func(text, lang string, acronym bool) {
			text = strings.TrimSpace(text)
			key := veille.GlossaryKey(text)
			if key == "" {
				return
			}
			if isNumberRef(text) {
				lang = ""
			}
			e.terms = append(e.terms, glossTerm{text: text, key: key, lang: lang, acronym: acronym})
			if _, dup := v.byKey[key]; !dup { // the config refuses duplicates; the first wins
				v.byKey[key] = e
			}
			// Typed words are split at spaces, stop words included.
			v.maxWords = max(v.maxWords, len(strings.Fields(text)))
		}
		for _, t := range g.FR {
			add(t, "fr", false)
		}
		for _, t := range g.EN {
			add(t, "en", false)
		}
		for _, t := range g.Acronyms {
			add(t, "", true)
		}
	}
	for _, f := range []struct {
		field string
		cats  []veille.Category
	}{{fDomains, cfg.Domains}, {fCompetences, cfg.Competences}} {
		if len(f.cats) == 0 {
			continue
		}
		m := map[string]string{}
		for _, c := range f.cats {
			m[veille.GlossaryKey(c.ID)] = c.ID
			for _, name := range append([]string{c.ID}, c.Label["fr"], c.Label["en"]) {
				if k := veille.GlossaryKey(name); k != "" && !slices.Contains(v.cats[k], catRef{f.field, c.ID}) {
					v.cats[k] = append(v.cats[k], catRef{f.field, c.ID})
					v.maxWords = max(v.maxWords, len(strings.Fields(name)))
				}
			}
			name := c.ID
			var labels []string
			for _, l := range []string{"fr", "en"} {
				if lab := c.Label[l]; lab != "" {
					m[veille.GlossaryKey(lab)] = c.ID
					labels = append(labels, lab)
				}
			}
			if len(labels) > 0 {
				name += " (" + strings.Join(labels, ", ") + ")"
			}
			v.names[f.field] = append(v.names[f.field], name)
		}
		v.values[f.field] = m
	}
	langs := map[string]string{}
	for typed, l := range map[string]string{"fr": "fr", "en": "en", "français": "fr", "french": "fr", "anglais": "en", "english": "en"} {
		langs[veille.GlossaryKey(typed)] = l
	}
	v.values[fLang] = langs
	v.names[fLang] = []string{"fr (français, French)", "en (anglais, English)"}
	return v
}

// shippedVocabulary is the vocabulary of the shipped feeds.yaml, for an
// index opened without one and for ParseQuery.
var shippedVocabulary = sync.OnceValue(func() *Vocabulary {
	cfg, err := veille.ParseConfig(veille.ShippedConfig, "feeds.yaml")
	if err != nil {
		// The shipped config is tested (shipped_test.go); an empty
		// vocabulary only loses the expansions.
		return NewVocabulary(veille.Config{})
	}
	return NewVocabulary(cfg)
})

// lookup finds the longest glossary term made of the first words, and
// returns its entry, the term and how many words it took.
func (v *Vocabulary) lookup(words []string) (*glossEntry, glossTerm, int) {
	for n := min(len(words), v.maxWords); n > 0; n-- {
		key := veille.GlossaryKey(strings.Join(words[:n], " "))
		if key == "" {
			continue
		}
		if e := v.byKey[key]; e != nil {
			for _, t := range e.terms {
				if t.key == key {
					return e, t, n
				}
			}
		}
	}
	return nil, glossTerm{}, 0
}

// categories are the categories named by any of the keys.
func (v *Vocabulary) categories(keys ...string) []catRef {
	var out []catRef
	for _, k := range keys {
		for _, c := range v.cats[k] {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// unit is a run of consecutive words typed that the query reads as one:
// a glossary term (entry and the term typed), a category name (cats), or a
// lone word (neither).
type unit struct {
	n     int // words
	entry *glossEntry
	typed glossTerm
	cats  []catRef
}

// units reads consecutive words typed as glossary terms, category names and
// lone words, the longest first: the one home of that grouping, for the
// query, its language and the hints.
func (v *Vocabulary) units(words []string) []unit {
	var out []unit
	for i := 0; i < len(words); {
		u := unit{}
		u.entry, u.typed, u.n = v.lookup(words[i:])
		if u.entry != nil {
			keys := make([]string, len(u.entry.terms))
			for j, t := range u.entry.terms {
				keys[j] = t.key
			}
			u.cats = v.categories(keys...)
		} else if u.cats, u.n = v.lookupCategory(words[i:]); u.n == 0 {
			u.n = 1
		}
		out = append(out, u)
		i += u.n
	}
	return out
}

// lookupCategory finds the longest run of the first words that names a
// category, and how many words it took.
func (v *Vocabulary) lookupCategory(words []string) ([]catRef, int) {
	for n := min(len(words), v.maxWords); n > 0; n-- {
		if cats := v.cats[veille.GlossaryKey(strings.Join(words[:n], " "))]; len(cats) > 0 {
			return cats, n
		}
	}
	return nil, 0
}

// fieldValue is the value of a keyword field that what the user typed
// means: an id, or a label in either language, accents, case and hyphens
// aside ("traitement-de-surface" is the label "Traitement de surface").
// ok is false when the field has a known list of values and this is not
// one of them; the list is then in the message.
func (v *Vocabulary) fieldValue(field, typed string) (string, bool) {
	m := v.values[field]
	if m == nil {
		return normalizeKeyword(field, typed), true
	}
	if id, ok := m[veille.GlossaryKey(typed)]; ok {
		return id, true
	}
	return "", false
}

// valueNames lists the values of a field with their labels.
func (v *Vocabulary) valueNames(field string) string {
	names := append([]string(nil), v.names[field]...)
	sort.Strings(names)
	return strings.Join(names, "; ")
}

package veille

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// How much text counts as the head of an item, and how much evidence a long
// body needs. A term in the title, the categories or the opening of the
// summary tags the item; a body mentions many things in passing (a JORF act
// carries 10–100 KB of full text), so a body-only match needs a Strong term,
// or at least two distinct keywords repeated in proportion to its length.
const (
	// headSummaryWords: words of the summary weighed like the title; the
	// rest of a long summary (some feeds put the whole article there) is body.
	headSummaryWords = 200
	// bodyMinDistinct distinct keywords are needed for a body-only match...
	bodyMinDistinct = 2
	// ...occurring at least bodyMinHits times, plus one per bodyWordsPerHit
	// words of body.
	bodyMinHits     = 2
	bodyWordsPerHit = 3000
)

type termKind uint8

const (
	kindKeyword termKind = iota
	kindStrong
	kindExclude
)

// ref ties a compiled term to a category rule and to the term as the
// config writes it (which Why reports).
type ref struct {
	cat  int
	kind termKind
	text string
	// group numbers the config entry: the alternatives of "a|b" are one
	// piece of evidence, not two.
	group int
}

// term is a keyword compiled to a sequence of word stems.
type term struct {
	words []string // stems; the last one is a raw folded prefix when prefix
	// caps: the word was written in capitals, an acronym; the text must
	// write it in capitals too, and exactly (raw), since stemming "PFAS"
	// or "ICPE" would make other acronyms of them.
	caps []bool
	raw  []string
	// prefix: the keyword ended in "*" and its last word matches any word
	// that starts with it.
	prefix bool
	refs   []int // indexes into Tagger.refs
}

type category struct {
	id       string
	domain   bool
	implies  []int
	requires []int
}

// Tagger assigns domains and competences to items from the taxonomy's
// rules. It is built once from the config and is safe for concurrent use.
type Tagger struct {
	cats  []category
	terms []term
	refs  []ref
	// byFirst indexes terms by their first stem; byPrefix holds one-word
	// prefix terms by prefix, looked up for each length in prefixLens.
	byFirst    map[string][]int
	byPrefix   map[string][]int
	prefixLens []int
	scanners   sync.Pool
}

// NewTagger compiles the rules of the taxonomy once. A rule entry may list
// alternatives that count as one piece of evidence, "EPI|équipements de
// protection individuelle"; an entry ending in "*" is a prefix. NewTagger
// fails on a category without an id, a duplicate id, an Implies or Requires
// naming no category, or a term that cannot match (empty, no letters or
// digits, a misplaced "*", a prefix too short).
func NewTagger(domains, competences []Category) (*Tagger, error) {
	t := &Tagger{byFirst: map[string][]int{}, byPrefix: map[string][]int{}}
	t.scanners.New = func() any { return new(scanner) }
	index := map[string]int{}
	all := make([]Category, 0, len(domains)+len(competences))
	all = append(all, domains...)
	all = append(all, competences...)
	for i, c := range all {
		kind := "domain"
		if i >= len(domains) {
			kind = "competence"
		}
		if strings.TrimSpace(c.ID) == "" {
			return nil, fmt.Errorf("taxonomy: %s %d has no id", kind, i+1)
		}
		if _, dup := index[c.ID]; dup {
			return nil, fmt.Errorf("taxonomy: %s %q is defined twice", kind, c.ID)
		}
		index[c.ID] = i
		t.cats = append(t.cats, category{id: c.ID, domain: i < len(domains)})
	}
	terms := map[string]int{} // compiled form → index in t.terms
	group := 0
	for i, c := range all {
		kind := "domain"
		if !t.cats[i].domain {
			kind = "competence"
		}
		for _, rule := range []struct {
			name  string
			kind  termKind
			words []string
		}{{"keywords", kindKeyword, c.Keywords}, {"strong", kindStrong, c.Strong}, {"exclude", kindExclude, c.Exclude}} {
			for j, entry := range rule.words {
				group++
				for _, alt := range strings.Split(entry, "|") {
					r := ref{cat: i, kind: rule.kind, text: strings.TrimSpace(alt), group: group}
					if err := t.addTerm(terms, alt, r); err != nil {
						return nil, fmt.Errorf("taxonomy: %s %q: %s[%d] %q: %w", kind, c.ID, rule.name, j, entry, err)
					}
				}
			}
		}
		for _, id := range c.Implies {
			k, ok := index[id]
			if !ok {
				return nil, fmt.Errorf("taxonomy: %s %q implies unknown category %q", kind, c.ID, id)
			}
			t.cats[i].implies = append(t.cats[i].implies, k)
		}
		for _, id := range c.Requires {
			k, ok := index[id]
			if !ok {
				return nil, fmt.Errorf("taxonomy: %s %q requires unknown category %q", kind, c.ID, id)
			}
			t.cats[i].requires = append(t.cats[i].requires, k)
		}
	}
	for p := range t.byPrefix {
		if !slices.Contains(t.prefixLens, len(p)) {
			t.prefixLens = append(t.prefixLens, len(p))
		}
	}
	slices.Sort(t.prefixLens)
	return t, nil
}

// addTerm compiles kw and files r under it, sharing one term between
// categories that use the same words.
func (t *Tagger) addTerm(terms map[string]int, kw string, r ref) error {
	s := strings.TrimSpace(kw)
	if s == "" {
		return errors.New("empty term")
	}
	prefix := strings.HasSuffix(s, "*")
	body := strings.TrimSuffix(s, "*")
	if strings.Contains(body, "*") {
		return errors.New(`"*" may only end a term (prefix match)`)
	}
	var sc scanner
	sc.scan(body)
	if len(sc.toks) == 0 {
		return errors.New("no letters or digits to match")
	}
	tm := term{prefix: prefix}
	for i := range sc.toks {
		w := string(sc.stemWord(i))
		if prefix && i == len(sc.toks)-1 {
			w = string(sc.rawWord(i))
			// Alone, a short prefix would match half the dictionary; after
			// other words ("T3 ch*") it is anchored.
			if len(w) < 3 && len(sc.toks) == 1 || len(w) < 2 {
				return errors.New("a prefix needs at least three characters (two after other words)")
			}
		}
		tm.words = append(tm.words, w)
		tm.raw = append(tm.raw, string(sc.rawWord(i)))
		// One capital letter (T3, L. 165-1) is not an acronym.
		tm.caps = append(tm.caps, sc.toks[i].upper && countLetters(sc.rawWord(i)) >= 2)
	}
	if prefix && body != strings.TrimRight(body, " \t") {
		return errors.New(`"*" must follow a word`)
	}
	key := fmt.Sprint(tm.words, tm.caps, tm.prefix)
	k, ok := terms[key]
	if !ok {
		k = len(t.terms)
		terms[key] = k
		t.terms = append(t.terms, tm)
		if prefix && len(tm.words) == 1 {
			t.byPrefix[tm.words[0]] = append(t.byPrefix[tm.words[0]], k)
		} else {
			t.byFirst[tm.words[0]] = append(t.byFirst[tm.words[0]], k)
		}
	}
	// One term counts once per category, whatever spellings of it the
	// config lists: "dispositif médical" and "dispositifs médicaux" are one
	// piece of evidence, and a Strong spelling makes it strong.
	for _, ri := range t.terms[k].refs {
		old := &t.refs[ri]
		if old.cat != r.cat || (old.kind == kindExclude) != (r.kind == kindExclude) {
			continue
		}
		if r.kind == kindStrong && old.kind == kindKeyword {
			*old = r
		}
		return nil
	}
	t.refs = append(t.refs, r)
	t.terms[k].refs = append(t.terms[k].refs, len(t.refs)-1)
	return nil
}

func countLetters(w []byte) int {
	n := 0
	for _, c := range w {
		if c < '0' || c > '9' {
			n++
		}
	}
	return n
}

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

// zone says where a term was seen.
type zone uint8

const (
	zoneHead zone = 1 << iota // title, categories, opening of the summary
	zoneBody                  // content and the rest of the summary
	// zoneBodyAlone: seen in the body at least once not overlapping an
	// earlier match of the same category, so "norme NF EN" is one piece of
	// evidence, not two ("norme NF" and "NF EN").
	zoneBodyAlone
)

// tagRun is the per-call state of Tag.
type tagRun struct {
	t    *Tagger
	seen []zone // per ref
	// per category: occurrences of its terms in the body, and where the
	// last one ended (word index in the current zone).
	bodyHits  []int
	lastEnd   []int
	bodyWords int
}

// Tag sets it.Domains, it.Competences and it.Why from the item's title,
// summary, content and categories, then adds src's default domains and
// competences (Why records "source:<id>" for them). Domains and competences
// come out sorted and deduplicated; Why maps each to the terms that earned
// it, as the config writes them. Tagging the same item twice gives the same
// result.
func (t *Tagger) Tag(it *Item, src Source) {
	run := tagRun{t: t, seen: make([]zone, len(t.refs)),
		bodyHits: make([]int, len(t.cats)), lastEnd: make([]int, len(t.cats))}
	sc := t.scanners.Get().(*scanner)
	defer t.scanners.Put(sc)

	run.scanZone(sc, it.Title, headOnly)
	for _, c := range it.Categories {
		run.scanZone(sc, c, headOnly)
	}
	if !cutFrom(it.Summary, it.Content) {
		run.scanZone(sc, it.Summary, headSummaryWords)
	}
	run.scanZone(sc, it.Content, 0)

	tagged, why := run.decide()
	fromSource := make([]bool, len(t.cats))
	it.Domains, it.Competences, it.Why = []string{}, []string{}, map[string][]string{}
	add := func(id string, list *[]string) {
		reason := "source:" + src.ID
		for i, c := range t.cats {
			if c.id == id {
				tagged[i], fromSource[i] = true, true
				why[i] = append(why[i], reason)
				return
			}
		}
		// An id the taxonomy does not know (config validation reports it)
		// is still added as the source states it.
		if id != "" {
			*list = append(*list, id)
			it.Why[id] = append(it.Why[id], reason)
		}
	}
	for _, id := range src.Domains {
		add(id, &it.Domains)
	}
	for _, id := range src.Competences {
		add(id, &it.Competences)
	}
	t.applyRequires(tagged, fromSource, why)
	t.applyImplies(tagged, why)

	for i, c := range t.cats {
		if !tagged[i] {
			continue
		}
		if c.domain {
			it.Domains = append(it.Domains, c.id)
		} else {
			it.Competences = append(it.Competences, c.id)
		}
		it.Why[c.id] = append(it.Why[c.id], why[i]...)
	}
	for id, w := range it.Why {
		slices.Sort(w)
		it.Why[id] = slices.Compact(w)
	}
	slices.Sort(it.Domains)
	slices.Sort(it.Competences)
	it.Domains = slices.Compact(it.Domains)
	it.Competences = slices.Compact(it.Competences)
}

const headOnly = -1

// cutFrom reports whether summary is only the opening of content, cut by
// the crawler for display (the JORF feeds have no summary of their own).
// Such a summary is body text, not a publisher's abstract, and is not
// weighed as head.
func cutFrom(summary, content string) bool {
	s := strings.TrimRight(strings.TrimSpace(summary), "…. ")
	return s != "" && content != "" && strings.HasPrefix(content, s)
}

// scanZone finds the terms of s. The first headWords words are head (all of
// them when headWords is headOnly), the rest body.
func (r *tagRun) scanZone(sc *scanner, s string, headWords int) {
	if s == "" {
		return
	}
	sc.reset()
	sc.scan(s)
	clear(r.lastEnd)
	t := r.t
	for i := range sc.toks {
		z := zoneHead
		if headWords != headOnly && i >= headWords {
			z = zoneBody
			r.bodyWords++
		}
		if ids, ok := t.byFirst[string(sc.stemWord(i))]; ok {
			for _, k := range ids {
				if t.matchAt(sc, i, k) {
					r.hit(k, z, i)
				}
			}
		}
		if len(t.prefixLens) > 0 {
			raw := sc.rawWord(i)
			for _, l := range t.prefixLens {
				if l > len(raw) {
					break
				}
				for _, k := range t.byPrefix[string(raw[:l])] {
					if t.matchAt(sc, i, k) {
						r.hit(k, z, i)
					}
				}
			}
		}
	}
}

// matchAt reports whether term k occurs at word i.
func (t *Tagger) matchAt(sc *scanner, i, k int) bool {
	tm := &t.terms[k]
	if i+len(tm.words) > len(sc.toks) {
		return false
	}
	last := len(tm.words) - 1
	for j, w := range tm.words {
		if tm.caps[j] && !sc.toks[i+j].upper {
			return false
		}
		switch {
		case tm.prefix && j == last:
			raw := sc.rawWord(i + j)
			if len(raw) < len(w) || string(raw[:len(w)]) != w {
				return false
			}
		case tm.caps[j]:
			if string(sc.rawWord(i+j)) != tm.raw[j] {
				return false
			}
		case string(sc.stemWord(i+j)) != w:
			return false
		}
	}
	return true
}

// hit records term k seen at word i of the current zone.
func (r *tagRun) hit(k int, z zone, i int) {
	end := i + len(r.t.terms[k].words)
	for _, ri := range r.t.terms[k].refs {
		rf := &r.t.refs[ri]
		r.seen[ri] |= z
		if z != zoneBody || rf.kind == kindExclude {
			continue
		}
		if i >= r.lastEnd[rf.cat] {
			r.seen[ri] |= zoneBodyAlone
			r.bodyHits[rf.cat]++
		}
		r.lastEnd[rf.cat] = max(r.lastEnd[rf.cat], end)
	}
}

// evidence is what one rule entry ("a|b|c") contributed: its longest
// matched spelling, the most telling one for Why.
type evidence struct {
	group int
	text  string
}

func addEvidence(list []evidence, rf ref) []evidence {
	for i, e := range list {
		if e.group == rf.group {
			if len(rf.text) > len(e.text) {
				list[i].text = rf.text
			}
			return list
		}
	}
	return append(list, evidence{rf.group, rf.text})
}

func texts(dst []string, list []evidence) []string {
	for _, e := range list {
		dst = append(dst, e.text)
	}
	return dst
}

// decide applies the zone rules: a category holds when one of its terms is
// in the head, a Strong term is in the body, or the body has enough distinct
// keywords often enough; an Exclude term in the head vetoes it.
func (r *tagRun) decide() ([]bool, [][]string) {
	t := r.t
	n := len(t.cats)
	excluded := make([]bool, n)
	head := make([][]evidence, n)
	strong := make([][]evidence, n)
	body := make([][]evidence, n) // distinct evidence standing alone in the body
	for ri, z := range r.seen {
		if z == 0 {
			continue
		}
		rf := t.refs[ri]
		c := rf.cat
		if rf.kind == kindExclude {
			excluded[c] = excluded[c] || z&zoneHead != 0
			continue
		}
		if z&zoneHead != 0 {
			head[c] = addEvidence(head[c], rf)
		}
		if z&zoneBody != 0 && rf.kind == kindStrong {
			strong[c] = addEvidence(strong[c], rf)
		}
		if z&zoneBodyAlone != 0 {
			body[c] = addEvidence(body[c], rf)
		}
	}
	tagged := make([]bool, n)
	why := make([][]string, n)
	need := bodyMinHits + r.bodyWords/bodyWordsPerHit
	for i := range t.cats {
		switch {
		case excluded[i]:
		case len(head[i]) > 0 || len(strong[i]) > 0:
			tagged[i] = true
			why[i] = texts(texts(why[i], head[i]), strong[i])
		case len(body[i]) >= bodyMinDistinct && r.bodyHits[i] >= need:
			tagged[i] = true
			why[i] = texts(why[i], body[i])
		}
	}
	return tagged, why
}

// applyRequires drops rule-derived categories whose Requires names no
// category present; it repeats until nothing changes, since dropping one
// may orphan another. Source defaults are kept as given.
func (t *Tagger) applyRequires(tagged, fromSource []bool, why [][]string) {
	for changed := true; changed; {
		changed = false
		for i, c := range t.cats {
			if !tagged[i] || fromSource[i] || len(c.requires) == 0 {
				continue
			}
			ok := false
			for _, k := range c.requires {
				ok = ok || tagged[k]
			}
			if !ok {
				tagged[i], why[i], changed = false, nil, true
			}
		}
	}
}

// applyImplies adds what tagged categories bring along, transitively; Why
// records "via:<id>" for them.
func (t *Tagger) applyImplies(tagged []bool, why [][]string) {
	for changed := true; changed; {
		changed = false
		for i, c := range t.cats {
			if !tagged[i] {
				continue
			}
			for _, k := range c.implies {
				if !tagged[k] {
					tagged[k], changed = true, true
				}
				if !slices.Contains(why[k], "via:"+c.id) {
					why[k] = append(why[k], "via:"+c.id)
				}
			}
		}
	}
}

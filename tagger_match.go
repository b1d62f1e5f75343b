package veille

import (
	"slices"
	"strings"
)

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

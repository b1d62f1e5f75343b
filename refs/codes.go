package refs

import (
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Code articles: "article L. 521-5 du code de l'environnement" → "code de
// l'environnement L. 521-5". The article's code is, in order (REFS.md):
// the code named right after it or after the list it ends ("articles R.
// 211-38 à R. 211-45 du code…", "du même code", "du CSS"); the code the
// passage is amending ("Le code X est ainsi modifié : … à l'article R. …");
// the code named last before it ("Vu le code X, notamment ses articles …").
// A code article whose code the text never names is left out.
var (
	// an article with its letter: "L. 541-10-1", "R.* 1321-52", "R. 613-1-A", "D.253-8", "L541-10"
	reCodeArt = regexp.MustCompile(`([LRD])(\. ?\*? ?|\*? ?|)(\d{1,5}(?:-\d{1,5})*(?:-[A-Z]\b)?)`)
	// what may stand between two articles of one list
	reArtJoin = regexp.MustCompile(`^(?:,? (?:et|ou|à|au|and|to) |, |,|/)(?:(?:l'|les |aux |des |de l')?articles? )?$`)
	// an article of a list written without its letter, after one with it ("R. 211-38 à 211-45")
	reArtNoLetter = regexp.MustCompile(`^(?:,? (?:et|ou|à) |, )(\d{1,5}(?:-\d{1,5})+)\b`)
	// between an article (or list) and the code it belongs to
	// (a subdivision may come between: "article L. 162-17, deuxième alinéa, du code")
	reCodeGap = regexp.MustCompile(`^(?: et (?:suivants|s\.))?(?:, (?:[^,;:()\n]{1,40}),)?(?:,? ?(?:de la partie (?:l[ée]gislative|r[ée]glementaire|arr[êe]t[ée]s) )?(?:du|de|au|à la|à|en) ?|,? ?\(?|,? )$`)
	// an article written without a letter: "article 266 sexies du code des douanes"
	reArtPlain = regexp.MustCompile(`(?i:\barticles? )(\d{1,5}(?:-\d{1,5})*(?: (?:bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies|[A-Z])\b)?)`)
	// a sentence that amends the code it names opens a passage where bare
	// articles are that code's
	reAmending = regexp.MustCompile(`(?i)\b(?:ainsi modifi[ée]e?s?|ainsi r[ée]dig[ée]e?s?|est compl[ée]t[ée]e?|sont compl[ée]t[ée]e?s|est ins[ée]r[ée]e?|sont ins[ée]r[ée]e?s|est r[ée]tabli|est ajout[ée]e?|sont ajout[ée]e?s|est remplac[ée]e?|est modifi[ée]e?|sont modifi[ée]e?s|is amended)(?:[^\p{L}]|$)`)
)

// codeMention is a code named, abbreviated or referred back to.
type codeMention struct {
	start, end int
	name       string // resolved name; empty when an anaphor resolves to nothing
	// the amending passage open at this mention (it may be this one): its
	// code and where it ends
	scopeName string
	scopeEnd  int
}

// codeMentions lists, in text order, where the text names a code and which.
func codeMentions(d *doc) []codeMention {
	s := d.s
	var ms []codeMention
	codes := d.anchorSpans(true, []string{"code"}, 0, 0)
	for _, w := range codes {
		if wordBefore(s, w.start) {
			continue
		}
		name, end := codeNameAt(s, w.start)
		if name == "" {
			continue
		}
		m := []int{w.start, end}
		rest := strings.ToLower(s[m[1]:min(len(s), m[1]+12)])
		if name == "code des douanes" && (strings.HasPrefix(rest, " de l'union") || strings.HasPrefix(rest, " communautaire")) {
			continue // the Union Customs Code is an EU regulation
		}
		ms = append(ms, codeMention{start: m[0], end: m[1], name: name})
	}
	for _, m := range d.findAll(reCodeAbbrev, d.windows(false, []string{"CSS", "CSP", "CGCT", "CGI", "CMF", "CRPA"}, 1, 2)) {
		ms = append(ms, codeMention{start: m[0], end: m[1], name: codeAbbrev[s[m[0]:m[1]]]})
	}
	for _, w := range anaphorSpans(d.low, codes) {
		if !wordBefore(s, w.start) && !wordAfter(s, w.end) {
			ms = append(ms, codeMention{start: w.start, end: w.end})
		}
	}
	sortMentions(ms)
	headings := articleHeadings(d)
	last, scopeName, scopeEnd := "", "", -1
	for i := range ms {
		m := &ms[i]
		if m.start >= scopeEnd {
			scopeName = ""
		}
		if m.name == "" {
			// "du présent code" in a passage that amends a code is that code
			if scopeName != "" && strings.Contains(strings.ToLower(s[m.start:m.end]), "sent") {
				m.name = scopeName
			} else {
				m.name = last
			}
		}
		if m.name == "" {
			continue
		}
		last = m.name
		// "Le code X est ainsi modifié :" says it right after the name
		if after := s[m.end:min(sentenceEnd(s, m.end), m.end+160)]; containsAny(after, amendingWords) && reAmending.MatchString(after) {
			scopeName, scopeEnd = m.name, len(s)
			if h := sort.Search(len(headings), func(i int) bool { return headings[i][0] > m.end }); h < len(headings) {
				scopeEnd = headings[h][0]
			}
		}
		m.scopeName, m.scopeEnd = scopeName, scopeEnd
	}
	return slices.DeleteFunc(ms, func(m codeMention) bool { return m.name == "" })
}

func findCodeArticles(d *doc) {
	s := d.s
	ms := codeMentions(d)
	if len(ms) == 0 {
		return
	}
	onlyCode := ms[0].name
	for _, m := range ms {
		if m.name != onlyCode {
			onlyCode = ""
		}
	}

	type art struct {
		letter, num string
		start, end  int
	}
	var group []art
	flush := func() {
		if len(group) == 0 {
			return
		}
		defer func() { group = group[:0] }()
		gEnd := group[len(group)-1].end
		code := trailingCode(s, ms, gEnd)
		if code == "" {
			code = contextCode(ms, group[0].start)
		}
		if code == "" {
			code = onlyCode
		}
		if code == "" {
			return
		}
		for _, a := range group {
			d.add(KindFRCode, code+" "+a.letter+". "+a.num, a.start, a.end)
			d.claim(a.start, a.end)
		}
	}
	prevEnd := -1
	// "L." / "R." / "D." (or "R.*"), the form every citation of a lettered
	// article takes; "article L541-2" without a period is left out
	artWs := d.windows(false, []string{"L.", "R.", "D.", "L*", "R*", "D*"}, 1, 40)
	for _, m := range d.findAllAt(codeArtStarter, artWs, nil) {
		if wordBefore(s, m[0]) || wordAfter(s, m[1]) || d.isClaimed(m[0], m[1]) {
			continue
		}
		num := s[m[6]:m[7]]
		sep := s[m[4]:m[5]]
		lead := strings.ToLower(s[max(0, m[0]-10):m[0]])
		byWord := strings.HasSuffix(lead, "article ") || strings.HasSuffix(lead, "articles ") || strings.HasSuffix(lead, "art. ")
		inList := prevEnd >= 0 && reArtJoin.MatchString(s[prevEnd:m[0]])
		// a bare letter and number ("L 12") is too loose to be an article
		// unless a word or a list says so; a hyphenated one after "L." is not
		if !byWord && !inList && (!strings.Contains(num, "-") || (sep != "" && !strings.Contains(sep, "."))) {
			flush()
			prevEnd = -1
			continue
		}
		if !inList {
			flush()
		}
		group = append(group, art{letter: s[m[2]:m[3]], num: num, start: m[0], end: m[1]})
		end := m[1]
		for {
			mm := reArtNoLetter.FindStringSubmatchIndex(s[end:])
			if mm == nil || wordAfter(s, end+mm[1]) {
				break
			}
			group = append(group, art{letter: s[m[2]:m[3]], num: s[end+mm[2] : end+mm[3]], start: end + mm[2], end: end + mm[3]})
			end += mm[1]
		}
		prevEnd = end
	}
	flush()

	// articles without a letter, only where the code is named right after
	// (looked for back from each code's name, which is rarer than "article")
	for _, c := range ms {
		from := max(0, c.start-90)
		if !strings.Contains(d.low[from:c.start], "article") {
			continue
		}
		for _, m := range reArtPlain.FindAllStringSubmatchIndex(s[from:c.start], -1) {
			start, end := from+m[0], from+m[1]
			if d.isClaimed(start, end) || wordAfter(s, end) || wordBefore(s, start) {
				continue
			}
			if code := trailingCode(s, ms, end); code != "" {
				d.add(KindFRCode, code+" "+s[from+m[2]:from+m[3]], start, end)
				d.claim(start, end)
			}
		}
	}
}

// trailingCode is the code named right after position end, if any.
func trailingCode(s string, ms []codeMention, end int) string {
	i := sort.Search(len(ms), func(i int) bool { return ms[i].start >= end })
	if i == len(ms) || ms[i].start-end > 80 || !reCodeGap.MatchString(s[end:ms[i].start]) {
		return ""
	}
	return ms[i].name
}

// contextCode is the code of the amending passage that holds pos, or else
// the code named last before pos.
func contextCode(ms []codeMention, pos int) string {
	i := sort.Search(len(ms), func(i int) bool { return ms[i].start >= pos }) - 1
	if i < 0 {
		return ""
	}
	if ms[i].scopeName != "" && ms[i].scopeEnd > pos {
		return ms[i].scopeName
	}
	return ms[i].name
}

func sortMentions(ms []codeMention) {
	sort.Slice(ms, func(i, j int) bool { return ms[i].start < ms[j].start })
}

// codeArtStarter: an article's number begins with its letter.
var codeArtStarter = newStarter(reCodeArt, false, func(text, _ string, i int) bool {
	return text[i] == 'L' || text[i] == 'R' || text[i] == 'D'
})

// codeAnaphors refer back to the code named last ("du même code"), as the
// text is folded in d.low.
var codeAnaphors = [...]string{"même code", "meme code", "mÊme code", "dudit code", "ledit code", "audit code",
	"ce code", "présent code", "present code", "prÉsent code"}

// anaphorSpans are where low writes one of codeAnaphors, in the order
// anchorSpans gives them (anaphor by anaphor, then in text order), read off
// the places low writes "code", with which every anaphor ends: one pass over
// the text instead of one per anaphor.
func anaphorSpans(low string, codes []window) []window {
	var per [len(codeAnaphors)][]window
	for _, c := range codes {
		end := c.start + len("code")
		for k, a := range codeAnaphors {
			if start := end - len(a); start >= 0 && low[start:end] == a {
				per[k] = append(per[k], window{start, end})
			}
		}
	}
	var out []window
	for _, ws := range per {
		out = append(out, ws...)
	}
	return out
}

// amendingWords: one of them is in every text reAmending matches.
var amendingWords = []string{"ainsi", "compl", "ins", "tabli", "ajout", "remplac", "modifi", "amended"}

// articleHeadings are where an "Article 3" heading stands on a line of its
// own (or glued to the heading before it, "…financierArticle 4"): the end of
// the passage an amending sentence opened.
func articleHeadings(d *doc) [][]int {
	s := d.s
	var out [][]int
	for _, w := range d.anchorSpans(false, []string{"Article "}, 0, 0) {
		p := w.start
		if p > 0 && s[p-1] != '\n' && !(s[p-1] >= 'a' && s[p-1] <= 'z') && !strings.HasSuffix(s[:p], "é") {
			continue
		}
		i := p + len("Article ")
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		switch {
		case j > i:
			if strings.HasPrefix(s[j:], "er") {
				j += 2
			}
		case strings.HasPrefix(s[i:], "premier"):
			j = i + len("premier")
		default:
			continue
		}
		for j < len(s) && s[j] == ' ' {
			j++
		}
		if j == len(s) || s[j] == '\n' {
			out = append(out, []int{p, j})
		}
	}
	return out
}

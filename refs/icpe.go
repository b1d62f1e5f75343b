package refs

import (
	"regexp"
	"strings"
)

// ICPE rubriques: four digits of the nomenclature of classified
// installations (1xxx substances, 2xxx activities, 3xxx IED activities, 4xxx
// dangerous substances), after "rubrique(s)" or "ICPE"; a list after
// "rubriques" gives one each, and a letter ("3610a") is a sub-heading of the
// rubrique. IOTA water-law rubriques ("2.1.4.0") are not ICPE.
var (
	reICPEHead = regexp.MustCompile(`(?i:\brubriques?|\bICPE|\binstallations? class[ée]es?)(?: (?:n[°º]|no\.?|num[ée]ros?) ?| )`)
	reICPENum  = regexp.MustCompile(`^(?:n[°º] ?)?([1-4]\d{3})([a-z])?\b`)
	// what separates two rubriques of one list
	reICPEJoin = regexp.MustCompile(`^(?:, ou |, et |, | et | ou | à |/| - )`)
)

// icpeHeadWords: one of them is in every text reICPEHead matches, folded.
var icpeHeadWords = []string{"rubrique", "icpe", "class"}

// icpeHeadStarter: a head begins with one of its words, after \b.
var icpeHeadStarter = newStarter(reICPEHead, true, func(_, low string, i int) bool {
	switch low[i] {
	case 'r':
		return strings.HasPrefix(low[i:], "rubrique")
	case 'i':
		return strings.HasPrefix(low[i:], "icpe") || strings.HasPrefix(low[i:], "installation")
	}
	return false
})

func findICPE(d *doc) {
	s := d.s
	// "installation" is common; alone, without "classée", it heads nothing
	head := func(w window) bool { return d.lowHasAny(w, icpeHeadWords) }
	for _, h := range d.findAllAt(icpeHeadStarter, d.windows(true, []string{"rubrique", "icpe", "installation"}, 0, 30), head) {
		pos := h[1]
		for {
			m := reICPENum.FindStringSubmatchIndex(s[pos:])
			if m == nil || (m[1] < len(s)-pos && strings.ContainsRune(".,", rune(s[pos+m[1]])) && pos+m[1]+1 < len(s) && isDigit(s[pos+m[1]+1])) {
				break
			}
			d.add(KindICPE, s[pos+m[2]:pos+m[3]], pos+m[2], pos+m[1])
			d.claim(pos+m[2], pos+m[1])
			pos += m[1]
			// a description in brackets may follow each rubrique
			if rest := s[pos:]; strings.HasPrefix(rest, " (") {
				if c := closeParen(rest[1:], 400); c > 0 {
					pos += 1 + c
				}
			}
			j := reICPEJoin.FindStringIndex(s[pos:])
			if j == nil {
				break
			}
			pos += j[1]
		}
	}
}

// closeParen is the index just past the parenthesis that closes the one
// s starts with, looking at most limit bytes; 0 when there is none.
func closeParen(s string, limit int) int {
	depth := 0
	for i := 0; i < len(s) && i < limit; i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '\n':
			return 0
		}
	}
	return 0
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

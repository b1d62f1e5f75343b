package refs

import (
	"regexp"
	"strings"
)

// Standards: a body's prefix and number, with AFNOR's prefix kept ("NF EN
// 14385"), parts and amendments as written ("NF EN 1948-4+A1", "NF EN ISO
// 374-1/A1"), and ":YYYY" when the edition year is written next to it in any
// form: "ISO 13485:2016", "NF EN 14385 (mai 2004)", "the 2016 edition of ISO
// 13485" (REFS.md).
const (
	stdBody = `(?:EN ISO/IEC|EN ISO|EN IEC|ISO/IEC|ISO/TS|ISO/TR|ISO/ASTM|ISO/PAS|CEN/TS|CEN/TR|CLC/TS|CEN ISO/TS|EN|ISO|IEC|CEI|ASTM [A-G]|UTE C)`
	stdNum  = `(\d{1,6}(?:-\d{1,4})*)`
	stdAmd  = `((?:(?:/|\+| \+ )(?:A|AC|IN)\d{1,2}(?::(?:19|20)\d\d)?)*)`
	stdYear = `(?::((?:19|20)\d\d)(?:-\d\d)?)?`
)

var (
	// "NF EN ISO 374-1/A1", "XP CEN/TS 17405", "ISO 13485:2016", "ASTM F1980"
	reStd = regexp.MustCompile(`\b((?:(?:NF|XP|FD|GA|BP|PR NF|DIN|BS|UNE) )?` + stdBody + `) ?` + stdNum + stdAmd + stdYear)
	// AFNOR's own French standards: "NF X 43-551", "FD X 43-140", "NF C 15-100"
	reStdAFNOR = regexp.MustCompile(`\b((?:NF|XP|FD|GA) [A-Z]) (\d{2}-\d{3}(?:-\d{1,3})?)` + stdAmd + stdYear)
	// the edition written after: " (mai 2004)", " (2004)", ", version de mai 2004", " de 2016", " edition 2016"
	reStdEditionAfter = regexp.MustCompile(`^(?:,? \((?:(?i:version|édition|edition|indice) (?:de |d')?)?(?:(?i:` + frMonths + `|` + enMonths + `) )?((?:19|20)\d\d)\)|,? (?i:dans sa version|version|édition|edition|de|du|of|publiée en|published in)(?: (?:de|du|d'|of))? (?:(?i:` + frMonths + `|` + enMonths + `) )?((?:19|20)\d\d)\b)`)
	// the edition written before: "the 2016 edition of ISO 13485", "la version 2016 de la norme"
	reStdEditionBefore = regexp.MustCompile(`(?i:(?:the )?((?:19|20)\d\d) (?:edition|version|revision) of (?:the )?(?:standard )?|(?:la )?version ((?:19|20)\d\d) de (?:la norme )?)$`)
)

// both grammars begin with a body's capitals, after \b
var (
	stdStarter      = newStarter(reStd, true, upperStart)
	stdAFNORStarter = newStarter(reStdAFNOR, true, upperStart)
)

func findStandards(d *doc) {
	s := d.s
	add := func(desig string, start, end int, year string) {
		desig = strings.Join(strings.Fields(desig), " ")
		if year == "" {
			// the edition may follow in words, or precede
			if m := reStdEditionAfter.FindStringSubmatch(s[end:min(len(s), end+60)]); m != nil {
				year = m[1] + m[2]
			} else if m := reStdEditionBefore.FindStringSubmatch(s[max(0, start-40):start]); m != nil {
				year = m[1] + m[2]
			}
		}
		id := desig
		if year != "" {
			id += ":" + year
		}
		d.add(KindStandard, id, start, end)
		d.claim(start, end)
	}
	for _, m := range d.findAllAt(stdAFNORStarter, d.windows(false, []string{"NF ", "XP ", "FD ", "GA "}, 0, 30), nil) {
		if wordBefore(s, m[0]) || wordAfter(s, m[1]) {
			continue
		}
		year := ""
		if m[8] >= 0 {
			year = s[m[8]:m[9]]
		}
		add(s[m[2]:m[3]]+" "+s[m[4]:m[5]]+s[m[6]:m[7]], m[0], m[1], year)
	}
	for _, m := range d.findAllAt(stdStarter, d.windows(false, []string{"EN", "ISO", "IEC", "CEI", "ASTM", "UTE", "CEN", "CLC"}, 8, 50), nil) {
		if wordBefore(s, m[0]) || wordAfter(s, m[1]) || d.isClaimed(m[0], m[1]) {
			continue
		}
		prefix := s[m[2]:m[3]]
		if prefix == "EN" || prefix == "CEI" {
			// "EN 2021" in a title written in capitals is a word, not a standard
			if upperWordBefore(s, m[0]) {
				continue
			}
		}
		year := ""
		if m[8] >= 0 {
			year = s[m[8]:m[9]]
		}
		add(prefix+" "+s[m[4]:m[5]]+s[m[6]:m[7]], m[0], m[1], year)
	}
}

// upperWordBefore tells whether the word before pos is written in capitals
// (a title in capitals: "ENTRÉE EN 2021"), other than a standards prefix.
func upperWordBefore(s string, pos int) bool {
	before := strings.TrimRight(s[max(0, pos-30):pos], " ")
	i := strings.LastIndexAny(before, " \n(") + 1
	w := before[i:]
	if len(w) < 2 {
		return false
	}
	switch w {
	case "NF", "XP", "FD", "GA", "BP", "DIN", "BS":
		return false
	}
	return strings.ToUpper(w) == w && strings.ToLower(w) != w
}

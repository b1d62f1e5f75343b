package refs

import (
	"regexp"
	"strings"

	"github.com/nogentech/veille"
)

// French acts. A law, an ordonnance, a décret and most decisions carry a
// number ("décret n° 2021-147 du 11 février 2021"); an arrêté is cited by its
// date ("arrêté du 1er juin 2015"). The id is the type in lower case and the
// number, or the type and the date (REFS.md). Adjectives that do not change
// which act it is (ministériel, préfectoral, modifié) are dropped.
const (
	frType = `(?i:(lois? organiques?|lois?|ordonnances?|d[ée]crets?|arr[êe]t[ée]s?|d[ée]cisions?|d[ée]lib[ée]rations?|instructions?|circulaires?))`
	frAdj  = `(?i:(?: (?:interminist[ée]riels?|minist[ée]riels?|pr[ée]fectora(?:l|ux)|conjoints?|modifi[ée]e?s?|susvis[ée]e?s?|rectificati(?:f|ve)s?))*)`
	frNo   = `(?i:n[°º] ?|n ° ?|no\.? |num[ée]ro )`
	// a number: "2021-147", "97-1185", "2021-DC-0702", "2020/12"
	frNum = `(\d{2,4}(?:-[A-Z]{1,4})?-\d{1,5}(?:-\d+)?)`
)

var (
	reFRNumbered  = regexp.MustCompile(`\b` + frType + frAdj + ` ` + frNo + frNum + `\b(?:(?i: du) ` + frDate + `)?`)
	reFRDatedHead = regexp.MustCompile(`^` + frType + frAdj + `(?i: du |, en date du )$`)
	// further acts of the same type: "décrets n° 2020-1262 du 16 octobre 2020 et n° 2020-1310 du …"
	reFRMoreNo   = regexp.MustCompile(`^(?:, | et | ou )(?:le |du |au )?` + frNo + frNum + `\b(?:(?i: du) ` + frDate + `)?`)
	reFRMoreDate = regexp.MustCompile(`^(?:, | et | ou )(?:celui |ceux )?du ` + frDate + `\b`)
	reNOR        = regexp.MustCompile(`\b[A-Z]{4}\d{7}[A-Z]\b`)
)

// frNumberedStarter: a numbered act's citation begins with its type.
var frNumberedStarter = newStarter(reFRNumbered, true, func(_, low string, i int) bool {
	switch low[i] {
	case 'l':
		return strings.HasPrefix(low[i:], "loi")
	case 'o':
		return strings.HasPrefix(low[i:], "ordonnance")
	case 'a':
		return strings.HasPrefix(low[i:], "arr")
	case 'i':
		return strings.HasPrefix(low[i:], "instruction")
	case 'c':
		return strings.HasPrefix(low[i:], "circulaire")
	case 'd':
		return startsDE(low, i, "cret", "cision", "lib")
	}
	return false
})

// frTypeStems: where a type word starts, as d.low folds it.
var frTypeStems = []string{"arrêt", "arret", "arrÊt", "décret", "decret", "dÉcret", "loi", "ordonnance",
	"décision", "decision", "dÉcision", "délibération", "deliberation", "dÉlibÉration", "instruction", "circulaire"}

// frTypeWords: one is in every French act's type, as d.low folds it.
var frTypeWords = []string{"arr", "cret", "loi", "ordonnance", "cision", "lib", "instruction", "circulaire"}

var unaccent = strings.NewReplacer("é", "e", "ê", "e")

// frTypeName is the singular, lower-case type of a French act.
func frTypeName(w string) string {
	w = strings.ToLower(w)
	w = unaccent.Replace(w)
	switch {
	case strings.HasPrefix(w, "loi") && strings.Contains(w, "organique"):
		return "loi organique"
	case strings.HasPrefix(w, "loi"):
		return "loi"
	case strings.HasPrefix(w, "ordonnance"):
		return "ordonnance"
	case strings.HasPrefix(w, "decret"):
		return "décret"
	case strings.HasPrefix(w, "arrete"):
		return "arrêté"
	case strings.HasPrefix(w, "decision"):
		return "décision"
	case strings.HasPrefix(w, "deliberation"):
		return "délibération"
	case strings.HasPrefix(w, "instruction"):
		return "instruction"
	}
	return "circulaire"
}

// frAct is one French act cited in the text.
type frAct struct {
	typ, num, date string // num or date empty
	start, end     int
}

func findFRActs(d *doc) {
	s := d.s
	var acts []frAct
	// a numbered act writes "n°"
	ws := d.windows(true, []string{"n°", "nº", "n °", " no ", " no.", "numéro"}, 70, 60)
	// most "n°" number an article or a rubrique, with no act's type near
	hasType := func(w window) bool { return d.lowHasAny(w, frTypeWords) }
	for _, m := range d.findAllAt(frNumberedStarter, ws, hasType) {
		if d.isClaimed(m[0], m[1]) {
			continue
		}
		typ := frTypeName(s[m[2]:m[3]])
		a := frAct{typ: typ, num: s[m[4]:m[5]], start: m[0], end: m[1]}
		if m[6] >= 0 {
			if t, ok := parseFrDate(s[m[6]:m[7]], s[m[8]:m[9]], s[m[10]:m[11]]); ok {
				a.date = frDateID(t)
			}
		}
		acts = append(acts, a)
		end := m[1]
		for {
			mm := reFRMoreNo.FindStringSubmatchIndex(s[end:])
			if mm == nil {
				break
			}
			b := frAct{typ: typ, num: s[end+mm[2] : end+mm[3]], start: end + strings.IndexAny(s[end:end+mm[1]], "nN"), end: end + mm[1]}
			if mm[4] >= 0 {
				if t, ok := parseFrDate(s[end+mm[4]:end+mm[5]], s[end+mm[6]:end+mm[7]], s[end+mm[8]:end+mm[9]]); ok {
					b.date = frDateID(t)
				}
			}
			acts = append(acts, b)
			end += mm[1]
		}
		d.claim(m[0], end)
	}
	// an act cited by its date: the type just before a date ("arrêté du")
	for _, ds := range d.dateSpans() {
		from := max(0, ds.start-90)
		before := d.low[from:ds.start]
		if d.isClaimed(ds.start, ds.end) || !strings.HasSuffix(before, "du ") || !containsAny(before, frTypeWords) {
			continue
		}
		// the pattern runs from the last type word before the date, anchored
		at := -1
		for _, w := range frTypeStems {
			at = max(at, lastWordIndex(before, w))
		}
		if at < 0 {
			continue
		}
		from += at
		m := reFRDatedHead.FindStringSubmatchIndex(s[from:ds.start])
		if m == nil || wordBefore(s, from+m[0]) {
			continue
		}
		typ := frTypeName(s[from+m[2] : from+m[3]])
		acts = append(acts, frAct{typ: typ, date: frDateID(ds.t), start: from + m[0], end: ds.end})
		end := ds.end
		for {
			mm := reFRMoreDate.FindStringSubmatchIndex(s[end:])
			if mm == nil {
				break
			}
			if t, ok := parseFrDate(s[end+mm[2]:end+mm[3]], s[end+mm[4]:end+mm[5]], s[end+mm[6]:end+mm[7]]); ok {
				acts = append(acts, frAct{typ: typ, date: frDateID(t), start: end + strings.Index(s[end:], "du"), end: end + mm[1]})
			}
			end += mm[1]
		}
		d.claim(from+m[0], end)
	}

	// A date-only citation is the numbered act of the same type and date
	// when the text writes that number (REFS.md) and only one such act.
	numbers := map[string][]string{}
	for _, a := range acts {
		if a.num != "" && a.date != "" {
			k := a.typ + "\x00" + a.date
			if !contains(numbers[k], a.num) {
				numbers[k] = append(numbers[k], a.num)
			}
		}
	}
	for _, a := range acts {
		switch {
		case a.num != "":
			d.add(KindFRAct, a.typ+" n° "+a.num, a.start, a.end)
		case len(numbers[a.typ+"\x00"+a.date]) == 1:
			d.add(KindFRAct, a.typ+" n° "+numbers[a.typ+"\x00"+a.date][0], a.start, a.end)
		default:
			d.add(KindFRAct, a.typ+" du "+a.date, a.start, a.end)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// findNOR reads NOR numbers: three letters of the ministry, one of the
// service, the year, five digits and the kind of text ("TREL1821693V").
func findNOR(d *doc) {
	s := d.s
	// a NOR's seven digits follow four capitals: look from each run of
	// digits instead of running a pattern over every byte
	for i := 4; i+8 <= len(s); i++ {
		if !isDigit(s[i]) || !isUpperASCII(s[i-1]) || !isUpperASCII(s[i-4]) {
			continue
		}
		if m := reNOR.FindStringIndex(s[i-4 : i+8]); m != nil && m[0] == 0 && !wordBefore(s, i-4) && !wordAfter(s, i+8) {
			d.add(KindNOR, s[i-4:i+8], i-4, i+8)
			d.claim(i-4, i+8)
		}
	}
}

// ownAct is the act the item is: the designation that opens its title
// ("Décret n° 2021-147 du 11 février 2021 relatif…", "Arrêté du 17 décembre
// 2020 modifiant…", "Commission Implementing Regulation (EU) 2021/2078…"),
// else a Federal Register rule's own citation (frOwnAct).
func ownAct(d *doc) *veille.ActID {
	title := d.s[:d.titleEnd]
	// the designation must open the title, after at most a short qualifier
	// ("Commission Implementing", "Rectificatif au")
	first := -1
	var best found
	for _, f := range d.refs {
		if f.start >= d.titleEnd || (f.kind != KindFRAct && f.kind != KindEUAct) {
			continue
		}
		if first < 0 || f.start < first {
			first, best = f.start, f
		}
	}
	if first < 0 {
		return frOwnAct(d)
	}
	lead := strings.ToLower(strings.TrimSpace(title[:first]))
	switch lead {
	case "", "commission", "council", "commission implementing", "commission delegated",
		"council implementing", "the commission", "texte n°":
	default:
		return frOwnAct(d)
	}
	return &veille.ActID{Kind: best.kind, ID: best.id}
}

func isUpperASCII(c byte) bool { return 'A' <= c && c <= 'Z' }

// lastWordIndex is the last index of w in s where w starts a word ("loi",
// not the end of "emploi"), or -1.
func lastWordIndex(s, w string) int {
	for end := len(s); ; {
		i := strings.LastIndex(s[:end], w)
		if i <= 0 || !wordBefore(s, i) {
			return i
		}
		end = i
	}
}

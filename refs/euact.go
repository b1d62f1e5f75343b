package refs

import (
	"regexp"
	"strings"
)

// EU acts. Since 2015 every act is numbered "(UE) year/number" after its
// type; before, regulations were "(CE) n° number/year" and directives and
// decisions "year/number/CE". The id keeps the numbering as written, names
// the type in English, drops "n°" and the implementing/delegated qualifier
// (REFS.md): "règlement d'exécution (UE) 2018/2066" → "Regulation (EU)
// 2018/2066", "directive 2003/87/CE" → "Directive 2003/87/EC".
const (
	euType = `(?i:(r[èe]glements?|directives?(?:-cadres?)?|d[ée]cisions?|regulations?|decisions?))`
	// qualifiers between the type and the number, in French and English
	euQual = `(?i:(?: (?:d'ex[ée]cution|d[ée]l[ée]gu[ée]e?s?|de la Commission|du Conseil|du Parlement europ[ée]en et du Conseil|europ[ée]en(?:ne)?|communautaires?|implementing|delegated))*)`
	euSfx  = `(UE|CE|CEE|EU|EC|EEC|Euratom|UE, Euratom|EU, Euratom)`
	euNo   = `(?:(?i:n[°º]|no\.?|nr\.?|num[ée]ro) ?)?`
)

var (
	// "règlement d'exécution (UE) 2018/2066", "Regulation (EC) No 1907/2006"
	// (the brackets are sometimes left out: "règlement UE n°1178/2011")
	reEUNew = regexp.MustCompile(euType + euQual + ` (?:\(` + euSfx + `\)|` + euSfx + `) ` + euNo + `(\d{1,4}/\d{1,4})\b`)
	// "directive 2003/87/CE", "Council Directive 93/42/EEC"
	reEUOld = regexp.MustCompile(euType + euQual + ` ` + euNo + `(\d{2,4}/\d{1,4}) ?/ ?(CEE|CE|UE|EEC|EC|EU|Euratom|PESC|CFSP)\b`)
	// "le règlement n° 389/2013 susvisé": the number without its suffix, which
	// the text gives where it cites the act in full
	reEUNoSuffix = regexp.MustCompile(euType + euQual + ` ` + euNo + `(\d{1,4}/\d{1,4})\b`)
	// "(CE) n° 1907/2006" without its type: only regulations carried "n°"
	reEUBare = regexp.MustCompile(`\((CE|CEE|EC|EEC|UE|EU)\) (?i:n[°º]|no\.?) ?(\d{1,4}/\d{2,4})\b`)
	// more numbers of the same type in a list: "règlements (UE) 2018/2066 et 2018/2067"
	reEUMore = regexp.MustCompile(`^(?:, | et | and | ou | or )` + euNo + `(\d{1,4}/\d{1,4})(?:/(CEE|CE|UE|EEC|EC|EU))?\b`)
)

// euWords are what an EU act's citation holds before its number, folded
// as d.low folds (ASCII only).
var euWords = []string{"glement", "directive", "cision", "regulation", "(ce)", "(ue)", "(cee)", "(ec)", "(eu)", "(eec)"}

// euTypeStart tells whether an EU act's type may begin at low[i].
func euTypeStart(_, low string, i int) bool {
	switch low[i] {
	case 'r':
		if j := afterE(low, i+1); j > 0 {
			return strings.HasPrefix(low[j:], "glement") || strings.HasPrefix(low[j:], "gulation")
		}
	case 'd':
		return strings.HasPrefix(low[i:], "directive") || startsDE(low, i, "cision")
	}
	return false
}

// the grammars that begin with the act's type (they have no \b before it)
var (
	euNewStarter      = newStarter(reEUNew, false, euTypeStart)
	euOldStarter      = newStarter(reEUOld, false, euTypeStart)
	euNoSuffixStarter = newStarter(reEUNoSuffix, false, euTypeStart)
)

// euTypeWords: one is in every euType, folded as d.low folds it; the
// suffixes, as written, one of which each grammar's suffix holds.
var (
	euTypeWords    = []string{"glement", "directive", "cision", "regulation"}
	euNewSuffixes  = []string{"UE", "CE", "EU", "EC", "Euratom"}
	euOldSuffixes  = []string{"UE", "CE", "EU", "EC", "Euratom", "PESC", "CFSP"}
	euBareSuffixes = []string{"(CE)", "(CEE)", "(EC)", "(EEC)", "(UE)", "(EU)"}
)

// euTypeName is the English type of an act from its French or English word.
func euTypeName(w string) string {
	w = strings.ToLower(w)
	switch {
	case strings.HasPrefix(w, "r"):
		return "Regulation"
	case strings.HasPrefix(w, "directive"):
		return "Directive"
	default:
		return "Decision"
	}
}

// euSuffix writes the suffix of an act in English: UE → EU, CE → EC.
func euSuffix(s string) string {
	switch strings.ToUpper(s) {
	case "UE", "EU":
		return "EU"
	case "CE", "EC":
		return "EC"
	case "CEE", "EEC":
		return "EEC"
	case "PESC", "CFSP":
		return "CFSP"
	case "UE, EURATOM", "EU, EURATOM":
		return "EU, Euratom"
	}
	return s
}

func findEUActs(d *doc) {
	s := d.s
	// every EU act's number is digits, "/", digits
	var spans []window
	for _, w := range d.anchorSpans(false, []string{"/"}, 0, 0) {
		p := w.start
		if p == 0 || p+1 >= len(s) || !isDigit(s[p-1]) || !isDigit(s[p+1]) {
			continue
		}
		// and the act's type, or its suffix in brackets, comes before it
		if before := d.low[max(0, p-120):p]; containsAny(before, euWords) {
			spans = append(spans, window{max(0, p-120), min(len(s), p+30)})
		}
	}
	ws := d.merge(spans)
	// what each grammar cannot match without: its type word, its suffix
	typeOK := func(w window) bool { return d.lowHasAny(w, euTypeWords) }
	newOK := func(w window) bool { return containsAny(d.s[w.start:w.end], euNewSuffixes) && typeOK(w) }
	oldOK := func(w window) bool { return containsAny(d.s[w.start:w.end], euOldSuffixes) && typeOK(w) }
	bareOK := func(w window) bool { return containsAny(d.s[w.start:w.end], euBareSuffixes) }
	for _, m := range d.findAllAt(euNewStarter, ws, newOK) {
		if wordBefore(s, m[0]) {
			continue
		}
		sfxAt := m[4:6] // "(UE)", else "UE" (group 3)
		if sfxAt[0] < 0 {
			sfxAt = m[6:8]
		}
		typ, sfx := euTypeName(s[m[2]:m[3]]), euSuffix(s[sfxAt[0]:sfxAt[1]])
		d.add(KindEUAct, typ+" ("+sfx+") "+s[m[8]:m[9]], m[0], m[1])
		d.claim(m[0], m[1])
		end := m[1]
		for {
			mm := reEUMore.FindStringSubmatchIndex(s[end:])
			if mm == nil || mm[4] >= 0 {
				break
			}
			d.add(KindEUAct, typ+" ("+sfx+") "+s[end+mm[2]:end+mm[3]], end+mm[2], end+mm[1])
			d.claim(end, end+mm[1])
			end += mm[1]
		}
	}
	for _, m := range d.findAllAt(euOldStarter, ws, oldOK) {
		if wordBefore(s, m[0]) || d.isClaimed(m[0], m[1]) {
			continue
		}
		typ := euTypeName(s[m[2]:m[3]])
		d.add(KindEUAct, typ+" "+s[m[4]:m[5]]+"/"+euSuffix(s[m[6]:m[7]]), m[0], m[1])
		d.claim(m[0], m[1])
		end := m[1]
		for {
			mm := reEUMore.FindStringSubmatchIndex(s[end:])
			if mm == nil || mm[4] < 0 {
				break
			}
			d.add(KindEUAct, typ+" "+s[end+mm[2]:end+mm[3]]+"/"+euSuffix(s[end+mm[4]:end+mm[5]]), end+mm[2], end+mm[1])
			d.claim(end, end+mm[1])
			end += mm[1]
		}
	}
	for _, m := range d.findAllIf(reEUBare, ws, bareOK) {
		if d.isClaimed(m[0], m[1]) {
			continue
		}
		d.add(KindEUAct, "Regulation ("+euSuffix(s[m[2]:m[3]])+") "+s[m[4]:m[5]], m[0], m[1])
		d.claim(m[0], m[1])
	}
	// a number without suffix is the act of that type and number cited in
	// full elsewhere in the text, when there is exactly one
	full := map[string][]string{}
	for _, f := range d.refs {
		if f.kind != KindEUAct {
			continue
		}
		typ, num := f.id[:strings.IndexByte(f.id, ' ')], f.id[strings.LastIndexByte(f.id, ' ')+1:]
		if i := strings.IndexByte(num, '/'); strings.Count(num, "/") == 2 { // old style "2003/87/EC"
			num = num[:i+strings.IndexByte(num[i+1:], '/')+1]
		}
		k := typ + " " + num
		if !contains(full[k], f.id) {
			full[k] = append(full[k], f.id)
		}
	}
	if len(full) == 0 {
		return // a number without suffix names no act of this text
	}
	for _, m := range d.findAllAt(euNoSuffixStarter, ws, typeOK) {
		if wordBefore(s, m[0]) || d.isClaimed(m[0], m[1]) || wordAfter(s, m[1]) || (m[1] < len(s) && s[m[1]] == '/') {
			continue
		}
		if ids := full[euTypeName(s[m[2]:m[3]])+" "+s[m[4]:m[5]]]; len(ids) == 1 {
			d.add(KindEUAct, ids[0], m[0], m[1])
			d.claim(m[0], m[1])
		}
	}
}

// CELEX numbers: sector digit, year, document type letters, number
// ("32017R0745"), alone or in an EUR-Lex address ("uri=CELEX:32017R0745",
// "CELEX%3A32017R0745").
var reCELEX = regexp.MustCompile(`[1-9C](?:19|20)\d\d[A-Z]{1,2}\d{4}`)

func findCELEX(d *doc) {
	s := d.s
	// the letters follow five digits: look from each letter after a digit
	// instead of running the pattern over every byte
	for i := 5; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' || !isDigit(s[i-1]) {
			continue
		}
		start := i - 5
		m := reCELEX.FindStringIndex(s[start:min(len(s), i+6)])
		if m == nil || m[0] != 0 {
			continue
		}
		end := start + m[1]
		upper := strings.ToUpper(s[max(0, start-9):start])
		prefixed := strings.HasSuffix(upper, "CELEX%3A") || strings.HasSuffix(upper, "CELEX:") ||
			strings.HasSuffix(upper, "CELEX: ") || strings.HasSuffix(upper, "CELEX ")
		if !prefixed && (wordBefore(s, start) || (start > 0 && strings.ContainsRune("-/_.=", rune(s[start-1])))) {
			continue
		}
		if wordAfter(s, end) {
			continue
		}
		d.add(KindCELEX, s[start:end], start, end)
		d.claim(start, end)
	}
}

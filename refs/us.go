package refs

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/nogentech/veille"
)

// US references. A CFR citation is title, "CFR", part, then an optional
// section and paragraphs: "29 CFR 1910.1200(j)(2)(i)", "21 CFR part 820",
// "29 CFR 1910 subpart Q"; id "<title> CFR <part>[.section][(para)…][ subpart
// X]". A bare "Sec. 1910.1200" or "§ 1910.1200" takes its title from the CFR
// citation of the same sentence. A Federal Register citation is volume, "FR",
// page: "89 FR 44144".
const cfrTail = `(\d{1,5})(?:\.(\d{1,5}[a-z]?(?:-\d+)?))?((?:\([a-zA-Z0-9]{1,4}\))*)(?: (?i:subpart) ([A-Z]{1,3})\b)?`

var (
	reCFR = regexp.MustCompile(`\b(\d{1,2}) C\.? ?F\.? ?R\.? (?:(?i:parts?|pts?\.?|sections?|secs?\.|§§?) ?)?` + cfrTail)
	// more parts or sections of the same title: "21 CFR parts 801 and 820"
	reCFRMore = regexp.MustCompile(`^(?:, and |, or |, | and | or | through | to )(?:§§? ?)?` + cfrTail)
	reCFRBare = regexp.MustCompile(`(?:\bSecs?\. ?|§§? ?)(\d{1,5})\.(\d{1,5}[a-z]?(?:-\d+)?)((?:\([a-zA-Z0-9]{1,4}\))*)`)
	reCFRInS  = regexp.MustCompile(`\b(\d{1,2}) C\.? ?F\.? ?R\.?`)
	reCFRNext = regexp.MustCompile(`^ ?C\.? ?F\.? ?R\b`)
	reFRDoc   = regexp.MustCompile(`\b(\d{1,3}) (?:FR|Fed\. ?Reg\.) (\d{1,6})\b`)
	// A Federal Register document's details (federalregister.gov, the API
	// the crawler reads) give its own citation and its action on lines of
	// their own: "Citation: 89 FR 107012", "Action: Final rule.".
	reFRCitationLine = regexp.MustCompile(`(?m)^(?i:citation): ?(\d{1,3} FR \d{1,6})\b`)
	// The actions of the rule documents: final, interim final, direct
	// final, temporary or proposed rules, proposed rulemakings, with their
	// corrections and extensions; not notices nor presidential documents.
	reFRRuleAction = regexp.MustCompile(`(?m)^(?i:action): ?[^\n]{0,40}?\b(?i:rule|rulemaking)\b`)
)

// frOwnAct is the act a Federal Register rule document is: the citation
// its details give as its own, when its action is a rule (REFS.md: "a
// Federal Register rule" is an act). A citation elsewhere in its text is
// one it cites; a notice's own citation does not make it an act.
func frOwnAct(d *doc) *veille.ActID {
	if d.titleEnd >= len(d.s) {
		return nil
	}
	// most items have no such line: a plain search first, not a pattern
	// over the whole text
	if !strings.Contains(d.low[d.titleEnd:], "citation:") {
		return nil
	}
	body := d.s[d.titleEnd:]
	m := reFRCitationLine.FindStringSubmatch(body)
	if m == nil || !reFRRuleAction.MatchString(body) {
		return nil
	}
	for _, f := range d.refs {
		if f.kind == KindFRDoc && f.id == m[1] {
			return &veille.ActID{Kind: KindFRDoc, ID: f.id}
		}
	}
	return nil
}

func cfrID(title string, m []int, s string) string {
	id := title + " CFR " + s[m[0]:m[1]]
	if m[2] >= 0 {
		id += "." + s[m[2]:m[3]]
	}
	id += s[m[4]:m[5]]
	if m[6] >= 0 {
		id += " subpart " + s[m[6]:m[7]]
	}
	return id
}

func findCFR(d *doc) {
	s := d.s
	for _, m := range d.findAll(reCFR, d.windows(true, []string{"cfr", "c.f.r", "c. f. r"}, 4, 60)) {
		if d.isClaimed(m[0], m[1]) {
			continue
		}
		title := s[m[2]:m[3]]
		if n, _ := strconv.Atoi(title); n < 1 || n > 50 {
			continue
		}
		d.add(KindCFR, cfrID(title, m[4:], s), m[0], m[1])
		d.claim(m[0], m[1])
		end := m[1]
		for {
			mm := reCFRMore.FindStringSubmatchIndex(s[end:])
			if mm == nil || wordAfter(s, end+mm[1]) || reCFRNext.MatchString(s[end+mm[1]:min(len(s), end+mm[1]+8)]) {
				break // "… and 21 CFR 820": the number is another title
			}
			abs := make([]int, len(mm))
			for i, v := range mm {
				abs[i] = v
				if v >= 0 {
					abs[i] = v + end
				}
			}
			d.add(KindCFR, cfrID(title, abs[2:], s), abs[2], abs[1])
			d.claim(end, abs[1])
			end = abs[1]
		}
	}
	for _, m := range d.findAll(reCFRBare, d.windows(false, []string{"Sec", "§"}, 0, 40)) {
		if d.isClaimed(m[0], m[1]) {
			continue
		}
		from, to := sentenceStart(s, m[0]), sentenceEnd(s, m[1])
		titles := reCFRInS.FindAllStringSubmatch(s[from:to], -1)
		if len(titles) == 0 {
			continue
		}
		title := titles[0][1]
		for _, t := range titles[1:] {
			if t[1] != title {
				title = "" // two titles in one sentence: which one is unsaid
			}
		}
		if title == "" {
			continue
		}
		d.add(KindCFR, cfrID(title, append(m[2:8:8], -1, -1), s), m[0], m[1])
		d.claim(m[0], m[1])
	}
}

func findFRDocs(d *doc) {
	s := d.s
	for _, m := range d.findAll(reFRDoc, d.windows(false, []string{" FR ", "Fed"}, 4, 12)) {
		vol, _ := strconv.Atoi(s[m[2]:m[3]])
		if vol < 1 || vol > 200 || d.isClaimed(m[0], m[1]) {
			continue
		}
		// "FR" is also France: "2 FR 45" in French text is not a citation
		if strings.HasPrefix(s[m[2]:m[3]], "0") {
			continue
		}
		d.add(KindFRDoc, s[m[2]:m[3]]+" FR "+s[m[4]:m[5]], m[0], m[1])
		d.claim(m[0], m[1])
	}
}

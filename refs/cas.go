package refs

import (
	"regexp"
	"strconv"
	"strings"
)

// CAS registry numbers: two to seven digits, two digits, one check digit
// ("78617-58-0"). The check digit must hold (the last digit times 1, the one
// before times 2, … summed, modulo 10), leading zeros are dropped
// ("0541-02-06" → "541-02-6"), and a number that is part of a code article
// or a date is not one (REFS.md): the article grammars run first and claim
// their text; dates fail the checks below.
var (
	reCAS           = regexp.MustCompile(`\b(\d{2,7})-(\d{2})-(\d{1,2})\b`)
	reArticleBefore = regexp.MustCompile(`(?:^|[^\pL])[LRDA](?:\. ?\*? ?|\*? ?)$`)
)

func findCAS(d *doc) {
	s := d.s
	// most hyphens are in dates and articles: a window holds a CAS number
	// only where it writes digit-digits-digit
	for _, m := range d.findAllIf(reCAS, d.windows(false, []string{"-"}, 8, 6), d.hasCASShape) {
		if d.isClaimed(m[0], m[1]) {
			continue
		}
		// inside a longer number ("2021-12-03-1", "1.50-00-0", "L. 1413-61-2")
		if m[0] > 0 && strings.ContainsRune("-./,", rune(s[m[0]-1])) {
			continue
		}
		if m[1] < len(s) && (s[m[1]] == '-' || s[m[1]] == '/') {
			continue
		}
		if reArticleBefore.MatchString(s[max(0, m[0]-6):m[0]]) {
			continue // "R. 1413-61-2" whose code the text does not name
		}
		id, ok := casID(s[m[2]:m[3]], s[m[4]:m[5]], s[m[6]:m[7]])
		if !ok {
			continue
		}
		d.add(KindCAS, id, m[0], m[1])
		d.claim(m[0], m[1])
	}
}

// casID verifies a CAS number and writes it without leading zeros.
func casID(a, b, c string) (string, bool) {
	if len(c) == 2 && c[0] != '0' {
		return "", false
	}
	a = strings.TrimLeft(a, "0")
	c = c[len(c)-1:]
	// the first CAS numbers start at 50-00-0; smaller ones are dates or
	// references ("12-03-05")
	if n, _ := strconv.Atoi(a); n < 50 {
		return "", false
	}
	digits := a + b
	sum := 0
	for i := 0; i < len(digits); i++ {
		sum += int(digits[len(digits)-1-i]-'0') * (i + 1)
	}
	if sum%10 != int(c[0]-'0') {
		return "", false
	}
	return a + "-" + b + "-" + c, true
}

// hasCASShape tells whether the window writes "0-00-0", which every CAS
// number holds.
func (d *doc) hasCASShape(w window) bool {
	s := d.s[w.start:w.end]
	for i := 1; i+4 < len(s); i++ {
		if s[i] == '-' && s[i+3] == '-' && isDigit(s[i-1]) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+4]) {
			return true
		}
	}
	return false
}

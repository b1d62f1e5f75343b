package refs

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Calendar dates as French and English texts write them.
const (
	frMonths = `janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre|octobre|novembre|d[ée]cembre`
	enMonths = `January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.`
	// frDate is "1er janvier 2021", "15 avril 2021" (three groups: day, month, year).
	frDate = `(1er|1 er|premier|[0-3]?\d) (` + frMonths + `) ((?:19|20)\d\d)`
)

var (
	// a key date may name its weekday: "au plus tard le mardi 16 mars 2021"
	reFrDate = regexp.MustCompile(`(?i)\b(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) )?` + frDate + `\b`)
	// English: "January 30, 2025", "30 January 2025".
	reEnDate = regexp.MustCompile(`\b(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),? )?(?:(` + enMonths + `) ([0-3]?\d),? ((?:19|20)\d\d)|([0-3]?\d) (` + enMonths + `) ((?:19|20)\d\d))\b`)
	// Numeric French dates, day first: "01/01/2021", "1.1.2021".
	reNumDate = regexp.MustCompile(`\b([0-3]?\d)[/.]([01]?\d)[/.]((?:19|20)\d\d)\b`)
)

var monthNum = map[string]time.Month{
	"janvier": 1, "fevrier": 2, "février": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
	"juillet": 7, "aout": 8, "août": 8, "septembre": 9, "octobre": 10, "novembre": 11,
	"decembre": 12, "décembre": 12,
	"january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7, "august": 8,
	"september": 9, "october": 10, "november": 11, "december": 12,
	"jan.": 1, "feb.": 2, "mar.": 3, "apr.": 4, "jun.": 6, "jul.": 7, "aug.": 8,
	"sep.": 9, "sept.": 9, "oct.": 10, "nov.": 11, "dec.": 12,
}

// frMonthName is the month as a French act's date-only id writes it.
var frMonthName = [...]string{"", "janvier", "février", "mars", "avril", "mai", "juin",
	"juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// dayNum reads "1er", "premier", "07".
func dayNum(s string) int {
	s = strings.ToLower(strings.ReplaceAll(s, " ", ""))
	if s == "1er" || s == "premier" {
		return 1
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}

// mkDate checks a calendar date; ok is false for "31 février".
func mkDate(y int, m time.Month, d int) (time.Time, bool) {
	if d < 1 || d > 31 || m < 1 || m > 12 {
		return time.Time{}, false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// dateSpan is a calendar date found in text.
type dateSpan struct {
	start, end int
	t          time.Time
}

// findDates returns every calendar date of s in text order.
func findDates(d *doc) []dateSpan {
	s := d.s
	var out []dateSpan
	for _, m := range d.findAll(reFrDate, d.windows(true, anchorsFRMonth, 16, 8)) {
		y, _ := strconv.Atoi(s[m[6]:m[7]])
		if t, ok := mkDate(y, monthNum[strings.ToLower(s[m[4]:m[5]])], dayNum(s[m[2]:m[3]])); ok {
			out = append(out, dateSpan{m[0], m[1], t})
		}
	}
	for _, m := range d.findAll(reEnDate, d.windows(true, anchorsENMonth, 4, 16)) {
		var mo, d, y string
		if m[2] >= 0 {
			mo, d, y = s[m[2]:m[3]], s[m[4]:m[5]], s[m[6]:m[7]]
		} else {
			d, mo, y = s[m[8]:m[9]], s[m[10]:m[11]], s[m[12]:m[13]]
		}
		yy, _ := strconv.Atoi(y)
		if t, ok := mkDate(yy, monthNum[strings.ToLower(mo)], dayNum(d)); ok {
			out = append(out, dateSpan{m[0], m[1], t})
		}
	}
	for _, m := range d.findAll(reNumDate, d.windows(false, []string{"/", "."}, 3, 8)) {
		d, _ := strconv.Atoi(s[m[2]:m[3]])
		mo, _ := strconv.Atoi(s[m[4]:m[5]])
		y, _ := strconv.Atoi(s[m[6]:m[7]])
		if t, ok := mkDate(y, time.Month(mo), d); ok {
			out = append(out, dateSpan{m[0], m[1], t})
		}
	}
	sortSpans(out)
	return out
}

// frDateID writes a date the way a date-only French act id does:
// "1er juin 2015", "3 octobre 2010".
func frDateID(t time.Time) string {
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return fmt.Sprintf("%s %s %d", day, frMonthName[t.Month()], t.Year())
}

// parseFrDate reads one French date written as frDate matches it.
func parseFrDate(day, month, year string) (time.Time, bool) {
	y, err := strconv.Atoi(year)
	if err != nil {
		return time.Time{}, false
	}
	return mkDate(y, monthNum[strings.ToLower(month)], dayNum(day))
}

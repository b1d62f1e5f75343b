package refs

import (
	"strconv"
	"strings"
	"time"

	"github.com/nogentech/veille/internal/i18n"
)

// Calendar dates as French and English texts write them.
const (
	frMonths = `janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre|octobre|novembre|d[ée]cembre`
	enMonths = `January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.`
	// frDate is "1er janvier 2021", "15 avril 2021" (three groups: day, month, year).
	frDate = `(1er|1 er|premier|[0-3]?\d) (` + frMonths + `) ((?:19|20)\d\d)`
)

var monthNum = map[string]time.Month{
	"janvier": 1, "fevrier": 2, "février": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
	"juillet": 7, "aout": 8, "août": 8, "septembre": 9, "octobre": 10, "novembre": 11,
	"decembre": 12, "décembre": 12,
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
	"september": 9, "october": 10, "november": 11, "december": 12,
	"jan.": 1, "feb.": 2, "mar.": 3, "apr.": 4, "jun.": 6, "jul.": 7, "aug.": 8,
	"sep.": 9, "sept.": 9, "oct.": 10, "nov.": 11, "dec.": 12,
}

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

// dateSpans are the calendar dates of the text, in text order. Each date
// ends in its year: it is read backwards from each year the text writes
// ("1er janvier 2021", "mardi 16 mars 2021", "January 30, 2025", "30
// January 2025", "01/02/2018"), which costs a few comparisons per year
// instead of three patterns run over the text.
func (d *doc) dateSpans() []dateSpan {
	if d.dates != nil {
		return d.dates
	}
	d.yearSpans(0, 0) // computes d.years
	d.dates = []dateSpan{}
	for _, p := range d.years {
		if start, t, ok := dateEndingAt(d.s, p); ok {
			d.dates = append(d.dates, dateSpan{start, p + 4, t})
		}
	}
	return d.dates
}

// dateEndingAt reads the date whose year starts at p.
func dateEndingAt(s string, p int) (start int, t time.Time, ok bool) {
	y, _ := strconv.Atoi(s[p : p+4])
	if p >= 1 && (s[p-1] == '/' || s[p-1] == '.') {
		// day first: 01/02/2018
		mEnd := p - 1
		mStart := digitsBefore(s, mEnd, 2)
		if mStart == mEnd || mStart < 1 || (s[mStart-1] != s[p-1]) {
			return 0, t, false
		}
		dStart := digitsBefore(s, mStart-1, 2)
		if dStart == mStart-1 || wordBefore(s, dStart) {
			return 0, t, false
		}
		mo, _ := strconv.Atoi(s[mStart:mEnd])
		day, _ := strconv.Atoi(s[dStart : mStart-1])
		t, ok = mkDate(y, time.Month(mo), day)
		return dStart, t, ok
	}
	if p < 2 || s[p-1] != ' ' {
		return 0, t, false
	}
	w1s := tokenBefore(s, p-1)
	w1 := strings.TrimSuffix(s[w1s:p-1], ",")
	if w1 == "" {
		return 0, t, false
	}
	var mo time.Month
	var day, from int
	if isDigit(w1[0]) {
		// English, month first: "January 30, 2025"
		if w1s < 2 || s[w1s-1] != ' ' {
			return 0, t, false
		}
		w2s := tokenBefore(s, w1s-1)
		mo, day, from = monthNum[strings.ToLower(s[w2s:w1s-1])], dayNum(w1), w2s
		if !strings.HasSuffix(s[w1s:p-1], ",") && !enMonth(s[w2s:w1s-1]) {
			return 0, t, false
		}
	} else {
		// day first: "1er janvier 2021", "30 January 2025"
		mo = monthNum[strings.ToLower(w1)]
		if mo == 0 || w1s < 2 || s[w1s-1] != ' ' {
			return 0, t, false
		}
		w2s := tokenBefore(s, w1s-1)
		w2 := s[w2s : w1s-1]
		if strings.EqualFold(w2, "er") && w2s >= 2 && s[w2s-2] == '1' { // "1 er janvier"
			w2s -= 2
			w2 = "1er"
		}
		day, from = dayNum(w2), w2s
	}
	if mo == 0 || day == 0 || wordBefore(s, from) {
		return 0, t, false
	}
	t, ok = mkDate(y, mo, day)
	if !ok {
		return 0, t, false
	}
	// a weekday before: "mardi 16 mars 2021", "Monday, June 3, 2024"
	if from >= 2 && s[from-1] == ' ' {
		ws := tokenBefore(s, from-1)
		if weekdays[strings.ToLower(strings.TrimSuffix(s[ws:from-1], ","))] && !wordBefore(s, ws) {
			from = ws
		}
	}
	return from, t, true
}

var weekdays = map[string]bool{"lundi": true, "mardi": true, "mercredi": true, "jeudi": true, "vendredi": true,
	"samedi": true, "dimanche": true, "monday": true, "tuesday": true, "wednesday": true, "thursday": true,
	"friday": true, "saturday": true, "sunday": true}

// enMonth tells an English month name ("June 3 2024" without its comma).
func enMonth(w string) bool {
	m := monthNum[strings.ToLower(w)]
	return m != 0 && w[0] >= 'A' && w[0] <= 'Z' && strings.ToLower(w) != i18n.FR.Month(time.Month(m))
}

// tokenBefore is where the word ending at end starts (words split at spaces
// and line breaks), looking back at most 16 bytes.
func tokenBefore(s string, end int) int {
	i := end
	for i > 0 && end-i < 16 && s[i-1] != ' ' && s[i-1] != '\n' {
		i--
	}
	return i
}

// digitsBefore is where the run of at most n digits ending at end starts.
func digitsBefore(s string, end, n int) int {
	i := end
	for i > 0 && end-i < n && isDigit(s[i-1]) {
		i--
	}
	return i
}

// frDateID writes a date the way a date-only French act id does:
// "1er juin 2015", "3 octobre 2010" (French dates in words: internal/i18n).
func frDateID(t time.Time) string { return i18n.FR.Date(t) }

// parseFrDate reads one French date written as frDate matches it.
func parseFrDate(day, month, year string) (time.Time, bool) {
	y, err := strconv.Atoi(year)
	if err != nil {
		return time.Time{}, false
	}
	return mkDate(y, monthNum[strings.ToLower(month)], dayNum(day))
}

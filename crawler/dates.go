package crawler

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// wholeLayouts are tried on the complete string first: they carry a time and
// often a zone that the in-text patterns below would lose.
var wholeLayouts = []string{
	time.RFC3339Nano,
	time.RFC3339,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05 MST",
	time.RFC850,
	time.ANSIC,
	"2006-01-02",
}

var months = map[string]time.Month{
	"janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "fév": 2, "fev": 2,
	"mars": 3, "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7,
	"août": 8, "aout": 8, "septembre": 9, "sept": 9, "octobre": 10, "oct": 10,
	"novembre": 11, "nov": 11, "décembre": 12, "decembre": 12, "déc": 12, "dec": 12,
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
	"april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
	"august": 8, "aug": 8, "september": 9, "sep": 9, "october": 10,
	"november": 11, "december": 12,
}

var weekdays = map[string]time.Weekday{
	"sunday": 0, "sun": 0, "dimanche": 0, "monday": 1, "mon": 1, "lundi": 1,
	"tuesday": 2, "tue": 2, "tues": 2, "mardi": 2, "wednesday": 3, "wed": 3, "mercredi": 3,
	"thursday": 4, "thu": 4, "thur": 4, "thurs": 4, "jeudi": 4, "friday": 5, "fri": 5,
	"vendredi": 5, "saturday": 6, "sat": 6, "samedi": 6,
}

const monthRe = `(janvier|janv|f[ée]vrier|f[ée]vr|f[ée]v|mars|avril|avr|mai|juin|juillet|juil|ao[uû]t|septembre|sept|octobre|oct|novembre|nov|d[ée]cembre|d[ée]c|january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|september|sep|october|november|december)\.?`

var (
	isoDateRe = regexp.MustCompile(`\b(\d{4})-(\d{1,2})-(\d{1,2})\b`)
	// 12/11/2026, 12.11.2026, 12-11-2026, 12/11/26
	numDateRe = regexp.MustCompile(`\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})\b`)
	// 12 novembre 2026, 1er décembre 2026, 12 Nov 2026, 3rd March, 2026
	dayMonthRe = regexp.MustCompile(`(?i)\b(\d{1,2})(?:er|st|nd|rd|th)?\s+` + monthRe + `,?\s+(\d{4})\b`)
	// November 12, 2026
	monthDayRe = regexp.MustCompile(`(?i)\b` + monthRe + `\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`)
	wordRe     = regexp.MustCompile(`\pL+`)
)

// parseDate finds the first date in s, in French or English, and returns it
// in UTC; the zero time when there is none. Numeric dates are read day first
// (12/11/2026 is 12 November) unless monthFirst, or unless only the other
// reading is a valid date or matches a weekday named in s.
func parseDate(s string, monthFirst bool) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, l := range wholeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC()
		}
	}
	lower := strings.ToLower(s)
	best, bestAt := time.Time{}, len(lower)+1
	consider := func(t time.Time, at int) {
		if !t.IsZero() && at < bestAt {
			best, bestAt = t, at
		}
	}
	if m := isoDateRe.FindStringSubmatchIndex(lower); m != nil {
		y, mo, d := atoi(lower[m[2]:m[3]]), atoi(lower[m[4]:m[5]]), atoi(lower[m[6]:m[7]])
		consider(makeDate(y, mo, d), m[0])
	}
	if m := numDateRe.FindStringSubmatchIndex(lower); m != nil {
		a, b, y := atoi(lower[m[2]:m[3]]), atoi(lower[m[4]:m[5]]), atoi(lower[m[6]:m[7]])
		if m[7]-m[6] == 2 {
			y += 2000
		}
		consider(numericDate(a, b, y, monthFirst, namedWeekday(lower)), m[0])
	}
	if m := dayMonthRe.FindStringSubmatchIndex(lower); m != nil {
		d, mo, y := atoi(lower[m[2]:m[3]]), months[lower[m[4]:m[5]]], atoi(lower[m[6]:m[7]])
		consider(makeDate(y, int(mo), d), m[0])
	}
	if m := monthDayRe.FindStringSubmatchIndex(lower); m != nil {
		mo, d, y := months[lower[m[2]:m[3]]], atoi(lower[m[4]:m[5]]), atoi(lower[m[6]:m[7]])
		consider(makeDate(y, int(mo), d), m[0])
	}
	return best
}

// numericDate picks between the day-first and month-first readings of a/b.
func numericDate(a, b, y int, monthFirst bool, wd *time.Weekday) time.Time {
	dayFirst, monFirst := makeDate(y, b, a), makeDate(y, a, b)
	if monthFirst {
		dayFirst, monFirst = monFirst, dayFirst
	}
	switch {
	case dayFirst.IsZero():
		return monFirst
	case monFirst.IsZero() || monFirst.Equal(dayFirst):
		return dayFirst
	case wd != nil && monFirst.Weekday() == *wd && dayFirst.Weekday() != *wd:
		return monFirst
	}
	return dayFirst
}

// namedWeekday returns the weekday named in s, if any.
func namedWeekday(s string) *time.Weekday {
	for _, w := range wordRe.FindAllString(s, 8) {
		if d, ok := weekdays[w]; ok {
			return &d
		}
	}
	return nil
}

// makeDate builds a UTC date, or the zero time for an impossible one
// (time.Date would silently roll 31/02 over into March).
func makeDate(y, m, d int) time.Time {
	if y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}
	}
	return t
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

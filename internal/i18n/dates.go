package i18n

import (
	"fmt"
	"strconv"
	"time"
)

// The French names, in lower case as French writes them; English uses
// time's.
var (
	monthsFR   = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	weekdaysFR = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
)

// Month is m's name: "novembre", "November".
func (l Lang) Month(m time.Month) string {
	if l == EN {
		return m.String()
	}
	return monthsFR[m-1]
}

// Weekday is d's name: "lundi", "Monday".
func (l Lang) Weekday(d time.Weekday) string {
	if l == EN {
		return d.String()
	}
	return weekdaysFR[d]
}

// DayOfMonth is the day as a date writes it: "1er" in French, "1" in English.
func (l Lang) DayOfMonth(d int) string {
	if l == FR && d == 1 {
		return "1er"
	}
	return strconv.Itoa(d)
}

// Ordinal is the day as a sentence ranks it: "1er", "2" in French,
// "1st", "2nd" in English ("on the 1st of every month").
func (l Lang) Ordinal(d int) string {
	if l == FR {
		return l.DayOfMonth(d)
	}
	suffix := "th"
	switch {
	case d%100 >= 11 && d%100 <= 13:
	case d%10 == 1:
		suffix = "st"
	case d%10 == 2:
		suffix = "nd"
	case d%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(d) + suffix
}

// Date is the day in words: "1er décembre 2026", "1 December 2026". The
// caller puts t in the time zone the reader lives in.
func (l Lang) Date(t time.Time) string {
	return l.DayOfMonth(t.Day()) + " " + l.Month(t.Month()) + " " + strconv.Itoa(t.Year())
}

// DateTime is the day in words and the time: "1er décembre 2026 à 00:30",
// "1 December 2026, 00:30".
func (l Lang) DateTime(t time.Time) string {
	if l == EN {
		return l.Date(t) + ", " + t.Format("15:04")
	}
	return l.Date(t) + " à " + t.Format("15:04")
}

// ShortDate is the day in digits for dense tables: "23/11/2026",
// "2026-11-23".
func (l Lang) ShortDate(t time.Time) string {
	if l == EN {
		return t.Format(time.DateOnly)
	}
	return t.Format("02/01/2006")
}

// ShortDateTime is ShortDate with the time: "23/11/2026 09:05"; "—" for
// the zero time (never happened).
func (l Lang) ShortDateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return l.ShortDate(t) + " " + t.Format("15:04")
}

// DayRange writes two days compactly: "23–29 novembre 2026", "30 novembre
// – 6 décembre 2026", "28 décembre 2026 – 3 janvier 2027".
func (l Lang) DayRange(a, b time.Time) string {
	switch {
	case a.Year() != b.Year():
		return l.Date(a) + " – " + l.Date(b)
	case a.Month() != b.Month():
		return l.DayOfMonth(a.Day()) + " " + l.Month(a.Month()) + " – " + l.Date(b)
	case a.Day() != b.Day():
		return l.DayOfMonth(a.Day()) + "–" + l.Date(b)
	}
	return l.Date(a)
}

// TimeOfDay is a time as people say it: "8 h", "7 h 30" in French (with
// no-break spaces), "8:00", "7:30" in English.
func (l Lang) TimeOfDay(h, m int) string {
	if l == EN {
		return fmt.Sprintf("%d:%02d", h, m)
	}
	if m == 0 {
		return fmt.Sprintf("%d\u00a0h", h)
	}
	return fmt.Sprintf("%d\u00a0h\u00a0%02d", h, m)
}

// Duration says an interval the way people do: "2 h", "30 min", "1 j" ("1 d").
func (l Lang) Duration(d time.Duration) string {
	day := "j"
	if l == EN {
		day = "d"
	}
	switch {
	case d <= 0:
		return "–"
	case d%(24*time.Hour) == 0:
		return strconv.Itoa(int(d/(24*time.Hour))) + " " + day
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + " h"
	case d%time.Minute == 0:
		return strconv.Itoa(int(d/time.Minute)) + " min"
	}
	return d.String()
}

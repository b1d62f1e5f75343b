package digest

import (
	"fmt"
	"strings"
	"time"
)

// Words says when a schedule runs the way people say it: "chaque lundi à
// 8 h", "every Monday at 8:00", "du lundi au vendredi à 7 h 30", "le 1er de
// chaque mois à 9 h". A schedule too irregular to say in a short sentence
// (more than a few times a day) is given as its cron expression, quoted,
// so that the page never claims a rhythm the schedule does not have.
func (s Schedule) Words(lang string) string {
	lang = normLang(lang)
	if s.spec == nil {
		return ""
	}
	times, ok := s.timesOfDay(lang)
	if !ok {
		if lang == LangEN {
			return "on the cron schedule " + quote(lang, s.text)
		}
		return "selon le calendrier cron " + quote(lang, s.text)
	}
	return s.daysInWords(lang) + " " + times
}

// maxTimes is how many run times a day a sentence lists before it gives up.
const maxTimes = 4

// setBits lists the values whose bit is set in a cron field, in [lo, hi].
func setBits(field uint64, lo, hi int) []int {
	var out []int
	for v := lo; v <= hi; v++ {
		if field&(1<<uint(v)) != 0 {
			out = append(out, v)
		}
	}
	return out
}

func (s Schedule) timesOfDay(lang string) (string, bool) {
	hours := setBits(s.spec.Hour, 0, 23)
	mins := setBits(s.spec.Minute, 0, 59)
	if len(hours) == 0 || len(mins) == 0 || len(hours)*len(mins) > maxTimes {
		return "", false
	}
	var at []string
	for _, h := range hours {
		for _, m := range mins {
			at = append(at, timeOfDay(lang, h, m))
		}
	}
	if lang == LangEN {
		return "at " + joinWords(lang, at), true
	}
	return "à " + joinWords(lang, at), true
}

// timeOfDay is a time of day: "8 h", "7 h 30" in French, "8:00" in English.
func timeOfDay(lang string, h, m int) string {
	if lang == LangEN {
		return fmt.Sprintf("%d:%02d", h, m)
	}
	if m == 0 {
		return fmt.Sprintf("%d\u00a0h", h)
	}
	return fmt.Sprintf("%d\u00a0h\u00a0%02d", h, m)
}

var weekdaysFR = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}

func weekdayName(lang string, d int) string {
	if lang == LangEN {
		return time.Weekday(d).String()
	}
	return weekdaysFR[d]
}

// daysInWords says which days a schedule runs: every day, some weekdays,
// some days of the month (cron runs on either when both are restricted),
// and the months when not all.
func (s Schedule) daysInWords(lang string) string {
	domStar := s.spec.Dom&starBit != 0
	dowStar := s.spec.Dow&starBit != 0
	var parts []string
	switch {
	case domStar && dowStar:
		parts = append(parts, t(lang, "every_day"))
	case domStar:
		parts = append(parts, weekdaysInWords(lang, setBits(s.spec.Dow, 0, 6)))
	case dowStar:
		parts = append(parts, monthDaysInWords(lang, setBits(s.spec.Dom, 1, 31)))
	default:
		parts = append(parts, monthDaysInWords(lang, setBits(s.spec.Dom, 1, 31)), weekdaysInWords(lang, setBits(s.spec.Dow, 0, 6)))
	}
	out := strings.Join(parts, " "+t(lang, "and")+" ")
	if s.spec.Month&starBit == 0 {
		if months := setBits(s.spec.Month, 1, 12); len(months) < 12 {
			var names []string
			for _, m := range months {
				names = append(names, monthName(lang, time.Month(m)))
			}
			out += " " + t(lang, "in_months") + " " + joinWords(lang, names)
		}
	}
	return out
}

func weekdaysInWords(lang string, days []int) string {
	if len(days) == 7 {
		return t(lang, "every_day")
	}
	// Monday to Friday (or any run of three days or more inside the week)
	// reads better as a range.
	if len(days) >= 3 && days[0] >= 1 && days[len(days)-1]-days[0] == len(days)-1 {
		a, b := weekdayName(lang, days[0]), weekdayName(lang, days[len(days)-1])
		if lang == LangEN {
			return a + " to " + b
		}
		return "du " + a + " au " + b
	}
	// ISO order: Monday first, Sunday last.
	var names []string
	for _, d := range days {
		if d != 0 {
			names = append(names, weekdayName(lang, d))
		}
	}
	if len(days) > 0 && days[0] == 0 {
		names = append(names, weekdayName(lang, 0))
	}
	return t(lang, "every_weekday") + " " + joinWords(lang, names)
}

func monthDaysInWords(lang string, days []int) string {
	var names []string
	for _, d := range days {
		if lang == LangEN {
			names = append(names, ordinalEN(d))
		} else {
			names = append(names, dayOrdinal(lang, d))
		}
	}
	if lang == LangEN {
		return "on the " + joinWords(lang, names) + " of every month"
	}
	return "le " + joinWords(lang, names) + " de chaque mois"
}

func ordinalEN(d int) string {
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
	return fmt.Sprintf("%d%s", d, suffix)
}

// joinWords lists words as a sentence does: "a, b and c", "a, b et c".
func joinWords(lang string, w []string) string {
	switch len(w) {
	case 0:
		return ""
	case 1:
		return w[0]
	}
	return strings.Join(w[:len(w)-1], ", ") + " " + t(lang, "and") + " " + w[len(w)-1]
}

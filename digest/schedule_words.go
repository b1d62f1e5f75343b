package digest

import (
	"strings"
	"time"

	"github.com/nogentech/veille/internal/i18n"
)

// Words says when a schedule runs the way people say it: "chaque lundi à
// 8 h", "every Monday at 8:00", "du lundi au vendredi à 7 h 30", "le 1er de
// chaque mois à 9 h". A schedule too irregular to say in a short sentence
// (more than a few times a day) is given as its cron expression, quoted,
// so that the page never claims a rhythm the schedule does not have.
func (s Schedule) Words(lang i18n.Lang) string {
	if s.spec == nil {
		return ""
	}
	times, ok := s.timesOfDay(lang)
	if !ok {
		return lang.T("schedule.cron", lang.Quote(s.text))
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

func (s Schedule) timesOfDay(lang i18n.Lang) (string, bool) {
	hours := setBits(s.spec.Hour, 0, 23)
	mins := setBits(s.spec.Minute, 0, 59)
	if len(hours) == 0 || len(mins) == 0 || len(hours)*len(mins) > maxTimes {
		return "", false
	}
	var at []string
	for _, h := range hours {
		for _, m := range mins {
			at = append(at, lang.TimeOfDay(h, m))
		}
	}
	return lang.T("schedule.at", lang.Join(at)), true
}

// daysInWords says which days a schedule runs: every day, some weekdays,
// some days of the month (cron runs on either when both are restricted),
// and the months when not all.
func (s Schedule) daysInWords(lang i18n.Lang) string {
	domStar := s.spec.Dom&starBit != 0
	dowStar := s.spec.Dow&starBit != 0
	var parts []string
	switch {
	case domStar && dowStar:
		parts = append(parts, lang.T("schedule.every_day"))
	case domStar:
		parts = append(parts, weekdaysInWords(lang, setBits(s.spec.Dow, 0, 6)))
	case dowStar:
		parts = append(parts, monthDaysInWords(lang, setBits(s.spec.Dom, 1, 31)))
	default:
		parts = append(parts, monthDaysInWords(lang, setBits(s.spec.Dom, 1, 31)), weekdaysInWords(lang, setBits(s.spec.Dow, 0, 6)))
	}
	out := strings.Join(parts, " "+lang.T("list.and")+" ")
	if s.spec.Month&starBit == 0 {
		if months := setBits(s.spec.Month, 1, 12); len(months) < 12 {
			var names []string
			for _, m := range months {
				names = append(names, lang.Month(time.Month(m)))
			}
			out += " " + lang.T("schedule.in_months") + " " + lang.Join(names)
		}
	}
	return out
}

func weekdaysInWords(lang i18n.Lang, days []int) string {
	if len(days) == 7 {
		return lang.T("schedule.every_day")
	}
	// Monday to Friday (or any run of three days or more inside the week)
	// reads better as a range.
	if len(days) >= 3 && days[0] >= 1 && days[len(days)-1]-days[0] == len(days)-1 {
		a, b := lang.Weekday(time.Weekday(days[0])), lang.Weekday(time.Weekday(days[len(days)-1]))
		return lang.T("schedule.day_range", a, b)
	}
	// ISO order: Monday first, Sunday last.
	var names []string
	for _, d := range days {
		if d != 0 {
			names = append(names, lang.Weekday(time.Weekday(d)))
		}
	}
	if len(days) > 0 && days[0] == 0 {
		names = append(names, lang.Weekday(0))
	}
	return lang.T("schedule.every_weekday") + " " + lang.Join(names)
}

func monthDaysInWords(lang i18n.Lang, days []int) string {
	var names []string
	for _, d := range days {
		names = append(names, lang.Ordinal(d))
	}
	return lang.T("schedule.month_days", lang.Join(names))
}

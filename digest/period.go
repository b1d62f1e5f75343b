package digest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nogentech/veille"
)

// Period is the stretch of time a digest covers: [Since, Until) in the
// config's time zone. Key names it in the ledger, in URLs and in
// Message-IDs: "2026-W48" for an ISO week, "2026-11-01--2026-11-15" for
// a range given on the command line (both dates inclusive).
type Period struct {
	Key   string
	Since time.Time
	Until time.Time
	// Week is the ISO week (year and number) when the period is one.
	Year, Week int
}

// IsWeek reports whether the period is a whole ISO week.
func (p Period) IsWeek() bool { return p.Week != 0 }

// Contains reports whether t is inside the period.
func (p Period) Contains(t time.Time) bool {
	return !t.Before(p.Since) && t.Before(p.Until)
}

// LastDay is the last calendar day of the period (Until is exclusive).
func (p Period) LastDay() time.Time {
	return p.Until.Add(-time.Nanosecond)
}

// midnight is the start of t's calendar day in loc. time.Date normalises,
// so a day whose midnight does not exist (a DST change at 00:00) starts at
// the first instant that does.
func midnight(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// WeekOf is the ISO week containing t, in loc: Monday 00:00 to the next
// Monday 00:00 local time, so a week with a DST change lasts 167 or 169
// hours.
func WeekOf(t time.Time, loc *time.Location) Period {
	day := midnight(t, loc)
	// Monday is day 0 of an ISO week.
	back := (int(day.Weekday()) + 6) % 7
	since := time.Date(day.Year(), day.Month(), day.Day()-back, 0, 0, 0, 0, loc)
	until := time.Date(since.Year(), since.Month(), since.Day()+7, 0, 0, 0, 0, loc)
	y, w := since.ISOWeek()
	return Period{Key: fmt.Sprintf("%04d-W%02d", y, w), Since: since, Until: until, Year: y, Week: w}
}

// LastCompleteWeek is the latest ISO week that has ended at now.
func LastCompleteWeek(now time.Time, loc *time.Location) Period {
	cur := WeekOf(now, loc)
	return WeekOf(cur.Since.Add(-time.Hour), loc)
}

// Range is the period from the day since to the day until, both included,
// in loc. It is a week period when it happens to be exactly an ISO week.
func Range(since, until time.Time, loc *time.Location) (Period, error) {
	s := midnight(since, loc)
	u := midnight(until, loc)
	if u.Before(s) {
		return Period{}, fmt.Errorf("until (%s) is before since (%s)", u.Format(time.DateOnly), s.Format(time.DateOnly))
	}
	end := time.Date(u.Year(), u.Month(), u.Day()+1, 0, 0, 0, 0, loc)
	if w := WeekOf(s, loc); w.Since.Equal(s) && w.Until.Equal(end) {
		return w, nil
	}
	return Period{Key: s.Format(time.DateOnly) + "--" + u.Format(time.DateOnly), Since: s, Until: end}, nil
}

// ParseDate reads a YYYY-MM-DD date of the command line in loc.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	t, ok := veille.ParseDay(strings.TrimSpace(s), loc)
	if !ok {
		return time.Time{}, fmt.Errorf("invalid date %q (use YYYY-MM-DD)", s)
	}
	return t, nil
}

// ParsePeriod reads a period key back: "2026-W48" or "2026-11-01--2026-11-15".
func ParsePeriod(key string, loc *time.Location) (Period, error) {
	if y, w, ok := strings.Cut(key, "-W"); ok {
		year, err1 := strconv.Atoi(y)
		week, err2 := strconv.Atoi(w)
		if err1 != nil || err2 != nil || len(y) != 4 || len(w) != 2 || week < 1 || week > 53 {
			return Period{}, fmt.Errorf("invalid period %q (use e.g. 2026-W48)", key)
		}
		// 4 January is always in week 1 of its ISO year.
		jan4 := time.Date(year, time.January, 4, 12, 0, 0, 0, loc)
		p := WeekOf(jan4.AddDate(0, 0, 7*(week-1)), loc)
		if p.Year != year || p.Week != week {
			return Period{}, fmt.Errorf("invalid period %q: %d has no week %d", key, year, week)
		}
		return p, nil
	}
	if s, u, ok := strings.Cut(key, "--"); ok {
		since, err := ParseDate(s, loc)
		if err != nil {
			return Period{}, fmt.Errorf("invalid period %q: %w", key, err)
		}
		until, err := ParseDate(u, loc)
		if err != nil {
			return Period{}, fmt.Errorf("invalid period %q: %w", key, err)
		}
		return Range(since, until, loc)
	}
	return Period{}, fmt.Errorf("invalid period %q (use e.g. 2026-W48 or 2026-11-01--2026-11-15)", key)
}

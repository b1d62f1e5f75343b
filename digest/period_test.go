package digest

import (
	"testing"
	"time"

	"github.com/nogentech/veille/internal/i18n"
)

func TestWeekOf(t *testing.T) {
	tests := map[string]struct {
		at           time.Time
		key          string
		since, until time.Time
		hours        float64
	}{
		"week 48 of 2026": {time.Date(2026, 11, 25, 15, 0, 0, 0, paris), "2026-W48",
			time.Date(2026, 11, 23, 0, 0, 0, 0, paris), time.Date(2026, 11, 30, 0, 0, 0, 0, paris), 168},
		"sunday late is still the week": {time.Date(2026, 11, 29, 23, 59, 0, 0, paris), "2026-W48",
			time.Date(2026, 11, 23, 0, 0, 0, 0, paris), time.Date(2026, 11, 30, 0, 0, 0, 0, paris), 168},
		"monday midnight starts the next": {time.Date(2026, 11, 30, 0, 0, 0, 0, paris), "2026-W49",
			time.Date(2026, 11, 30, 0, 0, 0, 0, paris), time.Date(2026, 12, 7, 0, 0, 0, 0, paris), 168},
		"UTC instant on Sunday 23:30 UTC is Monday in Paris": {time.Date(2026, 11, 29, 23, 30, 0, 0, time.UTC), "2026-W49",
			time.Date(2026, 11, 30, 0, 0, 0, 0, paris), time.Date(2026, 12, 7, 0, 0, 0, 0, paris), 168},
		"spring DST week is 167 hours": {time.Date(2026, 3, 29, 12, 0, 0, 0, paris), "2026-W13",
			time.Date(2026, 3, 23, 0, 0, 0, 0, paris), time.Date(2026, 3, 30, 0, 0, 0, 0, paris), 167},
		"autumn DST week is 169 hours": {time.Date(2026, 10, 25, 12, 0, 0, 0, paris), "2026-W43",
			time.Date(2026, 10, 19, 0, 0, 0, 0, paris), time.Date(2026, 10, 26, 0, 0, 0, 0, paris), 169},
		"ISO week 53 across the year": {time.Date(2027, 1, 1, 12, 0, 0, 0, paris), "2026-W53",
			time.Date(2026, 12, 28, 0, 0, 0, 0, paris), time.Date(2027, 1, 4, 0, 0, 0, 0, paris), 168},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := WeekOf(tc.at, paris)
			if p.Key != tc.key || !p.Since.Equal(tc.since) || !p.Until.Equal(tc.until) {
				t.Errorf("WeekOf = %s [%s, %s), want %s [%s, %s)", p.Key, p.Since, p.Until, tc.key, tc.since, tc.until)
			}
			if h := p.Until.Sub(p.Since).Hours(); h != tc.hours {
				t.Errorf("week lasts %v h, want %v", h, tc.hours)
			}
			back, err := ParsePeriod(p.Key, paris)
			if err != nil || back.Key != p.Key || !back.Since.Equal(p.Since) || !back.Until.Equal(p.Until) {
				t.Errorf("ParsePeriod(%s) = %+v, %v", p.Key, back, err)
			}
		})
	}
}

func TestLastCompleteWeek(t *testing.T) {
	mon := time.Date(2026, 11, 30, 8, 0, 0, 0, paris)
	if p := LastCompleteWeek(mon, paris); p.Key != "2026-W48" {
		t.Errorf("on Monday 30 Nov: %s, want 2026-W48", p.Key)
	}
	if p := LastCompleteWeek(time.Date(2026, 11, 29, 23, 0, 0, 0, paris), paris); p.Key != "2026-W47" {
		t.Errorf("on Sunday 29 Nov: %s, want 2026-W47", p.Key)
	}
}

func TestRangeAndParse(t *testing.T) {
	since, _ := ParseDate("2026-11-01", paris)
	until, _ := ParseDate("2026-11-15", paris)
	p, err := Range(since, until, paris)
	if err != nil {
		t.Fatal(err)
	}
	if p.Key != "2026-11-01--2026-11-15" || p.IsWeek() || !p.Until.Equal(time.Date(2026, 11, 16, 0, 0, 0, 0, paris)) {
		t.Errorf("Range = %+v", p)
	}
	if back, err := ParsePeriod(p.Key, paris); err != nil || !back.Since.Equal(p.Since) || !back.Until.Equal(p.Until) {
		t.Errorf("ParsePeriod(%s) = %+v, %v", p.Key, back, err)
	}
	// A range that is exactly an ISO week is that week.
	w, _ := Range(time.Date(2026, 11, 23, 0, 0, 0, 0, paris), time.Date(2026, 11, 29, 0, 0, 0, 0, paris), paris)
	if w.Key != "2026-W48" {
		t.Errorf("Mon–Sun range = %s, want 2026-W48", w.Key)
	}
	if _, err := Range(until, since, paris); err == nil {
		t.Error("until before since accepted")
	}
	for _, bad := range []string{"", "2026-W54", "2026-W00", "2026-W4", "W48", "2026-13-01--2026-13-02", "yesterday", "2021-W53"} {
		if _, err := ParsePeriod(bad, paris); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", bad)
		}
	}
	if _, err := ParseDate("30/11/2026", paris); err == nil {
		t.Error("ParseDate accepted 30/11/2026")
	}
}

func TestPeriodLabel(t *testing.T) {
	w48 := WeekOf(time.Date(2026, 11, 25, 0, 0, 0, 0, paris), paris)
	w49 := WeekOf(time.Date(2026, 12, 1, 0, 0, 0, 0, paris), paris)
	w53 := WeekOf(time.Date(2026, 12, 30, 0, 0, 0, 0, paris), paris)
	rng, _ := Range(time.Date(2026, 11, 1, 0, 0, 0, 0, paris), time.Date(2026, 11, 15, 0, 0, 0, 0, paris), paris)
	tests := map[string]struct {
		lang i18n.Lang
		p    Period
		want string
	}{
		"fr week":         {i18n.FR, w48, "semaine 48 (23–29 novembre 2026)"},
		"en week":         {i18n.EN, w48, "week 48 (23–29 November 2026)"},
		"fr across month": {i18n.FR, w49, "semaine 49 (30 novembre – 6 décembre 2026)"},
		"fr across year":  {i18n.FR, w53, "semaine 53 (28 décembre 2026 – 3 janvier 2027)"},
		"fr range":        {i18n.FR, rng, "du 1er novembre 2026 au 15 novembre 2026"},
		"en range":        {i18n.EN, rng, "from 1 November 2026 to 15 November 2026"},
	}
	for name, tc := range tests {
		if got := PeriodLabel(tc.lang, tc.p, paris); got != tc.want {
			t.Errorf("%s: %q, want %q", name, got, tc.want)
		}
	}
}

package server

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
)

// TestCalendarCap: a window holding more dates than calendarMaxEvents
// shows whole days, the upcoming ones first, then the past back from
// yesterday, stops at the first day that does not fit, and says so; the
// .ics holds the same dates.
func TestCalendarCap(t *testing.T) {
	rec := openTempRecord(t)
	// clock 2026-03-01: 90 upcoming days of 10 deadlines (900 dates), and
	// 28 past days of February of 10, but 15 on 20 February.
	pub := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	var list []veille.Item
	perDay := map[string]int{}
	add := func(day time.Time, n int) {
		d := day.Format(time.DateOnly)
		for i := range n {
			id := fmt.Sprintf("d%s-%02d", d, i)
			list = append(list, veille.Item{ID: id, Title: "Avis " + id, Lang: "fr", Source: "jorf", Sources: []string{"jorf"},
				Link: "https://example.org/" + id, Published: pub, FirstSeen: pub, Updated: pub, Domains: []string{"devices"},
				Dates: []veille.KeyDate{{Kind: "deadline", Date: d, Text: "au plus tard le " + d}}})
			pub = pub.Add(time.Minute)
		}
		perDay[d] = n
	}
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range 90 {
		add(start.AddDate(0, 0, i), 10)
	}
	for day := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC); day.Before(start); day = day.AddDate(0, 0, 1) {
		add(day, map[bool]int{true: 15, false: 10}[day.Day() == 20])
	}
	rec.add(t, list...)
	f := serveActs(t, rec)

	// 900 upcoming, then back from 28 February: 8 days of 10 (980), 20
	// February's 15 (995); 19 February's 10 do not fit in the 5 left.
	want := map[string]int{}
	for d, n := range perDay {
		if d >= "2026-02-20" {
			want[d] = n
		}
	}
	got, _, body := calendarEvents(t, f, "")
	if len(got) != 995 {
		t.Fatalf("%d events in the .ics, want 995 (the cap is %d)", len(got), calendarMaxEvents)
	}
	have := map[string]int{}
	for i, e := range got {
		day := strings.Fields(e)[0]
		have[day]++
		if i > 0 && day < strings.Fields(got[i-1])[0] {
			t.Fatalf("event %d (%s) before the one ahead of it (%s)", i, day, got[i-1])
		}
	}
	for d, n := range want {
		if have[d] != n {
			t.Errorf("%s: %d events, want the whole day's %d", d, have[d], n)
		}
	}
	for d, n := range have {
		if want[d] == 0 {
			t.Errorf("%s: %d events, want none (past the cut)", d, n)
		}
	}
	checkWithPython(t, body, 995)
	// the same through a filter, which the dictionary's counts ignore:
	// the spans are then counted by searches
	if filtered, _, _ := calendarEvents(t, f, "domain=devices"); !slices.Equal(filtered, got) {
		t.Errorf("domain=devices: %d events, want the same %d", len(filtered), len(got))
	}
	if !strings.Contains(strings.ReplaceAll(string(body), "\r\n ", ""), "X-WR-CALDESC:Plus de 1") {
		t.Error("the .ics does not say it is cut")
	}

	for lang, words := range map[string][]string{
		"en": {"More than 1,000 dates in this period: the calendar shows 995 of them, from 20 February 2026 to 29 May 2026"},
		"fr": {"Plus de 1\u202f000 dates dans cette période : le calendrier en montre 995, du 20 février 2026 au 29 mai 2026"},
	} {
		_, body := get(t, f.ts.URL+"/calendar?ui="+lang)
		page := string(body)
		for _, w := range words {
			if !strings.Contains(page, w) {
				t.Errorf("%s: the page does not say %q", lang, w)
			}
		}
		if n := strings.Count(page, `<li class="event">`); n != 995 {
			t.Errorf("%s: %d events on the page, want 995", lang, n)
		}
	}
	// A window that fits is whole, and says nothing of a cap.
	got, _, body = calendarEvents(t, f, "since=2026-02-01&until=2026-02-28")
	if len(got) != 28*10+5 {
		t.Errorf("February: %d events, want %d", len(got), 28*10+5)
	}
	if strings.Contains(string(body), "X-WR-CALDESC") {
		t.Error("a .ics within the cap says it is cut")
	}
	_, body = get(t, f.ts.URL+"/calendar?ui=en&since=2026-02-01&until=2026-02-28")
	if strings.Contains(string(body), "More than") {
		t.Error("a calendar within the cap says it is cut")
	}
}

// TestCalendarManyRefs: an event of an item citing more references than
// the record keeps with each date lists the first ones and says how many
// more there are, in the reader's language.
func TestCalendarManyRefs(t *testing.T) {
	rec := openTempRecord(t)
	pub := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	it := veille.Item{ID: "many", Title: "Avis", Lang: "fr", Source: "jorf", Sources: []string{"jorf"},
		Link: "https://example.org/many", Published: pub, FirstSeen: pub, Updated: pub,
		Dates: []veille.KeyDate{{Kind: "deadline", Date: "2026-03-10", Text: "au plus tard le 10 mars 2026"}}}
	for i := range 23 {
		it.Refs = append(it.Refs, veille.Ref{Kind: "icpe", ID: fmt.Sprint(2500 + i), Text: "rubrique"})
	}
	rec.add(t, it)
	f := serveActs(t, rec)
	for lang, more := range map[string]string{"en": "… and 3 more", "fr": "… et 3 autres"} {
		_, cal, _ := calendarEvents(t, f, "ui="+lang)
		if len(cal.Events()) != 1 {
			t.Fatalf("%s: %d events, want 1", lang, len(cal.Events()))
		}
		desc := strings.ReplaceAll(cal.Events()[0].GetProperty("DESCRIPTION").Value, `\n`, "\n")
		if !strings.Contains(desc, "- 2519\n- "+more) || strings.Contains(desc, "- 2520") {
			t.Errorf("%s: description\n%s", lang, desc)
		}
	}
}

// TestCalendarNearestDates: an empty calendar links to the nearest dates
// before and after its window, with its filters; following a link shows
// the date; with no date at all for the filters, no link.
func TestCalendarNearestDates(t *testing.T) {
	rec := openTempRecord(t)
	pub := time.Date(2019, 2, 1, 9, 0, 0, 0, time.UTC)
	mk := func(id, kind, day string) veille.Item {
		return veille.Item{ID: id, Title: "Avis " + id, Lang: "fr", Source: "jorf", Sources: []string{"jorf"},
			Link: "https://example.org/" + id, Published: pub, FirstSeen: pub, Updated: pub, Domains: []string{"environment"},
			Dates: []veille.KeyDate{{Kind: kind, Date: day, Text: "le " + day}}}
	}
	rec.add(t, mk("old", "deadline", "2020-05-01"), mk("older", "deadline", "2019-03-01"), mk("far", "application", "2031-02-03"))
	f := serveActs(t, rec)
	_, body := get(t, f.ts.URL+"/calendar?ui=en&domain=environment")
	page := string(body)
	for _, want := range []string{"No deadline in this period", "Nearest dates:",
		`href="/calendar?domain=environment&amp;since=2019-05-02&amp;ui=en&amp;until=2020-05-01">before, on 1 May 2020</a>`,
		`href="/calendar?domain=environment&amp;since=2031-02-03&amp;ui=en&amp;until=2032-02-02">after, on 3 February 2031</a>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the empty calendar lacks %q", want)
		}
	}
	_, body = get(t, f.ts.URL+"/calendar?domain=environment&since=2031-02-03&ui=en&until=2032-02-02")
	if !strings.Contains(string(body), `href="/items/far"`) {
		t.Error("the link after does not show the date it names")
	}
	for _, q := range []string{"kind=comment-deadline", "domain=health-safety"} {
		_, body = get(t, f.ts.URL+"/calendar?ui=en&"+q)
		if strings.Contains(string(body), "Nearest dates") {
			t.Errorf("%s: nearest dates offered where the filters have none", q)
		}
	}
	_, body = get(t, f.ts.URL+"/calendar?ui=fr&kind=application")
	if !strings.Contains(string(body), "après, le 3 février 2031") || strings.Contains(string(body), `id="cal-before"`) {
		t.Error("kind=application: want only the date after, in French")
	}
}

package server

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"
)

// calendarEvents downloads a .ics and reads it with golang-ical: each
// event as "day kind-words item" (the item taken from the description's
// link), in the file's order.
func calendarEvents(t *testing.T, f *actsFixture, query string) ([]string, *ics.Calendar, []byte) {
	t.Helper()
	resp, body := get(t, f.ts.URL+"/calendar.ics?"+query)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", query, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
		t.Errorf("content type %q", ct)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("golang-ical cannot read the calendar: %v\n%s", err, body)
	}
	var out []string
	for _, ev := range cal.Events() {
		day, err := ev.GetAllDayStartAt()
		if err != nil {
			t.Fatalf("event %s: %v", ev.Id(), err)
		}
		desc := ev.GetProperty(ics.ComponentPropertyDescription).Value
		item := ""
		if i := strings.Index(desc, "/items/"); i >= 0 {
			item = strings.Fields(strings.ReplaceAll(desc[i+len("/items/"):], `\n`, " "))[0]
		}
		out = append(out, day.Format("2006-01-02")+" "+item)
	}
	return out, cal, body
}

// TestCalendarICS: the default window (30 days back to a year ahead of the
// clock), the filters, since/until; stable UIDs, all-day events, a SUMMARY
// naming the act and the kind of date, the URL of the act's page.
func TestCalendarICS(t *testing.T) {
	f := newActsFixture(t)
	// clock 2026-03-01: the window is 2026-01-30 to 2027-03-01
	for query, want := range map[string][]string{
		"":                                  {"2026-05-26 amend", "2027-01-01 decree"},
		"kind=deadline":                     {"2026-05-26 amend"},
		"kind=entry-into-force,application": {"2027-01-01 decree"},
		"since=2017-01-01&until=2021-12-31": {"2017-05-25 mdr", "2021-05-26 mdr"},
		"since=2021-05-26&until=2021-05-26": {"2021-05-26 mdr"},
		"since=2021-05-27&until=2022-05-26": nil,
		"since=2017-01-01&until=2030-01-01&member=implantco":                {"2017-05-25 mdr", "2021-05-26 mdr", "2023-03-20 amend", "2026-05-26 amend"},
		"since=2017-01-01&until=2030-01-01&member=coatings":                 {"2027-01-01 decree"},
		"since=2017-01-01&until=2030-01-01&competence=surgical-instruments": {"2027-07-01 cite"},
		"member=coatings&competence=medical-implants":                       nil,
		"domain=no-such-domain":                                             nil,
	} {
		got, _, _ := calendarEvents(t, f, query)
		if !slices.Equal(got, want) {
			t.Errorf("%q:\n got %v\nwant %v", query, got, want)
		}
	}
	_, cal, body := calendarEvents(t, f, "since=2017-01-01&until=2030-01-01&ui=en")
	text := string(body)
	if !strings.Contains(text, "DTSTART;VALUE=DATE:20260526") {
		t.Errorf("no all-day DTSTART for 2026-05-26:\n%s", text)
	}
	uids := map[string]bool{}
	for _, ev := range cal.Events() {
		if uids[ev.Id()] {
			t.Errorf("UID %s twice", ev.Id())
		}
		uids[ev.Id()] = true
		if ev.GetProperty(ics.ComponentPropertyDtstamp) == nil {
			t.Errorf("event %s without DTSTAMP", ev.Id())
		}
	}
	if len(uids) != 6 {
		t.Errorf("%d events, want 6", len(uids))
	}
	_, again, _ := calendarEvents(t, f, "since=2026-01-01&until=2030-01-01&ui=fr")
	for _, ev := range again.Events() {
		if !uids[ev.Id()] {
			t.Errorf("UID %s changed between downloads", ev.Id())
		}
	}
	var deadline *ics.VEvent
	for _, ev := range cal.Events() {
		if d, _ := ev.GetAllDayStartAt(); d.Format("2006-01-02") == "2026-05-26" {
			deadline = ev
		}
	}
	if deadline == nil {
		t.Fatal("no event on 2026-05-26")
	}
	// the date is set by the amending regulation, the item's own act
	if s := deadline.GetProperty(ics.ComponentPropertySummary).Value; s != "Regulation (EU) 2023/607 — deadline" {
		t.Errorf("summary %q", s)
	}
	if u := deadline.GetProperty(ics.ComponentPropertyUrl).Value; !strings.HasSuffix(u, "/acts/eu-act/Regulation%20%28EU%29%202023%2F607") {
		t.Errorf("url %q", u)
	}
	if d := deadline.GetProperty(ics.ComponentPropertyDescription).Value; !strings.Contains(d, "au plus tard le 26 mai 2026") || !strings.Contains(d, "Regulation (EU) 2017/745") {
		t.Errorf("description %q", d)
	}
	for _, bad := range []string{"since=2026-13-01", "kind=birthday", "member=nobody", "since=2027-01-01&until=2026-01-01", "colour=red"} {
		if resp, _ := get(t, f.ts.URL+"/calendar.ics?"+bad); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, resp.StatusCode)
		}
	}
	checkWithPython(t, body, 6)
}

// checkWithPython reads the calendar with Python's icalendar, as calendar
// clients other than Go's do; skipped when the module is absent, unless CI
// is set.
func checkWithPython(t *testing.T, body []byte, events int) {
	t.Helper()
	script := `import sys, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
evs = list(cal.walk("VEVENT"))
for e in evs:
    assert e.get("UID") and e.get("DTSTAMP") and e.get("SUMMARY") and e.get("URL"), e
    d = e.decoded("DTSTART")
    assert type(d).__name__ == "date", d  # all-day: a date, not a datetime
print(len(evs))
`
	py, err := pythonWith("icalendar")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 with icalendar is needed in CI: %v", err)
		}
		t.Skipf("python3 with the icalendar module is absent (%v): the .ics was not checked with it", err)
	}
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = bytes.NewReader(body)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("Python's icalendar rejects the calendar: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != strconv.Itoa(events) {
		t.Errorf("Python read %s events, want %d", got, events)
	}
}

// pythonWith finds a python3 on PATH that imports module: the first
// python3 found may be a virtual environment's without it.
func pythonWith(module string) (string, error) {
	err := fmt.Errorf("no python3 on PATH")
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		py := filepath.Join(dir, "python3")
		if _, serr := os.Stat(py); serr != nil {
			continue
		}
		if err = exec.Command(py, "-c", "import "+module).Run(); err == nil {
			return py, nil
		}
		err = fmt.Errorf("%s cannot import %s: %w", py, module, err)
	}
	return "", err
}

// TestCalendarPage: the page in both languages, past and upcoming, its
// filters kept in the .ics link.
func TestCalendarPage(t *testing.T) {
	f := newActsFixture(t)
	resp, body := get(t, f.ts.URL+"/calendar?ui=fr&since=2026-01-01&until=2027-12-31&member=implantco")
	page := string(body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", resp.StatusCode, page)
	}
	for _, w := range []string{"Échéances réglementaires", "À venir", "26 mai 2026", "date limite",
		`href="/acts/eu-act/Regulation%20%28EU%29%202023%2F607"`, `href="/items/amend"`, "member=implantco", "/calendar.ics?"} {
		if !strings.Contains(page, w) {
			t.Errorf("the page lacks %q", w)
		}
	}
	if strings.Contains(page, `href="/items/decree"`) {
		t.Error("the member's calendar shows another competence's item")
	}
	assertNoInline(t, page)
	_, body = get(t, f.ts.URL+"/calendar?ui=en")
	for _, w := range []string{"Regulatory deadlines", "Upcoming", "26 May 2026", "1 January 2027", "From 30 January 2026 to 1 March 2027"} {
		if !strings.Contains(string(body), w) {
			t.Errorf("the English page lacks %q", w)
		}
	}
	if resp, _ := get(t, f.ts.URL+"/calendar?kind=birthday"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad kind: %d", resp.StatusCode)
	}
}

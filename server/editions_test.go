package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/nogentech/veille/internal/xsscheck"
	"github.com/nogentech/veille/store"
)

func (e *edEnv) api(t *testing.T, method, path, token, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (e *edEnv) getEdition(t *testing.T) editionJSON {
	t.Helper()
	st, body := e.api(t, "GET", "/api/editions/environment-weekly/2026-W48", edToken, "")
	if st != 200 {
		t.Fatalf("GET edition: %d %s", st, body)
	}
	var ed editionJSON
	if err := json.Unmarshal(body, &ed); err != nil {
		t.Fatal(err)
	}
	return ed
}

func put(t *testing.T, e *edEnv, ed editionJSON) (int, []byte) {
	t.Helper()
	b, _ := json.Marshal(ed)
	return e.api(t, "PUT", "/api/editions/environment-weekly/2026-W48", edToken, string(b))
}

func TestEditionAPIAuthAndShape(t *testing.T) {
	e := newEdEnv(t)
	for _, tc := range []struct {
		token string
		want  int
	}{{"", 401}, {"wrong", 401}} {
		if st, _ := e.api(t, "GET", "/api/editions/environment-weekly/2026-W48", tc.token, ""); st != tc.want {
			t.Errorf("token %q: %d, want %d", tc.token, st, tc.want)
		}
	}
	// A 401 says how to authenticate (RFC 9110 §15.5.2): the admin token.
	resp, err := http.Get(e.ts.URL + "/api/editions/environment-weekly/2026-W48")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("WWW-Authenticate"); resp.StatusCode != 401 || !strings.HasPrefix(got, "Bearer ") {
		t.Errorf("signed out: %d with WWW-Authenticate %q, want 401 with a Bearer challenge", resp.StatusCode, got)
	}
	for path, want := range map[string]int{
		"/api/editions/no-such-digest/2026-W48":     404,
		"/api/editions/environment-weekly/2026-48":  400,
		"/api/editions/environment-weekly/2027-W10": 404, // not started
	} {
		if st, body := e.api(t, "GET", path, edToken, ""); st != want {
			t.Errorf("%s: %d %s, want %d", path, st, body, want)
		}
	}
	st, body := e.api(t, "GET", "/api/editions/environment-weekly/2026-W48", edToken, "")
	if st != 200 {
		t.Fatalf("%d %s", st, body)
	}
	// Staff signed in by mail link read it too, without the token.
	if resp, sbody := e.staff(t).do("GET", "/api/editions/environment-weekly/2026-W48", nil); resp.StatusCode != 200 || sbody != string(body) {
		t.Errorf("staff session: %d %s", resp.StatusCode, sbody)
	}
	var raw map[string]any
	json.Unmarshal(body, &raw)
	for _, k := range []string{"digest", "period", "version", "status", "intro", "items"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("edition JSON lacks %q: %s", k, body)
		}
	}
	items := raw["items"].([]any)
	if len(items) != 3 || raw["status"] != "draft" || raw["period"] != "2026-W48" {
		t.Fatalf("draft = %s", body)
	}
	for _, k := range []string{"id", "title", "note", "heading"} {
		if _, ok := items[0].(map[string]any)[k]; !ok {
			t.Errorf("item lacks %q", k)
		}
	}
}

// Two staff read the same version and save at once: one wins, the other
// gets 409 and the winner's work is kept.
func TestEditionAPITwoStaffConcurrent(t *testing.T) {
	e := newEdEnv(t)
	base := e.getEdition(t)
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range 2 {
		ed := base
		ed.Items = append(ed.Items[:0:0], base.Items...)
		ed.Items[i].Note = []string{"note d'Alice", "note de Bob"}[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = put(t, e, ed)
		}()
	}
	wg.Wait()
	if !(codes[0] == 200 && codes[1] == 409 || codes[0] == 409 && codes[1] == 200) {
		t.Fatalf("concurrent saves answered %v, want one 200 and one 409", codes)
	}
	got := e.getEdition(t)
	notes := got.Items[0].Note + "|" + got.Items[1].Note
	if notes != "note d'Alice|" && notes != "|note de Bob" {
		t.Errorf("notes after the race: %q", notes)
	}
	if got.Version != base.Version+1 {
		t.Errorf("version %d, want %d", got.Version, base.Version+1)
	}
	// Stale version: 409; missing version: 400; unknown item: 400.
	if st, _ := put(t, e, base); st != 409 {
		t.Errorf("stale save: %d", st)
	}
	got.Version = 0
	if st, _ := put(t, e, got); st != 400 {
		t.Errorf("save without version: %d", st)
	}
}

func TestEditionAPIApproveTwiceSendsOnce(t *testing.T) {
	e := newEdEnv(t)
	ed := e.getEdition(t)
	removed := ed.Items[2]
	// Staff put the second first with a note, drop the third, add an
	// older text found by search.
	ed.Items = []store.EditionItem{ed.Items[1], ed.Items[0], {ID: e.older.ID, Note: "Texte de septembre, à relire."}}
	ed.Items[0].Note = "Les ateliers 2565 doivent déclarer leurs rejets avant le 1er mars."
	ed.Items[0].Heading = "Installations classées"
	ed.Intro = "Deux textes cette semaine."
	if st, body := put(t, e, ed); st != 200 {
		t.Fatalf("save: %d %s", st, body)
	}
	st, body := e.api(t, "POST", "/api/editions/environment-weekly/2026-W48/approve", edToken, "")
	if st != 200 {
		t.Fatalf("approve: %d %s", st, body)
	}
	if n := e.sink.editionMails(); n != 2 {
		t.Fatalf("approval sent %d mails, want one per recipient (2)", n)
	}
	st, body = e.api(t, "POST", "/api/editions/environment-weekly/2026-W48/approve", edToken, "")
	if st != 200 {
		t.Fatalf("second approve: %d %s", st, body)
	}
	if n := e.sink.editionMails(); n != 2 {
		t.Fatalf("second approval sent more: %d mails", n)
	}
	for _, addr := range []string{edCommission, edSecond} {
		m := e.sink.to(t, addr)
		if len(m) != 1 || !strings.Contains(m[0], "déclarer leurs rejets avant le 1er mars") ||
			!strings.Contains(m[0], "PFAS") || strings.Contains(m[0], removed.Title[:30]) {
			t.Errorf("mail to %s: %d mails, note/added/removed wrong:\n%.2000s", addr, len(m), strings.Join(m, ""))
		}
	}
	got := e.getEdition(t)
	if got.Status != "sent" {
		t.Errorf("status %s", got.Status)
	}
	if st, _ := put(t, e, got); st != 409 {
		t.Errorf("save after approval: %d, want 409", st)
	}
	// The archive page and the feed show it; the page has the note.
	resp, page := get(t, e.ts.URL+"/editions/environment-weekly/2026-W48")
	if resp.StatusCode != 200 || !strings.Contains(string(page), "avant le 1er mars") {
		t.Errorf("archive page: %d", resp.StatusCode)
	}
	resp, feed := get(t, e.ts.URL+"/editions.atom")
	if resp.StatusCode != 200 || !strings.Contains(string(feed), "2026-W48") && !strings.Contains(string(feed), "semaine 48") {
		t.Errorf("feed: %d %s", resp.StatusCode, feed)
	}
	// Staff record the meeting; the item page says it was in the edition,
	// with the note and the meeting, and so does a search for it.
	if st, body := e.api(t, "POST", "/api/editions/environment-weekly/2026-W48/discussed", edToken, `{"date":"08/12/2026"}`); st != 400 {
		t.Errorf("bad meeting date: %d %s", st, body)
	}
	if st, body := e.api(t, "POST", "/api/editions/environment-weekly/2026-W48/discussed", "", `{"date":"2026-12-08"}`); st != 401 {
		t.Errorf("meeting date without staff: %d %s", st, body)
	}
	if st, body := e.api(t, "POST", "/api/editions/environment-weekly/2026-W48/discussed", edToken, `{"date":"2026-12-08"}`); st != 200 {
		t.Fatalf("meeting date: %d %s", st, body)
	}
	// (Every word of a query is required: the two items hold one each.)
	for _, path := range []string{"/items/" + ed.Items[0].ID, "/?q=" + url.QueryEscape("rejets OR 2565")} {
		resp, page := get(t, e.ts.URL+path)
		for _, want := range []string{"avant le 1er mars", "Dans l&#39;édition de la commission du", "Examinée en réunion le 8 décembre 2026"} {
			if resp.StatusCode != 200 || !strings.Contains(string(page), want) {
				t.Errorf("%s (%d) lacks %q", path, resp.StatusCode, want)
			}
		}
	}
}

// A draft is not public; a sent edition is.
func TestEditionPagesAccess(t *testing.T) {
	e := newEdEnv(t)
	e.getEdition(t)
	if resp, _ := get(t, e.ts.URL+"/editions/environment-weekly/2026-W48"); resp.StatusCode != 404 {
		t.Errorf("draft page for the public: %d", resp.StatusCode)
	}
	if resp, _ := get(t, e.ts.URL+"/editions/environment-weekly/2026-W48", "Authorization", "Bearer "+edToken); resp.StatusCode != 200 {
		t.Errorf("draft page for staff: %d", resp.StatusCode)
	}
	anon := newClient(t, e.ts.URL, e.sink.loopSMTP)
	resp, _ := anon.do("GET", "/editions/environment-weekly/2026-W48/edit", nil)
	if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/signin?") {
		t.Errorf("edit page without staff: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The stopgap token form is gone: staff sign in by mail link.
	if resp, _ := anon.do("GET", "/editions/signin", nil); resp.StatusCode != 404 {
		t.Errorf("GET /editions/signin: %d, want 404", resp.StatusCode)
	}
	staff := e.staff(t)
	if resp, body := staff.do("GET", "/editions/environment-weekly/2026-W48/edit", nil); resp.StatusCode != 200 ||
		!strings.Contains(body, `id="edition-form"`) {
		t.Errorf("edit page for staff signed in by link: %d", resp.StatusCode)
	}
	// A form POST from another site is refused, with a session or the token.
	for _, h := range [][]string{{"Authorization", "Bearer " + edToken}, nil} {
		resp, _ := staff.do("POST", "/editions/environment-weekly/2026-W48/approve", url.Values{"version": {"1"}},
			append(h, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")...)
		if resp.StatusCode != 403 {
			t.Errorf("cross-site approve (%v): %d", h, resp.StatusCode)
		}
	}
	if e.sink.editionMails() != 0 {
		t.Error("a refused approval sent mail")
	}
}

func TestEditionXSSThroughNotesInPages(t *testing.T) {
	e := newEdEnv(t)
	ed := e.getEdition(t)
	payloads := xsscheck.Payloads()
	for i, p := range payloads {
		it := &ed.Items[i%len(ed.Items)]
		it.Note += "\n\n" + p
		it.Heading += p
	}
	ed.Intro = strings.Join(payloads, "\n\n")
	if st, body := put(t, e, ed); st != 200 {
		t.Fatalf("save: %d %s", st, body)
	}
	for _, path := range []string{"/editions/environment-weekly/2026-W48", "/editions/environment-weekly/2026-W48/edit"} {
		resp, body := get(t, e.ts.URL+path, "Authorization", "Bearer "+edToken)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		if f := xsscheck.CountString(string(body)); !f.Clean() {
			t.Errorf("%s with %d payloads in notes and headings: %v", path, len(payloads), f)
		}
	}
	if st, body := e.api(t, "POST", "/api/editions/environment-weekly/2026-W48/approve", edToken, ""); st != 200 {
		t.Fatalf("approve: %d %s", st, body)
	}
	for _, path := range []string{"/editions/environment-weekly/2026-W48", "/items/" + ed.Items[0].ID, "/editions.atom"} {
		_, body := get(t, e.ts.URL+path)
		if f := xsscheck.CountString(string(body)); !f.Clean() {
			t.Errorf("%s: %v", path, f)
		}
	}
	for _, m := range e.sink.htmlTo(t, edCommission) {
		if f := xsscheck.CountString(m); !f.Clean() {
			t.Errorf("mail: %v", f)
		}
	}
}

// Two staff on the editing page: the second form, from the version both
// read, is refused with 409 and the first one's note stays.
func TestEditionFormStaleVersion(t *testing.T) {
	e := newEdEnv(t)
	ed := e.getEdition(t)
	staff := e.staff(t)
	form := func(note string) int {
		v := url.Values{"version": {strconv.Itoa(ed.Version)}, "n": {strconv.Itoa(len(ed.Items))}, "action": {"save"}}
		for i, it := range ed.Items {
			k := strconv.Itoa(i)
			v.Set("id"+k, it.ID)
			v.Set("pos"+k, strconv.Itoa(i+1))
		}
		v.Set("note0", note)
		resp, _ := staff.do("POST", "/editions/environment-weekly/2026-W48/edit", v)
		return resp.StatusCode
	}
	if st := form("note d'Alice"); st != 303 {
		t.Fatalf("first save: %d", st)
	}
	if st := form("note de Bob"); st != 409 {
		t.Fatalf("second save from the same version: %d, want 409", st)
	}
	if got := e.getEdition(t); got.Items[0].Note != "note d'Alice" {
		t.Errorf("note after the refused save: %q", got.Items[0].Note)
	}
}

package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/members"
)

func TestSignInLinkOnceAndSession(t *testing.T) {
	e := newMemberEnv(t, false)
	c := e.client()
	if resp, _ := c.do("GET", "/api/me", nil); resp.StatusCode != 401 {
		t.Fatalf("anonymous /api/me: %d, want 401", resp.StatusCode)
	}
	link := c.signIn(userA)
	resp, body := c.do("GET", "/api/me", nil)
	var me meJSON
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &me) != nil {
		t.Fatalf("/api/me after sign-in: %d %s", resp.StatusCode, body)
	}
	if me.Email != userA || me.Member != "forge-a" || me.Staff || len(me.Competences) != 1 || me.Competences[0] != "forging" {
		t.Fatalf("/api/me = %+v", me)
	}
	// The cookie's attributes: HttpOnly, SameSite=Lax, not Secure on http.
	if sc := resp.Header.Get("Set-Cookie"); sc != "" && (!strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") || strings.Contains(sc, "Secure")) {
		t.Errorf("session cookie attributes: %s", sc)
	}
	// The link a second time: refused, by another browser too.
	other := e.client()
	if resp, body := other.do("GET", link, nil); resp.StatusCode != http.StatusGone || strings.Contains(body, "signin-confirm") {
		t.Errorf("used link shows: %d", resp.StatusCode)
	}
	if resp, _ := other.do("POST", link, nil); resp.StatusCode != http.StatusGone {
		t.Errorf("used link signs in again: %d, want 410", resp.StatusCode)
	}
	if resp, _ := other.do("GET", "/api/me", nil); resp.StatusCode != 401 {
		t.Errorf("second browser signed in by a used link: %d", resp.StatusCode)
	}
	// Sign-out ends the session, in the store too.
	old := c.cookie()
	if resp, _ := c.do("POST", "/signout", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", resp.StatusCode)
	}
	if n, _ := e.st.CountSessions(context.Background(), userA); n != 0 {
		t.Errorf("%d sessions of %s left after sign-out", n, userA)
	}
	replay := e.client()
	u, _ := url.Parse(e.ts.URL)
	replay.jar.SetCookies(u, []*http.Cookie{{Name: members.CookieName, Value: old}})
	if resp, _ := replay.do("GET", "/api/me", nil); resp.StatusCode != 401 {
		t.Errorf("the cookie of a signed-out session still works: %d", resp.StatusCode)
	}
}

func TestSignInLinkExpires(t *testing.T) {
	e := newMemberEnv(t, false)
	c := e.client()
	c.do("POST", "/signin", url.Values{"email": {userB}})
	link := e.smtp.waitLink(t, userB, 1)
	e.clock.advance(members.LinkTTL + time.Second)
	if resp, _ := c.do("POST", link, nil); resp.StatusCode != http.StatusGone {
		t.Fatalf("expired link: %d, want 410", resp.StatusCode)
	}
	if resp, _ := c.do("GET", "/api/me", nil); resp.StatusCode != 401 {
		t.Fatalf("signed in by an expired link: %d", resp.StatusCode)
	}
}

func TestSessionEndsAfter30DaysIdle(t *testing.T) {
	e := newMemberEnv(t, false)
	c := e.client()
	c.signIn(userB)
	e.clock.advance(29 * 24 * time.Hour)
	if resp, _ := c.do("GET", "/api/me", nil); resp.StatusCode != 200 {
		t.Fatalf("after 29 days: %d, want 200", resp.StatusCode)
	}
	e.clock.advance(31 * 24 * time.Hour)
	if resp, _ := c.do("GET", "/api/me", nil); resp.StatusCode != 401 {
		t.Fatalf("after 31 idle days: %d, want 401", resp.StatusCode)
	}
}

// A link signs in the address it was mailed to, whoever holds it: B's
// browser pressing A's link becomes A (and B's session is gone), and an
// address that is no member's gets no mail at all, with the same page.
func TestSignInLinkForAnotherAddress(t *testing.T) {
	e := newMemberEnv(t, false)
	b := e.client()
	b.signIn(userB)
	bCookie := b.cookie()
	a := e.client()
	a.do("POST", "/signin", url.Values{"email": {userA2}})
	link := e.smtp.waitLink(t, userA2, 1)
	if resp, _ := b.do("POST", link, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST link: %d", resp.StatusCode)
	}
	_, body := b.do("GET", "/api/me", nil)
	if !strings.Contains(body, `"member":"forge-a"`) || !strings.Contains(body, userA2) {
		t.Fatalf("the link signed in someone else: %s", body)
	}
	if b.cookie() == bCookie {
		t.Error("the session token was not rotated at sign-in")
	}
	// The same answer whatever the address.
	_, known := e.client().do("POST", "/signin", url.Values{"email": {userB}})
	_, unknown := e.client().do("POST", "/signin", url.Values{"email": {stranger}})
	if strings.ReplaceAll(known, userB, "X") != strings.ReplaceAll(unknown, stranger, "X") {
		t.Error("POST /signin answers differently for a member's address and a stranger's")
	}
	e.srv.Wait()
	if n := len(e.smtp.to(stranger)); n != 0 {
		t.Errorf("%d mails to an address that is no member's", n)
	}
}

// Session fixation: a session token planted in the victim's browser before
// sign-in is worthless after it.
func TestSessionFixation(t *testing.T) {
	e := newMemberEnv(t, false)
	attacker := e.client()
	attacker.signIn(userB)
	planted := attacker.cookie()
	victim := e.client()
	u, _ := url.Parse(e.ts.URL)
	victim.jar.SetCookies(u, []*http.Cookie{{Name: members.CookieName, Value: planted, Path: "/"}})
	victim.signIn(userA)
	if victim.cookie() == planted {
		t.Fatal("sign-in kept the planted session token")
	}
	replay := e.client()
	replay.jar.SetCookies(u, []*http.Cookie{{Name: members.CookieName, Value: planted}})
	_, body := replay.do("GET", "/api/me", nil)
	if strings.Contains(body, userA) {
		t.Fatalf("the planted token reads the victim's session: %s", body)
	}
}

func TestCrossOriginStateChangeRefused(t *testing.T) {
	e := newMemberEnv(t, false)
	c := e.client()
	c.signIn(userA)
	evil := []string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{"PUT", "/api/marks/item-0", `{"status":"applies"}`},
		{"POST", "/api/saved", `{"name":"x","query":"q=forge","notify":"none"}`},
		{"POST", "/items/item-0/mark", url.Values{"status": {"applies"}}},
		{"POST", "/signout", nil},
		{"POST", "/signin", url.Values{"email": {userA}}},
	} {
		if resp, _ := c.do(tc.method, tc.path, tc.body, evil...); resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-origin %s %s: %d, want 403", tc.method, tc.path, resp.StatusCode)
		}
	}
	if ms, _ := e.st.Marks(context.Background(), "forge-a", storeNoFilter); len(ms) != 0 {
		t.Errorf("a cross-origin request stored %d marks", len(ms))
	}
	if resp, _ := c.do("GET", "/api/me", nil); resp.StatusCode != 200 {
		t.Errorf("a cross-origin sign-out ended the session: %d", resp.StatusCode)
	}
}

func TestSignInMailFlooding(t *testing.T) {
	e := newMemberEnv(t, false)
	c := e.client()
	for range 6 {
		c.do("POST", "/signin", url.Values{"email": {userA}})
	}
	e.srv.Wait()
	if n := len(e.smtp.to(userA)); n != members.MaxPerAddress {
		t.Fatalf("%d link mails to one address in an hour, want %d", n, members.MaxPerAddress)
	}
	// One client trying many addresses of a member's domain.
	for i := range 2 * members.MaxPerClient {
		c.do("POST", "/signin", url.Values{"email": {"user" + string(rune('a'+i)) + "@forge-a.example"}})
	}
	e.srv.Wait()
	if n := e.smtp.count(); n > members.MaxPerClient {
		t.Fatalf("one client had %d link mails sent in an hour, over %d", n, members.MaxPerClient)
	}
	// An hour later the address may ask again.
	e.clock.advance(61 * time.Minute)
	c.do("POST", "/signin", url.Values{"email": {userA}})
	e.srv.Wait()
	if n := len(e.smtp.to(userA)); n != members.MaxPerAddress+1 {
		t.Fatalf("after an hour: %d mails, want %d", n, members.MaxPerAddress+1)
	}
}

func TestRemovedMemberSessionsEnded(t *testing.T) {
	e := newMemberEnv(t, false)
	a, b := e.client(), e.client()
	a.signIn(userA)
	b.signIn(userB)
	cfg := e.cfg
	cfg.Members = cfg.Members[1:] // forge-a leaves the cluster
	e.start(cfg)
	if n, _ := e.st.CountSessions(context.Background(), userA); n != 0 {
		t.Errorf("%d sessions of a removed member left in the store", n)
	}
	if resp, _ := a.do("GET", "/api/me", nil); resp.StatusCode != 401 {
		t.Errorf("removed member still signed in: %d", resp.StatusCode)
	}
	if resp, _ := b.do("GET", "/api/me", nil); resp.StatusCode != 200 {
		t.Errorf("the other member lost its session: %d", resp.StatusCode)
	}
}

func TestRegisterExportHasOnlyOwnRows(t *testing.T) {
	e := newMemberEnv(t, false)
	a, b := e.client(), e.client()
	a.signIn(userA)
	b.signIn(userB)
	if resp, body := a.do("PUT", "/api/marks/item-0", `{"status":"applies","note":"audit A","owner":"Alice","action":"Mettre à jour la procédure","due":"2027-03-31","done":false}`); resp.StatusCode != 200 {
		t.Fatalf("PUT mark: %d %s", resp.StatusCode, body)
	}
	if resp, body := b.do("PUT", "/api/marks/item-1", `{"status":"to-assess","note":"secret B"}`); resp.StatusCode != 200 {
		t.Fatalf("PUT mark B: %d %s", resp.StatusCode, body)
	}
	for _, bad := range []string{`{"status":"maybe"}`, `{"status":"applies","due":"31/03/2027"}`, `{"status":"applies","extra":1}`} {
		if resp, _ := a.do("PUT", "/api/marks/item-2", bad); resp.StatusCode != 400 {
			t.Errorf("PUT %s: %d, want 400", bad, resp.StatusCode)
		}
	}
	if resp, _ := a.do("PUT", "/api/marks/no-such-item", `{"status":"applies"}`); resp.StatusCode != 404 {
		t.Errorf("mark on a missing item: %d, want 404", resp.StatusCode)
	}
	_, csv := a.do("GET", "/register.csv", nil)
	if !strings.Contains(csv, "Arrêté 0") || !strings.Contains(csv, "2027-03-31") || strings.Contains(csv, "secret B") || strings.Contains(csv, "Arrêté 1") {
		t.Fatalf("A's CSV:\n%s", csv)
	}
	resp, x := a.do("GET", "/register.xlsx", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("xlsx: %d", resp.StatusCode)
	}
	rows := xlsxRows(t, []byte(x))
	if len(rows) != 2 || rows[1][0] != "Arrêté 0 sur forging" || rows[1][1] != "nor TREP2612345A" || rows[1][2] != "2027-07-01" ||
		rows[1][6] != "2027-03-31" || rows[1][5] != "Alice" {
		t.Fatalf("A's XLSX rows: %q", rows)
	}
	_, list := b.do("GET", "/api/marks", nil)
	if strings.Contains(list, "audit A") || !strings.Contains(list, "secret B") {
		t.Fatalf("B's marks: %s", list)
	}
	// B cannot delete A's mark: it has none on that item.
	if resp, _ := b.do("DELETE", "/api/marks/item-0", nil); resp.StatusCode != 404 {
		t.Errorf("B deletes on A's item: %d, want 404", resp.StatusCode)
	}
	if _, list := a.do("GET", "/api/marks", nil); !strings.Contains(list, "audit A") {
		t.Error("A's mark gone after B's delete")
	}
	// Filters.
	if _, l := a.do("GET", "/api/marks?status=not-applicable", nil); strings.TrimSpace(l) != "[]" {
		t.Errorf("status filter: %s", l)
	}
	if _, l := a.do("GET", "/api/marks?owner=alice&due_before=2027-04-01", nil); !strings.Contains(l, "audit A") {
		t.Errorf("owner and due filters: %s", l)
	}
}

func xlsxRows(t *testing.T, b []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("open xlsx: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// The member's home: its competences' items, newest first, and what is
// new since the previous visit; saved searches count what came since.
func TestMemberHomeNewSinceLastVisit(t *testing.T) {
	e := newMemberEnv(t, false)
	a := e.client()
	a.signIn(userA)
	_, body := a.do("POST", "/api/saved", `{"name":"forge","query":"competence=forging","notify":"none"}`)
	_, home := a.do("GET", "/", nil)
	if strings.Count(home, `id="hit-`) != 2 || !strings.Contains(home, "Arrêté 0") || strings.Contains(home, "Arrêté 1") {
		t.Fatalf("first home:\n%s", home)
	}
	if strings.Index(home, "Arrêté 0") > strings.Index(home, "Arrêté 2") {
		t.Error("home not newest first")
	}
	if strings.Contains(home, `class="hit new"`) {
		t.Error("a first visit marks items new")
	}
	// An hour later a new forging item arrives, and one for B.
	time.Sleep(10 * time.Millisecond)
	now := time.Now()
	fresh := []veille.Item{
		{ID: "item-new", Title: "Nouvel arrêté forge", Link: "https://example.org/new", Source: "src", Sources: []string{"src"},
			Lang: "fr", Published: now, FirstSeen: now, Competences: []string{"forging"}},
		{ID: "item-new-b", Title: "Nouvel arrêté surface", Link: "https://example.org/new-b", Source: "src", Sources: []string{"src"},
			Lang: "fr", Published: now, FirstSeen: now, Competences: []string{"surface-treatment"}},
	}
	res, err := e.st.UpsertItems(context.Background(), fresh)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ix.Upsert(context.Background(), res.New, res.MaxSeq); err != nil {
		t.Fatal(err)
	}
	e.clock.advance(time.Hour) // the next visit
	_, home = a.do("GET", "/", nil)
	if strings.Count(home, `class="hit new"`) != 1 || !strings.Contains(home, "1 nouvel élément depuis") && !strings.Contains(home, "1 new items") {
		t.Fatalf("second visit:\n%s", home)
	}
	_, list := a.do("GET", "/api/saved", nil)
	if !strings.Contains(list, `"unread":1`) {
		t.Errorf("saved search unread after a new item: %s (created %s)", list, body)
	}
}

// Profile changes are the member's own, kept over feeds.yaml, and the
// staff see who changed what.
func TestProfileOverConfigAndStaffSeesChanges(t *testing.T) {
	e := newMemberEnv(t, false)
	a, s := e.client(), e.client()
	a.signIn(userA)
	s.signIn(staffer)
	if resp, _ := a.do("POST", "/profile", url.Values{"competences": {"forging", "surface-treatment"}, "lang": {"en"}, "digest": {"daily"}}); resp.StatusCode != 200 {
		t.Fatalf("save profile: %d", resp.StatusCode)
	}
	if resp, _ := a.do("POST", "/profile", url.Values{"competences": {"no-such"}, "lang": {"fr"}, "digest": {"daily"}}); resp.StatusCode != 400 {
		t.Errorf("unknown competence: %d, want 400", resp.StatusCode)
	}
	_, me := a.do("GET", "/api/me", nil)
	if !strings.Contains(me, `"competences":["forging","surface-treatment"]`) || !strings.Contains(me, `"lang":"en"`) {
		t.Fatalf("/api/me after profile change: %s", me)
	}
	_, page := s.do("GET", "/cluster", nil)
	if !strings.Contains(page, "Forge A") || !strings.Contains(page, userA) || !strings.Contains(page, "surface-treatment") {
		t.Fatalf("staff page does not say who changed what:\n%s", page)
	}
	// Cluster counts: anonymised.
	a.do("PUT", "/api/marks/item-0", `{"status":"applies"}`)
	b := e.client()
	b.signIn(userB)
	b.do("PUT", "/api/marks/item-0", `{"status":"applies"}`)
	_, counts := s.do("GET", "/api/items/item-0/cluster", nil)
	if !strings.Contains(counts, `{"status":"applies","marked":2,"of":2}`) || !strings.Contains(counts, `{"status":"applies","competence":"forging","marked":1,"of":1}`) || strings.Contains(counts, "forge-a") {
		t.Fatalf("cluster counts: %s", counts)
	}
}

// "New since your last visit" is when veille first saw an item, not the
// date its publisher gave it: a text dated a month ago and crawled after
// the visit is new; one dated after the visit but seen before it is not.
// The saved searches' unread counts follow the same rule.
func TestHomeNewIsFirstSeenNotPublished(t *testing.T) {
	e := newMemberEnv(t, false)
	a := e.client()
	a.signIn(userA)
	a.do("POST", "/api/saved", `{"name":"forge","query":"competence=forging","notify":"none"}`)
	a.do("GET", "/", nil) // the first visit, at t0
	t0 := e.clock.now()
	items := []veille.Item{
		{ID: "late-crawl", Title: "Arrêté ancien découvert", Link: "https://example.org/late", Source: "src", Sources: []string{"src"},
			Lang: "fr", Published: t0.Add(-30 * 24 * time.Hour), FirstSeen: t0.Add(30 * time.Minute), Competences: []string{"forging"}},
		{ID: "seen-before", Title: "Arrêté daté demain", Link: "https://example.org/early", Source: "src", Sources: []string{"src"},
			Lang: "fr", Published: t0.Add(30 * time.Minute), FirstSeen: t0.Add(-time.Hour), Competences: []string{"forging"}},
	}
	res, err := e.st.UpsertItems(context.Background(), items)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ix.Upsert(context.Background(), res.New, res.MaxSeq); err != nil {
		t.Fatal(err)
	}
	e.clock.advance(time.Hour) // the next visit
	_, home := a.do("GET", "/", nil)
	if !strings.Contains(home, `class="hit new" id="hit-late-crawl"`) || strings.Count(home, `class="hit new"`) != 1 ||
		!strings.Contains(home, `class="hit" id="hit-seen-before"`) || !strings.Contains(home, "1 nouvel élément depuis") {
		t.Fatalf("second visit: want late-crawl alone new, 1 counted:\n%s", home)
	}
	_, list := a.do("GET", "/api/saved", nil)
	if !strings.Contains(list, `"unread":1`) {
		t.Errorf("saved search unread: want 1 (the item first seen since), got %s", list)
	}
	// The visit after: nothing first seen since, nothing new.
	e.clock.advance(time.Hour)
	_, home = a.do("GET", "/", nil)
	if strings.Contains(home, `class="hit new"`) || !strings.Contains(home, "Rien de nouveau depuis") {
		t.Fatalf("third visit: nothing is new:\n%s", home)
	}
}

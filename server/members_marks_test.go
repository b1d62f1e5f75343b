package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A member marks an act on its page, as on an item's; the register lists
// it with the act's reference and date of application, and links to the
// act's page; an act nobody knows cannot be marked.
func TestActMarkInRegister(t *testing.T) {
	e := newMemberEnv(t, false)
	a, s := e.client(), e.client()
	a.signIn(userA)
	s.signIn(staffer)
	const page = "/acts/nor/TREP2612345A"
	_, body := a.do("GET", page, nil)
	if !strings.Contains(body, `action="`+page+`"`) || !strings.Contains(body, `id="mark-save"`) {
		t.Fatalf("the act page has no mark form:\n%s", body)
	}
	resp, _ := a.do("POST", page, url.Values{"status": {"applies"}, "owner": {"Alice"}, "action": {"Former l'équipe"}, "due": {"2027-06-30"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"#mark" {
		t.Fatalf("mark form on an act: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body = a.do("GET", page, nil); !strings.Contains(body, `value="applies" checked`) || !strings.Contains(body, `value="Alice"`) {
		t.Errorf("the act page does not show the member's mark")
	}
	_, reg := a.do("GET", "/register", nil)
	if !strings.Contains(reg, `href="`+page+`"`) || !strings.Contains(reg, "<td>nor TREP2612345A</td>") || !strings.Contains(reg, "<td>2027-07-01</td>") {
		t.Fatalf("the register does not list the act with its reference and date of application:\n%s", reg)
	}
	_, csv := a.do("GET", "/register.csv", nil)
	if !strings.Contains(csv, "nor TREP2612345A,2027-07-01") {
		t.Errorf("register.csv lacks the act's row:\n%s", csv)
	}
	// The API takes the same key; an unknown act is refused.
	if resp, body := a.do("PUT", "/api/marks/act:nor:NOSUCH0000000A", `{"status":"applies"}`); resp.StatusCode != 404 {
		t.Errorf("mark on an unknown act: %d %s, want 404", resp.StatusCode, body)
	}
	if resp, _ := a.do("POST", "/acts/nor/NOSUCH0000000A", url.Values{"status": {"applies"}}); resp.StatusCode != 404 {
		t.Errorf("form mark on an unknown act: %d, want 404", resp.StatusCode)
	}
	// The staff see the act's count on its page, and B nothing of A's.
	if _, body := s.do("GET", page, nil); !strings.Contains(body, "1 sur 2 adhérents") {
		t.Errorf("staff act page lacks the cluster's count:\n%s", body)
	}
	b := e.client()
	b.signIn(userB)
	if _, body := b.do("GET", page, nil); strings.Contains(body, "Alice") || strings.Contains(body, `value="applies" checked`) {
		t.Error("member B sees A's mark on the act")
	}
	// Deleting through the form.
	a.do("POST", page, url.Values{"delete": {"1"}})
	if _, reg := a.do("GET", "/register", nil); strings.Contains(reg, "TREP2612345A") {
		t.Error("the deleted act mark is still in the register")
	}
}

// /cluster counts the marks anonymously, and names a member only once it
// chose to share its name in its profile.
func TestClusterSharesOnlyChosenNames(t *testing.T) {
	e := newMemberEnv(t, false)
	a, b, s := e.client(), e.client(), e.client()
	a.signIn(userA)
	b.signIn(userB)
	s.signIn(staffer)
	a.do("PUT", "/api/marks/item-0", `{"status":"applies"}`)
	b.do("PUT", "/api/marks/item-0", `{"status":"applies"}`)
	marks := func() string {
		_, page := s.do("GET", "/cluster", nil)
		i := strings.Index(page, `class="cluster-marks"`)
		if i < 0 {
			t.Fatalf("no marks on /cluster:\n%s", page)
		}
		return page[i:]
	}
	if m := marks(); !strings.Contains(m, "S&#39;applique : 2 sur 2 adhérents") || strings.Contains(m, "Forge A") || strings.Contains(m, "Surf B") {
		t.Fatalf("before anyone shares, /cluster must count without names:\n%s", m)
	}
	if resp, _ := a.do("POST", "/profile", url.Values{"competences": {"forging"}, "lang": {"fr"}, "digest": {"weekly"}, "share_name": {"1"}}); resp.StatusCode != 200 {
		t.Fatalf("save profile: %d", resp.StatusCode)
	}
	if _, p := a.do("GET", "/profile", nil); !strings.Contains(p, `id="share-name" checked`) {
		t.Error("the profile page does not show the choice to share the name")
	}
	if m := marks(); !strings.Contains(m, "Forge A") || strings.Contains(m, "Surf B") {
		t.Fatalf("after A shares, /cluster must name A and only A:\n%s", m)
	}
	_, api := s.do("GET", "/api/items/item-0/cluster", nil)
	var counts []struct {
		Status, Competence string
		Names              []string
	}
	if err := json.Unmarshal([]byte(api), &counts); err != nil {
		t.Fatal(err)
	}
	for _, c := range counts {
		if c.Competence == "" && (len(c.Names) != 1 || c.Names[0] != "Forge A") {
			t.Errorf("API names %v, want [Forge A]", c.Names)
		}
	}
	// Unsharing hides the name again.
	a.do("POST", "/profile", url.Values{"competences": {"forging"}, "lang": {"fr"}, "digest": {"weekly"}})
	if m := marks(); strings.Contains(m, "Forge A") {
		t.Errorf("A's name stays after A stopped sharing:\n%s", m)
	}
}

// The saved searches page deletes a search and renews its private feed
// URL with POST forms; B can do neither to A's; another site cannot.
func TestSavedDeleteAndRenewForms(t *testing.T) {
	e := newMemberEnv(t, false)
	a, b := e.client(), e.client()
	a.signIn(userA)
	b.signIn(userB)
	var ss savedJSON
	_, body := a.do("POST", "/api/saved", `{"name":"forge suivie","query":"competence=forging","notify":"none"}`)
	if err := json.Unmarshal([]byte(body), &ss); err != nil {
		t.Fatal(err)
	}
	id := itoa(ss.ID)
	_, page := a.do("GET", "/saved", nil)
	if !strings.Contains(page, `action="/saved/`+id+`/feed"`) || !strings.Contains(page, `action="/saved/`+id+`/delete"`) {
		t.Fatalf("the saved page has no renew/delete forms:\n%s", page)
	}
	evil := []string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}
	for _, p := range []string{"/saved/" + id + "/feed", "/saved/" + id + "/delete"} {
		if resp, _ := a.do("POST", p, nil, evil...); resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-origin POST %s: %d, want 403", p, resp.StatusCode)
		}
		if resp, _ := b.do("POST", p, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("B's POST %s on A's search: %d, want 404", p, resp.StatusCode)
		}
	}
	anon := e.client()
	if resp, _ := anon.do("GET", ss.FeedURL, nil); resp.StatusCode != 200 {
		t.Fatalf("the feed URL before renewal: %d", resp.StatusCode)
	}
	resp, page := a.do("POST", "/saved/"+id+"/feed", nil)
	i := strings.Index(page, `id="saved-feed" href="`)
	if resp.StatusCode != 200 || i < 0 {
		t.Fatalf("renew: %d, no new URL shown:\n%s", resp.StatusCode, page)
	}
	fresh := page[i+len(`id="saved-feed" href="`):]
	fresh = fresh[:strings.Index(fresh, `"`)]
	if fresh == ss.FeedURL {
		t.Fatal("renewal kept the same URL")
	}
	if resp, _ := anon.do("GET", ss.FeedURL, nil); resp.StatusCode != 404 {
		t.Errorf("the old feed URL after renewal: %d, want 404", resp.StatusCode)
	}
	if resp, _ := anon.do("GET", fresh, nil); resp.StatusCode != 200 {
		t.Errorf("the new feed URL: %d, want 200", resp.StatusCode)
	}
	if resp, page := a.do("POST", "/saved/"+id+"/delete", nil); resp.StatusCode != 200 || !strings.Contains(page, "forge suivie") || strings.Contains(page, `action="/saved/`+id+`/feed"`) {
		t.Fatalf("delete: %d\n%s", resp.StatusCode, page)
	}
	if _, list := a.do("GET", "/api/saved", nil); list != "[]\n" && list != "[]" {
		t.Errorf("saved searches after delete: %s", list)
	}
	if resp, _ := anon.do("GET", fresh, nil); resp.StatusCode != 404 {
		t.Errorf("the feed of a deleted search: %d, want 404", resp.StatusCode)
	}
}

// With server.public false, calendar apps (which cannot sign in) follow a
// member's private calendar URL; asking again replaces it, and it dies
// with the member's place in feeds.yaml.
func TestPrivateCalendarURL(t *testing.T) {
	e := newMemberEnv(t, false)
	anon := e.client()
	if resp, _ := anon.do("GET", "/calendar.ics", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("anonymous /calendar.ics on a private server: %d, want 303", resp.StatusCode)
	}
	a := e.client()
	a.signIn(userA)
	if _, page := a.do("GET", "/calendar?member=forge-a", nil); !strings.Contains(page, `id="private-ics-new"`) || !strings.Contains(page, `value="member=forge-a&amp;ui=fr"`) {
		t.Fatalf("the calendar page offers no private URL for its filters:\n%s", page)
	}
	private := func() string {
		resp, page := a.do("POST", "/calendar/private", url.Values{"query": {"member=forge-a&ui=fr"}})
		i := strings.Index(page, `id="private-ics" href="`)
		if resp.StatusCode != 200 || i < 0 {
			t.Fatalf("POST /calendar/private: %d\n%s", resp.StatusCode, page)
		}
		u := page[i+len(`id="private-ics" href="`):]
		return strings.ReplaceAll(u[:strings.Index(u, `"`)], "&amp;", "&")
	}
	first := private()
	if !strings.Contains(first, "member=forge-a") {
		t.Errorf("the private URL lost the page's filters: %s", first)
	}
	resp, body := anon.do("GET", first, nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "BEGIN:VCALENDAR") || resp.Header.Get("Cache-Control") != "private, no-cache" {
		t.Fatalf("the private calendar without a session: %d %q %s", resp.StatusCode, resp.Header.Get("Cache-Control"), body)
	}
	second := private()
	if resp, _ := anon.do("GET", first, nil); resp.StatusCode != 404 {
		t.Errorf("the replaced private URL: %d, want 404", resp.StatusCode)
	}
	if resp, _ := anon.do("GET", second, nil); resp.StatusCode != 200 {
		t.Errorf("the new private URL: %d, want 200", resp.StatusCode)
	}
	if resp, _ := anon.do("GET", "/calendar/not-a-token/calendar.ics", nil); resp.StatusCode != 404 {
		t.Errorf("an unknown token: %d, want 404", resp.StatusCode)
	}
	cfg := e.cfg
	cfg.Members = cfg.Members[1:] // forge-a leaves the cluster
	e.start(cfg)
	if resp, _ := anon.do("GET", second, nil); resp.StatusCode != 404 {
		t.Errorf("the private URL of a member that left: %d, want 404", resp.StatusCode)
	}
}

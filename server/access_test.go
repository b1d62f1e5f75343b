package server

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille/digest"
)

// accessRow is what each role must get from one route: anonymous, member
// A, member B, staff; notFor is text that must not be in B's answer (A's
// data), nor in staff's (which member marked what).
type accessRow struct {
	anon, a, b, staff int
	body              any
	notFor            string
}

// accessWant is the authorization table the issue asks for, on a server
// with server.public: false. Every route of Server.Routes must have a row.
var accessWant = map[string]accessRow{
	"GET /{$}":                           {303, 200, 200, 200, nil, ""},
	"GET /items/{id}":                    {303, 200, 200, 200, nil, "audit A"},
	"GET /sources":                       {303, 200, 200, 200, nil, ""},
	"GET /static/{name}":                 {404, 404, 404, 404, nil, ""},
	"GET /robots.txt":                    {200, 200, 200, 200, nil, ""},
	"GET /feed.atom":                     {303, 200, 200, 200, nil, ""},
	"GET /sources.opml":                  {303, 200, 200, 200, nil, ""},
	"GET /healthz":                       {200, 200, 200, 200, nil, ""},
	"GET /metrics":                       {200, 200, 200, 200, nil, ""},
	"GET /api/search":                    {401, 200, 200, 200, nil, ""},
	"GET /api/items/{id}":                {401, 200, 200, 200, nil, ""},
	"GET /api/sources":                   {401, 200, 200, 200, nil, ""},
	"POST /api/crawl":                    {403, 403, 403, 403, nil, ""},
	"POST /api/crawl/{source}":           {403, 403, 403, 403, nil, ""},
	"GET /api/admin/local/{command}":     {403, 403, 403, 403, nil, ""},
	"GET /digests":                       {303, 200, 200, 200, nil, ""},
	"GET /digests/{id}":                  {303, 404, 404, 404, nil, ""},
	"GET /digests/{id}/{period}":         {303, 404, 404, 404, nil, ""},
	"GET /api/deliveries":                {403, 403, 403, 403, nil, ""},
	"GET /signin":                        {200, 200, 200, 200, nil, ""},
	"POST /signin":                       {200, 200, 200, 200, url.Values{"email": {stranger}}, ""},
	"GET /signin/{token}":                {410, 410, 410, 410, nil, ""},
	"POST /signin/{token}":               {410, 410, 410, 410, nil, ""},
	"POST /signout":                      {303, 303, 303, 303, nil, ""},
	"GET /api/me":                        {401, 200, 200, 200, nil, ""},
	"GET /api/marks":                     {401, 200, 200, 403, nil, "audit A"},
	"PUT /api/marks/{item_id}":           {401, 200, 200, 403, `{"status":"to-assess"}`, "audit A"},
	"DELETE /api/marks/{item_id}":        {401, 204, 404, 403, nil, ""},
	"POST /items/{id}/mark":              {401, 303, 303, 403, url.Values{"status": {"applies"}}, ""},
	"GET /register":                      {303, 200, 200, 403, nil, "audit A"},
	"GET /register.csv":                  {303, 200, 200, 403, nil, "audit A"},
	"GET /register.xlsx":                 {303, 200, 200, 403, nil, ""},
	"GET /api/saved":                     {401, 200, 200, 200, nil, "veille A"},
	"POST /api/saved":                    {401, 201, 201, 201, `{"name":"n","query":"q=forge","notify":"daily"}`, ""},
	"DELETE /api/saved/{id}":             {401, 204, 404, 404, nil, ""},
	"POST /api/saved/{id}/feed":          {401, 200, 404, 404, nil, ""},
	"POST /api/saved/{id}/seen":          {401, 204, 404, 404, nil, ""},
	"GET /saved":                         {303, 200, 200, 200, nil, "veille A"},
	"POST /saved":                        {401, 200, 200, 200, url.Values{"name": {"m"}, "query": {"q=forge"}}, ""},
	"POST /saved/{id}/delete":            {401, 200, 404, 404, nil, ""},
	"POST /saved/{id}/feed":              {401, 200, 404, 404, nil, "veille A"},
	"POST /acts/{kind}/{id...}":          {401, 404, 404, 403, url.Values{"status": {"applies"}}, ""},
	"GET /saved/{token}/feed.atom":       {200, 200, 200, 200, nil, ""},
	"GET /profile":                       {303, 200, 200, 403, nil, ""},
	"POST /profile":                      {401, 200, 200, 403, url.Values{"competences": {"forging"}, "lang": {"fr"}, "digest": {"daily"}}, ""},
	"GET /cluster":                       {303, 403, 403, 200, nil, ""},
	"GET /acts/{kind}/{id...}":           {303, 404, 404, 404, nil, ""},
	"GET /api/acts/{kind}/{id...}":       {401, 404, 404, 404, nil, ""},
	"GET /calendar":                      {303, 200, 200, 200, nil, ""},
	"GET /calendar.ics":                  {303, 200, 200, 200, nil, ""},
	"POST /calendar/private":             {401, 400, 400, 400, url.Values{"query": {"since=never"}}, ""}, // a bad query: the token of the next row stays
	"GET /calendar/{token}/calendar.ics": {200, 200, 200, 200, nil, ""},
	"GET /api/items/{id}/cluster":        {401, 403, 403, 200, nil, "forge-a"},
	// The commission's edition of the current week (env-weekly, editorial):
	// staff's GET makes the draft (version 1), the PUT saves version 2, the
	// meeting date version 3, the form version 4; this server has no
	// notifier that sends, so an approval answers 503 once past the guard.
	"GET /api/editions/{digest}/{period}":            {401, 403, 403, 200, nil, ""},
	"PUT /api/editions/{digest}/{period}":            {401, 403, 403, 200, `{"version":1,"intro":"Cette semaine"}`, ""},
	"POST /api/editions/{digest}/{period}/approve":   {401, 403, 403, 503, nil, ""},
	"POST /api/editions/{digest}/{period}/discussed": {401, 403, 403, 200, `{"date":"2026-12-08"}`, ""},
	"GET /editions":                              {303, 200, 200, 200, nil, ""},
	"GET /editions.atom":                         {303, 200, 200, 200, nil, ""},
	"GET /editions/{digest}/{period}":            {303, 404, 404, 200, nil, ""},
	"GET /editions/{digest}/{period}/edit":       {303, 403, 403, 200, nil, ""},
	"POST /editions/{digest}/{period}/edit":      {401, 403, 403, 303, url.Values{"version": {"3"}, "intro": {"Cette semaine"}}, ""},
	"POST /editions/{digest}/{period}/approve":   {401, 403, 403, 503, url.Values{"version": {"4"}}, ""},
	"POST /editions/{digest}/{period}/discussed": {401, 403, 403, 303, url.Values{"date": {"2026-12-08"}}, ""},
}

func TestAccessTable(t *testing.T) {
	e := newMemberEnv(t, false)
	roles := []string{"anonymous", "member A", "member B", "staff"}
	clients := []*mclient{e.client(), e.client(), e.client(), e.client()}
	clients[1].signIn(userA)
	clients[2].signIn(userB)
	clients[3].signIn(staffer)
	a := clients[1]
	for _, item := range []string{"item-0", "item-3"} {
		if resp, body := a.do("PUT", "/api/marks/"+item, `{"status":"applies","note":"audit A"}`); resp.StatusCode != 200 {
			t.Fatalf("setup mark: %d %s", resp.StatusCode, body)
		}
	}
	var saved [4]savedJSON
	for i := range saved {
		_, body := a.do("POST", "/api/saved", `{"name":"veille A","query":"competence=forging","notify":"weekly"}`)
		if err := json.Unmarshal([]byte(body), &saved[i]); err != nil || saved[i].FeedURL == "" {
			t.Fatalf("setup saved search: %v %s", err, body)
		}
	}
	_, calPage := clients[2].do("POST", "/calendar/private", url.Values{"query": {"ui=fr"}})
	calPage = calPage[strings.Index(calPage, `id="private-ics"`):]
	calToken, _, _ := strings.Cut(calPage[strings.Index(calPage, "/calendar/")+len("/calendar/"):], "/")
	feedToken := strings.TrimSuffix(saved[2].FeedURL[strings.Index(saved[2].FeedURL, "/saved/")+len("/saved/"):], "/feed.atom")
	values := map[string]string{"id": "item-0", "item_id": "item-0", "name": "nothing.css", "source": "src",
		"command": "digest", "period": digest.WeekOf(time.Now(), e.cfg.Loc()).Key, "token": "not-a-token", "digest": "env-weekly", "kind": "nor", "id...": "NOSUCH0000000A"}

	routes := e.srv.Routes()
	seen := map[string]bool{}
	var last []route // sign-out ends the sessions: it goes last
	for _, r := range routes {
		if r.Pattern == "POST /signout" {
			last = append(last, r)
			continue
		}
		seen[r.Pattern] = true
	}
	for _, r := range append(routesExcept(routes, "POST /signout"), last...) {
		seen[r.Pattern] = true
		want, ok := accessWant[r.Pattern]
		if !ok {
			t.Errorf("route %q (%s) has no row in the authorization table", r.Pattern, r.Access)
			continue
		}
		method, path, _ := strings.Cut(r.Pattern, " ")
		path = strings.TrimSuffix(path, "{$}")
		for k, v := range values {
			switch {
			case k == "id" && (strings.HasPrefix(path, "/api/saved/") || strings.HasPrefix(path, "/saved/")):
				v = itoa(saved[0].ID)
				if method == "DELETE" {
					v = itoa(saved[1].ID)
				}
				if strings.HasSuffix(path, "/delete") {
					v = itoa(saved[3].ID)
				}
			case k == "item_id" && method == "DELETE":
				v = "item-3"
			case k == "token" && strings.HasPrefix(path, "/saved/"):
				v = feedToken
			case k == "token" && strings.HasPrefix(path, "/calendar/"):
				v = calToken
			case k == "id" && strings.HasPrefix(path, "/digests/"):
				v = "no-such-digest"
			}
			path = strings.ReplaceAll(path, "{"+k+"}", url.PathEscape(v))
		}
		if strings.Contains(path, "{") {
			t.Errorf("route %q: the test does not know how to fill %s", r.Pattern, path)
			continue
		}
		for i, c := range clients {
			wantStatus := []int{want.anon, want.a, want.b, want.staff}[i]
			resp, body := c.do(method, path, want.body)
			if resp.StatusCode != wantStatus {
				t.Errorf("%s %s as %s: %d, want %d", method, path, roles[i], resp.StatusCode, wantStatus)
			}
			if want.notFor != "" && (i == 2 || i == 3) && strings.Contains(body, want.notFor) {
				t.Errorf("%s %s as %s shows %q", method, path, roles[i], want.notFor)
			}
		}
	}
	for p := range accessWant {
		if !seen[p] {
			t.Errorf("the authorization table has a row for %q, which is no route", p)
		}
	}
}

func routesExcept(rs []route, pattern string) []route {
	var out []route
	for _, r := range rs {
		if r.Pattern != pattern {
			out = append(out, r)
		}
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestPublicServerOpensReading: with server.public true (the default),
// anonymous people read and search, and still cannot touch a register.
func TestPublicServerOpensReading(t *testing.T) {
	e := newMemberEnv(t, true)
	c := e.client()
	for path, want := range map[string]int{"/": 200, "/api/search?q=forge": 200, "/items/item-0": 200,
		"/api/marks": 401, "/register": 303, "/cluster": 303} {
		if resp, _ := c.do("GET", path, nil); resp.StatusCode != want {
			t.Errorf("public server, anonymous GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	if resp, _ := c.do("GET", "/register", nil); !strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
		t.Errorf("a page needing sign-in redirects to %q", resp.Header.Get("Location"))
	}
}

// A revoked private feed URL answers 404; the new one works.
func TestSavedFeedRevoked(t *testing.T) {
	e := newMemberEnv(t, false)
	a := e.client()
	a.signIn(userA)
	var s savedJSON
	_, body := a.do("POST", "/api/saved", `{"name":"forge","query":"competence=forging","notify":"none"}`)
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatal(err)
	}
	anon := e.client()
	if resp, feed := anon.do("GET", s.FeedURL, nil); resp.StatusCode != 200 || !strings.Contains(feed, "Arrêté 0") || strings.Contains(feed, "Arrêté 1") {
		t.Fatalf("private feed: %d\n%s", resp.StatusCode, feed)
	}
	_, body = a.do("POST", "/api/saved/"+itoa(s.ID)+"/feed", nil)
	var fresh struct {
		FeedURL string `json:"feed_url"`
	}
	json.Unmarshal([]byte(body), &fresh)
	if resp, _ := anon.do("GET", s.FeedURL, nil); resp.StatusCode != 404 {
		t.Errorf("revoked feed URL: %d, want 404", resp.StatusCode)
	}
	if resp, _ := anon.do("GET", fresh.FeedURL, nil); resp.StatusCode != 200 {
		t.Errorf("new feed URL: %d", resp.StatusCode)
	}
	// Unread: two forging items, none seen yet... published before the
	// search was saved, so none is unread; marking seen keeps it at 0.
	_, list := a.do("GET", "/api/saved", nil)
	if !strings.Contains(list, `"unread":0`) {
		t.Errorf("unread of items older than the saved search: %s", list)
	}
}

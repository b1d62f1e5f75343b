package server

import (
	"html"
	"net/url"
	"regexp"
	"testing"
)

// TestBackToTheSearch: an item opened from page 2 of a filtered search
// links back to that very page, not to the home page; an item opened
// from nowhere links home; a forged search in the item URL is not echoed.
func TestBackToTheSearch(t *testing.T) {
	f := sharedFixture(t)
	hitLink := regexp.MustCompile(`<li class="hit"[^>]*>\s*<h2><a href="([^"]+)"`)
	backLink := regexp.MustCompile(`<a class="back" href="([^"]*)"`)
	search := url.Values{"q": {"santé"}, "lang": {"fr"}, "sort": {"date"}}
	if res := apiSearch(t, f, search); res.Total <= 20 {
		t.Fatalf("the search has %d hits: no page 2 to come back to", res.Total)
	}
	search.Set("offset", "20")
	_, body := get(t, f.ts.URL+"/?"+search.Encode())
	m := hitLink.FindStringSubmatch(string(body))
	if m == nil {
		t.Fatal("no hit on page 2 of the search")
	}
	item := html.UnescapeString(m[1])
	_, body = get(t, f.ts.URL+item)
	b := backLink.FindStringSubmatch(string(body))
	if b == nil {
		t.Fatal("the item page has no back link")
	}
	back, err := url.Parse(html.UnescapeString(b[1]))
	if err != nil {
		t.Fatal(err)
	}
	got := back.Query()
	if back.Path != "/" || got.Get("q") != "santé" || got.Get("lang") != "fr" ||
		got.Get("sort") != "date" || got.Get("offset") != "20" {
		t.Errorf("back link %s, want the search page 2 with its query, filter and sort (item URL %s)", back, item)
	}
	u, _ := url.Parse(item)
	for q, want := range map[string]string{"": "/", "?limit=-5": "/", "?ui=en&q=chrome": "/?q=chrome"} {
		_, body = get(t, f.ts.URL+u.Path+q)
		if b := backLink.FindStringSubmatch(string(body)); b == nil || html.UnescapeString(b[1]) != want {
			t.Errorf("item%s: back link %v, want %s", q, b, want)
		}
	}
}
